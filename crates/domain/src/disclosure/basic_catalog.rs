//! The 基层政务公开标准目录 as data (国办发〔2019〕54号: "目录至少应包括公开事项的名称、内容、依据、
//! 时限、主体、方式、渠道、公开对象等要素"; basic-catalog §1, §3): one entry per 二级事项 with its
//! 一级事项, 公开内容（要素）, 依据, 时限 (read into a rule by [`super::timelimit`]), 主体, the ■/□
//! checklist of 公开渠道和载体, 公开对象, 公开方式 and 公开层级; reading the table from the
//! spreadsheets counties publish (the two-row header and its variants, merged cells, `同上`) with
//! errors by row number, writing it back in the same layout; the difference between a national
//! template and a government's own catalog; and the gap rule — an entry whose information is due
//! and not published is a gap, with the date it fell due.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::category::{Channel, PublicationMode};
use super::timelimit::{self, TimeLimit};
use crate::calendar::{Calendar, CalendarError};

/// The 13 channels of the common 公开渠道和载体 checklist, in the order the templates print them.
pub const STANDARD_CHANNELS: [&str; 13] = [
    "政府网站",
    "政府公报",
    "两微一端",
    "发布会/听证会",
    "广播电视",
    "纸质媒体",
    "公开查阅点",
    "政务服务中心",
    "便民服务站",
    "入户/现场",
    "社区/企事业单位/村公示栏(电子屏)",
    "精准推送",
    "其他",
];

/// One channel of the checklist as written: its label and whether it is ticked (■).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMark {
    pub label: String,
    pub ticked: bool,
}

/// The 公开渠道和载体 cell: the channels in the order written, and whether the cell used ■/□ marks
/// (many catalogs list only the channels used, without marks: "政府网站、政务服务中心").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Channels {
    pub marks: Vec<ChannelMark>,
    pub with_marks: bool,
}

impl Channels {
    /// Reads "■政府网站 □政府公报 …" (also `口` for □, as some catalogs print it) or a plain list
    /// "政府网站、政务服务中心" (every listed channel ticked).
    pub fn parse(cell: &str) -> Channels {
        let cell = cell.trim();
        let is_marker = |c: char| matches!(c, '■' | '□' | '☑' | '☐' | '▪');
        let chars: Vec<char> = cell.chars().collect();
        // `口` (U+53E3) is a mark only where a mark can stand: at the start or after a separator.
        let marker_at = |i: usize| {
            let c = chars[i];
            is_marker(c)
                || (c == '口' && (i == 0 || chars[i - 1].is_whitespace() || matches!(chars[i - 1], '、' | ',' | '，')))
        };
        if !(0..chars.len()).any(marker_at) {
            let marks = cell
                .split(|c: char| matches!(c, '、' | ',' | '，' | ';' | '；') || c.is_whitespace())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| ChannelMark { label: s.to_string(), ticked: true })
                .collect();
            return Channels { marks, with_marks: false };
        }
        let mut marks = vec![];
        let mut i = 0;
        while i < chars.len() {
            if marker_at(i) {
                let ticked = matches!(chars[i], '■' | '☑' | '▪');
                let mut j = i + 1;
                while j < chars.len() && !marker_at(j) {
                    j += 1;
                }
                let label: String = chars[i + 1..j].iter().collect();
                let label = label.trim().trim_end_matches(['、', ',', '，', ';', '；']).trim().to_string();
                if !label.is_empty() {
                    marks.push(ChannelMark { label, ticked });
                }
                i = j;
            } else {
                i += 1;
            }
        }
        Channels { marks, with_marks: true }
    }

    /// The cell as the export writes it.
    pub fn render(&self) -> String {
        if self.with_marks {
            self.marks
                .iter()
                .map(|m| format!("{}{}", if m.ticked { '■' } else { '□' }, m.label))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            self.ticked().collect::<Vec<_>>().join("、")
        }
    }

    pub fn ticked(&self) -> impl Iterator<Item = &str> {
        self.marks.iter().filter(|m| m.ticked).map(|m| m.label.as_str())
    }

    /// A checklist of the 13 standard channels with these ticked (what a clerk builds on a form).
    pub fn standard(ticked: &[&str]) -> Channels {
        Channels {
            marks: STANDARD_CHANNELS
                .iter()
                .map(|l| ChannelMark { label: (*l).to_string(), ticked: ticked.contains(l) })
                .collect(),
            with_marks: true,
        }
    }

    /// The platform's item channels these stand for (the defaults of an item published for the
    /// entry): 政府网站 → website, 两微一端 → 微博 + 微信 + 客户端; the rest → 其他.
    pub fn platform_channels(&self) -> Vec<Channel> {
        let mut out = vec![];
        for l in self.ticked() {
            let add: &[Channel] = if l.contains("两微一端") {
                &[Channel::Weibo, Channel::WeChat, Channel::App]
            } else if l.contains("网站") {
                &[Channel::Website]
            } else if l.contains("微博") {
                &[Channel::Weibo]
            } else if l.contains("微信") {
                &[Channel::WeChat]
            } else if l.contains("客户端") || l.contains("APP") || l.contains("App") {
                &[Channel::App]
            } else {
                &[Channel::Other]
            };
            for c in add {
                if !out.contains(c) {
                    out.push(*c);
                }
            }
        }
        out
    }
}

/// 公开对象.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Audience {
    /// 全社会
    pub general: bool,
    /// 特定群体
    pub specific: bool,
}

/// 公开方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mode {
    /// 主动
    pub active: bool,
    /// 依申请
    pub on_request: bool,
}

