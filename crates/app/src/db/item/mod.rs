//! 主动公开 storage: catalog nodes per unit, items, the 索引号 serials. SQL only; the rules live
//! in `gongkai_domain::disclosure` and the flows.

use gongkai_domain::disclosure::ItemStatus;
use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogNodeRow {
    pub catalog_node_id: i64,
    pub unit_id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub update_class: String,
    pub sort_order: i64,
}

const NODE_COLUMNS: &str = "catalog_node_id, unit_id, parent_id, code, title, update_class, sort_order";

pub async fn insert_node(
    tx: &mut Tx<'_>,
    unit_id: i64,
    parent_id: Option<i64>,
    code: &str,
    title: &str,
    update_class: &str,
    sort_order: i64,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO catalog_node (unit_id, parent_id, code, title, update_class, sort_order, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING catalog_node_id",
    )
    .bind(unit_id)
    .bind(parent_id)
    .bind(code.to_string())
    .bind(title.to_string())
    .bind(update_class.to_string())
    .bind(sort_order)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn count_nodes_tx(tx: &mut Tx<'_>, unit_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM catalog_node WHERE unit_id = $1")
        .bind(unit_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)
}

pub async fn nodes_of_unit(db: &Db, unit_id: i64) -> Result<Vec<CatalogNodeRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogNodeRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {NODE_COLUMNS} FROM catalog_node WHERE unit_id = $1 ORDER BY sort_order, catalog_node_id"
    )))
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn get_node(db: &Db, id: i64) -> Result<Option<CatalogNodeRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogNodeRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {NODE_COLUMNS} FROM catalog_node WHERE catalog_node_id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn get_node_tx(tx: &mut Tx<'_>, id: i64) -> Result<Option<CatalogNodeRow>, sqlx::Error> {
    sqlx::query_as::<_, CatalogNodeRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {NODE_COLUMNS} FROM catalog_node WHERE catalog_node_id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

pub async fn update_node_title(tx: &mut Tx<'_>, id: i64, title: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE catalog_node SET title = $1, updated_at = $2 WHERE catalog_node_id = $3")
        .bind(title.to_string())
        .bind(now_text())
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

// --- items ---

/// An item as stored (the draft fields, the publication, the unit's name and the node's title).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ItemRow {
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub catalog_node_id: Option<i64>,
    pub node_title: Option<String>,
    pub node_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
    pub index_no: Option<String>,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub doc_no: String,
    pub art20: String,
    pub genre: String,
    pub subject: String,
    pub mode: String,
    pub validity: String,
    pub validity_since: Option<String>,
    pub validity_end: Option<String>,
    pub channels: String,
    pub formed_on: String,
    pub written_on: Option<String>,
    pub due_on: String,
    pub published_on: Option<String>,
    pub late: i64,
    pub public_title: String,
    pub public_summary: String,
    pub public_body_html: String,
    pub review_json: Option<String>,
    pub override_reason: Option<String>,
    pub status_reason: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The public body as every read takes it (migration 0023: stored once, as `body_html`, when
/// `public_body_same` says so), for the statements below and in `index` and `public`.
macro_rules! public_body_column {
    () => {
        "CASE WHEN i.public_body_same = 1 THEN i.body_html ELSE i.public_body_html END AS public_body_html"
    };
}

const ITEM_SELECT: &str = concat!(
    "SELECT i.item_id, i.unit_id, u.name AS unit_name, i.catalog_node_id, n.title AS node_title, n.code AS node_code,
    i.status, i.index_no, i.title, i.summary, i.body_html, i.doc_no, i.art20, i.genre, i.subject, i.mode, i.validity,
    i.validity_since, i.validity_end, i.channels, i.formed_on, i.written_on, i.due_on, i.published_on, i.late,
    i.public_title, i.public_summary, ",
    public_body_column!(),
    ", i.review_json, i.override_reason, i.status_reason, i.created_by,
    i.created_at, i.updated_at
    FROM item i JOIN unit u ON u.unit_id = i.unit_id LEFT JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id"
);

/// The short form for lists and the search index (no bodies).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ItemBrief {
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
    pub index_no: Option<String>,
    pub title: String,
    pub public_title: String,
    pub doc_no: String,
    pub art20: String,
    pub formed_on: String,
    pub due_on: String,
    pub published_on: Option<String>,
    pub late: i64,
    pub validity: String,
    pub node_title: Option<String>,
}

const BRIEF_SELECT: &str = "SELECT i.item_id, i.unit_id, u.name AS unit_name, i.status, i.index_no, i.title, i.public_title, i.doc_no, i.art20,
    i.formed_on, i.due_on, i.published_on, i.late, i.validity, n.title AS node_title
    FROM item i JOIN unit u ON u.unit_id = i.unit_id LEFT JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id";

/// The draft fields of an item, as the flow validated them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NewItem {
    pub unit_id: i64,
    pub catalog_node_id: Option<i64>,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub doc_no: String,
    pub art20: String,
    pub genre: String,
    pub subject: String,
    pub mode: String,
    pub validity: String,
    pub validity_since: Option<String>,
    pub validity_end: Option<String>,
    pub channels: String,
    pub formed_on: String,
    pub written_on: Option<String>,
    pub due_on: String,
}

pub async fn insert_item(
    tx: &mut Tx<'_>,
    it: &NewItem,
    status: ItemStatus,
    created_by: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO item (unit_id, catalog_node_id, status, title, summary, body_html, doc_no, art20, genre, subject, mode, validity,
           validity_since, validity_end, channels, formed_on, written_on, due_on, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING item_id",
    )
    .bind(it.unit_id)
    .bind(it.catalog_node_id)
    .bind(status.code())
    .bind(it.title.clone())
    .bind(it.summary.clone())
    .bind(it.body_html.clone())
    .bind(it.doc_no.clone())
    .bind(it.art20.clone())
    .bind(it.genre.clone())
    .bind(it.subject.clone())
    .bind(it.mode.clone())
    .bind(it.validity.clone())
    .bind(it.validity_since.clone())
    .bind(it.validity_end.clone())
    .bind(it.channels.clone())
    .bind(it.formed_on.clone())
    .bind(it.written_on.clone())
    .bind(it.due_on.clone())
    .bind(created_by.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn update_item(tx: &mut Tx<'_>, item_id: i64, it: &NewItem) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        // A public body stored as "the draft's" is copied out first (every expression reads the
        // row as it was): the public text never changes with the draft (migration 0023).
        "UPDATE item SET public_body_html = CASE WHEN public_body_same = 1 THEN body_html ELSE public_body_html END,
           public_body_same = 0, catalog_node_id = $1, title = $2, summary = $3, body_html = $4, doc_no = $5, art20 = $6, genre = $7, subject = $8,
           mode = $9, validity = $10, validity_since = $11, validity_end = $12, channels = $13, formed_on = $14, written_on = $15,
           due_on = $16, updated_at = $17
         WHERE item_id = $18",
    )
    .bind(it.catalog_node_id)
    .bind(it.title.clone())
    .bind(it.summary.clone())
    .bind(it.body_html.clone())
    .bind(it.doc_no.clone())
    .bind(it.art20.clone())
    .bind(it.genre.clone())
    .bind(it.subject.clone())
    .bind(it.mode.clone())
    .bind(it.validity.clone())
    .bind(it.validity_since.clone())
    .bind(it.validity_end.clone())
    .bind(it.channels.clone())
    .bind(it.formed_on.clone())
    .bind(it.written_on.clone())
    .bind(it.due_on.clone())
    .bind(now_text())
    .bind(item_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

pub async fn set_status(tx: &mut Tx<'_>, item_id: i64, status: ItemStatus, reason: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE item SET status = $1, status_reason = $2, updated_at = $3 WHERE item_id = $4")
        .bind(status.code())
        .bind(reason.to_string())
        .bind(now_text())
        .bind(item_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// Mark an item 失效 / 废止 from a day.
pub async fn set_expired(
    tx: &mut Tx<'_>,
    item_id: i64,
    validity: &str,
    on: &str,
    reason: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE item SET status = 'expired', validity = $1, validity_end = $2, status_reason = $3, updated_at = $4 WHERE item_id = $5")
        .bind(validity.to_string())
        .bind(on.to_string())
        .bind(reason.to_string())
        .bind(now_text())
        .bind(item_id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// What publication stores: the 索引号, the day, the Art. 26 flag, the masked public text and the
/// 保密审查 record.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    pub index_no: String,
    pub published_on: String,
    pub late: bool,
    pub public_title: String,
    pub public_summary: String,
    pub public_body_html: String,
    pub review_json: String,
    pub override_reason: Option<String>,
}

/// An item stored already published, in one statement (the legacy import and direct
/// publications: what `insert_item` then `publish` would leave).
pub async fn insert_published_item(
    tx: &mut Tx<'_>,
    it: &NewItem,
    p: &Publication,
    created_by: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO item (unit_id, catalog_node_id, status, title, summary, body_html, doc_no, art20, genre, subject, mode, validity,
           validity_since, validity_end, channels, formed_on, written_on, due_on, created_by, created_at, updated_at,
           index_no, published_on, late, public_title, public_summary, public_body_html, public_body_same, review_json,
           override_reason, status_reason)
         VALUES ($1, $2, 'published', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19,
           $20, $21, $22, $23, $24, $25, $26, $27, $28, '') RETURNING item_id",
    )
    .bind(it.unit_id)
    .bind(it.catalog_node_id)
    .bind(it.title.clone())
    .bind(it.summary.clone())
    .bind(it.body_html.clone())
    .bind(it.doc_no.clone())
    .bind(it.art20.clone())
    .bind(it.genre.clone())
    .bind(it.subject.clone())
    .bind(it.mode.clone())
    .bind(it.validity.clone())
    .bind(it.validity_since.clone())
    .bind(it.validity_end.clone())
    .bind(it.channels.clone())
    .bind(it.formed_on.clone())
    .bind(it.written_on.clone())
    .bind(it.due_on.clone())
    .bind(created_by.to_string())
    .bind(now)
    .bind(p.index_no.clone())
    .bind(p.published_on.clone())
    .bind(i64::from(p.late))
    .bind(p.public_title.clone())
    .bind(p.public_summary.clone())
    .bind(if body_stored_once(it, p) { String::new() } else { p.public_body_html.clone() })
    .bind(i64::from(body_stored_once(it, p)))
    .bind(p.review_json.clone())
    .bind(p.override_reason.clone())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

/// Whether an insert stores the public body once, as the draft's (`public_body_same`, migration
/// 0023; `public_body_html` then holds ''): when nothing was masked, it is the draft's unchanged.
fn body_stored_once(it: &NewItem, p: &Publication) -> bool {
    p.public_body_html == it.body_html
}

pub async fn publish(tx: &mut Tx<'_>, item_id: i64, p: &Publication) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE item SET status = 'published', index_no = $1, published_on = $2, late = $3, public_title = $4, public_summary = $5,
           public_body_html = $6, public_body_same = 0, review_json = $7, override_reason = $8, status_reason = '', updated_at = $9
         WHERE item_id = $10",
    )
    .bind(p.index_no.clone())
    .bind(p.published_on.clone())
    .bind(i64::from(p.late))
    .bind(p.public_title.clone())
    .bind(p.public_summary.clone())
    .bind(p.public_body_html.clone())
    .bind(p.review_json.clone())
    .bind(p.override_reason.clone())
    .bind(now_text())
    .bind(item_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Give out the next 索引号 serial of a unit and year (never the same twice: the row is only
/// ever incremented, inside the caller's transaction).
pub async fn next_serial(tx: &mut Tx<'_>, unit_id: i64, year: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO index_serial (unit_id, year, last_serial) VALUES ($1, $2, 1)
         ON CONFLICT (unit_id, year) DO UPDATE SET last_serial = index_serial.last_serial + 1 RETURNING last_serial",
    )
    .bind(unit_id)
    .bind(year)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

/// An imported 索引号 took a serial: later ones start above it.
pub async fn reserve_serial(tx: &mut Tx<'_>, unit_id: i64, year: i64, serial: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO index_serial (unit_id, year, last_serial) VALUES ($1, $2, $3)
         ON CONFLICT (unit_id, year) DO UPDATE SET last_serial = CASE WHEN index_serial.last_serial < $3 THEN $3 ELSE index_serial.last_serial END",
    )
    .bind(unit_id)
    .bind(year)
    .bind(serial)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The highest item id so far (0: none).
pub async fn max_item_id(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COALESCE(MAX(item_id), 0) FROM item").fetch_one(&db.pool).await?.try_get(0)
}

pub async fn index_no_taken(tx: &mut Tx<'_>, index_no: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM item WHERE index_no = $1")
        .bind(index_no.to_string())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

pub async fn get_item(db: &Db, item_id: i64) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(format!("{ITEM_SELECT} WHERE i.item_id = $1")))
        .bind(item_id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn get_item_tx(tx: &mut Tx<'_>, item_id: i64) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as::<_, ItemRow>(sqlx::AssertSqlSafe(format!("{ITEM_SELECT} WHERE i.item_id = $1")))
        .bind(item_id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn count_public(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM item WHERE status IN ('published', 'expired')")
        .fetch_one(&db.pool)
        .await?
        .try_get(0)
}

/// Public item counts per catalog node of a unit.
pub async fn public_counts_by_node(db: &Db, unit_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT catalog_node_id, COUNT(*) FROM item WHERE unit_id = $1 AND status IN ('published', 'expired') AND catalog_node_id IS NOT NULL
         GROUP BY catalog_node_id",
    )
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// Sitemap: every public item's id and last change.
pub async fn sitemap_entries(db: &Db, limit: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT item_id, updated_at FROM item WHERE status IN ('published', 'expired') ORDER BY item_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// What the annual report's table 二 and channel counts need of each public item.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountRow {
    pub art20: String,
    pub published_on: Option<String>,
    pub written_on: Option<String>,
    pub validity: String,
    pub validity_since: Option<String>,
    pub validity_end: Option<String>,
    pub channels: String,
}

/// Public 规章 and 规范性文件 of a unit (or all), published on or before `until` (an ISO date):
/// the rows table 二's first block counts (a few hundred, whatever the size of the catalog).
pub async fn count_rows(db: &Db, unit_id: Option<i64>, until: &str) -> Result<Vec<CountRow>, sqlx::Error> {
    sqlx::query_as::<_, CountRow>(
        "SELECT art20, published_on, written_on, validity, validity_since, validity_end, channels FROM item
         WHERE status IN ('published', 'expired') AND art20 IN ('rule', 'normative_document')
           AND ($1 IS NULL OR unit_id = $1) AND published_on <= $2",
    )
    .bind(unit_id)
    .bind(until.to_string())
    .fetch_all(&db.pool)
    .await
}

/// Items published in a period, grouped by their channel list (few distinct lists, however many
/// items): the annual report's counts by channel are folded from these.
pub async fn channel_groups(
    db: &Db,
    unit_id: Option<i64>,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT channels, COUNT(*) FROM item
         WHERE status IN ('published', 'expired') AND ($1 IS NULL OR unit_id = $1) AND published_on >= $2 AND published_on <= $3
         GROUP BY channels",
    )
    .bind(unit_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// A unit's node by its code or its title (legacy categories name either).
pub async fn node_id_by_code_or_title(tx: &mut Tx<'_>, unit_id: i64, key: &str) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query("SELECT catalog_node_id FROM catalog_node WHERE unit_id = $1 AND (code = $2 OR title = $2) ORDER BY catalog_node_id LIMIT 1")
        .bind(unit_id)
        .bind(key.trim().to_string())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| r.try_get(0)).transpose()
}

pub async fn credit_code_taken(tx: &mut Tx<'_>, code: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM unit WHERE credit_code = $1")
        .bind(code.to_string())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

/// What the supervision figures need of an item published in a period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublishedRow {
    pub unit_id: i64,
    pub art20: String,
    pub channels: String,
    pub late: i64,
    pub overridden: i64,
}

/// Items published from `from` to `to` (ISO dates, inclusive), whatever became of them since.
pub async fn published_between(db: &Db, from: &str, to: &str) -> Result<Vec<PublishedRow>, sqlx::Error> {
    sqlx::query_as::<_, PublishedRow>(
        "SELECT unit_id, art20, channels, late, CASE WHEN override_reason IS NULL THEN 0 ELSE 1 END AS overridden FROM item
         WHERE published_on IS NOT NULL AND published_on >= $1 AND published_on <= $2",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&db.pool)
    .await
}

/// A catalog column (leaf node: a parent's page only lists its sub-columns) with the date of the
/// newest public item in it on or before a day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ColumnRow {
    pub catalog_node_id: i64,
    pub unit_id: i64,
    pub code: String,
    pub title: String,
    pub update_class: String,
    pub last_update: Option<String>,
}

pub async fn column_updates(db: &Db, unit_id: Option<i64>, until: &str) -> Result<Vec<ColumnRow>, sqlx::Error> {
    sqlx::query_as::<_, ColumnRow>(
        "SELECT n.catalog_node_id, n.unit_id, n.code, n.title, n.update_class,
                (SELECT MAX(i.published_on) FROM item i WHERE i.catalog_node_id = n.catalog_node_id
                   AND i.status IN ('published', 'expired') AND i.published_on <= $2) AS last_update
         FROM catalog_node n
         WHERE ($1 IS NULL OR n.unit_id = $1)
           AND NOT EXISTS (SELECT 1 FROM catalog_node c WHERE c.parent_id = n.catalog_node_id)
         ORDER BY n.unit_id, n.sort_order, n.catalog_node_id",
    )
    .bind(unit_id)
    .bind(until.to_string())
    .fetch_all(&db.pool)
    .await
}

/// Published items of one Art. 20 category, oldest first: (id, 索引号, title).
pub async fn published_of_category(
    db: &Db,
    art20: &str,
    limit: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT item_id, COALESCE(index_no, ''), title FROM item WHERE art20 = $1 AND status = 'published' ORDER BY item_id LIMIT $2")
        .bind(art20.to_string())
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

mod attachments;
mod lists;
pub use lists::*;
mod import;
pub use import::*;
mod index;
pub use index::*;
mod public;
pub use public::*;
pub mod open_data;
pub use attachments::*;

#[cfg(test)]
mod tests;
