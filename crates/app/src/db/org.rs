//! Units (单位) and the site settings (the government's name and code, the footer).

use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UnitRow {
    pub unit_id: i64,
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub email: String,
    pub office_hours: String,
}

const UNIT_COLUMNS: &str =
    "unit_id, name, kind, credit_code, parent_id, sort_order, address, postcode, phone, email, office_hours";

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub email: String,
    pub office_hours: String,
}

pub async fn insert_unit(tx: &mut Tx<'_>, u: &NewUnit) -> Result<i64, sqlx::Error> {
    let now = now_text();
    let row = sqlx::query(
        "INSERT INTO unit (name, kind, credit_code, parent_id, sort_order, address, postcode, phone, email, office_hours, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING unit_id",
    )
    .bind(u.name.clone())
    .bind(u.kind.clone())
    .bind(u.credit_code.clone())
    .bind(u.parent_id)
    .bind(u.sort_order)
    .bind(u.address.clone())
    .bind(u.postcode.clone())
    .bind(u.phone.clone())
    .bind(u.email.clone())
    .bind(u.office_hours.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    row.try_get(0)
}

pub async fn update_unit(tx: &mut Tx<'_>, unit_id: i64, u: &NewUnit) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE unit SET name = $1, kind = $2, credit_code = $3, parent_id = $4, sort_order = $5, address = $6, postcode = $7,
         phone = $8, email = $9, office_hours = $10, updated_at = $11 WHERE unit_id = $12",
    )
    .bind(u.name.clone())
    .bind(u.kind.clone())
    .bind(u.credit_code.clone())
    .bind(u.parent_id)
    .bind(u.sort_order)
    .bind(u.address.clone())
    .bind(u.postcode.clone())
    .bind(u.phone.clone())
    .bind(u.email.clone())
    .bind(u.office_hours.clone())
    .bind(now_text())
    .bind(unit_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

pub async fn list_units(db: &Db) -> Result<Vec<UnitRow>, sqlx::Error> {
    sqlx::query_as::<_, UnitRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {UNIT_COLUMNS} FROM unit ORDER BY sort_order, unit_id"
    )))
    .fetch_all(&db.pool)
    .await
}

pub async fn get_unit(db: &Db, unit_id: i64) -> Result<Option<UnitRow>, sqlx::Error> {
    sqlx::query_as::<_, UnitRow>(sqlx::AssertSqlSafe(format!("SELECT {UNIT_COLUMNS} FROM unit WHERE unit_id = $1")))
        .bind(unit_id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn get_unit_tx(tx: &mut Tx<'_>, unit_id: i64) -> Result<Option<UnitRow>, sqlx::Error> {
    sqlx::query_as::<_, UnitRow>(sqlx::AssertSqlSafe(format!("SELECT {UNIT_COLUMNS} FROM unit WHERE unit_id = $1")))
        .bind(unit_id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn find_unit_by_name(db: &Db, name: &str) -> Result<Option<UnitRow>, sqlx::Error> {
    sqlx::query_as::<_, UnitRow>(sqlx::AssertSqlSafe(format!("SELECT {UNIT_COLUMNS} FROM unit WHERE name = $1")))
        .bind(name.to_string())
        .fetch_optional(&db.pool)
        .await
}

pub async fn count_units(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM unit").fetch_one(&db.pool).await?.try_get(0)
}

/// A per-installation secret: made from `candidate` on first use (by whichever node comes first),
/// the stored one ever after.
pub async fn install_secret(db: &Db, name: &str, candidate: &str) -> Result<String, sqlx::Error> {
    if let Some(s) = db.secrets.lock().expect("secrets lock").get(name) {
        return Ok(s.clone());
    }
    sqlx::query("INSERT INTO install_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind(name.to_string())
        .bind(candidate.to_string())
        .execute(&db.write_pool)
        .await?;
    let value: String = sqlx::query("SELECT value FROM install_secret WHERE name = $1")
        .bind(name.to_string())
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?;
    db.secrets.lock().expect("secrets lock").insert(name.to_string(), value.clone());
    Ok(value)
}

pub async fn get_setting(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    let row =
        sqlx::query("SELECT value FROM setting WHERE key = $1").bind(key.to_string()).fetch_optional(&db.pool).await?;
    row.map(|r| r.try_get(0)).transpose()
}

pub async fn all_settings(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT key, value FROM setting ORDER BY key").fetch_all(&db.pool).await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

pub async fn put_setting(tx: &mut Tx<'_>, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key.to_string())
    .bind(value.to_string())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
