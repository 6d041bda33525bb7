//! A tolerant reader of the figures section 一 states in prose ("共收到申请29件", "其中，予以公开
//! 12件", "通过政务微博公开政府信息2604条", "行政复议351件，其中结果维持72件…"), so that they can
//! be checked against tables 三 and 四 and against the totals they claim (条例第五十条 asks the
//! report to be consistent; a reader compares the prose with the tables first).

use serde::{Deserialize, Serialize};

use super::parse::normalize_char;

/// What a stated figure counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementKind {
    ApplicationsReceived, // 收到/受理申请 N件
    Disclosed,            // 予以公开
    PartiallyDisclosed,   // 部分公开
    Withheld,             // 不予公开 (all reasons)
    Unable,               // 无法提供 (all reasons)
    NotHeld,              // 本机关不掌握
    NeedsCreating,        // 需要另行制作
    NotProcessed,         // 不予处理 (all reasons)
    Petition,             // 信访举报投诉类
    Repeated,             // 重复申请
    OtherHandling,        // 其他处理
    Answered,             // 答复/办结 N件 = （七）总计
    CarriedOver,          // 上年结转
    CarriedForward,       // 结转下年度 / 顺延
    /// Table 四: `litigation` false = 行政复议, true = 行政诉讼 (both groups); `outcome` 0..=4 as
    /// 结果维持, 结果纠正, 其他结果, 尚未审结, 总计.
    Review {
        litigation: bool,
        outcome: usize,
    },
    /// "共…N条。其中a条，b条…": a total and the parts listed after 其中.
    Sum {
        parts: Vec<i64>,
    },
}

/// One figure stated in the prose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub kind: StatementKind,
    pub value: i64,
    /// "5500余条", "约…", "…多件": not to be compared exactly.
    pub approximate: bool,
    /// 件, 条 or 个.
    pub unit: char,
    /// The words around the figure, as evidence.
    pub text: String,
}

struct Count {
    value: i64,
    approximate: bool,
    unit: char,
    /// Byte offset of the number in its sentence.
    start: usize,
    prefix: String,
    suffix: String,
}

const DELIMS: &[char] = &['，', ',', '、', '；', ';', '：', '（', '）', '。', '“', '”'];

/// Every figure in `text` this reader recognises, in order.
pub fn extract_statements(text: &str) -> Vec<Statement> {
    let compact: String = text.chars().map(normalize_char).filter(|c| !c.is_whitespace()).collect();
    let sentences: Vec<&str> = compact.split(['。', '；', ';', '!', '！']).filter(|s| !s.is_empty()).collect();
    let mut out = Vec::new();
    let mut prev_last: Option<(i64, bool, char, String)> = None; // last count of the previous sentence
    for sentence in sentences {
        let counts = counts_in(sentence);
        let mut review_group: Option<bool> = None;
        for c in &counts {
            let ctx = format!("{}{}{}{}", c.prefix, c.value, c.unit, c.suffix);
            if c.prefix.contains("行政复议") {
                review_group = Some(false);
            } else if c.prefix.contains("行政诉讼") {
                review_group = Some(true);
            }
            let kind = classify(&c.prefix, c.unit, review_group).or_else(|| classify(&c.suffix, c.unit, review_group));
            if let Some(kind) = kind {
                out.push(Statement { kind, value: c.value, approximate: c.approximate, unit: c.unit, text: ctx });
            }
        }
        // 其中: the parts of the count just before it.
        if let Some(at) = sentence.find("其中") {
            let before: Vec<&Count> = counts.iter().filter(|c| c.start <= at).collect();
            let total = match before.last() {
                Some(c) => Some((c.value, c.approximate, c.unit, format!("{}{}{}", c.prefix, c.value, c.unit))),
                None if at == 0 => prev_last.clone(),
                None => None,
            };
            if let Some((value, approximate, unit, text)) = total {
                let parts: Vec<&Count> = counts.iter().filter(|c| c.start > at && c.unit == unit).collect();
                if parts.len() >= 2 && !approximate && parts.iter().all(|p| !p.approximate) {
                    out.push(Statement {
                        kind: StatementKind::Sum { parts: parts.iter().map(|p| p.value).collect() },
                        value,
                        approximate,
                        unit,
                        text: format!(
                            "{text}，其中{}",
                            parts.iter().map(|p| format!("{}{}", p.value, p.unit)).collect::<Vec<_>>().join("、")
                        ),
                    });
                }
            }
        }
        prev_last =
            counts.last().map(|c| (c.value, c.approximate, c.unit, format!("{}{}{}", c.prefix, c.value, c.unit)));
    }
    out
}

