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
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;
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
    /// Where: in the platform, or registered as published on another website.
    pub elsewhere: bool,
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
    let externals = db::report::externals(&state.db, year).await?;
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        let versions: Vec<&db::report::ReportRow> =
            published.iter().filter(|r| r.unit_id == Some(u.unit_id) && r.year == i64::from(year)).collect();
        // The day in China (UTC+8) of the first publication: a correction keeps the first day.
        let first_day = versions.iter().filter_map(|r| r.published_at.as_deref().and_then(china_day)).min();
        let first = first_day.map(|d| d.to_string());
        let current = versions.iter().find(|r| r.status == ReportStatus::Published);
        let external = externals.iter().find(|e| e.unit_id == u.unit_id).filter(|_| current.is_none());
        let (errors, warnings) = match (current, external) {
            (Some(r), _) => {
                let c = check_with_previous(&state.db, r, &body(r)?).await?;
                (c.errors.len(), c.warnings.len())
            }
            (None, Some(e)) => (usize::try_from(e.errors).unwrap_or(0), usize::try_from(e.warnings).unwrap_or(0)),
            (None, None) => (0, 0),
        };
        let first_day =
            first_day.or_else(|| external.and_then(|e| NaiveDate::parse_from_str(&e.published_on, "%Y-%m-%d").ok()));
        let first = first.or_else(|| external.map(|e| e.published_on.clone()));
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
            elsewhere: external.is_some(),
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

/// A unit registers the report it published on another website: the year, the day it was
/// published, where, and the file as published — which the checker reads (it must be a report of
/// that year) and whose findings the office then sees. Its own unit's staff or the office.
pub async fn register_external(
    state: &AppState,
    actor: &Actor,
    unit_id: i64,
    year: i32,
    published_on: &str,
    url: &str,
    file: (String, Vec<u8>),
) -> Result<i64> {
    if !actor.may_access_unit(unit_id) {
        return Err(AppError::NotFound);
    }
    let mut errors = vec![];
    if !(2008..=2100).contains(&year) {
        errors.push(FieldError::new("year", "请填写年度"));
    }
    let day = NaiveDate::parse_from_str(published_on.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors.push(FieldError::new("published_on", "请填写发布日期（YYYY-MM-DD）"));
    }
    let url = url.trim();
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) || url.len() > 500 {
        errors.push(FieldError::new("url", "网址应以 http:// 或 https:// 开头"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (name, bytes) = file;
    let name = crate::flows::clean_filename(&name);
    let stored = bytes.clone();
    let checked_name = name.clone();
    let (checked, _) =
        tokio::task::spawn_blocking(move || super::report_check::check_files(vec![(checked_name, bytes)]))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("check: {e}")))?;
    let (verdict, errs, warns) = match checked.first().map(|c| &c.result) {
        Some(Ok((parsed, findings))) if parsed.report.year == year => {
            let e = findings.iter().filter(|f| f.severity == gongkai_domain::report::Severity::Error).count();
            (super::report_check::verdict(&checked[0], 0).to_string(), e, findings.len() - e)
        }
        Some(Ok((parsed, _))) => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "file",
                format!("文件是{}年度的报告，与所填年度{year}不符", parsed.report.year),
            )]));
        }
        Some(Err(why)) => {
            return Err(AppError::Invalid(vec![FieldError::new("file", format!("不是可识别的年度报告：{why}"))]));
        }
        None => return Err(AppError::Invalid(vec![FieldError::new("file", "请选择年报文件")])),
    };
    let kind = if stored.starts_with(b"%PDF") { "application/pdf" } else { "application/octet-stream" };
    let sha = crate::flows::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(&stored));
    let day = day.map(|d| d.to_string()).unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let id = db::report::insert_external(
        &mut tx,
        &db::report::NewExternalReport {
            unit_id,
            year,
            published_on: &day,
            url,
            filename: &name,
            verdict: &verdict,
            errors: i64::try_from(errs).unwrap_or(i64::MAX),
            warnings: i64::try_from(warns).unwrap_or(i64::MAX),
            created_by: &actor.username,
        },
    )
    .await?;
    db::application::insert_attachment(&mut tx, "external_report", id, &name, kind, &sha, &stored).await?;
    let after = serde_json::json!({"unit_id": unit_id, "year": year, "published_on": day, "url": url, "verdict": verdict, "errors": errs});
    db::audit::record(&mut tx, actor, "report.external", "external_report", &id.to_string(), None, Some(&after))
        .await?;
    tx.commit().await?;
    Ok(id)
}
