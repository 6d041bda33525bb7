//! The portal monitor's sites and runs.

use serde::Serialize;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PortalSite {
    pub portal_site_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub base_url: String,
    pub columns_text: String,
    pub updated_at: String,
}

const SITE_SELECT: &str =
    "SELECT s.portal_site_id, s.unit_id, u.name AS unit_name, s.base_url, s.columns_text, s.updated_at
     FROM portal_site s JOIN unit u ON u.unit_id = s.unit_id";

pub async fn sites(db: &Db) -> Result<Vec<PortalSite>, sqlx::Error> {
    sqlx::query_as::<_, PortalSite>(sqlx::AssertSqlSafe(format!("{SITE_SELECT} ORDER BY u.name, s.portal_site_id")))
        .fetch_all(&db.pool)
        .await
}

pub async fn site(db: &Db, portal_site_id: i64) -> Result<Option<PortalSite>, sqlx::Error> {
    sqlx::query_as::<_, PortalSite>(sqlx::AssertSqlSafe(format!("{SITE_SELECT} WHERE s.portal_site_id = $1")))
        .bind(portal_site_id)
        .fetch_optional(&db.pool)
        .await
}

/// Insert or replace a unit's site (one per unit); its id.
pub async fn upsert_site(
    tx: &mut Tx<'_>,
    unit_id: i64,
    base_url: &str,
    columns_text: &str,
    by: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO portal_site (unit_id, base_url, columns_text, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (unit_id) DO UPDATE SET base_url = excluded.base_url, columns_text = excluded.columns_text,
           updated_at = excluded.updated_at
         RETURNING portal_site_id",
    )
    .bind(unit_id)
    .bind(base_url.to_string())
    .bind(columns_text.to_string())
    .bind(by.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn insert_run(
    tx: &mut Tx<'_>,
    portal_site_id: i64,
    started_at: &str,
    report_json: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO portal_run (portal_site_id, started_at, finished_at, report_json) VALUES ($1, $2, $3, $4)
         RETURNING portal_run_id",
    )
    .bind(portal_site_id)
    .bind(started_at.to_string())
    .bind(now_text())
    .bind(report_json.to_string())
    .fetch_one(&mut **tx)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PortalRun {
    pub portal_run_id: i64,
    pub portal_site_id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub report_json: String,
}

/// Each site's newest run.
pub async fn latest_runs(db: &Db) -> Result<Vec<PortalRun>, sqlx::Error> {
    sqlx::query_as::<_, PortalRun>(
        "SELECT r.portal_run_id, r.portal_site_id, r.started_at, r.finished_at, r.report_json FROM portal_run r
         WHERE r.portal_run_id = (SELECT MAX(x.portal_run_id) FROM portal_run x WHERE x.portal_site_id = r.portal_site_id)
         ORDER BY r.portal_site_id",
    )
    .fetch_all(&db.pool)
    .await
}
