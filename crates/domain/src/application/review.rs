//! 行政复议 and 行政诉讼 about the office's OGI work (条例第五十一条), and the fold that fills
//! annual-report table 四 (ogi-facts.md §1.5, unchanged in 2021): 15 numbers — 行政复议, then
//! 未经复议直接起诉, then 复议后起诉, each as 结果维持 / 结果纠正 / 其他结果 / 尚未审结 / 总计.
//!
//! Which cases a year's table counts. The formats state no rule (ogi-facts.md §7), so this is our
//! reading, chosen so that no case is lost and none is counted as decided twice:
//! - every case **filed** in the year — under its result if decided by the year's end, else under
//!   尚未审结;
//! - every case filed in an earlier year and **decided** in the year, under its result (it was
//!   reported as 尚未审结 the year it was filed).
//!
//! A case filed earlier and still undecided at the end of the year is not counted again.
//!
//! A case is recorded when filed and then moved to its end: decided (维持 / 纠正 / 其他) or
//! withdrawn (撤回申请 / 撤诉: the proceedings end without a ruling on the merits, counted under
//! 其他结果). A 行政复议 has its statutory deadline (`ReviewRecord::due_on`); a 行政诉讼's is the
//! court's.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;

/// 行政复议法（2023年修订）第六十二条第一款: the decision within 60 days of acceptance …
pub const RECONSIDERATION_DAYS: i64 = 60;
/// … extendable once, by at most 30 days, with the approval of the body's head.
pub const RECONSIDERATION_EXTENSION_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    Reconsideration,                // 行政复议
    LitigationDirect,               // 行政诉讼·未经复议直接起诉
    LitigationAfterReconsideration, // 行政诉讼·复议后起诉
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewResult {
    Upheld,    // 结果维持
    Corrected, // 结果纠正
    Other,     // 其他结果
    Pending,   // 尚未审结
    /// 撤回申请 / 撤诉: the case ends without a ruling; table 四 counts it under 其他结果.
    Withdrawn,
}

impl ReviewKind {
    pub fn code(self) -> &'static str {
        match self {
            ReviewKind::Reconsideration => "reconsideration",
            ReviewKind::LitigationDirect => "litigation_direct",
            ReviewKind::LitigationAfterReconsideration => "litigation_after_reconsideration",
        }
    }
    pub fn from_code(code: &str) -> Option<ReviewKind> {
        [ReviewKind::Reconsideration, ReviewKind::LitigationDirect, ReviewKind::LitigationAfterReconsideration]
            .into_iter()
            .find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            ReviewKind::Reconsideration => "行政复议",
            ReviewKind::LitigationDirect => "行政诉讼（未经复议直接起诉）",
            ReviewKind::LitigationAfterReconsideration => "行政诉讼（复议后起诉）",
        }
    }
}

impl ReviewResult {
    pub fn code(self) -> &'static str {
        match self {
            ReviewResult::Upheld => "upheld",
            ReviewResult::Corrected => "corrected",
            ReviewResult::Other => "other",
            ReviewResult::Pending => "pending",
            ReviewResult::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(code: &str) -> Option<ReviewResult> {
        [
            ReviewResult::Upheld,
            ReviewResult::Corrected,
            ReviewResult::Other,
            ReviewResult::Pending,
            ReviewResult::Withdrawn,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            ReviewResult::Upheld => "结果维持",
            ReviewResult::Corrected => "结果纠正",
            ReviewResult::Other => "其他结果",
            ReviewResult::Pending => "尚未审结",
            ReviewResult::Withdrawn => "已撤回（计入其他结果）",
        }
    }
}

/// Why a step on a case is refused (plain words for staff).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("该案件已审结或已撤回，不能再次记录结果")]
    Closed,
    #[error("请选择审结结果（维持、纠正、其他）或撤回")]
    NotAnEnd,
    #[error("审结日期不能早于提起日期")]
    DecidedBeforeFiled,
    #[error("审结日期不能晚于今天")]
    DecidedInFuture,
    #[error("受理日期不能早于申请日期")]
    AcceptedBeforeFiled,
    #[error("行政复议案件请填写受理日期")]
    NotAccepted,
    #[error("只有行政复议案件可以延长审理期限；行政诉讼的期限由法院确定")]
    NotReconsideration,
    #[error("审理期限已经延长过一次，最多延长30日")]
    AlreadyExtended,
    #[error("审理期限已于{0}届满，不能再延长")]
    Expired(NaiveDate),
    #[error("提起日期不能晚于今天")]
    FiledInFuture,
}