impl Mode {
    /// Only on request: such an entry is never a gap.
    pub fn on_request_only(self) -> bool {
        self.on_request && !self.active
    }
    /// The 公开方式 an item published for the entry starts with.
    pub fn item_default(self) -> PublicationMode {
        if self.on_request_only() { PublicationMode::OnRequest } else { PublicationMode::Proactive }
    }
    pub fn label(self) -> &'static str {
        match (self.active, self.on_request) {
            (true, true) => "主动、依申请",
            (true, false) => "主动",
            (false, true) => "依申请",
            (false, false) => "未定",
        }
    }
}

/// One 公开事项 (one 二级事项) of a catalog.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogEntry {
    /// 序号 as written (may repeat over a 一级事项's rows).
    pub seq: String,
    pub level1: String,
    pub level2: String,
    /// 公开内容（要素）
    pub content: String,
    /// 公开依据
    pub basis: String,
    /// 公开时限 as written.
    pub time_limit: String,
    /// The rule read from it, or set by the clerk; None: flagged, the clerk must set it.
    pub rule: Option<TimeLimit>,
    /// 公开主体
    pub subject: String,
    pub channels: Channels,
    pub audience: Audience,
    pub mode: Mode,
    /// 公开层级: one flag per label of the catalog's `level_labels`.
    pub levels: Vec<bool>,
    /// 公开网址 (青浦 adds it per row); empty where the catalog has none.
    pub url: String,
}

impl CatalogEntry {
    /// The entry's name: "最低生活保障 / 审批信息".
    pub fn title(&self) -> String {
        format!("{} / {}", self.level1, self.level2)
    }
    /// Sets the written 时限 and the rule read from it (None where it cannot be read).
    pub fn set_time_limit(&mut self, text: &str) {
        self.time_limit = text.trim().to_string();
        self.rule = timelimit::parse(text).ok();
    }
}

/// A catalog: the 公开层级 sub-column labels its header uses (县级|乡级, 市级|镇(街)级 …; empty
/// when the column is absent) and its entries in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BasicCatalog {
    pub level_labels: Vec<String>,
    pub entries: Vec<CatalogEntry>,
}

/// A problem with one row of an uploaded catalog; `line` is the spreadsheet's own row number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// What reading a spreadsheet gives: the catalog if every row was good, or the bad rows by number
/// (nothing is saved from a file with bad rows). `ignored_columns` are header labels not understood.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Import {
    pub catalog: BasicCatalog,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Col {
    Seq,
    Level1,
    Level2,
    Content,
    Basis,
    TimeLimit,
    Subject,
    Channels,
    General,
    Specific,
    Active,
    OnRequest,
    Level(usize),
    Url,
    Ignored,
}

/// Header text for matching: whitespace removed, full-width brackets made half-width.
fn norm(s: &str) -> String {
    timelimit::normalize(s)
}

const SUB_LABELS: [&str; 8] = ["一级事项", "二级事项", "一级指标", "二级指标", "全社会", "主动", "依申请", "特定"];

