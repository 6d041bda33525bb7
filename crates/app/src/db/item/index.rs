//! Items as the search index reads them.

use super::*;

/// What the search index holds of an item: its public text and the fields it is filtered by
/// (not the draft's text, which the index never sees: half the bytes of an `ItemRow`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IndexRow {
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub node_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
    pub index_no: Option<String>,
    pub doc_no: String,
    pub art20: String,
    pub validity: String,
    pub published_on: Option<String>,
    pub public_title: String,
    pub public_summary: String,
    pub public_body_html: String,
}

const INDEX_SELECT: &str = concat!(
    "SELECT i.item_id, i.unit_id, u.name AS unit_name, n.code AS node_code, i.status, i.index_no,
    i.doc_no, i.art20, i.validity, i.published_on, i.public_title, i.public_summary, ",
    public_body_column!(),
    "
    FROM item i JOIN unit u ON u.unit_id = i.unit_id LEFT JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id"
);

/// These items as the search index takes them (any status: the index drops what is not public).
pub async fn index_rows(db: &Db, ids: &[i64]) -> Result<Vec<IndexRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    // Only integers go into the SQL text.
    let list = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    sqlx::query_as::<_, IndexRow>(sqlx::AssertSqlSafe(format!("{INDEX_SELECT} WHERE i.item_id IN ({list})")))
        .fetch_all(&db.pool)
        .await
}

/// Public items after `after_id`, by id, as the index takes them: the reindex walks them in pages.
/// `status || ''` keeps SQLite from the status index, which made each page read and sort every
/// public item (a million-item reindex never ended); the primary key's range is read instead.
pub async fn public_index_rows_after(db: &Db, after_id: i64, limit: i64) -> Result<Vec<IndexRow>, sqlx::Error> {
    sqlx::query_as::<_, IndexRow>(sqlx::AssertSqlSafe(format!(
        "{INDEX_SELECT} WHERE i.item_id > $1 AND (i.status || '') IN ('published', 'expired') ORDER BY i.item_id LIMIT $2"
    )))
    .bind(after_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
