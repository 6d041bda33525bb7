//! 基层政务公开标准目录 storage: catalogs per unit and area (unit NULL: the national template),
//! their entries, and the entry each published item fulfils.

use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogRow {
    pub basic_catalog_id: i64,
    pub unit_id: Option<i64>,
    pub area_code: String,
    pub level_labels: String,
    pub effective_on: String,
    pub edition: String,
    pub updated_at: String,
}

const CATALOG_COLUMNS: &str = "basic_catalog_id, unit_id, area_code, level_labels, effective_on, edition, updated_at";

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EntryRow {
    pub basic_entry_id: i64,
    pub basic_catalog_id: i64,
    pub position: i64,
    pub level1: String,
    pub level2: String,
    pub entry_json: String,
    pub event_on: Option<String>,
    pub rule_set_by: Option<String>,
}

const ENTRY_COLUMNS: &str =
    "basic_entry_id, basic_catalog_id, position, level1, level2, entry_json, event_on, rule_set_by";

pub async fn get_catalog(db: &Db, id: i64) -> Result<Option<CatalogRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {CATALOG_COLUMNS} FROM basic_catalog WHERE basic_catalog_id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// A unit's catalog of an area; `unit_id` None: the national template.
pub async fn find_catalog(db: &Db, unit_id: Option<i64>, area_code: &str) -> Result<Option<CatalogRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {CATALOG_COLUMNS} FROM basic_catalog WHERE COALESCE(unit_id, 0) = $1 AND area_code = $2"
    )))
    .bind(unit_id.unwrap_or(0))
    .bind(area_code.to_string())
    .fetch_optional(&db.pool)
    .await
}

pub async fn find_catalog_tx(
    tx: &mut Tx<'_>,
    unit_id: Option<i64>,
    area_code: &str,
) -> Result<Option<CatalogRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {CATALOG_COLUMNS} FROM basic_catalog WHERE COALESCE(unit_id, 0) = $1 AND area_code = $2"
    )))
    .bind(unit_id.unwrap_or(0))
    .bind(area_code.to_string())
    .fetch_optional(&mut **tx)
    .await
}

/// Catalogs of a unit (Some) or of every unit (None), templates excluded.
pub async fn list_catalogs(db: &Db, unit_id: Option<i64>) -> Result<Vec<CatalogRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {CATALOG_COLUMNS} FROM basic_catalog WHERE unit_id IS NOT NULL AND ($1 = 0 OR unit_id = $1)
         ORDER BY unit_id, area_code"
    )))
    .bind(unit_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
}

pub async fn list_templates(db: &Db) -> Result<Vec<CatalogRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {CATALOG_COLUMNS} FROM basic_catalog WHERE unit_id IS NULL ORDER BY area_code"
    )))
    .fetch_all(&db.pool)
    .await
}

pub async fn insert_catalog(
    tx: &mut Tx<'_>,
    unit_id: Option<i64>,
    area_code: &str,
    level_labels: &str,
    effective_on: &str,
    edition: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO basic_catalog (unit_id, area_code, level_labels, effective_on, edition, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING basic_catalog_id",
    )
    .bind(unit_id)
    .bind(area_code.to_string())
    .bind(level_labels.to_string())
    .bind(effective_on.to_string())
    .bind(edition.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn update_catalog(
    tx: &mut Tx<'_>,
    id: i64,
    level_labels: &str,
    effective_on: &str,
    edition: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE basic_catalog SET level_labels = $1, effective_on = $2, edition = $3, updated_at = $4 WHERE basic_catalog_id = $5",
    )
    .bind(level_labels.to_string())
    .bind(effective_on.to_string())
    .bind(edition.to_string())
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn entries(db: &Db, catalog_id: i64) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM basic_entry WHERE basic_catalog_id = $1 ORDER BY position, basic_entry_id"
    )))
    .bind(catalog_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn entries_tx(tx: &mut Tx<'_>, catalog_id: i64) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM basic_entry WHERE basic_catalog_id = $1 ORDER BY position, basic_entry_id"
    )))
    .bind(catalog_id)
    .fetch_all(&mut **tx)
    .await
}

