//! 监督保障: the 社会评议 of the government's open-government work and the 责任追究 cases (条例第
//! 四十七条、第五十二条; the annual report's section 一 says what was done: "开展社会评议……",
//! "责任追究情况"). The value types, their validation, and the paragraph section 一 drafts from
//! them. Scores are kept in tenths of a point (0–1000), so no float ever reaches a report.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($v:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn code(self) -> &'static str { match self { $($name::$v => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$v => $label),+ } }
            pub fn from_code(code: &str) -> Option<$name> { Self::ALL.iter().copied().find(|v| v.code() == code) }
        }
    };
}

coded!(
    /// How the public evaluated the work (社会评议的方式).
    EvaluationMethod {
        Questionnaire => ("questionnaire", "问卷调查"),
        Symposium => ("symposium", "座谈会"),
        Online => ("online", "网上评议"),
        ThirdParty => ("third_party", "第三方评估"),
    }
);

coded!(
    /// What was done to those responsible (责任追究的方式).
    AccountabilityAction {
        Criticism => ("criticism", "通报批评"),
        Interview => ("interview", "约谈"),
        Admonition => ("admonition", "诫勉谈话"),
        Discipline => ("discipline", "党纪政务处分"),
        Other => ("other", "其他"),
    }
);

/// One 社会评议.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub held_on: NaiveDate,
    /// Who evaluated: 人大代表、政协委员、群众代表、企业代表、第三方机构 …
    pub evaluators: String,
    pub method: EvaluationMethod,
    pub participants: i64,
    /// The score in tenths of a point (0–1000), if one was given.
    pub score_tenths: Option<i64>,
    /// 意见建议 raised, one a line.
    pub issues: String,
}

impl Evaluation {
    pub fn issue_count(&self) -> usize {
        self.issues.lines().filter(|l| !l.trim().is_empty()).count()
    }
}

/// One 责任追究 case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountabilityCase {
    pub unit: String,
    pub decided_on: NaiveDate,
    pub reason: String,
    pub action: AccountabilityAction,
}

/// A score as people write it ("92", "92.5", "９２．５"): tenths of a point, 0–100.
pub fn parse_score(text: &str) -> Result<Option<i64>, String> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    let ok = !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= 1
        && frac.chars().all(|c| c.is_ascii_digit());
    let tenths = ok
        .then(|| int.parse::<i64>().ok().map(|i| i * 10 + frac.parse::<i64>().unwrap_or(0)))
        .flatten()
        .filter(|v| (0..=1000).contains(v));
    tenths.map(Some).ok_or_else(|| format!("得分“{}”应为0到100之间的数，最多一位小数", text.trim()))
}

/// Tenths of a point as written: 925 → "92.5", 920 → "92".
pub fn tenths_text(t: i64) -> String {
    if t % 10 == 0 { (t / 10).to_string() } else { format!("{}.{}", t / 10, t % 10) }
}

/// Section 一's paragraph on 监督保障 for `year` (`heading` is its number, e.g. "（五）"), from the
/// year's evaluations and cases; worded so that the report's cross-check of section 一 against
/// table 三 never reads its numbers as application counts.
pub fn paragraph(year: i32, heading: &str, evaluations: &[Evaluation], cases: &[AccountabilityCase]) -> String {
    let mut out = format!("\n{heading}监督保障情况\n");
    if evaluations.is_empty() {
        out.push_str(&format!("{year}年，未组织政务公开社会评议。"));
    } else {
        let mut methods: Vec<&str> = vec![];
        for e in evaluations {
            if !methods.contains(&e.method.label()) {
                methods.push(e.method.label());
            }
        }
        let people: i64 = evaluations.iter().map(|e| e.participants).sum();
        let issues: usize = evaluations.iter().map(Evaluation::issue_count).sum();
        let scores: Vec<i64> = evaluations.iter().filter_map(|e| e.score_tenths).collect();
        out.push_str(&format!(
            "{year}年，通过{}等方式组织政务公开社会评议{}次，参与评议{people}人次",
            methods.join("、"),
            evaluations.len()
        ));
        if !scores.is_empty() {
            // Rounded half up to a tenth.
            let sum: i64 = scores.iter().sum();
            let n = i64::try_from(scores.len()).unwrap_or(1);
            out.push_str(&format!("，平均得分{}分", tenths_text((2 * sum + n) / (2 * n))));
        }
        if issues > 0 {
            out.push_str(&format!("，收集意见建议{issues}条，已逐条研究整改"));
        }
        out.push('。');
    }
    if cases.is_empty() {
        out.push_str("全年未发生因政务公开工作不力被追究责任的情况。");
    } else {
        let mut by_action: Vec<(AccountabilityAction, usize)> = vec![];
        for c in cases {
            match by_action.iter_mut().find(|(a, _)| *a == c.action) {
                Some((_, n)) => *n += 1,
                None => by_action.push((c.action, 1)),
            }
        }
        let parts: Vec<String> = by_action.iter().map(|(a, n)| format!("{}{n}起", a.label())).collect();
        out.push_str(&format!("全年因政务公开工作不力追究责任{}起（{}）。", cases.len(), parts.join("、")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    #[test]
    fn scores_as_people_write_them() {
        assert_eq!(parse_score("92"), Ok(Some(920)));
        assert_eq!(parse_score("９２．５"), Ok(Some(925)));
        assert_eq!(parse_score(" "), Ok(None));
        assert_eq!(parse_score("100"), Ok(Some(1000)));
        for bad in ["100.1", "-3", "9.25", "九十", ".5", "1e2"] {
            assert!(parse_score(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_paragraph_says_what_was_done_and_what_was_not() {
        let e = |m, people, score, issues: &str| Evaluation {
            held_on: d(5, 1),
            evaluators: "人大代表、群众代表".into(),
            method: m,
            participants: people,
            score_tenths: score,
            issues: issues.into(),
        };
        let evs = [
            e(EvaluationMethod::Questionnaire, 320, Some(915), "政策解读不够通俗\n办事指南更新不及时"),
            e(EvaluationMethod::Symposium, 25, Some(930), "基层公开栏内容陈旧"),
            e(EvaluationMethod::Questionnaire, 10, None, ""),
        ];
        let cases = [
            AccountabilityCase {
                unit: "某镇".into(),
                decided_on: d(9, 1),
                reason: "逾期未答复".into(),
                action: AccountabilityAction::Criticism,
            },
            AccountabilityCase {
                unit: "某局".into(),
                decided_on: d(10, 1),
                reason: "泄露个人信息".into(),
                action: AccountabilityAction::Interview,
            },
            AccountabilityCase {
                unit: "某局".into(),
                decided_on: d(11, 1),
                reason: "栏目长期不更新".into(),
                action: AccountabilityAction::Criticism,
            },
        ];
        let p = paragraph(2024, "（五）", &evs, &cases);
        assert!(p.starts_with("\n（五）监督保障情况\n"), "{p}");
        assert!(
            p.contains(
                "通过问卷调查、座谈会等方式组织政务公开社会评议3次，参与评议355人次，平均得分92.3分，收集意见建议3条"
            ),
            "{p}"
        );
        assert!(p.contains("追究责任3起（通报批评2起、约谈1起）"), "{p}");
        let none = paragraph(2024, "（五）", &[], &[]);
        assert!(
            none.contains("未组织政务公开社会评议") && none.contains("未发生因政务公开工作不力被追究责任"),
            "{none}"
        );
    }
}
