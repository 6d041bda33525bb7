//! Published items for the open-data API: a page after a cursor (the last item id seen, so a page
//! never shifts when items are published meanwhile), filtered by unit, column and year.

use super::{BRIEF_SELECT, ItemBrief};
use crate::db::Db;

/// (`status || ''`: the primary key's range, not the status index and a sort of every public item.)
pub async fn public_after(
    db: &Db,
    unit_id: Option<i64>,
    node_id: Option<i64>,
    year: Option<i32>,
    after: i64,
    limit: i64,
) -> Result<Vec<ItemBrief>, sqlx::Error> {
    sqlx::query_as::<_, ItemBrief>(sqlx::AssertSqlSafe(format!(
        "{BRIEF_SELECT} WHERE (i.status || '') IN ('published', 'expired') AND i.item_id > $1
           AND ($2 IS NULL OR i.unit_id = $2) AND ($3 IS NULL OR i.catalog_node_id = $3)
           AND ($4 IS NULL OR i.published_on LIKE $4)
         ORDER BY i.item_id LIMIT $5"
    )))
    .bind(after)
    .bind(unit_id)
    .bind(node_id)
    .bind(year.map(|y| format!("{y:04}-%")))
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}
