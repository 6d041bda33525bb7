//! The audit trail and the change feed: both written inside the caller's transaction, so a
//! state change and its record commit together or not at all. The audit table is append-only
//! (database triggers refuse UPDATE and DELETE).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Arg, Db, Tx, mark, now_text};
use gongkai_domain::org::Actor;

/// Record who did what to which object, from where, with the state before and after.
pub async fn record(
    tx: &mut Tx<'_>,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit (created_at, user_id, username, unit_id, ip, action, object_type, object_id, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now_text())
    .bind(actor.user_id)
    .bind(actor.username.clone())
    .bind(actor.unit_id)
    .bind(actor.ip.clone())
    .bind(action.to_string())
    .bind(object_type.to_string())
    .bind(object_id.to_string())
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Feed entries this process has written (every node counts its own): a public page's cache asks
/// the database for the feed's head again as soon as this moves (see `public_feed_head`).
static LOCAL_FEED_WRITES: AtomicU64 = AtomicU64::new(0);

/// Append to the change feed (what changed, for the search indexer and the reminders of every node).
pub async fn feed(
    tx: &mut Tx<'_>,
    kind: &str,
    object_type: &str,
    object_id: &str,
    unit_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO change_feed (created_at, kind, object_type, object_id, unit_id) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now_text())
    .bind(kind.to_string())
    .bind(object_type.to_string())
    .bind(object_id.to_string())
    .bind(unit_id)
    .execute(&mut **tx)
    .await?;
    note_feed_write(object_type);
    Ok(())
}

/// Counted before the commit: a page read between here and the commit may keep the old head, for
/// at most HEAD_TTL; after the commit every read sees the count moved and asks again. Applications
/// change no public page.
fn note_feed_write(object_type: &str) {
    if object_type != "application" {
        LOCAL_FEED_WRITES.fetch_add(1, Ordering::Release);
    }
}

/// Append several entries of one kind to the change feed, in their order, a few hundred a
/// statement (the import's batch: one round trip instead of one an item).
pub async fn feed_many(
    tx: &mut Tx<'_>,
    kind: &str,
    object_type: &str,
    objects: &[(String, Option<i64>)],
) -> Result<(), sqlx::Error> {
    const ROWS: usize = 500;
    let now = now_text();
    for chunk in objects.chunks(ROWS) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("($1, $2, $3, ${}, ${})", 4 + 2 * i, 5 + 2 * i)).collect();
        let sql = format!(
            "INSERT INTO change_feed (created_at, kind, object_type, object_id, unit_id) VALUES {}",
            values.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now.clone())
            .bind(kind.to_string())
            .bind(object_type.to_string());
        for (id, unit) in chunk {
            q = q.bind(id.clone()).bind(*unit);
        }
        q.execute(&mut **tx).await?;
    }
    if !objects.is_empty() {
        note_feed_write(object_type);
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub audit_id: i64,
    pub created_at: String,
    pub user_id: Option<i64>,
    pub username: String,
    pub unit_id: Option<i64>,
    pub ip: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub unit_id: Option<i64>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<i64>,
}

pub async fn list(db: &Db, f: &AuditFilter) -> Result<Vec<AuditRow>, sqlx::Error> {
    let (sql, args) = list_sql(f);
    let mut q = sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(sql));
    bind_args!(q, args);
    q.bind(f.limit.unwrap_or(500).clamp(1, 100_000)).fetch_all(&db.pool).await
}