/// The statutory deadline of a case: the last day, and whether it rests on a year without an
/// imported holiday notice (then it is provisional, 暂定).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReviewDeadline {
    pub due_on: NaiveDate,
    pub provisional: bool,
}

/// One case as it is kept: filed, (for 行政复议) accepted, perhaps extended, then ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub kind: ReviewKind,
    pub filed_on: NaiveDate,
    /// 受理日期 (行政复议): the 60 days run from it.
    pub accepted_on: Option<NaiveDate>,
    /// The day the extension was granted, if it was.
    pub extended_on: Option<NaiveDate>,
    /// A 行政诉讼's deadline as the court set it, if known.
    pub court_due_on: Option<NaiveDate>,
    pub result: ReviewResult,
    pub decided_on: Option<NaiveDate>,
}

impl ReviewRecord {
    /// A new case as filed, checked. A case may be recorded after its end (back-filling): then
    /// `result` and `decided_on` are given and checked like `end`.
    pub fn file(
        kind: ReviewKind,
        filed_on: NaiveDate,
        accepted_on: Option<NaiveDate>,
        court_due_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<ReviewRecord, ReviewError> {
        if filed_on > today {
            return Err(ReviewError::FiledInFuture);
        }
        if kind == ReviewKind::Reconsideration && accepted_on.is_none() {
            return Err(ReviewError::NotAccepted);
        }
        if accepted_on.is_some_and(|a| a < filed_on) {
            return Err(ReviewError::AcceptedBeforeFiled);
        }
        let (accepted_on, court_due_on) = match kind {
            ReviewKind::Reconsideration => (accepted_on, None),
            _ => (None, court_due_on),
        };
        Ok(ReviewRecord {
            kind,
            filed_on,
            accepted_on,
            extended_on: None,
            court_due_on,
            result: ReviewResult::Pending,
            decided_on: None,
        })
    }

    pub fn is_open(&self) -> bool {
        self.result == ReviewResult::Pending
    }

    /// The statutory deadline. 行政复议: 60 days after acceptance (+30 once extended), counted in
    /// calendar days from the day after acceptance; a last day that is not a working day moves to
    /// the next working day (行政复议法第八十八条 → 民事诉讼法第八十五条). 行政诉讼: the court's.
    pub fn due_on(&self, cal: &Calendar) -> Option<ReviewDeadline> {
        match self.kind {
            ReviewKind::Reconsideration => {
                let days =
                    RECONSIDERATION_DAYS + if self.extended_on.is_some() { RECONSIDERATION_EXTENSION_DAYS } else { 0 };
                let mut d = self.accepted_on? + Duration::days(days);
                // Bounded: no run of rest days is longer than a few weeks.
                for _ in 0..60 {
                    match cal.is_working_day(d) {
                        Ok(false) => d += Duration::days(1),
                        _ => break,
                    }
                }
                Some(ReviewDeadline { due_on: d, provisional: !cal.provisional_years(self.accepted_on?, d).is_empty() })
            }
            _ => self.court_due_on.map(|d| ReviewDeadline { due_on: d, provisional: false }),
        }
    }

    /// Extend a 行政复议 by 30 days (once, while open and before the deadline has passed).
    pub fn extend(&self, on: NaiveDate, cal: &Calendar) -> Result<ReviewRecord, ReviewError> {
        if !self.is_open() {
            return Err(ReviewError::Closed);
        }
        if self.kind != ReviewKind::Reconsideration {
            return Err(ReviewError::NotReconsideration);
        }
        if self.extended_on.is_some() {
            return Err(ReviewError::AlreadyExtended);
        }
        let due = self.due_on(cal).ok_or(ReviewError::NotAccepted)?;
        if on > due.due_on {
            return Err(ReviewError::Expired(due.due_on));
        }
        Ok(ReviewRecord { extended_on: Some(on), ..self.clone() })
    }

    /// End an open case: decided (维持 / 纠正 / 其他) or withdrawn, on `on`.
    pub fn end(&self, result: ReviewResult, on: NaiveDate, today: NaiveDate) -> Result<ReviewRecord, ReviewError> {
        if !self.is_open() {
            return Err(ReviewError::Closed);
        }
        if result == ReviewResult::Pending {
            return Err(ReviewError::NotAnEnd);
        }
        if on < self.filed_on {
            return Err(ReviewError::DecidedBeforeFiled);
        }
        if on > today {
            return Err(ReviewError::DecidedInFuture);
        }
        Ok(ReviewRecord { result, decided_on: Some(on), ..self.clone() })
    }

    /// What table 四 needs of it.
    pub fn case(&self) -> ReviewCase {
        ReviewCase {
            kind: self.kind,
            result: self.result,
            filed_year: self.filed_on.year(),
            decided_year: self.decided_on.map(|d| d.year()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCase {
    pub kind: ReviewKind,
    pub result: ReviewResult,
    pub filed_year: i32,
    /// `None` while pending. A result other than `Pending` with no year is read as pending.
    pub decided_year: Option<i32>,
}

/// The 15 column labels of table 四, in order (group label first).
pub const TABLE4_COLUMNS: [&str; 15] = [
    "行政复议·结果维持",
    "行政复议·结果纠正",
    "行政复议·其他结果",
    "行政复议·尚未审结",
    "行政复议·总计",
    "未经复议直接起诉·结果维持",
    "未经复议直接起诉·结果纠正",
    "未经复议直接起诉·其他结果",
    "未经复议直接起诉·尚未审结",
    "未经复议直接起诉·总计",
    "复议后起诉·结果维持",
    "复议后起诉·结果纠正",
    "复议后起诉·其他结果",
    "复议后起诉·尚未审结",
    "复议后起诉·总计",
];

impl ReviewCase {
    /// The result as it stood at the end of `year`, or `None` if the case is not counted in `year`.
    pub fn result_in(&self, year: i32) -> Option<ReviewResult> {
        let decided = match (self.result, self.decided_year) {
            (ReviewResult::Pending, _) | (_, None) => None,
            (r, Some(y)) => Some((r, y)),
        };
        match decided {
            Some((r, y)) if y <= year && (self.filed_year == year || y == year) => Some(r),
            _ if self.filed_year == year => Some(ReviewResult::Pending),
            _ => None,
        }
    }
}

/// Table 四 for `year`.
pub fn table4(cases: &[ReviewCase], year: i32) -> [u64; 15] {
    let mut t = [0u64; 15];
    for c in cases {
        let Some(result) = c.result_in(year) else {
            continue;
        };
        let base = match c.kind {
            ReviewKind::Reconsideration => 0,
            ReviewKind::LitigationDirect => 5,
            ReviewKind::LitigationAfterReconsideration => 10,
        };
        let col = match result {
            ReviewResult::Upheld => 0,
            ReviewResult::Corrected => 1,
            ReviewResult::Other | ReviewResult::Withdrawn => 2,
            ReviewResult::Pending => 3,
        };
        t[base + col] += 1;
        t[base + 4] += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewKind::*;
    use ReviewResult::*;

    fn case(kind: ReviewKind, result: ReviewResult, filed: i32, decided: Option<i32>) -> ReviewCase {
        ReviewCase { kind, result, filed_year: filed, decided_year: decided }
    }

    #[test]
    fn a_case_filed_and_decided_in_the_year_counts_under_its_result() {
        let t = table4(
            &[case(Reconsideration, Upheld, 2020, Some(2020)), case(LitigationDirect, Corrected, 2020, Some(2020))],
            2020,
        );
        assert_eq!(t, [1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_case_decided_the_next_year_is_pending_then_counted_under_its_result() {
        let cases = [case(LitigationAfterReconsideration, Other, 2020, Some(2021))];
        assert_eq!(table4(&cases, 2020), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
        assert_eq!(table4(&cases, 2021), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
        assert_eq!(table4(&cases, 2022), [0; 15]);
    }

    #[test]
    fn a_case_still_pending_is_counted_only_the_year_it_was_filed() {
        let cases = [case(Reconsideration, Pending, 2020, None)];
        assert_eq!(table4(&cases, 2020)[3], 1);
        assert_eq!(table4(&cases, 2021), [0; 15]);
        assert_eq!(table4(&cases, 2019), [0; 15]);
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_case_filed_in_november_and_decided_in_february_is_pending_then_decided_once() {
        let cal = Calendar::builtin();
        let filed =
            ReviewRecord::file(Reconsideration, d("2023-11-20"), Some(d("2023-11-24")), None, d("2023-11-24")).unwrap();
        // 60 days after 24 Nov 2023 is Tuesday 23 Jan 2024, a working day.
        assert_eq!(filed.due_on(&cal).unwrap().due_on, d("2024-01-23"));
        let extended = filed.extend(d("2024-01-15"), &cal).unwrap();
        // +30 → 22 Feb 2024 (Thursday, after the 春节 break).
        assert_eq!(extended.due_on(&cal).unwrap().due_on, d("2024-02-22"));
        assert_eq!(extended.extend(d("2024-01-16"), &cal), Err(ReviewError::AlreadyExtended));
        let decided = extended.end(Corrected, d("2024-02-20"), d("2024-02-21")).unwrap();
        let cases = [decided.case()];
        assert_eq!(table4(&cases, 2023), [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(table4(&cases, 2024), [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(table4(&cases, 2025), [0; 15]);
        // Counted once: the end cannot be recorded a second time.
        assert_eq!(decided.end(Upheld, d("2024-02-21"), d("2024-02-21")), Err(ReviewError::Closed));
        assert_eq!(decided.extend(d("2024-02-21"), &cal), Err(ReviewError::Closed));
    }

    #[test]
    fn a_last_day_on_a_holiday_moves_to_the_next_working_day() {
        let cal = Calendar::builtin();
        // 60 days after 2 Aug 2024 is Tuesday 1 Oct 2024 (国庆): the next working day is 8 Oct.
        let c =
            ReviewRecord::file(Reconsideration, d("2024-08-01"), Some(d("2024-08-02")), None, d("2024-08-02")).unwrap();
        assert_eq!(c.due_on(&cal).unwrap().due_on, d("2024-10-08"));
        assert!(!c.due_on(&cal).unwrap().provisional);
    }

    #[test]
    fn a_deadline_in_a_year_without_a_notice_is_provisional_not_refused() {
        let cal = Calendar::builtin();
        let c =
            ReviewRecord::file(Reconsideration, d("2099-11-01"), Some(d("2099-11-02")), None, d("2099-11-02")).unwrap();
        let due = c.due_on(&cal).unwrap();
        assert!(due.provisional);
        assert!(due.due_on >= d("2100-01-01"));
    }

    #[test]
    fn steps_out_of_order_are_refused_with_a_reason() {
        let cal = Calendar::builtin();
        let today = d("2024-03-01");
        assert_eq!(
            ReviewRecord::file(Reconsideration, d("2024-02-01"), None, None, today),
            Err(ReviewError::NotAccepted)
        );
        assert_eq!(
            ReviewRecord::file(Reconsideration, d("2024-02-01"), Some(d("2024-01-31")), None, today),
            Err(ReviewError::AcceptedBeforeFiled)
        );
        assert_eq!(
            ReviewRecord::file(LitigationDirect, d("2024-03-02"), None, None, today),
            Err(ReviewError::FiledInFuture)
        );
        let lit = ReviewRecord::file(LitigationDirect, d("2024-02-01"), None, Some(d("2024-08-01")), today).unwrap();
        assert_eq!(lit.due_on(&cal).unwrap().due_on, d("2024-08-01"));
        assert_eq!(lit.extend(today, &cal), Err(ReviewError::NotReconsideration));
        assert_eq!(lit.end(Pending, today, today), Err(ReviewError::NotAnEnd));
        assert_eq!(lit.end(Upheld, d("2024-01-31"), today), Err(ReviewError::DecidedBeforeFiled));
        assert_eq!(lit.end(Upheld, d("2024-03-02"), today), Err(ReviewError::DecidedInFuture));
        let rec = ReviewRecord::file(Reconsideration, d("2024-01-02"), Some(d("2024-01-03")), None, today).unwrap();
        assert_eq!(rec.extend(d("2024-04-01"), &cal), Err(ReviewError::Expired(d("2024-03-04"))));
        // Withdrawn: counted under 其他结果 in the year it ended.
        let w = lit.end(Withdrawn, today, today).unwrap();
        assert_eq!(table4(&[w.case()], 2024), [0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn each_total_is_the_sum_of_its_four_results() {
        let cases: Vec<ReviewCase> = [Upheld, Corrected, Other, Pending]
            .into_iter()
            .flat_map(|r| {
                [Reconsideration, LitigationDirect, LitigationAfterReconsideration]
                    .map(|k| case(k, r, 2021, (r != Pending).then_some(2021)))
            })
            .collect();
        let t = table4(&cases, 2021);
        for g in 0..3 {
            assert_eq!(t[g * 5 + 4], t[g * 5..g * 5 + 4].iter().sum::<u64>());
            assert_eq!(t[g * 5 + 4], 4);
        }
    }
}
