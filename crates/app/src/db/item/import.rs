//! What the legacy import needs of the items, a batch at a time: one statement for a batch's
//! 索引号 instead of one a line (issue 19: each statement is a round trip to the SQLite worker
//! thread, and the writer's stage waited on those more than it worked).

use std::collections::HashMap;

use super::*;

/// Statements bind at most this many 索引号 (SQLite allows 32,766 parameters, PostgreSQL 65,535).
const CHUNK: usize = 500;

/// The items already holding any of these 索引号, by 索引号.
pub async fn items_with_index_nos(tx: &mut Tx<'_>, index_nos: &[&str]) -> Result<HashMap<String, i64>, sqlx::Error> {
    let mut found = HashMap::new();
    for chunk in index_nos.chunks(CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT index_no, item_id FROM item WHERE index_no IN ({})", marks.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for no in chunk {
            q = q.bind((*no).to_string());
        }
        for row in q.fetch_all(&mut **tx).await? {
            found.insert(row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?);
        }
    }
    Ok(found)
}
