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

use serde::{Deserialize, Serialize};

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
            ReviewResult::Other => 2,
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
