//! Annual-report versions and the figures staff enter for table 二.

use gongkai_domain::report::ReportStatus;
use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub report_id: i64,
    pub unit_id: Option<i64>,
    pub year: i64,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub status: ReportStatus,
    pub organ: String,
    pub body_json: String,
    pub correction_reason: Option<String>,
    pub override_reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub published_at: Option<String>,
}

const COLUMNS: &str = "report_id, unit_id, year, version, status, organ, body_json, correction_reason, override_reason, created_by, created_at, published_at";

pub async fn list_published(db: &Db) -> Result<Vec<ReportRow>, sqlx::Error> {
    sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM annual_report WHERE status IN ('published', 'superseded') ORDER BY year DESC, unit_id NULLS FIRST, version DESC"
    )))
    .fetch_all(&db.pool)
    .await
}

pub async fn list_all(db: &Db, unit_id: Option<i64>) -> Result<Vec<ReportRow>, sqlx::Error> {
    sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM annual_report WHERE ($1 IS NULL OR unit_id = $1) ORDER BY year DESC, unit_id NULLS FIRST, version DESC"
    )))
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn get(db: &Db, report_id: i64) -> Result<Option<ReportRow>, sqlx::Error> {
    sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM annual_report WHERE report_id = $1"
    )))
    .bind(report_id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn next_version(tx: &mut Tx<'_>, unit_id: Option<i64>, year: i32) -> Result<i64, sqlx::Error> {
    let max: Option<i64> =
        sqlx::query("SELECT MAX(version) FROM annual_report WHERE COALESCE(unit_id, 0) = $1 AND year = $2")
            .bind(unit_id.unwrap_or(0))
            .bind(i64::from(year))
            .fetch_one(&mut **tx)
            .await?
            .try_get(0)?;
    Ok(max.unwrap_or(0) + 1)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut Tx<'_>,
    unit_id: Option<i64>,
    year: i32,
    version: i64,
    status: ReportStatus,
    organ: &str,
    body_json: &str,
    correction_reason: Option<&str>,
    created_by: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO annual_report (unit_id, year, version, status, organ, body_json, correction_reason, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING report_id",
    )
    .bind(unit_id)
    .bind(i64::from(year))
    .bind(version)
    .bind(status.code())
    .bind(organ.to_string())
    .bind(body_json.to_string())
    .bind(correction_reason.map(str::to_string))
    .bind(created_by.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

/// Change a draft's body or status (`stamp_published`: record now as the publication time).
/// Published versions are never updated (the WHERE says so).
pub async fn update_unpublished(
    tx: &mut Tx<'_>,
    report_id: i64,
    status: ReportStatus,
    stamp_published: bool,
    body_json: &str,
    override_reason: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let now = now_text();
    let published_at = stamp_published.then(|| now.clone());
    let r = sqlx::query(
        "UPDATE annual_report SET status = $1, body_json = $2, override_reason = COALESCE($3, override_reason), published_at = $4, updated_at = $5
         WHERE report_id = $6 AND status IN ('draft', 'reviewed')",
    )
    .bind(status.code())
    .bind(body_json.to_string())
    .bind(override_reason.map(str::to_string))
    .bind(published_at)
    .bind(now)
    .bind(report_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

/// Mark the earlier published versions of the same report as superseded by a correction.
pub async fn supersede_published(
    tx: &mut Tx<'_>,
    unit_id: Option<i64>,
    year: i32,
    except: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE annual_report SET status = 'superseded', updated_at = $1 WHERE COALESCE(unit_id, 0) = $2 AND year = $3 AND status = 'published' AND report_id <> $4")
        .bind(now_text())
        .bind(unit_id.unwrap_or(0))
        .bind(i64::from(year))
        .bind(except)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FigureRow {
    pub figure: String,
    pub value: String,
    pub entered_by: String,
    pub entered_at: String,
}

pub async fn figures(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Vec<FigureRow>, sqlx::Error> {
    sqlx::query_as::<_, FigureRow>("SELECT figure, value, entered_by, entered_at FROM report_figure WHERE COALESCE(unit_id, 0) = $1 AND year = $2 ORDER BY figure")
        .bind(unit_id.unwrap_or(0))
        .bind(i64::from(year))
        .fetch_all(&db.pool)
        .await
}

pub async fn put_figure(
    tx: &mut Tx<'_>,
    unit_id: Option<i64>,
    year: i32,
    figure: &str,
    value: &str,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM report_figure WHERE COALESCE(unit_id, 0) = $1 AND year = $2 AND figure = $3")
        .bind(unit_id.unwrap_or(0))
        .bind(i64::from(year))
        .bind(figure.to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO report_figure (unit_id, year, figure, value, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(unit_id)
        .bind(i64::from(year))
        .bind(figure.to_string())
        .bind(value.to_string())
        .bind(by.to_string())
        .bind(now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A unit's report published elsewhere, as registered.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ExternalReportRow {
    pub external_report_id: i64,
    pub unit_id: i64,
    pub year: i64,
    pub published_on: String,
    pub url: String,
    pub filename: String,
    pub verdict: String,
    pub errors: i64,
    pub warnings: i64,
}

/// What is registered of a report published elsewhere.
pub struct NewExternalReport<'a> {
    pub unit_id: i64,
    pub year: i32,
    pub published_on: &'a str,
    pub url: &'a str,
    pub filename: &'a str,
    pub verdict: &'a str,
    pub errors: i64,
    pub warnings: i64,
    pub created_by: &'a str,
}

pub async fn insert_external(tx: &mut Tx<'_>, r: &NewExternalReport<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO external_report (unit_id, year, published_on, url, filename, verdict, errors, warnings, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING external_report_id",
    )
    .bind(r.unit_id)
    .bind(i64::from(r.year))
    .bind(r.published_on.to_string())
    .bind(r.url.to_string())
    .bind(r.filename.to_string())
    .bind(r.verdict.to_string())
    .bind(r.errors)
    .bind(r.warnings)
    .bind(r.created_by.to_string())
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

/// The reports of `year` registered as published elsewhere.
pub async fn externals(db: &Db, year: i32) -> Result<Vec<ExternalReportRow>, sqlx::Error> {
    sqlx::query_as::<_, ExternalReportRow>(
        "SELECT external_report_id, unit_id, year, published_on, url, filename, verdict, errors, warnings
         FROM external_report WHERE year = $1 ORDER BY unit_id",
    )
    .bind(i64::from(year))
    .fetch_all(&db.pool)
    .await
}
