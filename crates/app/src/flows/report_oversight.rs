//! Every unit's annual report, supervised to its deadline: each unit publishes its report on the
//! year's work by 31 January of the next year (条例第五十条). The office sees, per year, which
//! units published (on time or late), which have not, and each report's findings — every rule
//! of the format and the carry-over from the unit's previous year; in the last two weeks of
//! January the units without a published report are reminded.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::report::ReportStatus;
use serde::Serialize;

use super::report::{body, check_with_previous};
use crate::db;
use crate::error::Result;
use crate::state::AppState;

/// The day a year's report is due: 31 January of the next year (条例第五十条).
pub fn due_on(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 1, 31).unwrap_or_default()
}

/// The calendar day in China of a stored UTC time (`2026-01-31T16:30:00.000000Z` → 2026-02-01).
fn china_day(utc: &str) -> Option<NaiveDate> {
    let t = chrono::DateTime::parse_from_rfc3339(utc).ok()?;
    Some((t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).date_naive())
}

/// Reminders start two weeks before the deadline.
const REMIND_FROM_DAY: u32 = 18;

/// One unit's report of a year, as the office sees it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReportLine {
    pub unit_id: i64,
    pub unit_name: String,
    /// The version in force, if published.
    pub report_id: Option<i64>,
    pub version: Option<i64>,
    /// The day it was first published (a correction keeps the first day).
    pub first_published_on: Option<String>,
    /// `on_time`, `late` (published after the deadline), `pending` (not yet, still in time),
    /// `overdue` (not published, deadline passed).
    pub state: &'static str,
    pub state_label: &'static str,
    pub errors: usize,
    pub warnings: usize,
}

/// Every unit's report of `year` as of `today`.
pub async fn oversight(state: &AppState, year: i32, today: NaiveDate) -> Result<Vec<UnitReportLine>> {
    let due = due_on(year);
    let units = db::org::list_units(&state.db).await?;
    let published = db::report::list_published(&state.db).await?;
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let versions: Vec<&db::report::ReportRow> =
            published.iter().filter(|r| r.unit_id == Some(u.unit_id) && r.year == i64::from(year)).collect();
        // The day in China (UTC+8) of the first publication: a correction keeps the first day.
        let first_day = versions.iter().filter_map(|r| r.published_at.as_deref().and_then(china_day)).min();
        let first = first_day.map(|d| d.to_string());
        let current = versions.iter().find(|r| r.status == ReportStatus::Published);
        let (errors, warnings) = match current {
            Some(r) => {
                let c = check_with_previous(&state.db, r, &body(r)?).await?;
                (c.errors.len(), c.warnings.len())
            }
            None => (0, 0),
        };
        let (state_code, label) = match first_day {
            Some(d) if d <= due => ("on_time", "按时发布"),
            Some(_) => ("late", "逾期发布"),
            None if today <= due => ("pending", "尚未发布"),
            None => ("overdue", "逾期未发布"),
        };
        out.push(UnitReportLine {
            unit_id: u.unit_id,
            unit_name: u.name,
            report_id: current.map(|r| r.report_id),
            version: current.map(|r| r.version),
            first_published_on: first,
            state: state_code,
            state_label: label,
            errors,
            warnings,
        });
    }
    Ok(out)
}

/// In the last two weeks of January, each unit without a published report of last year is
/// reminded once (deduplicated across nodes and days). Returns how many reminders were new.
pub async fn remind_units(state: &AppState, today: NaiveDate) -> Result<usize> {
    if today.month() != 1 || today.day() < REMIND_FROM_DAY {
        return Ok(0);
    }
    let year = today.year() - 1;
    let mut new = 0;
    for line in oversight(state, year, today).await? {
        if line.state != "pending" {
            continue;
        }
        let message = format!("请于{}年1月31日前发布{year}年度政府信息公开工作年度报告（条例第五十条）", year + 1);
        let key = format!("report-due:{year}:{}", line.unit_id);
        let mut tx = state.db.begin().await?;
        new += usize::from(
            db::application::notify_once(&mut tx, Some(line.unit_id), false, &message, "/staff/reports", &key).await?,
        );
        tx.commit().await?;
    }
    Ok(new)
}
