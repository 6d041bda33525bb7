//! The personal-data and classification-mark scanner run before anything goes public, and the
//! masking of what it finds. 条例第十五条 forbids disclosing 个人隐私 without consent, 条例第十四条
//! forbids disclosing 国家秘密, and 条例第十七条 requires a 保密审查 before publication: the scanner is
//! the automatic half of that review (the reviewer is the other half, see `disclosure::item`).
//!
//! Pure and regex-free: [`scan`] walks the text once, char by char, and reports byte ranges.

mod scanner;

pub use scanner::scan;

use serde::{Deserialize, Serialize};

use crate::org::mask_name;

/// What kind of thing a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// 居民身份证号 (18 digits with a valid check character, or an old 15-digit number).
    IdNumber,
    /// 手机号码 (1[3-9] and nine more digits).
    Mobile,
    /// 银行卡号 (16–19 digits passing the Luhn check).
    BankCard,
    /// A person's name next to a label or to one of the numbers above (heuristic, see `scanner`).
    PersonName,
    /// A 密级 or handling mark (机密★, 内部资料, 注意保密 …).
    ClassificationMark,
}

impl FindingKind {
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::IdNumber => "身份证号码",
            FindingKind::Mobile => "手机号码",
            FindingKind::BankCard => "银行卡号",
            FindingKind::PersonName => "姓名",
            FindingKind::ClassificationMark => "密级或保密标志",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FindingKind::IdNumber => "id_number",
            FindingKind::Mobile => "mobile",
            FindingKind::BankCard => "bank_card",
            FindingKind::PersonName => "person_name",
            FindingKind::ClassificationMark => "classification_mark",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            FindingKind::ClassificationMark => Severity::Blocking,
            _ => Severity::Maskable,
        }
    }
}

/// How a finding may be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Personal data: [`mask`] resolves it; the masked text scans clean of it.
    Maskable,
    /// A classification mark: masking cannot resolve it, only the reviewer's decision (the mark
    /// may mean the document must not be published at all).
    Blocking,
}

/// One thing the scanner found: `text[start..end]` (byte offsets, on char boundaries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub start: usize,
    pub end: usize,
    /// What may be shown to a reviewer: the masked value for personal data (never the original),
    /// the mark itself for a classification mark.
    pub excerpt_masked: String,
    pub severity: Severity,
}

/// Replace every personal-data finding by its masked form (身份证 `4104**********123X`, 手机
/// `138****5678`, 银行卡 first four and last four, names as `张*` / `李*华`). Classification marks
/// are left as they are: they block publication instead. Findings that overlap an earlier one, or
/// whose range does not fit `text`, are ignored.
pub fn mask(text: &str, findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().filter(|f| f.severity == Severity::Maskable).collect();
    sorted.sort_by_key(|f| (f.start, f.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for f in sorted {
        let fits =
            f.start < f.end && f.end <= text.len() && text.is_char_boundary(f.start) && text.is_char_boundary(f.end);
        if !fits || f.end <= at {
            continue;
        }
        if f.start < at {
            // Overlaps a finding already masked: star out the rest of it too, so that no part
            // of either stays readable (found by fuzzing: an ID number overlapping a card number).
            out.extend(text[at..f.end].chars().map(|c| if c.is_whitespace() { c } else { '*' }));
        } else {
            out.push_str(&text[at..f.start]);
            out.push_str(&f.excerpt_masked);
        }
        at = f.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Scan, then mask: the text that may be published (once no blocking finding remains) and what
/// was found in the original.
pub fn mask_all(text: &str) -> (String, Vec<Finding>) {
    let findings = scan(text);
    (mask(text, &findings), findings)
}

/// Whether text with these findings may not go out as it is. Any finding blocks: personal data
/// must be masked first (after [`mask_all`] a re-scan finds none), and a classification mark
/// needs the reviewer's override with a reason (`disclosure::item::SecrecyReview`).
pub fn blocks_publication(findings: &[Finding]) -> bool {
    !findings.is_empty()
}

/// Whether any finding is one that masking cannot resolve.
pub fn has_blocking(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Blocking)
}

/// The masked form of a name, for `excerpt_masked`.
pub(crate) fn masked_name(name: &str) -> String {
    mask_name(name)
}
