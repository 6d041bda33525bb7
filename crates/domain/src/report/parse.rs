//! Reads a published annual report: a web page flattened to text (cells on lines ending in " |"),
//! `pdftotext -layout` output (cells in columns, tables split over pages), Markdown, or HTML.
//!
//! Published reports are messy, so nothing is matched by exact string. The text is cut into the six
//! sections by their headings; each table's region becomes a stream of label and number tokens in
//! reading order; a label that carries a row's keyword (layout data, typos included) makes that row
//! current, and the numbers that follow fill it. Every step is a single forward pass: no input can
//! make it loop or panic, and the cost is linear in the input.

use std::collections::BTreeMap;

use thiserror::Error;

use super::decimal::Decimal;
use super::layout::{self, table2_blocks};
use super::{AnnualReport, CellSource, Count, Sections, Sources, Table2, Table3, Table4, Unsure, glued};
use crate::format::{FormatVersion, Table3Row};

/// A report read from a published text, with what the reader had to guess or skip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedReport {
    pub report: AnnualReport,
    /// Plain-language notes: missing rows, blank cells filled in, a format that differs from the
    /// year's, … Empty when the text read cleanly.
    pub notes: Vec<String>,
    /// Cells the reader could not read with confidence; no identity involving them is judged.
    pub unsure: Unsure,
    /// Where each cell of tables 三 and 四 was read.
    pub sources: Sources,
}

impl ParsedReport {
    /// The tables read too little to be judged: table 三 when one of its four balance rows or most
    /// of its rows were not read with confidence, table 四 when none of its cells was.
    pub fn unjudged_tables(&self) -> Vec<&'static str> {
        use crate::format::ApplicantColumn;
        let mut out = Vec::new();
        let key = [Table3Row::NewThisYear, Table3Row::CarriedOver, Table3Row::Total, Table3Row::CarriedForward];
        let unsure_rows = self.unsure.table3.values().filter(|m| m.iter().any(|x| *x)).count();
        if key.iter().any(|r| self.unsure.cell3(*r, ApplicantColumn::Total))
            || unsure_rows * 2 > self.report.table3.rows.len().max(1)
        {
            out.push("表三");
        }
        if self.unsure.table4.iter().all(|x| *x) {
            out.push("表四");
        }
        out
    }
}

/// Why a text could not be read as an annual report.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NotAReport {
    #[error("文本为空")]
    Empty,
    #[error(
        "没有找到年度报告的章节标题（一、总体情况……六、其他需要报告的事项），也没有找到“收到和处理政府信息公开申请情况”表格，不像一份政府信息公开工作年度报告"
    )]
    NoStructure,
    #[error("没有找到报告年度：标题和正文中都没有“20××年”")]
    NoYear,
}

/// Reads `text` (plain text, Markdown or HTML) as an annual report.
pub fn parse(text: &str) -> Result<ParsedReport, NotAReport> {
    if text.trim().is_empty() {
        return Err(NotAReport::Empty);
    }
    let owned;
    let text = if looks_like_html(text) {
        owned = html_to_text(text);
        owned.as_str()
    } else {
        text
    };
    let lines = split_lines(text);
    let mut notes = Vec::new();

    let headings = find_headings(&lines);
    let first_heading = headings.iter().flatten().next().copied();
    let region = |i: usize| -> &[Line] {
        match headings[i] {
            Some(start) => {
                let end = headings[i + 1..].iter().flatten().next().copied().unwrap_or(lines.len());
                &lines[start + 1..end]
            }
            None => &[],
        }
    };

    // Table 三 decides whether this is a report at all; without its heading, look everywhere.
    let t3_lines = if headings[2].is_some() { region(2) } else { &lines[..] };
    let (t3_tokens, t3_sources) = tokenize_with_sources(t3_lines);
    let t3_found = t3_tokens.iter().any(|t| matches!(t, Tok::Text(s) if s.contains("本年新收")));
    if first_heading.is_none() && !t3_found {
        return Err(NotAReport::NoStructure);
    }

    // Title, organ and year.
    let head = &lines[..first_heading.unwrap_or(lines.len()).min(lines.len())];
    let title = find_title(head);
    let overview_lines = region(0);
    let year = match title.as_ref() {
        Some(t) => t.year,
        None => {
            let from_overview = overview_lines.iter().find_map(|l| first_year(&l.compact));
            let y = from_overview.or_else(|| lines.iter().find_map(|l| first_year(&l.compact)));
            match y {
                Some(y) => {
                    notes.push(format!("没有找到报告标题，年度取自正文中的“{y}年”"));
                    y
                }
                None => return Err(NotAReport::NoYear),
            }
        }
    };
    let mut organ = title.as_ref().map(|t| t.organ.clone()).unwrap_or_default();
    if title.is_none()
        && let Some(o) = head.iter().find_map(|l| organ_from_footer(&l.norm))
    {
        notes.push(format!("发布机关“{o}”取自网页页脚的“版权所有”"));
        organ = o;
    }
    if title.is_some() && organ.is_empty() {
        notes.push("标题中没有发布机关名称".into());
    }

    // Format: from the labels present, else from the year.
    let t2_lines = region(1);
    let (t2_tokens, t2_sources) = tokenize_with_sources(t2_lines);
    let format = detect_format(&t2_tokens, &t3_tokens).unwrap_or_else(|| {
        notes.push("表格标签不足以判断报告格式，按年度推定".into());
        FormatVersion::for_year(year)
    });
    if format != FormatVersion::for_year(year) {
        notes.push(format!(
            "{year}年度的报告应使用{}格式，实际使用的是{}格式",
            FormatVersion::for_year(year).code(),
            format.code()
        ));
    }

    let glued = glued::is_glued(text);
    if headings[1].is_none() && !glued {
        notes.push("没有找到“二、主动公开政府信息情况”".into());
    }
    if headings[2].is_none() && !glued {
        notes.push("没有找到“三、收到和处理政府信息公开申请情况”标题，在全文中查找表三".into());
    }
    let mut unsure = Unsure::default();
    let mut sources = Sources::default();
    let (table2, table3, table4) = if glued {
        // A crawler's flattened page: cells glued into runs of digits. Table 二's runs mix counts
        // and amounts with no total to decide a split, so it is not read.
        notes.push("网页文本的表格单元格连在一起，按表格结构拆分；表二无法可靠拆分，未读取".into());
        let g = glued::read(text, format);
        notes.extend(g.notes);
        unsure = g.unsure;
        sources = g.sources;
        (Table2::blank(format), g.table3, g.table4)
    } else {
        // Cells between separators (markdown, HTML, Word) keep their places, a blank one included;
        // in plain text a blank cell leaves no trace.
        let delimited = t2_lines.iter().any(|l| l.norm.contains('|'));
        let table2 = read_table2(&t2_tokens, &t2_sources, t2_lines, format, delimited, &mut notes);
        let table3 = read_table3(&t3_tokens, &t3_sources, format, &mut notes, &mut unsure, &mut sources);
        let (t4_tokens, t4_sources) = tokenize_with_sources(region(3));
        let table4 = read_table4(&t4_tokens, &t4_sources, headings[3].is_some(), &mut notes, &mut unsure, &mut sources);
        (table2, table3, table4)
    };

    let head_start = title.as_ref().map(|t| t.line + 1).unwrap_or(0).min(head.len());
    let sections = Sections {
        preamble: prose(&head[head_start..]),
        overview: prose(overview_lines),
        problems: prose(region(4)),
        other: prose(region(5)),
    };
    Ok(ParsedReport {
        report: AnnualReport { year, format, organ, sections, table2, table3, table4 },
        notes,
        unsure,
        sources,
    })
}