/// [`list`]'s statement with the terms of the filters set (empty text is no filter) and their
/// values, the limit the next mark. Newest first by id; one object's history is read through
/// `audit_object`, in order (a statement with every filter as `$n IS NULL OR …` read the whole
/// log for it).
fn list_sql(f: &AuditFilter) -> (String, Vec<Arg>) {
    let text = |v: &Option<String>| v.clone().filter(|s| !s.is_empty()).map(Arg::Text);
    let filters = [
        ("username = ", text(&f.username)),
        ("unit_id = ", f.unit_id.map(Arg::Int)),
        ("object_type = ", text(&f.object_type)),
        ("object_id = ", text(&f.object_id)),
        ("created_at >= ", text(&f.from)),
        ("created_at < ", text(&f.to)),
    ];
    let mut terms = vec!["1 = 1".to_string()];
    let mut args = vec![];
    for (term, arg) in filters {
        if let Some(arg) = arg {
            terms.push(format!("{term}{}", mark(&mut args, arg)));
        }
    }
    let sql = format!(
        "SELECT audit_id, created_at, user_id, username, unit_id, ip, action, object_type, object_id, before_json, after_json
         FROM audit WHERE {} ORDER BY audit_id DESC LIMIT ${}",
        terms.join(" AND "),
        args.len() + 1
    );
    (sql, args)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FeedRow {
    pub seq: i64,
    pub created_at: String,
    pub kind: String,
    pub object_type: String,
    pub object_id: String,
    pub unit_id: Option<i64>,
}

/// The change feed's last sequence number (0 when empty).
pub async fn max_feed_seq(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_feed").fetch_one(&db.pool).await
}

/// Feed entries after `seq`, oldest first.
pub async fn feed_since(db: &Db, seq: i64, limit: i64) -> Result<Vec<FeedRow>, sqlx::Error> {
    sqlx::query_as::<_, FeedRow>(
        "SELECT seq, created_at, kind, object_type, object_id, unit_id FROM change_feed WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(seq)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// The newest entry of the change feed that can change a public page (0 when none): what the
/// caches of public pages are keyed by — anything published, withdrawn or renamed moves it; an
/// application received or moved on does not (no public page shows one). Read from the partial
/// index `change_feed_public`, backwards, one row.
///
/// Asked on every anonymous public page, so kept (issue 19: the one query made a page served from
/// the cache cost what /healthz costs): read again once this process has written to the feed, and
/// otherwise every HEAD_TTL — what another node wrote shows within that.
pub async fn public_feed_head(db: &Db) -> Result<i64, sqlx::Error> {
    let writes = LOCAL_FEED_WRITES.load(Ordering::Acquire);
    if let Some((seen, at, head)) = *db.feed_head.lock().expect("feed head")
        && seen == writes
        && at.elapsed() < HEAD_TTL
    {
        return Ok(head);
    }
    let seq: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM change_feed WHERE object_type <> 'application' ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    let head = seq.unwrap_or(0);
    *db.feed_head.lock().expect("feed head") = Some((writes, Instant::now(), head));
    Ok(head)
}

/// How long a node trusts the feed's head it read when it has written nothing since: what another
/// node publishes reaches this node's public pages within this.
pub const HEAD_TTL: Duration = Duration::from_millis(200);

/// The feed's head as a node last read it: (its own feed writes then, when, the head).
pub type FeedHeadCache = std::sync::Arc<std::sync::Mutex<Option<(u64, Instant, i64)>>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::databases;

    #[tokio::test(flavor = "multi_thread")]
    async fn the_audit_log_gives_each_filters_records_newest_first_and_an_objects_history_by_its_index() {
        for (db, clean_up) in databases("audit").await {
            let backend = db.backend;
            let mut tx = db.begin().await.unwrap();
            // (user, unit, object type, object id) of each record, in the order written.
            let mut made = vec![];
            for k in 0..24usize {
                let mut actor = Actor::system(["a", "b", "c"][k % 3]);
                actor.unit_id = (k % 4 != 0).then_some(1 + (k % 2) as i64);
                let (ty, id) = (["item", "application"][k % 2], format!("{}", k % 5));
                record(&mut tx, &actor, "test.change", ty, &id, None, None).await.unwrap();
                made.push((actor.username, actor.unit_id, ty.to_string(), id));
            }
            tx.commit().await.unwrap();
            let all = list(&db, &AuditFilter::default()).await.unwrap();
            assert_eq!(all.len(), made.len(), "{backend:?}");
            let ids: Vec<i64> = all.iter().map(|r| r.audit_id).collect(); // newest first
            let text = |s: &str| Some(s.to_string());
            let filters = [
                AuditFilter { username: text("system:b"), ..Default::default() },
                AuditFilter { unit_id: Some(2), ..Default::default() },
                AuditFilter { object_type: text("item"), object_id: text("3"), ..Default::default() },
                AuditFilter { object_type: text("application"), unit_id: Some(2), ..Default::default() },
                AuditFilter {
                    username: Some(String::new()),
                    object_id: text("4"),
                    limit: Some(2),
                    ..Default::default()
                },
                AuditFilter { to: text("2000-01-01"), ..Default::default() },
                AuditFilter { from: text("2000-01-01"), object_type: text("item"), ..Default::default() },
            ];
            for f in &filters {
                let keep = |m: &(String, Option<i64>, String, String)| {
                    f.username.as_deref().is_none_or(|u| u.is_empty() || u == m.0)
                        && f.unit_id.is_none_or(|u| Some(u) == m.1)
                        && f.object_type.as_deref().is_none_or(|t| t == m.2)
                        && f.object_id.as_deref().is_none_or(|i| i == m.3)
                        && f.to.is_none()
                };
                // `all` is newest first: record k is at position len - 1 - k.
                let want: Vec<i64> = (0..made.len())
                    .rev()
                    .filter(|&k| keep(&made[k]))
                    .map(|k| ids[made.len() - 1 - k])
                    .take(f.limit.unwrap_or(500) as usize)
                    .collect();
                let got: Vec<i64> = list(&db, f).await.unwrap().iter().map(|r| r.audit_id).collect();
                assert_eq!(got, want, "{backend:?} {f:?}");
            }
            // One object's history is read through its index, newest first, nothing sorted.
            if backend == crate::db::Backend::Sqlite {
                let (sql, args) = list_sql(&filters[2]);
                let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {sql}")));
                bind_args!(q, args);
                let plan: Vec<String> = q
                    .bind(20i64)
                    .fetch_all(&db.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| sqlx::Row::get::<String, _>(r, 3))
                    .collect();
                let plan = plan.join("\n");
                assert!(plan.contains("audit_object") && !plan.contains("TEMP B-TREE"), "{plan}");
            }
            db.pool.close().await;
            drop(clean_up);
        }
    }
}