/// The counts (a number followed by 件, 条 or 个) of one sentence, each with the words before it
/// (back to a delimiter or the previous count) and after it (up to a delimiter).
fn counts_in(sentence: &str) -> Vec<Count> {
    let b = sentence.as_bytes();
    let mut out: Vec<Count> = Vec::new();
    let mut i = 0;
    let mut prev_end = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
        let number = &sentence[start..i];
        let mut rest = &sentence[i..];
        let mut approximate = false;
        for q in ["余", "多"] {
            if let Some(r) = rest.strip_prefix(q) {
                rest = r;
                approximate = true;
            }
        }
        let Some(unit) = rest.chars().next().filter(|c| matches!(c, '件' | '条' | '个')) else { continue };
        let Ok(value) = number.parse::<i64>() else { continue };
        let after = &rest[unit.len_utf8()..];
        let end = sentence.len() - after.len();
        let head = &sentence[prev_end..start];
        let prefix = head.rsplit(DELIMS).next().unwrap_or("");
        if ["约", "近", "超过", "逾"].iter().any(|q| prefix.ends_with(q)) {
            approximate = true;
        }
        let suffix = after.split(DELIMS).next().unwrap_or("");
        let suffix = suffix.split(|c: char| c.is_ascii_digit()).next().unwrap_or("");
        out.push(Count { value, approximate, unit, start, prefix: prefix.to_string(), suffix: suffix.to_string() });
        prev_end = end;
        i = end;
    }
    out
}

fn classify(ctx: &str, unit: char, review_group: Option<bool>) -> Option<StatementKind> {
    use StatementKind::*;
    let has = |k: &str| ctx.contains(k);
    if let Some(litigation) = review_group {
        for (i, k) in ["结果维持", "结果纠正", "其他结果", "尚未审结"].iter().enumerate() {
            if has(k) {
                return Some(Review { litigation, outcome: i });
            }
        }
        if has("行政复议") || has("行政诉讼") {
            return Some(Review { litigation, outcome: 4 });
        }
    }
    if unit != '件' {
        return None;
    }
    let rules: [(&[&str], StatementKind); 14] = [
        (&["顺延", "结转下年", "转入下年", "结转到下年"], CarriedForward),
        (&["上年结转", "上年度结转", "上一年度结转", "上一年结转"], CarriedOver),
        (&["部分公开"], PartiallyDisclosed),
        (&["予以公开", "同意公开"], Disclosed),
        (&["不予公开"], Withheld),
        (&["不掌握"], NotHeld),
        (&["另行制作"], NeedsCreating),
        (&["无法提供"], Unable),
        (&["重复申请"], Repeated),
        (&["信访", "举报投诉"], Petition),
        (&["不予处理"], NotProcessed),
        (&["其他处理"], OtherHandling),
        (&["答复", "办结", "办理结果"], Answered),
        (&["收到", "受理", "接收", "新收"], ApplicationsReceived),
    ];
    for (keys, kind) in rules {
        if keys.iter().any(|k| has(k)) {
            if matches!(kind, ApplicationsReceived) && !has("申请") {
                return None;
            }
            return Some(kind);
        }
    }
    None
}