// ---------------------------------------------------------------------------------------------
// Lines

struct Line<'a> {
    /// The line as published, trimmed.
    raw: &'a str,
    /// Normalised (full-width digits → ASCII, ASCII brackets → full-width, …).
    norm: String,
    /// `norm` without whitespace, Markdown marks and cell bars: what labels are matched on.
    compact: String,
    /// 1-based line number in the text read, and the characters trimmed from its start.
    number: usize,
    indent: usize,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    // Line numbers count '\n' only; a form feed or '\r' inside a line also ends a piece of text.
    text.split('\n')
        .enumerate()
        .flat_map(|(i, physical)| {
            let mut offset = 0;
            physical.split(['\r', '\x0c', '\x0b']).map(move |piece| {
                let indent = offset + piece.chars().take_while(|c| c.is_whitespace()).count();
                offset += piece.chars().count() + 1;
                (i + 1, indent, piece.trim())
            })
        })
        .filter(|(_, _, raw)| !raw.is_empty() && !is_page_footer(raw))
        .map(|(number, indent, raw)| {
            let norm: String = raw.chars().map(normalize_char).collect();
            let compact = norm
                .trim_start_matches(['#', '>', ' '])
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '*' && *c != '|')
                .collect();
            Line { raw, norm, compact, number, indent }
        })
        .collect()
}

/// One character as the matcher wants it: ASCII digits, full-width brackets and colon.
pub(super) fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '(' => '（',
        ')' => '）',
        ':' => '：',
        '－' | '−' | '﹣' | '‐' | '‑' => '-',
        '．' => '.',
        '＋' => '+',
        '，' => '，',
        '｜' => '|',
        '\u{3000}' | '\u{a0}' | '\t' => ' ',
        c => c,
    }
}

/// "-3-", "— 3 —", "第 3 页", "3 / 12": page furniture from PDF text.
fn is_page_footer(raw: &str) -> bool {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = s.trim_matches(|c| matches!(c, '-' | '—' | '–' | '－' | '第' | '页'));
    let digits_only =
        !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == '/' || ('０'..='９').contains(&c));
    let decorated = |c: Option<char>| c.is_some_and(|c| !c.is_ascii_digit() && !('０'..='９').contains(&c));
    digits_only && inner.chars().count() <= 7 && decorated(s.chars().next()) && decorated(s.chars().last())
}

