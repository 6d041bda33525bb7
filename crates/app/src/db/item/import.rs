//! What the legacy import needs of the items, a batch at a time: one statement for a batch's
//! 索引号 and one for each hundred of its rows, instead of one a line (issue 19: each statement is
//! a round trip to the SQLite worker thread, and the writer's stage waited on those more than it
//! worked).

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

/// Items a multi-row INSERT carries: 29 values each, 2,900 a statement (SQLite allows 32,766,
/// PostgreSQL 65,535).
const ROWS: usize = 100;

/// These items stored already published — what `insert_published_item` stores of each — `ROWS` to a
/// statement instead of one a statement (issue 19: each statement is a round trip to SQLite's
/// worker thread, on the import's critical path). Their ids by 索引号, which are unique among them
/// (`RETURNING` promises no order on either back end).
///
/// On SQLite the values are marked `?`, bound in order: sqlx asks SQLite each numbered mark's name
/// (`sqlite3_bind_parameter_name`), which walks the statement's list of names, so numbered marks
/// cost the square of their count — 23 % of an import's CPU in an earlier trial with `$N`.
pub async fn insert_published_items(
    tx: &mut Tx<'_>,
    items: Vec<(NewItem, Publication)>,
    created_by: &str,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    const PER_ROW: usize = 29;
    let positional = tx.backend_name() != "PostgreSQL";
    let now = now_text();
    let mut ids = HashMap::with_capacity(items.len());
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<(NewItem, Publication)> = items.by_ref().take(ROWS).collect();
        let mut k = 0;
        let mut mark = || {
            k += 1;
            if positional { "?".to_string() } else { format!("${k}") }
        };
        let rows: Vec<String> = (0..chunk.len())
            .map(|_| {
                let m: Vec<String> = (0..PER_ROW).map(|_| mark()).collect();
                format!("({}, {}, 'published', {}, '')", m[0], m[1], m[2..].join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO item (unit_id, catalog_node_id, status, title, summary, body_html, doc_no, art20, genre, subject, mode,
               validity, validity_since, validity_end, channels, formed_on, written_on, due_on, created_by, created_at, updated_at,
               index_no, published_on, late, public_title, public_summary, public_body_html, public_body_same, review_json,
               override_reason, status_reason)
             VALUES {} RETURNING item_id, index_no",
            rows.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (it, mut p) in chunk {
            let same = body_stored_once(&it, &p);
            if same {
                p.public_body_html = String::new();
            }
            q = q
                .bind(it.unit_id)
                .bind(it.catalog_node_id)
                .bind(it.title)
                .bind(it.summary)
                .bind(it.body_html)
                .bind(it.doc_no)
                .bind(it.art20)
                .bind(it.genre)
                .bind(it.subject)
                .bind(it.mode)
                .bind(it.validity)
                .bind(it.validity_since)
                .bind(it.validity_end)
                .bind(it.channels)
                .bind(it.formed_on)
                .bind(it.written_on)
                .bind(it.due_on)
                .bind(created_by.to_string())
                .bind(now.clone())
                .bind(now.clone())
                .bind(p.index_no)
                .bind(p.published_on)
                .bind(i64::from(p.late))
                .bind(p.public_title)
                .bind(p.public_summary)
                .bind(p.public_body_html)
                .bind(i64::from(same))
                .bind(p.review_json)
                .bind(p.override_reason);
        }
        for row in q.fetch_all(&mut **tx).await? {
            ids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
        }
    }
    Ok(ids)
}

/// The item table's indexes besides its key and unique 索引号, as the migrations leave them
/// (0004, 0009, 0024, 0025; `tests::the_deferred_indexes_are_the_migrations_own` holds this list to a
/// freshly migrated database's). An import that fills the table builds them after its rows
/// (`defer_indexes`, `restore_indexes`): at a million items SQLite alone took 255.5 s to write the
/// rows with them and 76.6 s without (BENCHMARKS.md, "eleventh steps"), each insert dirtying a leaf
/// at a random place of each; built once from the stored rows, they are a sort.
pub(crate) const DEFERRED_INDEXES: [(&str, &str); 6] = [
    ("item_unit_status", "CREATE INDEX IF NOT EXISTS item_unit_status ON item(unit_id, status)"),
    ("item_art20", "CREATE INDEX IF NOT EXISTS item_art20 ON item(art20, status, published_on)"),
    (
        "item_public_newest",
        "CREATE INDEX IF NOT EXISTS item_public_newest ON item(published_on, item_id, unit_id, catalog_node_id, channels, status)
    WHERE status IN ('published', 'expired')",
    ),
    (
        "item_public_unit",
        "CREATE INDEX IF NOT EXISTS item_public_unit ON item(unit_id, published_on, item_id, catalog_node_id, status)
    WHERE status IN ('published', 'expired')",
    ),
    (
        "item_public_node",
        "CREATE INDEX IF NOT EXISTS item_public_node ON item(catalog_node_id, published_on, item_id, status)
    WHERE status IN ('published', 'expired')",
    ),
    ("item_staff_recent", "CREATE INDEX IF NOT EXISTS item_staff_recent ON item(updated_at, item_id, unit_id, status)"),
];

/// Drop the item table's deferred indexes (SQLite only: PostgreSQL keeps them), for an import
/// that has the database to itself; `restore_indexes` builds them again. Killed in between, the
/// next connection builds them (`Db::migrate`).
pub async fn defer_indexes(db: &Db) -> Result<(), sqlx::Error> {
    if db.is_postgres() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (name, _) in DEFERRED_INDEXES {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP INDEX IF EXISTS {name}"))).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Build whichever of the item table's deferred indexes is missing (after a deferring import, or
/// a kill during one), in one transaction; the names of those built. Nothing to do on PostgreSQL.
pub async fn restore_indexes(db: &Db) -> Result<Vec<&'static str>, sqlx::Error> {
    if db.is_postgres() {
        return Ok(vec![]);
    }
    let present: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item'")
            .fetch_all(&db.pool)
            .await?;
    let missing: Vec<_> = DEFERRED_INDEXES.iter().filter(|(name, _)| !present.iter().any(|p| p == name)).collect();
    if missing.is_empty() {
        return Ok(vec![]);
    }
    let mut tx = db.begin().await?;
    for (_, sql) in &missing {
        sqlx::raw_sql(*sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(missing.into_iter().map(|(name, _)| *name).collect())
}
