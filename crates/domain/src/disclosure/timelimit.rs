//! 公开时限 as a rule. A 标准目录 writes each entry's time limit as a phrase ("制定或获取信息之日起
//! 10个工作日内", "本级人民代表大会或其常务委员会批准后20日内", "长期", "按年公开" — basic-catalog §5);
//! this module reads the phrase into a [`TimeLimit`] the platform can check, or says it cannot
//! ([`Unreadable`]) so that the clerk sets the rule. It never guesses: every clause of the phrase
//! must be understood, or the whole phrase is unreadable.
//!
//! Counting follows the 条例: "N个工作日" are working days of the holiday calendar, the day of the
//! event itself not counted (as `Calendar::add_working_days`); "N日" after a 批准/批复 are calendar
//! days (预算法第十四条).

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};

/// What starts the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// 信息形成或者变更
    FormedOrChanged,
    /// 信息形成
    Formed,
    /// 制定或获取信息
    MadeOrObtained,
    /// 作出行政决定
    Decision,
    /// 本级人民代表大会或其常务委员会批准 / 人大会议批复
    CongressApproval,
    /// 本级（政府）财政部门批复
    FinanceApproval,
    /// The phrase names a count but no event ("20个工作日"): counted from the event the clerk records.
    Unstated,
}

impl Trigger {
    pub fn label(self) -> &'static str {
        match self {
            Trigger::FormedOrChanged => "信息形成或变更之日起",
            Trigger::Formed => "信息形成之日起",
            Trigger::MadeOrObtained => "制定或获取信息之日起",
            Trigger::Decision => "作出行政决定之日起",
            Trigger::CongressApproval => "本级人大或其常委会批准后",
            Trigger::FinanceApproval => "本级财政部门批复后",
            Trigger::Unstated => "（起算事件未写明）",
        }
    }
}

/// Working days (of the holiday calendar) or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    Working,
    Calendar,
}

/// A length of time: "7个工作日", "20日".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub count: u32,
    pub unit: DayUnit,
}

impl Period {
    pub fn label(self) -> String {
        match self.unit {
            DayUnit::Working => format!("{}个工作日", self.count),
            DayUnit::Calendar => format!("{}日", self.count),
        }
    }
    /// The last day of the period that starts after `from` (the day `from` is not counted).
    pub fn end(self, from: NaiveDate, cal: &Calendar) -> Result<NaiveDate, CalendarError> {
        match self.unit {
            DayUnit::Working => cal.add_working_days(from, self.count),
            DayUnit::Calendar => Ok(from.checked_add_days(Days::new(self.count.into())).unwrap_or(NaiveDate::MAX)),
        }
    }
}

/// The kind of obligation one clause states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Publish within a period after an event.
    Within { period: Period, from: Trigger },
    /// 实时: the day the information forms.
    Immediate,
    /// 及时: promptly, no number — nothing to count, so never a gap by itself.
    Promptly,
    /// 长期: a standing item kept public, no deadline.
    Standing,
    /// 按程序: when the procedure reaches the step, no deadline of its own.
    ByProcedure,
    /// 按年公开 / 每年: once a year, by the end of the year.
    Yearly,
    /// 每季度: once a quarter, by the end of the quarter.
    Quarterly,
    /// 每月: once a month, by the end of the month.
    Monthly,
    /// 每年M月D日前: every year by a fixed date.
    FixedDate { month: u32, day: u32 },
}

impl Rule {
    pub fn label(&self) -> String {
        match self {
            Rule::Within { period, from } => format!("{}{}内", from.label(), period.label()),
            Rule::Immediate => "实时公开".into(),
            Rule::Promptly => "及时公开（无具体期限）".into(),
            Rule::Standing => "长期公开（无期限）".into(),
            Rule::ByProcedure => "按程序公开（无期限）".into(),
            Rule::Yearly => "每年一次，年底前".into(),
            Rule::Quarterly => "每季度一次，季末前".into(),
            Rule::Monthly => "每月一次，月底前".into(),
            Rule::FixedDate { month, day } => format!("每年{month}月{day}日前"),
        }
    }