fn prose(lines: &[Line]) -> String {
    let mut out = String::new();
    for l in lines {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(l.raw);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Headings and title

/// The line index of each of the six section headings, in order; a missing one is `None`.
fn find_headings(lines: &[Line]) -> [Option<usize>; 6] {
    let mut found = [None; 6];
    let mut next = 0;
    for (i, l) in lines.iter().enumerate() {
        if next >= 6 {
            break;
        }
        if let Some(k) = heading_kind(&l.compact)
            && k >= next
        {
            found[k] = Some(i);
            next = k + 1;
        }
    }
    found
}

fn heading_kind(compact: &str) -> Option<usize> {
    if compact.chars().count() > 40 {
        return None;
    }
    let mut chars = compact.chars();
    let n = match chars.next()? {
        '一' => 0,
        '二' => 1,
        '三' => 2,
        '四' => 3,
        '五' => 4,
        '六' => 5,
        _ => return None,
    };
    if !matches!(chars.next()?, '、' | '.' | '．' | '，') {
        return None;
    }
    let rest = chars.as_str();
    let ok = match n {
        0 => rest.contains("总体情况") || rest.starts_with("概述"),
        1 => rest.contains("主动公开"),
        2 => rest.contains("申请") && (rest.contains("收到") || rest.contains("处理")),
        3 => rest.contains("行政复议") || rest.contains("行政诉讼"),
        4 => rest.contains("问题"),
        _ => rest.contains("其他需要报告") || rest.contains("其他事项"),
    };
    ok.then_some(n)
}

struct Title {
    line: usize,
    year: i32,
    organ: String,
}

fn find_title(head: &[Line]) -> Option<Title> {
    for (i, l) in head.iter().enumerate() {
        let c = &l.compact;
        let Some(at) = c.find("年政府信息公开").or_else(|| c.find("年度政府信息公开")) else { continue };
        if !c[at..].contains("年度报告") {
            continue;
        }
        let before = &c[..at];
        let digits = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits != 4 {
            continue;
        }
        let Ok(year) = before[before.len() - 4..].parse::<i32>() else { continue };
        let organ_part = &before[..before.len() - 4];
        let organ_part = organ_part.strip_prefix("标题：").unwrap_or(organ_part);
        let mut organ = organ_part.trim_matches(['《', '“', '"']).to_string();
        if organ.is_empty() && i > 0 {
            let prev = &head[i - 1].compact;
            if prev.chars().count() <= 30 && !prev.bytes().any(|b| b.is_ascii_digit()) && !prev.contains('|') {
                organ = prev.clone();
            }
        }
        return Some(Title { line: i, year, organ });
    }
    None
}

/// "版权所有:中国河南省汝州市人民政府 主办单位:…" → "汝州市人民政府": a government site's footer
/// names the government when a flattened page lost its title.
fn organ_from_footer(norm: &str) -> Option<String> {
    let at = norm.find("版权所有")?;
    let rest = norm[at + "版权所有".len()..].trim_start_matches(['：', ' ', '©']);
    let name = rest.split_whitespace().next()?;
    let name = name.strip_prefix("中国").unwrap_or(name);
    let name = match name.find('省') {
        Some(i) if i + '省'.len_utf8() < name.len() => &name[i + '省'.len_utf8()..],
        _ => name,
    };
    let plausible =
        ["人民政府", "政府", "局", "委员会", "办公室"].iter().any(|s| name.ends_with(s)) && name.chars().count() <= 30;
    plausible.then(|| name.to_string())
}

/// The first "20××年" (1990–2100) in `s`.
fn first_year(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(off) = s[i..].find('年') {
        let at = i + off;
        if at >= 4
            && b[at - 4..at].iter().all(u8::is_ascii_digit)
            && (at < 5 || !b[at - 5].is_ascii_digit())
            && let Ok(y) = s[at - 4..at].parse::<i32>()
            && (1990..=2100).contains(&y)
        {
            return Some(y);
        }
        i = at + '年'.len_utf8();
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    Num(Decimal),
    /// A cell printed blank ("-", "—", "/", an empty cell between filled ones).
    Blank,
    /// Something numeric that does not fit (too large, too many decimals).
    Bad,
}

/// The tokens, and for each where it starts in the text read.
fn tokenize_with_sources(lines: &[Line]) -> (Vec<Tok>, Vec<CellSource>) {
    let mut out = Vec::new();
    let mut sources = Vec::new();
    for l in lines {
        tokenize_line(l, &mut out, &mut sources);
    }
    (out, sources)
}

/// The 1-based column (in characters) of byte offset `at` of `l.norm`.
fn column(l: &Line, at: usize) -> usize {
    l.indent + l.norm[..at.min(l.norm.len())].chars().count() + 1
}

fn tokenize_line(l: &Line, out: &mut Vec<Tok>, sources: &mut Vec<CellSource>) {
    let line = l.norm.as_str();
    let start = out.len();
    let base = line.as_ptr() as usize;
    let at = |piece: &str| CellSource { line: l.number, column: column(l, piece.as_ptr() as usize - base) };
    if line.contains('|') {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let Some(first) = cells.iter().position(|c| !c.is_empty()) else { return };
        let last = cells.iter().rposition(|c| !c.is_empty()).unwrap_or(first);
        let filled = &cells[first..=last];
        let md_rule =
            filled.iter().all(|c| c.is_empty() || (c.len() >= 3 && c.chars().all(|ch| matches!(ch, '-' | ':' | ' '))));
        if md_rule {
            return;
        }
        for cell in filled {
            sources.push(at(cell));
            if cell.is_empty() {
                out.push(Tok::Blank);
            } else if cell.contains(' ')
                && cell.strip_prefix(['-', '+']).unwrap_or(cell).chars().all(|c| c.is_ascii_digit() || c == ' ')
            {
                // Inside one cell a space is a converter's, not a boundary: "1 234" is 1234.
                let joined: String = cell.chars().filter(|c| *c != ' ').collect();
                out.push(classify(&joined));
            } else {
                out.push(classify(cell));
            }
        }
    } else {
        // Words with the width of the gap before each. Where a line's cells stand apart by wide
        // gaps (pdftotext -layout), a single space between two runs of digits is a converter's
        // or OCR's inside one number ("1 9" is 19), not a cell boundary.
        let mut words: Vec<(&str, usize)> = Vec::new();
        let mut gap = 0;
        let mut word_start: Option<usize> = None;
        for (i, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
            if c.is_whitespace() {
                if let Some(ws) = word_start.take() {
                    words.push((&line[ws..i], gap));
                    gap = 0;
                }
                gap += 1;
            } else if word_start.is_none() {
                word_start = Some(i);
            }
        }
        let digits = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
        let cell = |w: &str| digits(w) || matches!(classify(w), Tok::Num(_) | Tok::Blank);
        let wide = words.windows(2).any(|p| cell(p[0].0) && cell(p[1].0) && p[1].1 >= 2);
        let mut k = 0;
        while k < words.len() {
            let (word, _) = words[k];
            let mut end = k;
            while wide
                && digits(words[end].0)
                && end + 1 < words.len()
                && words[end + 1].1 == 1
                && digits(words[end + 1].0)
            {
                end += 1;
            }
            sources.push(at(word));
            if end > k {
                let joined: String = words[k..=end].iter().map(|(w, _)| *w).collect();
                out.push(classify(&joined));
            } else {
                out.push(classify(word));
            }
            k = end + 1;
        }
    }
    merge_texts(out, sources, start);
}

/// Joins neighbouring label fragments of one line, so "4.无正当理由大量反复 申请" is one label.
fn merge_texts(out: &mut Vec<Tok>, sources: &mut Vec<CellSource>, start: usize) {
    let mut merged: Vec<Tok> = Vec::with_capacity(out.len() - start);
    let mut merged_sources = Vec::with_capacity(out.len() - start);
    for (t, src) in out.drain(start..).zip(sources.drain(start..)) {
        match (merged.last_mut(), t) {
            (Some(Tok::Text(a)), Tok::Text(b)) => a.push_str(&b),
            (_, t) => {
                merged.push(t);
                merged_sources.push(src);
            }
        }
    }
    out.extend(merged);
    sources.extend(merged_sources);
}

fn classify(cell: &str) -> Tok {
    let s = cell.trim();
    // OCR reads a lone 0 as 〇 or O.
    if matches!(s, "〇" | "O" | "o") {
        return Tok::Num(Decimal::from_int(0));
    }
    if s.chars().all(|c| matches!(c, '-' | '—' | '–' | '/' | '／' | '\\' | '无' | '空' | ' ')) {
        return Tok::Blank;
    }
    let mut body = s;
    for unit in ["万元", "元", "件", "条", "个", "项", "次"] {
        if let Some(b) = body.strip_suffix(unit) {
            body = b.trim_end();
            break;
        }
    }
    let numeric_shape = {
        let b = body.strip_prefix(['-', '+']).unwrap_or(body);
        !b.is_empty()
            && b.as_bytes()[0].is_ascii_digit()
            && b.bytes().all(|c| c.is_ascii_digit() || c == b'.' || c == b',')
    };
    match Decimal::parse(body) {
        Some(d) => Tok::Num(d),
        None if numeric_shape && !body.ends_with('.') && !body.ends_with(',') => Tok::Bad,
        None => Tok::Text(s.chars().filter(|c| !c.is_whitespace()).collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Format

fn detect_format(t2: &[Tok], t3: &[Tok]) -> Option<FormatVersion> {
    let (mut v2019, mut v2021) = (0, 0);
    for t in t2.iter().chain(t3) {
        let Tok::Text(s) = t else { continue };
        for k in [
            "本年新制作",
            "本年新公开",
            "对外公开总数",
            "上一年项目",
            "本年增",
            "采购项目",
            "第二十条第（九）项",
            "本年新",
        ] {
            if s.contains(k) {
                v2019 += 1;
                break;
            }
        }
        for k in ["本年制发", "本年废止", "现行有效", "本年处理决定", "本年收费金额", "逾期不补", "收费通知"]
        {
            if s.contains(k) {
                v2021 += 1;
                break;
            }
        }
    }
    match v2019.cmp(&v2021) {
        std::cmp::Ordering::Greater => Some(FormatVersion::V2019),
        std::cmp::Ordering::Less => Some(FormatVersion::V2021),
        std::cmp::Ordering::Equal => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Table 二

fn read_table2(
    tokens: &[Tok],
    token_sources: &[CellSource],
    lines: &[Line],
    format: FormatVersion,
    delimited: bool,
    notes: &mut Vec<String>,
) -> Table2 {
    let blocks = table2_blocks(format);
    let rows: Vec<(&layout::Block, &layout::Row)> =
        blocks.iter().flat_map(|b| b.rows.iter().map(move |r| (b, r))).collect();
    let mut cells: Vec<Vec<Option<Decimal>>> = vec![Vec::new(); rows.len()];
    // Where each number was printed (line, column, width), for the laid-out reading below.
    let mut placed: Vec<Vec<(usize, f64)>> = vec![Vec::new(); rows.len()];
    let mut seen = vec![false; rows.len()];
    let mut overflow = vec![false; rows.len()];
    let mut cur: Option<usize> = None;
    let mut bad = 0;
    for (k, t) in tokens.iter().enumerate() {
        match t {
            Tok::Text(s) => {
                if s.contains("第二十条") && s.contains("（九）") && format == FormatVersion::V2021 {
                    notes.push("2021年格式没有第二十条第（九）项，该栏未读取".into());
                }
                if let Some(i) = rows.iter().position(|(_, r)| r.keywords.iter().any(|k| s.contains(k))) {
                    cur = Some(i);
                    seen[i] = true;
                } else if let Some(i) = cur
                    && delimited
                    && !cells[i].is_empty()
                    && cells[i].len() < rows[i].0.columns.len()
                {
                    // Between separators, text amid a row's numbers is a cell that is not a
                    // number: it keeps its place, blank, and the row says so.
                    bad += 1;
                    cells[i].push(None);
                }
            }
            Tok::Num(_) | Tok::Blank | Tok::Bad => {
                let Some(i) = cur else { continue };
                if let (Some(src), Tok::Num(d)) = (token_sources.get(k), t) {
                    let width = d.to_string().chars().count() as f64;
                    placed[i].push((src.line, src.column as f64 + width / 2.0));
                }
                if cells[i].len() >= rows[i].0.columns.len() {
                    overflow[i] = true;
                } else {
                    let v = match t {
                        Tok::Num(d) => Some(*d),
                        Tok::Bad => {
                            bad += 1;
                            None
                        }
                        _ => None,
                    };
                    cells[i].push(v);
                }
            }
        }
    }
    if bad > 0 {
        notes.push(format!("表二有{bad}个数字无法读取（过大或小数位过多），按空白处理"));
    }
    let mut table = Table2::default();
    for (i, (block, row)) in rows.iter().enumerate() {
        if !seen[i] {
            notes.push(format!("表二没有找到{}“{}”行，按空白处理", block.caption, row.label));
        } else if !delimited
            && !overflow[i]
            && let Some(placing) = laid_out_row(&cells[i], &placed[i], lines, block)
        {
            match placing {
                // Laid out in columns (pdftotext -layout): each number goes to the column whose
                // header it stands under, so a blank cell keeps its place.
                Some(by_place) => {
                    if by_place != cells[i] {
                        notes.push(format!("表二{}“{}”行按各数在表头下的位置读取", block.caption, row.label));
                    }
                    cells[i] = by_place;
                }
                None => {
                    notes.push(format!(
                        "表二{}“{}”行有两个数在同一列表头之下（可能是数字中间的空格），无法确定各数所在的列，该行未读取",
                        block.caption, row.label
                    ));
                    cells[i].clear();
                }
            }
        } else if overflow[i] {
            // More numbers than the row has columns: a number split by a space, or a neighbour's.
            notes.push(format!(
                "表二{}“{}”行读到的数多于{}列，无法确定各数所在的列，该行未读取",
                block.caption,
                row.label,
                block.columns.len()
            ));
            cells[i].clear();
        } else if cells[i].is_empty() {
            notes.push(format!("表二{}“{}”行没有读到数字，按空白处理", block.caption, row.label));
        } else if cells[i].len() < block.columns.len() && delimited {
            // Between separators only trailing blank cells go unprinted.
            notes.push(format!("表二{}“{}”行只读到{}个数，其余按空白处理", block.caption, row.label, cells[i].len()));
        } else if cells[i].len() < block.columns.len() {
            // Fewer cells than columns, and nothing marks the blank ones (a PDF's text drops an
            // empty cell): which column each number belongs to cannot be told, so none is taken.
            notes.push(format!(
                "表二{}“{}”行只读到{}个数（应有{}列），无法确定各数所在的列，该行未读取",
                block.caption,
                row.label,
                cells[i].len(),
                block.columns.len()
            ));
            cells[i].clear();
        }
        let mut map = BTreeMap::new();
        for (j, c) in block.columns.iter().enumerate() {
            map.insert(c.code.to_string(), cells[i].get(j).copied().flatten());
        }
        table.rows.insert(row.code.to_string(), map);
    }
    table
}

// ---------------------------------------------------------------------------------------------
// Table 三

/// The row of table 三 a label names. Sub-rows first: their reasons are unique across groups.
/// A label whose words are wrapped onto the next line (LibreOffice's PDFs print
/// 「5.要求行政机关确」 and 「认或重新出具已获取信息」 on two lines) still starts with its item number:
/// the next item of the group being read (1., 2., … in （二）…（五） and （六）) names its row.
fn next_numbered_row(cur: Option<Table3Row>, label: &str) -> Option<Table3Row> {
    use Table3Row::*;
    let digits: String = label.trim().chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = label.trim().get(digits.len()..)?;
    if digits.is_empty() || !rest.starts_with(['.', '．', '、']) {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    let next = |i: u8, max: u8| n == i + 1 && n <= max;
    match cur? {
        Withheld(i) if next(i, 8) => Some(Withheld(n)),
        Unable(i) if next(i, 3) => Some(Unable(n)),
        NotProcessed(i) if next(i, 5) => Some(NotProcessed(n)),
        OtherHandlingSub(i) if next(i, 3) => Some(OtherHandlingSub(n)),
        _ => None,
    }
}

pub(super) fn table3_row(label: &str) -> Option<Table3Row> {
    use Table3Row::*;
    let has = |k: &str| label.contains(k);
    let any = |ks: &[&str]| ks.iter().any(|k| label.contains(k));
    if any(&["逾期不补", "不补正"]) {
        return Some(OtherHandlingSub(1));
    }
    if any(&["收费通知", "缴纳费用"]) {
        return Some(OtherHandlingSub(2));
    }
    if ["3.其他", "3、其他", "3．其他", "3其他"].iter().any(|e| label.ends_with(e)) {
        return Some(OtherHandlingSub(3));
    }
    let table: [(&[&str], Table3Row); 21] = [
        (&["国家秘密"], Withheld(1)),
        (&["禁止公开", "其他法律", "行政法规禁止"], Withheld(2)),
        (&["三安全", "一稳定"], Withheld(3)),
        (&["第三方"], Withheld(4)),
        (&["内部事务"], Withheld(5)),
        (&["过程性"], Withheld(6)),
        (&["执法案卷"], Withheld(7)),
        (&["行政查询", "查询事项"], Withheld(8)),
        (&["不掌握"], Unable(1)),
        (&["另行制作", "没有现成"], Unable(2)),
        (&["补正后", "仍不明确"], Unable(3)),
        (&["信访", "举报投诉"], NotProcessed(1)),
        (&["重复申请"], NotProcessed(2)),
        (&["出版物"], NotProcessed(3)),
        (&["大量反复"], NotProcessed(4)),
        (&["行政机关确认", "重新出具", "已获取信息"], NotProcessed(5)),
        (&["本年新收", "新收政府信息"], NewThisYear),
        (&["上年结转"], CarriedOver),
        (&["结转下年"], CarriedForward),
        (&["予以公开"], Disclosed),
        (&["部分公开"], PartiallyDisclosed),
    ];
    for (keys, row) in table {
        if any(keys) {
            return Some(row);
        }
    }
    if has("总计") && (has("（七）") || has("七）") || has("七、")) {
        return Some(Total);
    }
    if has("其他处理") {
        return Some(OtherHandling);
    }
    None
}

fn read_table3(
    tokens: &[Tok],
    token_sources: &[CellSource],
    format: FormatVersion,
    notes: &mut Vec<String>,
    unsure: &mut Unsure,
    sources: &mut Sources,
) -> Table3 {
    let mut cells: BTreeMap<Table3Row, Vec<Count>> = BTreeMap::new();
    let mut cell_sources: BTreeMap<Table3Row, Vec<CellSource>> = BTreeMap::new();
    let mut orphan_sources: Vec<CellSource> = Vec::new();
    let mut cur: Option<Table3Row> = None;
    let mut seen_sub = false;
    let mut orphans: Vec<Count> = Vec::new();
    let mut overflowed: Vec<Table3Row> = Vec::new();
    let (mut stray, mut extra, mut bad, mut fraction) = (0, 0, 0, 0);
    for (k, t) in tokens.iter().enumerate() {
        let src = token_sources.get(k).copied().unwrap_or(CellSource { line: 0, column: 0 });
        let value = match t {
            Tok::Text(s) => {
                match table3_row(s).or_else(|| next_numbered_row(cur, s)) {
                    // The group label （六）其他处理 printed beside or between its sub-rows.
                    Some(Table3Row::OtherHandling) if seen_sub => {}
                    Some(r) => {
                        if let Table3Row::OtherHandlingSub(_) = r {
                            seen_sub = true;
                        }
                        if cur != Some(r) {
                            // A wrapped label can print its numbers above its first line: a whole
                            // row of numbers — seven, on one line — with no row to go to belongs
                            // to the next empty row. Numbers gathered from several lines are the
                            // previous row's overflow (a number wrapped in its cell), not a row.
                            let whole_row = orphans.len() == 7
                                && orphan_sources.iter().all(|s| s.line == orphan_sources[0].line)
                                && cells.get(&r).is_none_or(Vec::is_empty);
                            if let Some(prev) = cur
                                && !orphans.is_empty()
                                && !whole_row
                            {
                                overflowed.push(prev);
                            }
                            cur = Some(r);
                            let row = cells.entry(r).or_default();
                            if whole_row {
                                row.append(&mut orphans);
                                cell_sources.entry(r).or_default().append(&mut orphan_sources);
                            }
                            orphan_sources.clear();
                            extra += orphans.len();
                            orphans.clear();
                        }
                    }
                    // Text amid a row's numbers: a cell that is not a number (a stray mark, a
                    // misread digit). Later numbers may belong to other cells: the row is unsure.
                    None => {
                        if let Some(r) = cur
                            && cells.get(&r).is_some_and(|v| !v.is_empty() && v.len() < 7)
                        {
                            overflowed.push(r);
                        }
                    }
                }
                continue;
            }
            Tok::Num(d) => match d.to_i64() {
                Some(n) => Some(n),
                None => {
                    fraction += 1;
                    None
                }
            },
            Tok::Blank => None,
            Tok::Bad => {
                bad += 1;
                None
            }
        };
        match cur.and_then(|r| cells.get_mut(&r)) {
            Some(v) if v.len() < 7 => {
                v.push(value);
                if let Some(r) = cur {
                    cell_sources.entry(r).or_default().push(src);
                }
            }
            Some(_) if orphans.len() < 7 => {
                orphans.push(value);
                orphan_sources.push(src);
            }
            Some(_) => {
                extra += 1;
                overflowed.extend(cur);
            }
            None => stray += 1,
        }
    }
    if !orphans.is_empty() {
        overflowed.extend(cur);
    }
    extra += orphans.len();
    for r in overflowed {
        if unsure.table3.insert(r.code(), [true; 7]).is_none() {
            notes.push(format!("无法可靠读取表三“{}”行：数字多于7列或夹有非数字，这一行涉及的核对不作判断", r.label()));
        }
    }
    if stray > 0 {
        notes.push(format!("表三有{stray}个数字不在任何一行之后，已忽略"));
    }
    if extra > 0 {
        notes.push(format!("表三有{extra}个数字超出了所在行的7列，已忽略"));
    }
    if bad + fraction > 0 {
        notes.push(format!("表三有{}个数字不是合理的整数，按空白处理", bad + fraction));
    }
    for (r, v) in &cell_sources {
        let mut a = [None; 7];
        for (slot, src) in a.iter_mut().zip(v) {
            *slot = Some(*src);
        }
        sources.table3.insert(r.code(), a);
    }
    let mut table = Table3::default();
    let take = |v: &Vec<Count>| {
        let mut a = [None; 7];
        for (i, c) in v.iter().take(7).enumerate() {
            a[i] = *c;
        }
        a
    };
    let single_other = format == FormatVersion::V2021
        && cells.get(&Table3Row::OtherHandling).is_some_and(|v| !v.is_empty())
        && !cells.keys().any(|r| matches!(r, Table3Row::OtherHandlingSub(_)));
    for row in Table3Row::rows(format) {
        match cells.get(&row) {
            None if single_other && matches!(row, Table3Row::OtherHandlingSub(_)) => {}
            None => {
                notes.push(format!("无法可靠读取表三“{}”行：没有找到这一行，这一行涉及的核对不作判断", row.label()));
                unsure.table3.insert(row.code(), [true; 7]);
            }
            Some(v) if v.len() < 7 => {
                notes.push(format!(
                    "无法可靠读取表三“{}”行：只读到{}个数，这一行涉及的核对不作判断",
                    row.label(),
                    v.len()
                ));
                unsure.table3.insert(row.code(), [true; 7]);
            }
            Some(_)
                if !unsure.table3.contains_key(&row.code())
                    && cell_sources.get(&row).is_some_and(|s| wrapped_in_place(s)) =>
            {
                notes.push(format!(
                    "无法可靠读取表三“{}”行：数字分在上下两行且上下对齐，可能是在单元格内折行的数（如“379”下接“28”为37928），这一行涉及的核对不作判断",
                    row.label()
                ));
                unsure.table3.insert(row.code(), [true; 7]);
            }
            Some(v) if !unsure.table3.contains_key(&row.code()) => {
                let lines: Vec<usize> =
                    cell_sources.get(&row).map(|s| s.iter().map(|c| c.line).collect()).unwrap_or_default();
                if wrapped_reading_fits(v, &lines) {
                    notes.push(format!(
                        "无法可靠读取表三“{}”行：数字分在几行，其中可能有在单元格内折行的数（如“591”“18”为59118），按折行读则总计相符，这一行涉及的核对不作判断",
                        row.label()
                    ));
                    unsure.table3.insert(row.code(), [true; 7]);
                }
            }
            Some(_) => {}
        }
        table.rows.insert(row.code(), cells.get(&row).map(take).unwrap_or([None; 7]));
    }
    match format {
        FormatVersion::V2021 => {
            if let Some(v) = cells.get(&Table3Row::OtherHandling).filter(|v| !v.is_empty()) {
                table.rows.insert(Table3Row::OtherHandling.code(), take(v));
                notes.push("（六）其他处理印成了一行，没有分列2021年格式的3个子项".into());
            }
        }
        FormatVersion::V2019 => {
            if cells.keys().any(|r| matches!(r, Table3Row::OtherHandlingSub(_))) {
                notes.push("2019年格式的（六）其他处理没有子项，表中的子项未读取".into());
            }
        }
    }
    table
}

/// A row of table 二 read by where its numbers stand, when the text is laid out in columns (the
/// row's line has wide gaps) under a header line holding every column's label: each number under
/// the nearest header. `Some(None)` when two numbers stand under one header (a number split by a
/// space?): the row cannot be read. `None` when the text is not laid out so.
fn laid_out_row(
    values: &[Option<Decimal>],
    placed: &[(usize, f64)],
    lines: &[Line],
    block: &layout::Block,
) -> Option<Option<Vec<Option<Decimal>>>> {
    let numbers: Vec<Decimal> = values.iter().flatten().copied().collect();
    if numbers.is_empty() || numbers.len() != placed.len() || numbers.len() > block.columns.len() {
        return None;
    }
    let line = placed[0].0;
    if placed.iter().any(|p| p.0 != line) {
        return None;
    }
    let row_line = lines.iter().find(|l| l.number == line)?;
    if !row_line.norm.contains("  ") {
        return None;
    }
    // The header line: the nearest above the row holding a key of every column's label.
    let keys: Vec<String> = block.columns.iter().map(|c| c.label.chars().take(4).collect()).collect();
    let header =
        lines.iter().rev().filter(|l| l.number < line).find(|l| keys.iter().all(|k| l.norm.contains(k.as_str())))?;
    let centers: Vec<f64> = keys
        .iter()
        .zip(block.columns)
        .map(|(k, c)| {
            let at = header.norm.find(k.as_str()).unwrap_or(0);
            let start = column(header, at) as f64;
            let label_width = c.label.chars().count().min(header.norm[at..].chars().count()) as f64;
            start + label_width / 2.0
        })
        .collect();
    let mut out = vec![None; block.columns.len()];
    let mut taken = vec![false; block.columns.len()];
    for (n, (_, center)) in numbers.iter().zip(placed) {
        let (j, _) = centers.iter().enumerate().min_by(|a, b| (a.1 - center).abs().total_cmp(&(b.1 - center).abs()))?;
        if taken[j] {
            return Some(None);
        }
        taken[j] = true;
        out[j] = Some(*n);
    }
    Some(Some(out))
}

/// A row's numbers read from two lines, one under another (the same column, give or take one),
/// the upper line holding several of the row's numbers: in a PDF's laid-out text that is a number too wide for its cell, wrapped onto the next
/// line (「379」 over 「28」 for 37928), not two cells.
fn wrapped_in_place(sources: &[CellSource]) -> bool {
    sources.iter().any(|lower| {
        sources.iter().any(|upper| {
            upper.line < lower.line
                && lower.line - upper.line <= 2
                && upper.column.abs_diff(lower.column) <= 1
                && !sources.iter().any(|mid| mid.line > upper.line && mid.line < lower.line)
                // a laid-out row (several numbers on the upper line), not one cell a line
                && sources.iter().filter(|s| s.line == upper.line).count() >= 2
        })
    })
}

/// A row of seven numbers whose total does not add up, read from several lines of text: would it
/// add up if some number at the end of a line and the one starting the next were one number
/// wrapped inside its cell (a narrow column of a PDF prints 59118 as 「591」 over 「18」)? Then the
/// error would rest on one reading of two, and the row is not judged.
fn wrapped_reading_fits(v: &[Count], lines: &[usize]) -> bool {
    if v.len() != 7 || lines.len() != 7 {
        return false;
    }
    let n: Vec<i64> = v.iter().map(|c| c.unwrap_or(0)).collect();
    if n[6] == n[..6].iter().sum::<i64>() {
        return false;
    }
    // The places where a number ends one line and another starts the next.
    let breaks: Vec<usize> = (0..6)
        .filter(|&k| lines[k] != lines[k + 1] && v[k].is_some_and(|x| x > 0) && v[k + 1].is_some_and(|x| x >= 0))
        .collect();
    if breaks.is_empty() {
        return false;
    }
    // Every choice of breaks joined (at most 2^6): the total is the last number, its parts the rest.
    for mask in 1u32..(1 << breaks.len()) {
        let mut joined: Vec<i64> = Vec::with_capacity(7);
        let mut k = 0;
        while k < 7 {
            let mut value = n[k];
            while let Some(bi) = breaks.iter().position(|&b| b == k)
                && mask & (1 << bi) != 0
                && k + 1 < 7
            {
                let right = n[k + 1];
                // A negative right-hand number is not the tail of a wrapped one (and has no digit count).
                let Some(digits) = right.checked_ilog10().map(|d| d + 1).or((right == 0).then_some(1)) else {
                    break;
                };
                value = match 10i64
                    .checked_pow(digits)
                    .and_then(|p| value.checked_mul(p))
                    .and_then(|x| x.checked_add(right))
                {
                    Some(x) => x,
                    None => break,
                };
                k += 1;
            }
            joined.push(value);
            k += 1;
        }
        if let Some((total, parts)) = joined.split_last()
            && *total == parts.iter().sum::<i64>()
        {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Table 四

fn read_table4(
    tokens: &[Tok],
    token_sources: &[CellSource],
    had_heading: bool,
    notes: &mut Vec<String>,
    unsure: &mut Unsure,
    sources: &mut Sources,
) -> Table4 {
    // The one data row: the first run of 15 cells with no label in between.
    let mut best: (usize, usize) = (0, 0);
    let mut run_start = 0;
    let mut chosen = None;
    for (i, t) in tokens.iter().chain(std::iter::once(&Tok::Text(String::new()))).enumerate() {
        if let Tok::Text(_) = t {
            let len = i - run_start;
            if len >= 15 {
                chosen = Some((run_start, len));
                break;
            }
            if len > best.1 {
                best = (run_start, len);
            }
            run_start = i + 1;
        }
    }
    let (start, len) = chosen.unwrap_or(best);
    if !had_heading {
        notes.push("没有找到“四、政府信息公开行政复议、行政诉讼情况”，表四不作判断".into());
        unsure.table4 = [true; 15];
        return Table4::default();
    }
    if len < 15 {
        notes.push(format!("无法可靠读取表四：只读到{len}个数，表四不作判断"));
        unsure.table4 = [true; 15];
    } else if len > 15 {
        notes.push(format!("无法可靠读取表四：数据行有{len}个数，多于15格，表四不作判断"));
        unsure.table4 = [true; 15];
    }
    for (slot, src) in sources.table4.iter_mut().zip(token_sources.get(start..start + len.min(15)).unwrap_or(&[])) {
        *slot = Some(*src);
    }
    let mut a = [None; 15];
    for (slot, t) in a.iter_mut().zip(&tokens[start..start + len.min(15)]) {
        *slot = match t {
            Tok::Num(d) => d.to_i64(),
            _ => None,
        };
    }
    Table4::from_array(a)
}

// ---------------------------------------------------------------------------------------------
// HTML

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(4000).collect::<String>().to_ascii_lowercase();
    ["<table", "<html", "<p>", "<p ", "<td", "<div", "<br", "<!doctype"].iter().any(|t| head.contains(t))
}

/// Turns HTML into lines: each `<tr>`, `<p>`, `<br>`, heading, list item or block starts a line,
/// cells of a row are joined with " | ", entities are decoded, scripts and styles dropped.
/// A tolerant walker, not a validator: unclosed tags and stray `<` are read as text or skipped.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut cells_in_row = 0usize;
    let mut in_cell = false;
    let mut rest = html;
    let mut pending_space = false;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut out, rest, &mut pending_space);
            break;
        };
        push_text(&mut out, &rest[..lt], &mut pending_space);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |e| &rest[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            push_text(&mut out, rest, &mut pending_space);
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "script" | "style" | "head" | "title" if !closing => {
                let end = format!("</{name}");
                rest = find_ascii_ci(rest, &end).map_or("", |e| &rest[e..]);
            }
            "td" | "th" if !closing => {
                if cells_in_row > 0 {
                    trim_line_end(&mut out);
                    out.push_str(" | ");
                }
                pending_space = false;
                cells_in_row += 1;
                in_cell = true;
            }
            "td" | "th" => in_cell = false,
            // Inside a cell, paragraphs and breaks only wrap the cell's text ("本年新<br/>制作数量").
            "p" | "br" | "div" | "span" if in_cell => pending_space = true,
            "tr" | "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "caption"
            | "section" | "article" => {
                new_line(&mut out);
                pending_space = false;
                cells_in_row = 0;
                in_cell = false;
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes().windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

fn trim_line_end(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

fn new_line(out: &mut String) {
    trim_line_end(out);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn push_text(out: &mut String, text: &str, pending_space: &mut bool) {
    let decoded = decode_entities(text);
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            *pending_space = true;
        } else {
            if *pending_space && !out.is_empty() && !out.ends_with('\n') && !out.ends_with(' ') {
                out.push(' ');
            }
            *pending_space = false;
            out.push(c);
        }
    }
}

fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.as_bytes().iter().take(12).position(|b| *b == b';');
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "nbsp" | "ensp" | "emsp" => Some(' '),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "mdash" => Some('—'),
                "middot" => Some('·'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse::<u32>().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}
