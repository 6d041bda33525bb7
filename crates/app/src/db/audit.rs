//! The audit trail and the change feed: both written inside the caller's transaction, so a
//! state change and its record commit together or not at all. The audit table is append-only
//! (database triggers refuse UPDATE and DELETE).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Db, Tx, now_text};
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
    // Fixed SQL with optional filters: a NULL parameter disables its condition.
    let rows = sqlx::query_as::<_, AuditRow>(
        "SELECT audit_id, created_at, user_id, username, unit_id, ip, action, object_type, object_id, before_json, after_json
         FROM audit
         WHERE ($1 IS NULL OR username = $1)
           AND ($2 IS NULL OR unit_id = $2)
           AND ($3 IS NULL OR object_type = $3)
           AND ($4 IS NULL OR object_id = $4)
           AND ($5 IS NULL OR created_at >= $5)
           AND ($6 IS NULL OR created_at < $6)
         ORDER BY audit_id DESC LIMIT $7",
    )
    .bind(f.username.clone().filter(|s| !s.is_empty()))
    .bind(f.unit_id)
    .bind(f.object_type.clone().filter(|s| !s.is_empty()))
    .bind(f.object_id.clone().filter(|s| !s.is_empty()))
    .bind(f.from.clone().filter(|s| !s.is_empty()))
    .bind(f.to.clone().filter(|s| !s.is_empty()))
    .bind(f.limit.unwrap_or(500).clamp(1, 100_000))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows)
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
