//! Items as the public reads them.

use super::*;

/// A published (or expired) item as the public may have it: its masked text only. The draft's
/// title, summary and body — which may hold personal data an override let through (the public text
/// is masked at publication) — are not even read on the public path.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicItemRow {
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub catalog_node_id: Option<i64>,
    pub node_title: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ItemStatus,
    pub index_no: Option<String>,
    pub public_title: String,
    pub public_summary: String,
    pub public_body_html: String,
    pub doc_no: String,
    pub art20: String,
    pub genre: String,
    pub subject: String,
    pub validity: String,
    pub validity_since: Option<String>,
    pub validity_end: Option<String>,
    pub channels: String,
    pub formed_on: String,
    pub written_on: Option<String>,
    pub published_on: Option<String>,
    pub late: i64,
    /// 1 when the item has any stored file (public or not): without one, its page need not ask
    /// which files the public may have (issue 19: three queries an item page where one would do).
    pub has_files: i64,
    /// 1 when any interpretation names this item (by id, or by its 索引号 as the policy reference).
    pub has_interpretations: i64,
}

/// An item as its public page reads it, by id, published or expired (`bench item-floor` runs the
/// same statement through the concrete SQLite driver).
pub const PUBLIC_ITEM_SELECT: &str = concat!(
        "SELECT i.item_id, i.unit_id, u.name AS unit_name, i.catalog_node_id, n.title AS node_title, i.status,
                i.index_no, i.public_title, i.public_summary, ",
        public_body_column!(),
        ", i.doc_no, i.art20, i.genre,
                i.subject, i.validity, i.validity_since, i.validity_end, i.channels, i.formed_on, i.written_on,
                i.published_on, i.late,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM attachment a WHERE a.owner_type = 'item' AND a.owner_id = i.item_id)
                     THEN 1 ELSE 0 END AS BIGINT) AS has_files,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM interpretation p WHERE p.policy_item_id = i.item_id)
                       OR EXISTS (SELECT 1 FROM interpretation p WHERE p.policy_item_id IS NULL AND p.policy_ref = i.index_no)
                     THEN 1 ELSE 0 END AS BIGINT) AS has_interpretations
         FROM item i JOIN unit u ON u.unit_id = i.unit_id LEFT JOIN catalog_node n ON n.catalog_node_id = i.catalog_node_id
         WHERE i.item_id = $1 AND i.status IN ('published', 'expired')"
);

/// A published or expired item (`None` for any other status or no such item).
pub async fn public_item(db: &Db, item_id: i64) -> Result<Option<PublicItemRow>, sqlx::Error> {
    // Every uncached item page: through the back end's own driver.
    read_direct!(db, PublicItemRow, PUBLIC_ITEM_SELECT, [item_id], fetch_optional)
}