/// Reads a catalog from a sheet's rows as (line number, cells), merged cells already carrying
/// their anchor's text (the workbook reader fills them; a CSV has them empty, which the 一级事项
/// column takes from the row above). Errors name the header or the row.
pub fn import(grid: &[(usize, Vec<String>)]) -> Result<Import, String> {
    let header_at = grid
        .iter()
        .position(|(_, cells)| cells.iter().any(|c| norm(c).starts_with("公开时限")))
        .ok_or("没有找到表头：表头应含“公开事项”“公开时限”“公开方式”等栏目（可为两行表头）")?;
    let top = &grid[header_at].1;
    let sub_row = grid
        .get(header_at + 1)
        .filter(|(_, cells)| cells.iter().any(|c| SUB_LABELS.iter().any(|l| norm(c).contains(l))));
    let empty = vec![];
    let sub = sub_row.map(|(_, c)| c).unwrap_or(&empty);
    let width = top.len().max(sub.len());
    let mut cols = vec![];
    let mut level_labels = vec![];
    let mut ignored = vec![];
    let mut last_top = String::new();
    for c in 0..width {
        let t = norm(top.get(c).map(String::as_str).unwrap_or(""));
        let s = norm(sub.get(c).map(String::as_str).unwrap_or(""));
        // A header cell merged across sub-columns is empty in a CSV: it continues the one on its left.
        let t = if t.is_empty() && !s.is_empty() { last_top.clone() } else { t };
        last_top = t.clone();
        let col = if t.starts_with("序号") {
            Col::Seq
        } else if t.starts_with("公开事项") || t.starts_with("一级") || t.starts_with("二级") {
            let label = if s.is_empty() { t.clone() } else { s.clone() };
            if label.starts_with("一级") {
                Col::Level1
            } else if label.starts_with("二级") || label == "公开事项" {
                Col::Level2
            } else {
                Col::Ignored
            }
        } else if t.starts_with("公开内容") {
            Col::Content
        } else if t.starts_with("公开依据") {
            Col::Basis
        } else if t.starts_with("公开时限") {
            Col::TimeLimit
        } else if t.starts_with("公开主体") {
            Col::Subject
        } else if t.starts_with("公开渠道") || t.starts_with("公开载体") {
            Col::Channels
        } else if t.starts_with("公开网址") {
            Col::Url
        } else if t.starts_with("公开对象") && s.contains("特定") {
            Col::Specific
        } else if t.starts_with("公开对象") && s.contains("社会") {
            Col::General
        } else if t.starts_with("公开方式") && s.contains("申请") {
            Col::OnRequest
        } else if t.starts_with("公开方式") && s.contains("主动") {
            Col::Active
        } else if t.starts_with("公开层级") && !s.is_empty() {
            level_labels.push(s.clone());
            Col::Level(level_labels.len() - 1)
        } else {
            Col::Ignored
        };
        if col == Col::Ignored && !(t.is_empty() && s.is_empty()) {
            ignored.push(if s.is_empty() { t } else { format!("{t}·{s}") });
        }
        cols.push(col);
    }
    let has = |k: &Col| cols.contains(k);
    let mut missing = vec![];
    for (k, name) in [
        (Col::Level2, "二级事项"),
        (Col::TimeLimit, "公开时限"),
        (Col::General, "公开对象·全社会"),
        (Col::Active, "公开方式·主动"),
        (Col::OnRequest, "公开方式·依申请"),
    ] {
        if !has(&k) {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        return Err(format!("表头缺少栏目：{}（第{}行起的表头）", missing.join("、"), grid[header_at].0));
    }
    let first_data = header_at + if sub_row.is_some() { 2 } else { 1 };
    let mut out =
        Import { catalog: BasicCatalog { level_labels: level_labels.clone(), entries: vec![] }, ..Default::default() };
    out.ignored_columns = ignored;
    let mut prev: Option<Vec<String>> = None;
    for (line, cells) in &grid[first_data.min(grid.len())..] {
        let line = *line;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Resolve 同上 from the row above, cell by cell.
        let mut resolved: Vec<String> = vec![];
        let mut row_errors: Vec<String> = vec![];
        for c in 0..cols.len() {
            let raw = cells.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
            let v = if norm(&raw) == "同上" {
                match prev.as_ref().and_then(|p| p.get(c)) {
                    Some(above) => above.clone(),
                    None => {
                        row_errors.push("第一行数据不能写“同上”".into());
                        String::new()
                    }
                }
            } else {
                raw
            };
            resolved.push(v);
        }
        // A merged 一级事项 cell, flattened to empty below its first row, takes the row above.
        if let Some(i) = cols.iter().position(|c| *c == Col::Level1)
            && resolved[i].is_empty()
        {
            match prev.as_ref().and_then(|p| p.get(i)) {
                Some(above) if !above.is_empty() => resolved[i] = above.clone(),
                _ => row_errors.push("缺少一级事项".into()),
            }
        }
        let get = |k: &Col| cols.iter().position(|c| c == k).map(|i| resolved[i].clone()).unwrap_or_default();
        let mut e = CatalogEntry { seq: get(&Col::Seq), level1: get(&Col::Level1), ..Default::default() };
        e.level2 = get(&Col::Level2);
        if e.level2.is_empty() {
            row_errors.push("缺少二级事项（公开事项名称）".into());
        }
        if !has(&Col::Level1) {
            e.level1 = e.level2.clone();
        }
        e.content = get(&Col::Content);
        e.basis = get(&Col::Basis);
        let tl = get(&Col::TimeLimit);
        if tl.is_empty() {
            row_errors.push("缺少公开时限".into());
        }
        e.set_time_limit(&tl);
        e.subject = get(&Col::Subject);
        e.channels = Channels::parse(&get(&Col::Channels));
        e.url = get(&Col::Url);
        let mut tick = |k: &Col, name: &str| -> bool {
            let v = norm(&get(k));
            match v.as_str() {
                "" => false,
                "√" | "✓" | "✔" | "☑" | "■" | "●" | "是" | "v" | "V" | "Y" | "y" => true,
                other => {
                    row_errors.push(format!("“{name}”一栏应为√或空白，实为“{other}”"));
                    false
                }
            }
        };
        e.audience =
            Audience { general: tick(&Col::General, "全社会"), specific: tick(&Col::Specific, "特定群体") };
        e.mode = Mode { active: tick(&Col::Active, "主动"), on_request: tick(&Col::OnRequest, "依申请") };
        e.levels = (0..level_labels.len()).map(|i| tick(&Col::Level(i), &level_labels[i])).collect();
        if !e.audience.general && !e.audience.specific {
            row_errors.push("公开对象未勾选（全社会或特定群体）".into());
        }
        if !e.mode.active && !e.mode.on_request {
            row_errors.push("公开方式未勾选（主动或依申请）".into());
        }
        for m in row_errors {
            out.errors.push(RowError { line, message: format!("第{line}行：{m}") });
        }
        prev = Some(resolved);
        out.catalog.entries.push(e);
    }
    if out.catalog.entries.is_empty() && out.errors.is_empty() {
        return Err("表头下面没有公开事项".into());
    }
    Ok(out)
}

/// A merged range of the export (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u16,
    pub last_row: u32,
    pub last_col: u16,
}

/// The catalog laid out as published: the two-row header, one row per entry, the merges (header
/// groups; the 一级事项 cell over its rows). Every cell carries its text; a writer that merges
/// shows the anchor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub rows: Vec<Vec<String>>,
    pub merges: Vec<Merge>,
}

