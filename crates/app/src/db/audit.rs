//! The audit trail and the change feed: both written inside the caller's transaction, so a
//! state change and its record commit together or not at all. The audit table is append-only
//! (database triggers refuse UPDATE and DELETE).

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
pub async fn public_feed_head(db: &Db) -> Result<i64, sqlx::Error> {
    let seq: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM change_feed WHERE object_type <> 'application' ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(seq.unwrap_or(0))
}