    /// The date by which information that formed (or whose period began) on `event` must be
    /// public; None where the rule sets no date (及时, 长期, 按程序).
    pub fn due(&self, event: NaiveDate, cal: &Calendar) -> Result<Option<NaiveDate>, CalendarError> {
        let end_of_month = |y: i32, m: u32| {
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
        };
        Ok(match self {
            Rule::Within { period, .. } => Some(period.end(event, cal)?),
            Rule::Immediate => Some(event),
            Rule::Promptly | Rule::Standing | Rule::ByProcedure => None,
            Rule::Yearly => NaiveDate::from_ymd_opt(event.year(), 12, 31),
            Rule::Quarterly => end_of_month(event.year(), (event.month() - 1) / 3 * 3 + 3),
            Rule::Monthly => end_of_month(event.year(), event.month()),
            Rule::FixedDate { month, day } => {
                let this = NaiveDate::from_ymd_opt(event.year(), *month, *day);
                match this {
                    Some(d) if d >= event => Some(d),
                    _ => NaiveDate::from_ymd_opt(event.year() + 1, *month, *day),
                }
            }
        })
    }
}

/// One clause: a rule, what it applies to when the cell splits by content ("处罚决定: 20个工作日内"),
/// and the periods that follow publication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// None: the whole entry.
    pub applies_to: Option<String>,
    pub rule: Rule,
    /// 公示N个工作日 / 公告期限为N日: how long it stays displayed.
    pub display: Option<Period>,
    /// 征求意见期限不得少于N日.
    pub min_comment: Option<Period>,
}

/// A 公开时限 read into rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimit {
    pub parts: Vec<Part>,
    /// "法律、法规对政府信息公开的期限另有规定的,从其规定".
    pub other_law_prevails: bool,
}

/// A phrase the platform cannot read: the clerk sets the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unreadable {
    pub text: String,
    /// Which clause stopped the reading.
    pub reason: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "公开时限“{}”无法自动识别（{}），请由经办人设定规则", self.text, self.reason)
    }
}

impl TimeLimit {
    /// A single rule for the whole entry (what a clerk sets for a flagged phrase).
    pub fn single(rule: Rule) -> TimeLimit {
        TimeLimit {
            parts: vec![Part { applies_to: None, rule, display: None, min_comment: None }],
            other_law_prevails: false,
        }
    }

    /// Plain description, one clause after another.
    pub fn label(&self) -> String {
        let mut out: Vec<String> = self
            .parts
            .iter()
            .map(|p| {
                let mut s = String::new();
                if let Some(a) = &p.applies_to {
                    s.push_str(a);
                    s.push('：');
                }
                s.push_str(&p.rule.label());
                if let Some(d) = p.display {
                    s.push_str(&format!("，公示{}", d.label()));
                }
                if let Some(c) = p.min_comment {
                    s.push_str(&format!("，征求意见不少于{}", c.label()));
                }
                s
            })
            .collect();
        if self.other_law_prevails {
            out.push("法律法规另有规定的从其规定".into());
        }
        out.join("；")
    }

    /// The rule the entry as a whole is checked against: the clause for the whole entry, else the
    /// first clause that sets a date (a cell split by content is checked by its strictest part
    /// only when no clause covers the whole entry).
    pub fn main_rule(&self) -> Option<&Rule> {
        self.parts
            .iter()
            .find(|p| p.applies_to.is_none())
            .or_else(|| {
                self.parts.iter().find(|p| !matches!(p.rule, Rule::Standing | Rule::Promptly | Rule::ByProcedure))
            })
            .or(self.parts.first())
            .map(|p| &p.rule)
    }

    pub fn due(&self, event: NaiveDate, cal: &Calendar) -> Result<Option<NaiveDate>, CalendarError> {
        match self.main_rule() {
            Some(r) => r.due(event, cal),
            None => Ok(None),
        }
    }
}

/// Full-width to half-width for the characters the phrases use, whitespace removed (line breaks
/// inside cells become spaces in the published copies: "信息形成 或变更之 日起20个 工作日内").
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '；' => ';',
            '，' => ',',
            '．' => '.',
            '／' => '/',
            _ => c,
        })
        .collect()
}