/// Lays a catalog out for export (.xlsx with merges, or CSV).
pub fn export(cat: &BasicCatalog) -> Table {
    let with_url = cat.entries.iter().any(|e| !e.url.is_empty());
    let mut top: Vec<String> = vec![];
    let mut sub: Vec<String> = vec![];
    let mut merges = vec![];
    let mut push = |top: &mut Vec<String>, sub: &mut Vec<String>, t: &str, subs: &[&str]| {
        let c = top.len() as u16;
        if subs.is_empty() {
            top.push(t.into());
            sub.push(String::new());
            merges.push(Merge { first_row: 0, first_col: c, last_row: 1, last_col: c });
        } else {
            for (i, s) in subs.iter().enumerate() {
                top.push(if i == 0 { t.into() } else { String::new() });
                sub.push((*s).into());
            }
            if subs.len() > 1 {
                merges.push(Merge { first_row: 0, first_col: c, last_row: 0, last_col: c + subs.len() as u16 - 1 });
            }
        }
    };
    push(&mut top, &mut sub, "序号", &[]);
    push(&mut top, &mut sub, "公开事项", &["一级事项", "二级事项"]);
    for t in ["公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体"] {
        push(&mut top, &mut sub, t, &[]);
    }
    push(&mut top, &mut sub, "公开对象", &["全社会", "特定群体"]);
    push(&mut top, &mut sub, "公开方式", &["主动", "依申请"]);
    let labels: Vec<&str> = cat.level_labels.iter().map(String::as_str).collect();
    if !labels.is_empty() {
        push(&mut top, &mut sub, "公开层级", &labels);
    }
    if with_url {
        push(&mut top, &mut sub, "公开网址", &[]);
    }
    // A single sub-column would otherwise show as a one-cell group: its top cell stays as is.
    let tick = |b: bool| if b { "√".to_string() } else { String::new() };
    let mut rows = vec![top, sub];
    for e in &cat.entries {
        let mut r = vec![
            e.seq.clone(),
            e.level1.clone(),
            e.level2.clone(),
            e.content.clone(),
            e.basis.clone(),
            e.time_limit.clone(),
            e.subject.clone(),
            e.channels.render(),
            tick(e.audience.general),
            tick(e.audience.specific),
            tick(e.mode.active),
            tick(e.mode.on_request),
        ];
        r.extend(e.levels.iter().map(|&b| tick(b)));
        if with_url {
            r.push(e.url.clone());
        }
        rows.push(r);
    }
    // The 一级事项 cell merged over its consecutive rows.
    let mut i = 0;
    while i < cat.entries.len() {
        let mut j = i;
        while j + 1 < cat.entries.len() && cat.entries[j + 1].level1 == cat.entries[i].level1 {
            j += 1;
        }
        if j > i {
            merges.push(Merge { first_row: (i + 2) as u32, first_col: 1, last_row: (j + 2) as u32, last_col: 1 });
        }
        i = j + 1;
    }
    Table { rows, merges }
}

