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

/// Items a multi-row INSERT carries: 25 values each beside the two shared, well under SQLite's
/// 32,766 parameters.
const ROWS: usize = 200;

/// These items stored already published — what `insert_published_item` stores of one — `ROWS` to a
/// statement instead of one a statement (issue 19: the writer's last round trip a line). Their ids
/// by 索引号, which are unique among them: `RETURNING` promises no order on either back end.
pub async fn insert_published_items(
    tx: &mut Tx<'_>,
    items: &[(&NewItem, &Publication)],
    created_by: &str,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let now = now_text();
    let mut ids = HashMap::with_capacity(items.len());
    for chunk in items.chunks(ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|r| {
                let m = |k: usize| format!("${}", 3 + r * 25 + k);
                format!(
                    "({}, 'published', $1, $2, $2, {}, {}, {}, '')",
                    (0..17).map(m).collect::<Vec<_>>().join(", "),
                    m(17),
                    m(18),
                    (19..25).map(m).collect::<Vec<_>>().join(", "),
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO item (unit_id, catalog_node_id, title, summary, body_html, doc_no, art20, genre, subject, mode, validity,
               validity_since, validity_end, channels, formed_on, written_on, due_on, status, created_by, created_at, updated_at,
               index_no, published_on, late, public_title, public_summary, public_body_html, review_json, override_reason, status_reason)
             VALUES {} RETURNING item_id, index_no",
            rows.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(created_by.to_string()).bind(now.clone());
        for (it, p) in chunk {
            q = q
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
                .bind(p.index_no.clone())
                .bind(p.published_on.clone())
                .bind(i64::from(p.late))
                .bind(p.public_title.clone())
                .bind(p.public_summary.clone())
                .bind(p.public_body_html.clone())
                .bind(p.review_json.clone())
                .bind(p.override_reason.clone());
        }
        for row in q.fetch_all(&mut **tx).await? {
            ids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
        }
    }
    Ok(ids)
}