/// Read a 公开时限 phrase.
pub fn parse(text: &str) -> Result<TimeLimit, Unreadable> {
    let norm = normalize(text);
    let fail = |reason: String| Unreadable { text: text.trim().to_string(), reason };
    if norm.is_empty() {
        return Err(fail("空白".into()));
    }
    let mut parts: Vec<Part> = vec![];
    let mut other_law_prevails = false;
    for clause in split_clauses(&norm) {
        let clause = clause.trim_end_matches(['。', '.', ',', '、']);
        if clause.is_empty() {
            continue;
        }
        if is_law_prevails(clause) {
            other_law_prevails = true;
            continue;
        }
        // "…,公示7个工作日" / "公告期限为5日": a display period of the clause before.
        if let Some(p) = display_period(clause) {
            match parts.last_mut() {
                Some(last) if last.display.is_none() => {
                    last.display = Some(p);
                    continue;
                }
                _ => return Err(fail(format!("“{clause}”前没有可对应的公开期限"))),
            }
        }
        if let Some(rest) = clause.strip_prefix("征求意见期限不得少于") {
            let Some((p, tail)) = period_at_start(rest) else {
                return Err(fail(format!("“{clause}”的天数或单位不完整")));
            };
            if !tail.is_empty() {
                return Err(fail(format!("“{clause}”的天数或单位不完整")));
            }
            match parts.last_mut() {
                Some(last) => {
                    last.min_comment = Some(p);
                    continue;
                }
                None => return Err(fail(format!("“{clause}”前没有可对应的公开期限"))),
            }
        }
        parts.push(parse_clause(clause).map_err(&fail)?);
    }
    if parts.is_empty() {
        return Err(fail("没有可识别的期限".into()));
    }
    Ok(TimeLimit { parts, other_law_prevails })
}

/// Split on ";", "。" (not at the end), " / ", a "," before a new sentence, and "1." "2." numbering.
fn split_clauses(s: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // "2." numbering at the start of a clause
        if c.is_ascii_digit() && chars.get(i + 1) == Some(&'.') && (cur.is_empty() || cur.ends_with(';')) {
            if !cur.trim_end_matches(';').is_empty() {
                out.push(cur.trim_end_matches(';').to_string());
            }
            cur = String::new();
            i += 2;
            continue;
        }
        match c {
            ';' | '。' | '/' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            ',' => {
                // A comma separates clauses when what follows is a clause of its own.
                let rest: String = chars[i + 1..].iter().collect();
                if rest.starts_with("公示")
                    || rest.starts_with("公告期限")
                    || rest.starts_with("征求意见")
                    || rest.starts_with("其中")
                    || rest.starts_with("从其规定")
                {
                    if rest.starts_with("从其规定") {
                        cur.push(c);
                    } else if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                } else {
                    cur.push(c);
                }
            }
            _ => cur.push(c),
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_law_prevails(clause: &str) -> bool {
    (clause.contains("另有规定") && clause.contains("从其规定")) && !clause.contains("工作日")
}

fn display_period(clause: &str) -> Option<Period> {
    for prefix in ["公示期限为", "公示期为", "公告期限为", "公告期为", "公示"] {
        if let Some(rest) = clause.strip_prefix(prefix)
            && let Some((p, tail)) = period_at_start(rest)
            && tail.is_empty()
        {
            return Some(p);
        }
    }
    None
}

/// A number (Arabic or Chinese up to 99) and a unit at the start of `s`; the rest after it.
fn period_at_start(s: &str) -> Option<(Period, &str)> {
    let (count, rest) = number_at_start(s)?;
    for (unit_text, unit) in [
        ("个工作日", DayUnit::Working),
        ("工作日", DayUnit::Working),
        ("个自然日", DayUnit::Calendar),
        ("自然日", DayUnit::Calendar),
        ("日", DayUnit::Calendar),
        ("天", DayUnit::Calendar),
    ] {
        if let Some(tail) = rest.strip_prefix(unit_text) {
            return Some((Period { count, unit }, tail));
        }
    }
    None
}

fn number_at_start(s: &str) -> Option<(u32, &str)> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let n = digits.parse().ok().filter(|&n: &u32| n > 0 && n <= 3660)?;
        return Some((n, &s[digits.len()..]));
    }
    let cn = |c: char| "一二三四五六七八九".find(c).map(|i| (i / 3 + 1) as u32);
    let chars: Vec<char> = s.chars().take(3).collect();
    let (n, used) = match chars.as_slice() {
        ['十', b, ..] if cn(*b).is_some() => (10 + cn(*b)?, 2),
        ['十', ..] => (10, 1),
        [a, '十', b, ..] if cn(*a).is_some() && cn(*b).is_some() => (cn(*a)? * 10 + cn(*b)?, 3),
        [a, '十', ..] if cn(*a).is_some() => (cn(*a)? * 10, 2),
        [a, ..] if cn(*a).is_some() => (cn(*a)?, 1),
        _ => return None,
    };
    let bytes: usize = s.chars().take(used).map(char::len_utf8).sum();
    Some((n, &s[bytes..]))
}

