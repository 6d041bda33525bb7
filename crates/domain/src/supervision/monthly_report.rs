//! The 月报: once a month is over, its published figures never change silently. A recomputation
//! that differs from the published version becomes a new version that states its reason; one that
//! does not differ changes nothing. What counts as "differs" is the figures' serialised form, and
//! the changed fields are listed so the reason can be checked against them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VersionError {
    #[error("月份无效：{0}")]
    InvalidMonth(String),
    #[error("{0}尚未结束，不能发布月报")]
    MonthNotClosed(YearMonth),
    #[error("{month}月报已发布的数据发生变化（{}），须填写修订原因后发布新版本", changed.join("、"))]
    ReasonRequired { month: YearMonth, changed: Vec<String> },
    #[error("月报数据无法序列化：{0}")]
    Unserialisable(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Result<Self, VersionError> {
        if (1..=12).contains(&month) && NaiveDate::from_ymd_opt(year, month, 1).is_some() {
            Ok(YearMonth { year, month })
        } else {
            Err(VersionError::InvalidMonth(format!("{year}年{month}月")))
        }
    }
    pub fn of(date: NaiveDate) -> Self {
        YearMonth { year: date.year(), month: date.month() }
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("checked at construction")
    }
    pub fn last_day(self) -> NaiveDate {
        let (y, m) = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).expect("checked at construction")
    }
    /// A month is closed from the first day of the next.
    pub fn is_closed(self, today: NaiveDate) -> bool {
        today > self.last_day()
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}年{}月", self.year, self.month)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReport<F> {
    pub month: YearMonth,
    /// 1 for the first issue.
    pub version: u32,
    /// Why this version replaced the previous one; `None` on version 1 only.
    pub reason: Option<String>,
    pub figures: F,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Revision<F> {
    /// The recomputation equals the published figures: nothing to publish.
    Unchanged,
    /// A new version to publish, with the fields that changed.
    NewVersion { report: MonthlyReport<F>, changed: Vec<String> },
}

impl<F: Serialize + Clone> MonthlyReport<F> {
    /// Version 1, issued once the month is over.
    pub fn first_issue(month: YearMonth, figures: F, today: NaiveDate) -> Result<Self, VersionError> {
        if !month.is_closed(today) {
            return Err(VersionError::MonthNotClosed(month));
        }
        Ok(MonthlyReport { month, version: 1, reason: None, figures })
    }

    /// Decide what a recomputation of this month means: unchanged, or a new version — which needs
    /// a non-blank reason.
    pub fn revise(&self, recomputed: F, reason: Option<&str>) -> Result<Revision<F>, VersionError> {
        let old = serde_json::to_value(&self.figures).map_err(|e| VersionError::Unserialisable(e.to_string()))?;
        let new = serde_json::to_value(&recomputed).map_err(|e| VersionError::Unserialisable(e.to_string()))?;
        let changed = changed_paths(&old, &new);
        if changed.is_empty() {
            return Ok(Revision::Unchanged);
        }
        let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
            return Err(VersionError::ReasonRequired { month: self.month, changed });
        };
        Ok(Revision::NewVersion {
            report: MonthlyReport {
                month: self.month,
                version: self.version + 1,
                reason: Some(reason.to_string()),
                figures: recomputed,
            },
            changed,
        })
    }
}

/// The JSON paths (`units.A.stale_columns`, `rows[3]`) where two values differ, in order.
pub fn changed_paths(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff("", old, new, &mut out);
    out
}

fn diff(path: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => diff(&join(k), x, y, out),
                    _ => out.push(join(k)),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (a, b) if a == b => {}
        _ => out.push(if path.is_empty() { "(全部)".to_string() } else { path.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::{UnitId, UnitMonth};
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn figures(stale: u32) -> BTreeMap<UnitId, UnitMonth> {
        [(UnitId("mzj".into()), UnitMonth { stale_columns: stale, ..Default::default() })].into()
    }

    #[test]
    fn a_month_cannot_be_issued_before_it_is_over() {
        let june = YearMonth::new(2020, 6).unwrap();
        assert_eq!(june.last_day(), d(2020, 6, 30));
        assert!(MonthlyReport::first_issue(june, figures(1), d(2020, 6, 30)).is_err());
        assert!(MonthlyReport::first_issue(june, figures(1), d(2020, 7, 1)).is_ok());
        assert_eq!(YearMonth::new(2020, 13), Err(VersionError::InvalidMonth("2020年13月".into())));
        assert_eq!(YearMonth::new(2020, 12).unwrap().last_day(), d(2020, 12, 31));
    }

    #[test]
    fn an_identical_recomputation_changes_nothing() {
        let r = MonthlyReport::first_issue(YearMonth::new(2020, 6).unwrap(), figures(1), d(2020, 7, 1)).unwrap();
        assert_eq!(r.revise(figures(1), None), Ok(Revision::Unchanged));
    }

    #[test]
    fn a_different_recomputation_needs_a_reason_and_names_what_changed() {
        let r = MonthlyReport::first_issue(YearMonth::new(2020, 6).unwrap(), figures(1), d(2020, 7, 1)).unwrap();
        let err = r.revise(figures(2), Some("  ")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "2020年6月月报已发布的数据发生变化（mzj.stale_columns），须填写修订原因后发布新版本"
        );
        let Revision::NewVersion { report, changed } = r.revise(figures(2), Some("补录栏目检查结果")).unwrap()
        else {
            panic!("expected a new version")
        };
        assert_eq!((report.version, report.reason.as_deref()), (2, Some("补录栏目检查结果")));
        assert_eq!(changed, vec!["mzj.stale_columns"]);
    }

    #[test]
    fn an_added_unit_is_a_change() {
        let old = serde_json::json!({"a": 1, "rows": [1, 2]});
        let new = serde_json::json!({"a": 1, "b": 2, "rows": [1, 3]});
        assert_eq!(changed_paths(&old, &new), vec!["b", "rows[1]"]);
    }
}
