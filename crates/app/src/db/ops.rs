//! What the people who keep the platform running watch: queue depths and the change feed's head.

use super::Db;

/// Open applications (not finished) by due date; `None` where the clock stands still.
pub async fn open_applications_by_due(db: &Db) -> Result<Vec<(Option<String>, i64)>, sqlx::Error> {
    sqlx::query_as::<_, (Option<String>, i64)>(
        "SELECT due_on, COUNT(*) FROM application WHERE finished_on IS NULL GROUP BY due_on",
    )
    .fetch_all(&db.pool)
    .await
}

/// Mail waiting in the outbox (not yet sent).
pub async fn outbox_pending(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetch_one(&db.pool).await
}

/// The newest position of the change feed (0 when empty).
pub async fn feed_head(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM change_feed").fetch_one(&db.pool).await
}