fn parse_clause(clause: &str) -> Result<Part, String> {
    let mut body = clause;
    let mut applies_to: Option<String> = None;
    // "处罚决定:20个工作日内" — a label for part of the content.
    if let Some((label, rest)) = body.split_once(':')
        && !label.is_empty()
        && !rest.is_empty()
    {
        applies_to = Some(label.to_string());
        body = rest;
    }
    // "其中行政许可、行政处罚事项应自作出行政决定之日起7个工作日内公示"
    if let Some(rest) = body.strip_prefix("其中")
        && let Some((label, tail)) = rest.split_once('应')
    {
        applies_to = Some(label.to_string());
        body = tail;
    }
    let keyword = |b: &str| -> Option<Rule> {
        let b = b.strip_suffix("(动态调整)").unwrap_or(b);
        Some(match b {
            "长期" | "长期公开" | "常年公开" => Rule::Standing,
            "实时" | "实时公开" | "即时公开" => Rule::Immediate,
            "及时" | "及时公开" => Rule::Promptly,
            "按程序" | "按程序公开" | "按照程序" | "按照程序公开" | "按工作程序公开" => {
                Rule::ByProcedure
            }
            "按年" | "按年公开" | "每年" | "每年公开" | "每年一次" | "按年度公开" => Rule::Yearly,
            "每季度" | "按季度公开" | "每季度公开" | "按季公开" => Rule::Quarterly,
            "每月" | "按月公开" | "每月公开" => Rule::Monthly,
            _ => return None,
        })
    };
    if let Some(rule) = keyword(body) {
        return Ok(Part { applies_to, rule, display: None, min_comment: None });
    }
    // 每年1月31日前
    if let Some(rest) = body.strip_prefix("每年") {
        if let Some((m, rest)) = number_at_start(rest)
            && let Some(rest) = rest.strip_prefix('月')
            && let Some((d, rest)) = number_at_start(rest)
        {
            let tail = rest.strip_prefix('日').unwrap_or("x");
            if matches!(tail, "前" | "之前" | "前公开" | "以前") && NaiveDate::from_ymd_opt(2024, m, d).is_some()
            {
                return Ok(Part {
                    applies_to,
                    rule: Rule::FixedDate { month: m, day: d },
                    display: None,
                    min_comment: None,
                });
            }
        }
        return Err(format!("“{clause}”的日期不完整"));
    }
    // The count: find the first number followed by a day unit.
    let idx = body
        .char_indices()
        .find(|(i, c)| {
            (c.is_ascii_digit() || "一二三四五六七八九十".contains(*c)) && period_at_start(&body[*i..]).is_some()
        })
        .map(|(i, _)| i);
    let Some(idx) = idx else {
        return Err(format!("“{clause}”中没有“N个工作日”或“N日”这样的期限"));
    };
    // A number glued to digits before it ("30(cut)") has been found whole by period_at_start.
    let (period, tail) = period_at_start(&body[idx..]).ok_or_else(|| format!("“{clause}”的期限不完整"))?;
    let tail = tail.strip_prefix('内').unwrap_or(tail);
    if !matches!(tail, "" | "公开" | "予以公开" | "公示" | "完成公开" | "主动公开" | "发布") {
        return Err(format!("“{clause}”期限后的“{tail}”无法识别"));
    }
    let mut prefix = &body[..idx];
    for p in ["公开事项", "自", "从", "于"] {
        prefix = prefix.strip_prefix(p).unwrap_or(prefix);
    }
    for s in ["之日起", "日起", "之后", "后", "起"] {
        if let Some(p) = prefix.strip_suffix(s) {
            prefix = p;
            break;
        }
    }
    // "部门预算经本级财政部门批复": the subject before 经 says what the clause applies to.
    if let Some((what, rest)) = prefix.split_once('经') {
        if applies_to.is_none() && !what.is_empty() {
            applies_to = Some(what.to_string());
        }
        prefix = rest;
    }
    let from = match prefix {
        "" => Trigger::Unstated,
        "信息形成或者变更"
        | "信息形成或变更"
        | "该信息形成或者变更"
        | "该信息形成或变更"
        | "形成或者变更"
        | "形成或变更" => Trigger::FormedOrChanged,
        "信息形成" | "形成" | "该信息形成" => Trigger::Formed,
        "制定或获取信息" | "制定或者获取信息" => Trigger::MadeOrObtained,
        "作出行政决定" | "作出决定" | "行政决定作出" => Trigger::Decision,
        "本级人民代表大会或其常务委员会批准" | "本级人民代表大会或者其常务委员会批准" | "人大会议批复" | "人大批准" => {
            Trigger::CongressApproval
        }
        "本级政府财政部门批复" | "本级财政部门批复" | "财政部门批复" => {
            Trigger::FinanceApproval
        }
        other => return Err(format!("起算事件“{other}”无法识别")),
    };
    Ok(Part { applies_to, rule: Rule::Within { period, from }, display: None, min_comment: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every phrasing of basic-catalog.md §5, as stored, with what it must read as; `None` means
    /// flagged for the clerk. Rows 11 and 24 are cut in the stored copies ("30(cut)", "5个(cut)"),
    /// so the period after them has no unit and they are flagged, never completed by guess.
    const SECTION_5: &[(&str, &str, Option<&str>)] = &[
        ("1", "信息形成或者变更之日起20个工作日内", Some("信息形成或变更之日起20个工作日内")),
        ("2", "信息形成或变更之日起20个工作日内", Some("信息形成或变更之日起20个工作日内")),
        ("3", "自该信息形成或者变更之日起20个工作日内", Some("信息形成或变更之日起20个工作日内")),
        ("4", "自信息形成或者变更之日起20个工作日内予以公开", Some("信息形成或变更之日起20个工作日内")),
        ("5", "公开事项信息形成或变更之日起20个工作日内公开", Some("信息形成或变更之日起20个工作日内")),
        ("6", "形成或者变更之日起20个工作日内予以公开", Some("信息形成或变更之日起20个工作日内")),
        (
            "7",
            "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的,从其规定。",
            Some("信息形成或变更之日起20个工作日内；法律法规另有规定的从其规定"),
        ),
        (
            "7b",
            "信息形成或变更之日起20个工作日内。法律法规对政府信息公开的期限另有规定的,从其规定。",
            Some("信息形成或变更之日起20个工作日内；法律法规另有规定的从其规定"),
        ),
        ("8", "信息形成之日起20个工作日内", Some("信息形成之日起20个工作日内")),
        ("9", "信息形成20个工作日内公开", Some("信息形成之日起20个工作日内")),
        (
            "10",
            "信息形成20个工作日内公开;其中行政许可、行政处罚事项应自作出行政决定之日起7个工作日内公示",
            Some("信息形成之日起20个工作日内；行政许可、行政处罚事项：作出行政决定之日起7个工作日内"),
        ),
        ("11", "信息形成或者变更之日起20个工作日内予以公开;征求意见期限不得少于30(cut)", None),
        ("12", "20个工作日", Some("（起算事件未写明）20个工作日内")),
        ("13", "信息形成或变更之日起3个工作日内", Some("信息形成或变更之日起3个工作日内")),
        ("14", "制定或获取信息之日起10个工作日内", Some("制定或获取信息之日起10个工作日内")),
        (
            "15",
            "制定或获取信息之日起10个工作日内,公示7个工作日",
            Some("制定或获取信息之日起10个工作日内，公示7个工作日"),
        ),
        ("16", "信息形成或变更之日起10个工作日内", Some("信息形成或变更之日起10个工作日内")),
        ("17", "本级人民代表大会或其常务委员会批准后20日内", Some("本级人大或其常委会批准后20日内")),
        ("18", "人大会议批复后20日内", Some("本级人大或其常委会批准后20日内")),
        ("19", "本级政府财政部门批复后20日内", Some("本级财政部门批复后20日内")),
        (
            "20",
            "部门预算经本级财政部门批复后20日内公开 / 部门决算经本级财政部门批复后20日内公开",
            Some("部门预算：本级财政部门批复后20日内；部门决算：本级财政部门批复后20日内"),
        ),
        ("21", "长期", Some("长期公开（无期限）")),
        ("22", "实时公开", Some("实时公开")),
        (
            "23",
            "1.除处罚决定外其他内容:长期公开(动态调整); 2.处罚决定:20个工作日内。",
            Some("除处罚决定外其他内容：长期公开（无期限）；处罚决定：（起算事件未写明）20个工作日内"),
        ),
        ("24", "及时公开,公告期限为5个(cut)", None),
        ("25", "按年公开", Some("每年一次，年底前")),
        ("26", "每年1月31日前", Some("每年1月31日前")),
    ];

    #[test]
    fn every_phrasing_of_section_5_maps_to_a_rule_or_is_flagged() {
        assert_eq!(SECTION_5.len(), 27, "26 numbered rows plus 7b");
        for (no, text, want) in SECTION_5 {
            match (parse(text), want) {
                (Ok(t), Some(w)) => assert_eq!(&t.label(), w, "row {no}: {text}"),
                (Err(_), None) => {}
                (got, want) => panic!("row {no}: {text}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_cut_rows_read_when_complete() {
        let t = parse("信息形成或者变更之日起20个工作日内予以公开;征求意见期限不得少于30日").unwrap();
        assert_eq!(t.parts[0].min_comment, Some(Period { count: 30, unit: DayUnit::Calendar }));
        let t = parse("及时公开,公告期限为5个工作日").unwrap();
        assert_eq!(t.parts[0].rule, Rule::Promptly);
        assert_eq!(t.parts[0].display, Some(Period { count: 5, unit: DayUnit::Working }));
    }

    #[test]
    fn noise_full_width_and_line_breaks_are_read() {
        let t = parse("信息形成 或变更之\n日起２０个 工作日内 公开").unwrap();
        assert_eq!(t.label(), "信息形成或变更之日起20个工作日内");
        assert_eq!(parse("自信息形成之日起二十个工作日内").unwrap().label(), "信息形成之日起20个工作日内");
        assert_eq!(parse("长期公开（动态调整）").unwrap().label(), "长期公开（无期限）");
    }

    #[test]
    fn what_it_cannot_read_is_flagged_not_guessed() {
        for text in [
            "",
            "尽快",
            "适时公开",
            "信息形成后第二个月内",
            "领导批准后20个工作日内",
            "20个工作日左右",
            "每年13月1日前",
            "公示7个工作日",
            "信息形成之日起20个工作日内;另行通知",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.to_string().contains("请由经办人设定规则"), "{text}: {err}");
        }
    }

    #[test]
    fn due_dates_count_working_days_or_calendar_days() {
        let cal = Calendar::builtin();
        // 2024-09-27 (Fri): 10 working days, skipping the 国庆 holiday (10-01..07) and counting the
        // make-up Saturday 10-12: 09-29(Sun workday), 09-30, 10-08, 09, 10, 11, 12(Sat workday), 14, 15, 16.
        let t = parse("制定或获取信息之日起10个工作日内").unwrap();
        assert_eq!(t.due(d(2024, 9, 27), &cal).unwrap(), Some(cal.add_working_days(d(2024, 9, 27), 10).unwrap()));
        assert!(t.due(d(2024, 9, 27), &cal).unwrap().unwrap() > d(2024, 10, 11));
        let t = parse("本级人民代表大会或其常务委员会批准后20日内").unwrap();
        assert_eq!(t.due(d(2024, 1, 20), &cal).unwrap(), Some(d(2024, 2, 9)), "calendar days, the holiday not skipped");
        assert_eq!(parse("长期").unwrap().due(d(2024, 1, 2), &cal).unwrap(), None);
        assert_eq!(parse("按年公开").unwrap().due(d(2024, 3, 2), &cal).unwrap(), Some(d(2024, 12, 31)));
        assert_eq!(parse("每年1月31日前").unwrap().due(d(2024, 3, 2), &cal).unwrap(), Some(d(2025, 1, 31)));
        assert_eq!(parse("实时公开").unwrap().due(d(2024, 3, 2), &cal).unwrap(), Some(d(2024, 3, 2)));
        assert_eq!(parse("每季度").unwrap().due(d(2024, 5, 2), &cal).unwrap(), Some(d(2024, 6, 30)));
        // A cell split by content is checked by the clause for the whole entry.
        let t =
            parse("信息形成20个工作日内公开;其中行政许可、行政处罚事项应自作出行政决定之日起7个工作日内公示").unwrap();
        assert_eq!(t.due(d(2024, 3, 1), &cal).unwrap(), Some(cal.add_working_days(d(2024, 3, 1), 20).unwrap()));
    }
}