pub async fn get_entry(db: &Db, id: i64) -> Result<Option<EntryRow>, sqlx::Error> {
    sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM basic_entry WHERE basic_entry_id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn insert_entry(
    tx: &mut Tx<'_>,
    catalog_id: i64,
    position: i64,
    level1: &str,
    level2: &str,
    entry_json: &str,
    event_on: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO basic_entry (basic_catalog_id, position, level1, level2, entry_json, event_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING basic_entry_id",
    )
    .bind(catalog_id)
    .bind(position)
    .bind(level1.to_string())
    .bind(level2.to_string())
    .bind(entry_json.to_string())
    .bind(event_on.map(str::to_string))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn update_entry(
    tx: &mut Tx<'_>,
    id: i64,
    position: i64,
    entry_json: &str,
    rule_set_by: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE basic_entry SET position = $1, entry_json = $2, rule_set_by = $3, updated_at = $4 WHERE basic_entry_id = $5",
    )
    .bind(position)
    .bind(entry_json.to_string())
    .bind(rule_set_by.map(str::to_string))
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_event_on(tx: &mut Tx<'_>, id: i64, event_on: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE basic_entry SET event_on = $1, updated_at = $2 WHERE basic_entry_id = $3")
        .bind(event_on.map(str::to_string))
        .bind(now_text())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Removes an entry and the links of the items published for it (the items stay).
pub async fn delete_entry(tx: &mut Tx<'_>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM item_basic_entry WHERE basic_entry_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM basic_entry WHERE basic_entry_id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn link_item(tx: &mut Tx<'_>, item_id: i64, entry_id: Option<i64>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM item_basic_entry WHERE item_id = $1").bind(item_id).execute(&mut **tx).await?;
    if let Some(e) = entry_id {
        sqlx::query("INSERT INTO item_basic_entry (item_id, basic_entry_id) VALUES ($1, $2)")
            .bind(item_id)
            .bind(e)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn linked_entry(db: &Db, item_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT basic_entry_id FROM item_basic_entry WHERE item_id = $1")
        .bind(item_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

/// A published item linked to an entry of the catalog.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct LinkedItem {
    pub basic_entry_id: i64,
    pub item_id: i64,
    pub public_title: String,
    pub published_on: Option<String>,
}

/// The public items linked to the entries of a catalog, oldest first.
pub async fn linked_items(db: &Db, catalog_id: i64) -> Result<Vec<LinkedItem>, sqlx::Error> {
    sqlx::query_as::<_, LinkedItem>(
        "SELECT l.basic_entry_id, i.item_id, i.public_title, i.published_on
         FROM item_basic_entry l JOIN basic_entry e ON e.basic_entry_id = l.basic_entry_id
         JOIN item i ON i.item_id = l.item_id
         WHERE e.basic_catalog_id = $1 AND i.status IN ('published', 'expired')
         ORDER BY i.published_on, i.item_id",
    )
    .bind(catalog_id)
    .fetch_all(&db.pool)
    .await
}

/// A unit's published items under a catalog node that no entry claims yet.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnlinkedItem {
    pub item_id: i64,
    pub title: String,
    pub published_on: Option<String>,
}

pub async fn unlinked_items(db: &Db, unit_id: i64, node_code: &str) -> Result<Vec<UnlinkedItem>, sqlx::Error> {
    sqlx::query_as::<_, UnlinkedItem>(
        "SELECT i.item_id, i.title, i.published_on FROM item i
         JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id
         WHERE i.unit_id = $1 AND n.code = $2 AND i.status IN ('published', 'expired')
           AND NOT EXISTS (SELECT 1 FROM item_basic_entry l WHERE l.item_id = i.item_id)
         ORDER BY i.published_on DESC, i.item_id DESC LIMIT 200",
    )
    .bind(unit_id)
    .bind(node_code.to_string())
    .fetch_all(&db.pool)
    .await
}

/// The unit and area node code of an item (to check a link stays within the unit).
pub async fn item_unit_and_node(db: &Db, item_id: i64) -> Result<Option<(i64, Option<String>, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.unit_id, n.code, i.status FROM item i LEFT JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id
         WHERE i.item_id = $1",
    )
    .bind(item_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).transpose()
}

/// Published items whose public title contains `needle` (a document's name, as a 公开依据 gives
/// it), shortest title first: the caller picks the one whose title is that document.
pub async fn published_titled(db: &Db, needle: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let escaped: String =
        needle.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    sqlx::query_as::<_, (i64, String)>(
        "SELECT item_id, public_title FROM item
         WHERE status IN ('published', 'expired') AND public_title LIKE $1 ESCAPE '\\'
         ORDER BY length(public_title), item_id LIMIT 20",
    )
    .bind(format!("%{escaped}%"))
    .fetch_all(&db.pool)
    .await
}

/// A draft item takes the 公开方式 and channels of the entry it is filed under (its defaults; the
/// clerk may change them before it goes for review). Items past draft keep theirs. Rows changed.
pub async fn apply_entry_defaults(
    tx: &mut Tx<'_>,
    item_id: i64,
    mode: &str,
    channels: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE item SET mode = $1, channels = $2, updated_at = $3 WHERE item_id = $4 AND status = 'draft'")
        .bind(mode.to_string())
        .bind(channels.to_string())
        .bind(super::now_text())
        .bind(item_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}