/// The table as CSV (UTF-8 with a BOM so that Excel opens it as such); merged cells repeat.
pub fn to_csv(t: &Table) -> String {
    let mut out = String::from('\u{feff}');
    for r in &t.rows {
        let line: Vec<String> =
            r.iter()
                .map(|c| {
                    if c.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// How a government's catalog differs from the national template it was derived from, entry by
/// entry (matched by 一级事项 + 二级事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Difference {
    /// In the government's catalog, not in the template.
    Added(String),
    /// In the template, not in the government's catalog.
    Removed(String),
    /// In both, with these elements worded differently.
    Reworded { entry: String, fields: Vec<&'static str> },
}

pub fn differences(template: &BasicCatalog, own: &BasicCatalog) -> Vec<Difference> {
    let key = |e: &CatalogEntry| (norm(&e.level1), norm(&e.level2));
    let mut out = vec![];
    for e in &own.entries {
        match template.entries.iter().find(|t| key(t) == key(e)) {
            None => out.push(Difference::Added(e.title())),
            Some(t) => {
                let mut fields = vec![];
                let pairs: [(&'static str, &str, &str); 5] = [
                    ("公开内容", &t.content, &e.content),
                    ("公开依据", &t.basis, &e.basis),
                    ("公开时限", &t.time_limit, &e.time_limit),
                    ("公开主体", &t.subject, &e.subject),
                    ("公开渠道和载体", &t.channels.render(), &e.channels.render()),
                ];
                for (name, a, b) in pairs {
                    if norm(a) != norm(b) {
                        fields.push(name);
                    }
                }
                if t.audience != e.audience {
                    fields.push("公开对象");
                }
                if t.mode != e.mode {
                    fields.push("公开方式");
                }
                if !fields.is_empty() {
                    out.push(Difference::Reworded { entry: e.title(), fields });
                }
            }
        }
    }
    for t in &template.entries {
        if !own.entries.iter().any(|e| key(e) == key(t)) {
            out.push(Difference::Removed(t.title()));
        }
    }
    out
}

/// Where an entry stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Standing {
    /// 依申请 only: nothing to publish by a date, never a gap.
    OnRequestOnly,
    /// The 时限 could not be read and no rule is set yet.
    RuleNotSet,
    /// The rule sets no date (长期, 及时, 按程序).
    NoDeadline,
    /// Not published, not due yet.
    NotDue {
        due: NaiveDate,
    },
    OnTime {
        due: NaiveDate,
        published: NaiveDate,
    },
    Late {
        due: NaiveDate,
        published: NaiveDate,
    },
    /// Due and not published by the date asked about.
    Gap {
        due: NaiveDate,
    },
    /// Published, the rule sets no date.
    Published {
        published: NaiveDate,
    },
}

impl Standing {
    pub fn label(&self) -> String {
        match self {
            Standing::OnRequestOnly => "依申请公开，不计缺项".into(),
            Standing::RuleNotSet => "公开时限待设定".into(),
            Standing::NoDeadline => "无期限".into(),
            Standing::NotDue { due } => format!("未到期（{due}前公开）"),
            Standing::OnTime { published, .. } => format!("按时公开（{published}）"),
            Standing::Late { due, published } => format!("逾期公开（应于{due}前，实为{published}）"),
            Standing::Gap { due } => format!("缺项：应于{due}前公开，未公开"),
            Standing::Published { published } => format!("已公开（{published}）"),
        }
    }
    pub fn is_gap(&self) -> bool {
        matches!(self, Standing::Gap { .. })
    }
}

/// Where `entry` stands on `as_of`, its information having formed (or its period begun) on
/// `event`, the items published for it having appeared first on `first_published` (None: none).
/// A gap is an entry due before `as_of` with nothing published by `as_of`.
pub fn assess(
    entry: &CatalogEntry,
    event: NaiveDate,
    first_published: Option<NaiveDate>,
    as_of: NaiveDate,
    cal: &Calendar,
) -> Result<Standing, CalendarError> {
    if entry.mode.on_request_only() {
        return Ok(Standing::OnRequestOnly);
    }
    let Some(rule) = &entry.rule else { return Ok(Standing::RuleNotSet) };
    let published = first_published.filter(|p| *p <= as_of);
    let Some(due) = rule.due(event, cal)? else {
        return Ok(match published {
            Some(published) => Standing::Published { published },
            None => Standing::NoDeadline,
        });
    };
    Ok(match published {
        Some(p) if p <= due => Standing::OnTime { due, published: p },
        Some(p) => Standing::Late { due, published: p },
        None if due < as_of => Standing::Gap { due },
        None => Standing::NotDue { due },
    })
}

/// The item's title words most like an entry's: the index of the entry whose 二级事项 (then
/// 一级事项, then 公开内容 words) best match the title; None when nothing matches.
pub fn suggest_entry(cat: &BasicCatalog, title: &str) -> Option<usize> {
    let t = norm(title);
    let score = |e: &CatalogEntry| -> usize {
        let mut s = 0;
        let l2 = norm(&e.level2);
        let l1 = norm(&e.level1);
        if !l2.is_empty() && t.contains(&l2) {
            s += 10 + l2.chars().count();
        }
        if !l1.is_empty() && t.contains(&l1) {
            s += 5 + l1.chars().count();
        }
        // Two-character pieces of the 二级事项 that appear in the title ("审批信息" → "审批").
        let chars: Vec<char> = l2.chars().collect();
        for w in chars.windows(2) {
            let piece: String = w.iter().collect();
            if t.contains(&piece) {
                s += 2;
            }
        }
        for w in norm(&e.content).split(['、', ',', '●', ';', ' ']).filter(|w| w.chars().count() >= 2) {
            if t.contains(w) {
                s += 3;
            }
        }
        s
    };
    cat.entries
        .iter()
        .enumerate()
        .map(|(i, e)| (score(e), i))
        .filter(|(s, _)| *s >= 4)
        .max_by_key(|(s, i)| (*s, std::cmp::Reverse(*i)))
        .map(|(_, i)| i)
}

/// A piece of an entry's 公开依据: plain text, or a document it names in 《》 (with the key the
/// document is matched on, `document_key`), so the platform can link the law or policy it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasisPart {
    pub text: String,
    pub document: Option<String>,
}

/// The 公开依据 cut into text and the documents it names: 「《社会救助暂行办法》及相关规定」 is the
/// document 社会救助暂行办法 then 「及相关规定」. A 《 without its 》 stays text.
pub fn basis_parts(basis: &str) -> Vec<BasisPart> {
    let mut out = Vec::new();
    let mut rest = basis;
    while let Some(open) = rest.find('《') {
        let after = &rest[open + '《'.len_utf8()..];
        let Some(close) = after.find('》') else { break };
        if open > 0 {
            out.push(BasisPart { text: rest[..open].to_string(), document: None });
        }
        let name = &after[..close];
        out.push(BasisPart {
            text: format!("《{name}》"),
            document: Some(document_key(name)).filter(|k| !k.is_empty()),
        });
        rest = &after[close + '》'.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push(BasisPart { text: rest.to_string(), document: None });
    }
    out
}

/// The name a law or policy goes by, for matching a 依据 to a published item's title: 《》,
/// spaces and a leading 中华人民共和国 dropped, and 《信息公开条例》 — as catalogs shorten it —
/// read as the 政府信息公开条例.
pub fn document_key(name: &str) -> String {
    let compact: String = name.chars().filter(|c| !c.is_whitespace() && !matches!(c, '《' | '》')).collect();
    let key = compact.strip_prefix("中华人民共和国").unwrap_or(&compact);
    if key == "信息公开条例" { "政府信息公开条例".to_string() } else { key.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Vec<(usize, Vec<String>)> {
        rows.iter().enumerate().map(|(i, r)| (i + 1, r.iter().map(|s| s.to_string()).collect())).collect()
    }

    const TOP: &[&str] = &[
        "序号",
        "公开事项",
        "",
        "公开内容(要素)",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
        "",
        "公开方式",
        "",
        "公开层级",
        "",
    ];
    const SUB: &[&str] = &[
        "",
        "一级事项",
        "二级事项",
        "",
        "",
        "",
        "",
        "",
        "全社会",
        "特定群众",
        "主动",
        "依申请公开",
        "县级",
        "镇、村级",
    ];

    #[test]
    fn a_csv_catalog_with_flattened_merges_and_tong_shang_is_read() {
        let g = grid(&[
            &["泽州县社会救助领域基层政务公开标准目录"],
            TOP,
            SUB,
            &[
                "1",
                "综合业务",
                "政策法规文件",
                "《社会救助暂行办法》 各地配套政策法规文件",
                "《信息公开条例》及相关规定",
                "制定或获取信息之日起10个工作日内",
                "县民政局、乡镇政府(街道办事处)",
                "■政府网站 □政府公报 口两微一端",
                "√",
                "",
                "√",
                "",
                "√",
                "√",
            ],
            &[
                "2",
                "",
                "监督检查",
                "社会救助信访通讯地址",
                "同上",
                "同上",
                "同上",
                "■政府网站",
                "√",
                "",
                "√",
                "",
                "√",
                "",
            ],
            &["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
            &[
                "5",
                "最低生活保障",
                "审核信息",
                "初审对象名单及相关信息",
                "《实施细则》",
                "制定或获取信息之日起10个工作日内,公示7个工作日",
                "乡镇政府(街道办事处)",
                "政府网站、政务服务中心",
                "√",
                "",
                "√",
                "",
                "",
                "√",
            ],
        ]);
        let imp = import(&g).unwrap();
        assert_eq!(imp.errors, vec![]);
        let c = &imp.catalog;
        assert_eq!(c.level_labels, ["县级", "镇、村级"]);
        assert_eq!(c.entries.len(), 3);
        assert_eq!(c.entries[1].level1, "综合业务", "merged 一级事项 taken from above");
        assert_eq!(c.entries[1].basis, "《信息公开条例》及相关规定", "同上 resolved");
        assert_eq!(c.entries[1].time_limit, "制定或获取信息之日起10个工作日内");
        assert!(c.entries[1].rule.is_some());
        assert_eq!(c.entries[0].channels.render(), "■政府网站 □政府公报 □两微一端");
        assert_eq!(c.entries[2].channels.render(), "政府网站、政务服务中心");
        assert_eq!(c.entries[2].levels, [false, true]);
        assert_eq!(c.entries[2].rule.as_ref().unwrap().parts[0].display.unwrap().count, 7);
    }

    #[test]
    fn bad_rows_are_reported_by_their_number_and_header_problems_by_name() {
        let g = grid(&[
            TOP,
            SUB,
            &["1", "综合业务", "政策法规文件", "x", "y", "同上", "z", "■政府网站", "√", "", "√", "", "√", ""],
            &["2", "", "", "x", "y", "长期", "z", "", "√", "", "", "", "", ""],
            &["3", "", "办事指南", "x", "y", "尽快", "z", "", "对", "", "√", "", "", ""],
        ]);
        let imp = import(&g).unwrap();
        let msgs: Vec<&str> = imp.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "第3行：第一行数据不能写“同上”",
                "第3行：缺少公开时限",
                "第4行：缺少二级事项（公开事项名称）",
                "第4行：公开方式未勾选（主动或依申请）",
                "第5行：“全社会”一栏应为√或空白，实为“对”",
                "第5行：公开对象未勾选（全社会或特定群体）",
            ]
        );
        assert!(imp.catalog.entries[2].rule.is_none(), "尽快 is flagged, not an error");
        let err = import(&grid(&[&["序号", "公开事项", "公开时限"], &["1", "a", "长期"]])).unwrap_err();
        assert!(err.contains("公开对象·全社会") && err.contains("公开方式·主动"), "{err}");
        assert!(import(&grid(&[&["姓名", "金额"]])).unwrap_err().contains("没有找到表头"));
    }

    fn entry(l1: &str, l2: &str, tl: &str, active: bool, on_request: bool) -> CatalogEntry {
        let mut e = CatalogEntry {
            level1: l1.into(),
            level2: l2.into(),
            audience: Audience { general: true, specific: false },
            mode: Mode { active, on_request },
            channels: Channels::standard(&["政府网站"]),
            ..Default::default()
        };
        e.set_time_limit(tl);
        e
    }

    #[test]
    fn the_gap_rule() {
        let cal = Calendar::builtin();
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let e = entry("最低生活保障", "审批信息", "制定或获取信息之日起10个工作日内", true, false);
        let due = cal.add_working_days(d(3, 3), 10).unwrap();
        assert_eq!(due, d(3, 17));
        assert_eq!(assess(&e, d(3, 3), None, d(3, 17), &cal).unwrap(), Standing::NotDue { due });
        assert_eq!(assess(&e, d(3, 3), None, d(3, 18), &cal).unwrap(), Standing::Gap { due });
        assert_eq!(
            assess(&e, d(3, 3), Some(d(3, 17)), d(4, 1), &cal).unwrap(),
            Standing::OnTime { due, published: d(3, 17) }
        );
        assert_eq!(
            assess(&e, d(3, 3), Some(d(3, 20)), d(4, 1), &cal).unwrap(),
            Standing::Late { due, published: d(3, 20) }
        );
        assert_eq!(
            assess(&e, d(3, 3), Some(d(4, 2)), d(4, 1), &cal).unwrap(),
            Standing::Gap { due },
            "published after the date asked about"
        );
        let only = entry("x", "y", "制定或获取信息之日起10个工作日内", false, true);
        assert_eq!(assess(&only, d(3, 3), None, d(12, 1), &cal).unwrap(), Standing::OnRequestOnly);
        let both = entry("x", "y", "制定或获取信息之日起10个工作日内", true, true);
        assert!(assess(&both, d(3, 3), None, d(12, 1), &cal).unwrap().is_gap());
        let flagged = entry("x", "y", "尽快", true, false);
        assert_eq!(assess(&flagged, d(3, 3), None, d(12, 1), &cal).unwrap(), Standing::RuleNotSet);
        let standing = entry("x", "y", "长期", true, false);
        assert_eq!(assess(&standing, d(3, 3), None, d(12, 1), &cal).unwrap(), Standing::NoDeadline);
    }

    #[test]
    fn differences_from_the_template_are_visible() {
        let t = BasicCatalog {
            level_labels: vec![],
            entries: vec![
                entry("综合业务", "政策法规文件", "制定或获取信息之日起10个工作日内", true, false),
                entry("综合业务", "监督检查", "制定或获取信息之日起10个工作日内", true, false),
            ],
        };
        let mut own = t.clone();
        own.entries[0].subject = "汝州市民政局".into();
        own.entries.remove(1);
        own.entries.push(entry("临时救助", "审核审批信息", "长期", true, false));
        assert_eq!(
            differences(&t, &own),
            [
                Difference::Reworded {
                    entry: "综合业务 / 政策法规文件".into(), fields: vec!["公开主体"]
                },
                Difference::Added("临时救助 / 审核审批信息".into()),
                Difference::Removed("综合业务 / 监督检查".into()),
            ]
        );
    }

    #[test]
    fn an_item_title_suggests_its_entry_and_takes_its_defaults() {
        let c = BasicCatalog {
            level_labels: vec![],
            entries: vec![
                entry("最低生活保障", "办事指南", "长期", true, false),
                entry("最低生活保障", "审批信息", "长期", true, false),
                entry("临时救助", "审核审批信息", "长期", false, true),
            ],
        };
        assert_eq!(suggest_entry(&c, "2025年10月城乡低保审批信息公示"), Some(1));
        assert_eq!(suggest_entry(&c, "最低生活保障办事指南"), Some(0));
        assert_eq!(suggest_entry(&c, "关于召开年度工作会议的通知"), None);
        assert_eq!(c.entries[2].mode.item_default(), PublicationMode::OnRequest);
        let ch = Channels::parse("■政府网站 □政府公报 ■两微一端 ■政务服务中心");
        assert_eq!(
            ch.platform_channels(),
            [Channel::Website, Channel::Weibo, Channel::WeChat, Channel::App, Channel::Other]
        );
    }

    #[test]
    fn channel_cells_as_published() {
        let c = Channels::parse("■政府网站 □政府公报 □两微一端 □发布会/听证会 □社区/企事业单位/村公示栏(电子屏) □其他");
        assert_eq!(c.marks.len(), 6);
        assert_eq!(c.marks[4].label, "社区/企事业单位/村公示栏(电子屏)");
        let c = Channels::parse("■其他_部门网站_ 口入户/现场宣传 口情准推送");
        assert_eq!(c.ticked().collect::<Vec<_>>(), ["其他_部门网站_"]);
        assert_eq!(c.marks.len(), 3);
        let c = Channels::parse("政府网站,公开查阅点,政务服务中心");
        assert_eq!(c.ticked().count(), 3);
        // 口 inside a word is not a mark.
        let c = Channels::parse("■政府网站 ■服务窗口");
        assert_eq!(c.ticked().collect::<Vec<_>>(), ["政府网站", "服务窗口"]);
    }

    #[test]
    fn csv_export_reads_back_as_the_same_catalog() {
        let g = grid(&[
            TOP,
            SUB,
            &[
                "1",
                "综合业务",
                "政策法规文件",
                "a,b \"c\"",
                "y",
                "制定或获取信息之日起10个工作日内",
                "z",
                "■政府网站 □政府公报",
                "√",
                "",
                "√",
                "",
                "√",
                "√",
            ],
            &["2", "", "监督检查", "x\n两行", "同上", "长期", "z", "政府网站", "", "√", "", "√", "", "√"],
        ]);
        let first = import(&g).unwrap();
        assert_eq!(first.errors, vec![]);
        let csv = to_csv(&export(&first.catalog));
        let back = import(&crate::sheet::parse_csv(csv.trim_start_matches('\u{feff}'))).unwrap();
        assert_eq!(back.errors, vec![]);
        assert_eq!(back.catalog, first.catalog);
    }

    /// Writes a table to .xlsx the way a county's catalog looks: a title row, the two-row header
    /// with its merged groups, merged 一级事项 cells (text only in the first row), `同上` cells.
    fn xlsx(rows: &[Vec<&str>], merges: &[(u32, u16, u32, u16)]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let fmt = rust_xlsxwriter::Format::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        for &(r1, c1, r2, c2) in merges {
            let anchor = rows[r1 as usize].get(c1 as usize).copied().unwrap_or("");
            ws.merge_range(r1, c1, r2, c2, anchor, &fmt).unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    fn export_xlsx(t: &Table) -> Vec<u8> {
        let rows: Vec<Vec<&str>> = t.rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let merges: Vec<(u32, u16, u32, u16)> =
            t.merges.iter().map(|m| (m.first_row, m.first_col, m.last_row, m.last_col)).collect();
        xlsx(&rows, &merges)
    }

    #[test]
    fn a_real_layout_workbook_imported_then_exported_gives_the_same_table() {
        let top: Vec<&str> = vec![
            "序号",
            "公开事项",
            "",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体（“■”表示必选项，“□”表示可选项）",
            "公开对象",
            "",
            "公开方式",
            "",
            "公开层级",
            "",
        ];
        let sub: Vec<&str> = vec![
            "",
            "一级事项",
            "二级事项",
            "",
            "",
            "",
            "",
            "",
            "全社会",
            "特定群体",
            "主动",
            "依申请",
            "县级",
            "乡级",
        ];
        let ch = "■政府网站 □政府公报 □两微一端 □发布会/听证会 □广播电视 □纸质媒体 ■公开查阅点 ■政务服务中心 □便民服务站 □入户/现场 □社区/企事业单位/村公示栏(电子屏) □精准推送 □其他";
        let rows: Vec<Vec<&str>> = vec![
            vec!["汝州市社会救助领域基层政务公开标准目录"],
            top,
            sub,
            vec![
                "1",
                "临时救助",
                "政策法规文件",
                "●《国务院关于全面建立临时救助制度的通知》",
                "信息公开规定",
                "制定或获取信息之日起10个工作日内",
                "县级人民政府民政部门、乡镇人民政府(街道办事处)",
                ch,
                "√",
                "",
                "√",
                "",
                "√",
                "√",
            ],
            vec!["2", "", "办事指南", "●办理事项 ●办理条件", "同上", "", "", ch, "√", "", "√", "", "√", "√"],
            vec![
                "3",
                "",
                "审核审批信息",
                "●支出型临时救助对象名单",
                "同上",
                "",
                "",
                "■政府网站",
                "",
                "√",
                "√",
                "√",
                "",
                "√",
            ],
            vec![
                "4",
                "最低生活保障",
                "审核信息",
                "初审对象名单及相关信息",
                "《实施细则》",
                "制定或获取信息之日起10个工作日内,公示7个工作日",
                "乡镇政府(街道办事处)",
                "同上",
                "√",
                "",
                "√",
                "",
                "",
                "√",
            ],
        ];
        // Title over the width; header groups; 序号… over two header rows; 一级事项, 时限 and 主体 merged down.
        let mut merges = vec![(0, 0, 0, 13), (1, 1, 1, 2), (1, 8, 1, 9), (1, 10, 1, 11), (1, 12, 1, 13)];
        for c in [0u16, 3, 4, 5, 6, 7] {
            merges.push((1, c, 2, c));
        }
        merges.extend([(3, 1, 5, 1), (3, 5, 5, 5), (3, 6, 5, 6)]);
        let bytes = xlsx(&rows, &merges);
        let grid = crate::sheet::read_grid("目录.xlsx", &bytes).unwrap();
        let first = import(&grid).unwrap();
        assert_eq!(first.errors, vec![]);
        let c = &first.catalog;
        assert_eq!(c.entries.len(), 4);
        assert_eq!(c.entries[2].level1, "临时救助", "merged 一级事项");
        assert_eq!(c.entries[2].time_limit, "制定或获取信息之日起10个工作日内", "merged 时限");
        assert_eq!(c.entries[1].basis, "信息公开规定", "同上");
        assert_eq!(c.entries[3].channels.render(), "■政府网站", "同上 in the channel column");
        assert_eq!(c.entries[2].mode, Mode { active: true, on_request: true });
        assert_eq!(c.entries[2].audience, Audience { general: false, specific: true });
        assert_eq!(c.entries[0].channels.ticked().collect::<Vec<_>>(), ["政府网站", "公开查阅点", "政务服务中心"]);
        assert_eq!(c.level_labels, ["县级", "乡级"]);

        // Exported (with its merges) and read again: the same table.
        let table = export(c);
        assert!(table.merges.contains(&Merge { first_row: 2, first_col: 1, last_row: 4, last_col: 1 }));
        let again = import(&crate::sheet::read_grid("导出.xlsx", &export_xlsx(&table)).unwrap()).unwrap();
        assert_eq!(again.errors, vec![]);
        assert_eq!(&again.catalog, c);
        assert_eq!(export(&again.catalog), table);
    }

    #[test]
    fn bad_rows_of_a_workbook_are_reported_by_the_sheet_row_number() {
        let rows: Vec<Vec<&str>> = vec![
            vec!["目录"],
            vec!["序号", "公开事项", "", "公开时限", "公开对象", "", "公开方式", ""],
            vec!["", "一级事项", "二级事项", "", "全社会", "特定群体", "主动", "依申请"],
            vec!["1", "综合业务", "政策法规文件", "长期", "√", "", "√", ""],
            vec!["2", "综合业务", "监督检查", "长期", "√", "", "", ""],
            vec!["3", "综合业务", "", "长期", "√", "", "√", ""],
        ];
        let imp = import(&crate::sheet::read_grid("目录.xlsx", &xlsx(&rows, &[])).unwrap()).unwrap();
        let lines: Vec<usize> = imp.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [5, 6]);
        assert_eq!(imp.errors[0].message, "第5行：公开方式未勾选（主动或依申请）");
    }

    #[test]
    fn a_basis_names_its_documents_and_they_match_the_titles_they_are_published_under() {
        let parts = basis_parts("《中华人民共和国政府信息公开条例》及相关规定");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].document.as_deref(), Some("政府信息公开条例"));
        assert_eq!(parts[1], BasisPart { text: "及相关规定".into(), document: None });
        assert_eq!(document_key("《信息公开条例》"), document_key("中华人民共和国政府信息公开条例"));
        assert_eq!(document_key("政府信息公开条例"), "政府信息公开条例");
        // 教育法 is not 高等教育法.
        assert_ne!(document_key("教育法"), document_key("中华人民共和国高等教育法"));
        let two = basis_parts("《统计法》、《政府信息公开条例》、《教育统计管理规定》");
        assert_eq!(two.iter().filter(|p| p.document.is_some()).count(), 3);
        assert_eq!(
            two.iter().map(|p| p.text.as_str()).collect::<String>(),
            "《统计法》、《政府信息公开条例》、《教育统计管理规定》"
        );
        assert_eq!(basis_parts("未闭合《条例"), vec![BasisPart { text: "未闭合《条例".into(), document: None }]);
        assert!(basis_parts("").is_empty());
    }
}
