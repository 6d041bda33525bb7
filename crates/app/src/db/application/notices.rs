//! Reminders: in-app notifications and the e-mail outbox, deduplicated across nodes.

use super::*;

/// Insert unless the same reminder was already made (by this node or another). True if new.
pub async fn notify_once(
    tx: &mut Tx<'_>,
    unit_id: Option<i64>,
    for_office: bool,
    message: &str,
    link: &str,
    dedupe_key: &str,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO notification (unit_id, for_office, message, link, dedupe_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(unit_id)
    .bind(i64::from(for_office))
    .bind(message.to_string())
    .bind(link.to_string())
    .bind(dedupe_key.to_string())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn enqueue_mail(
    tx: &mut Tx<'_>,
    to: &str,
    subject: &str,
    body: &str,
    dedupe_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, dedupe_key, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(to.to_string())
    .bind(subject.to_string())
    .bind(body.to_string())
    .bind(dedupe_key.to_string())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NotificationRow {
    pub notification_id: i64,
    pub unit_id: Option<i64>,
    pub for_office: i64,
    pub message: String,
    pub link: String,
    pub created_at: String,
}

pub async fn notifications(
    db: &Db,
    unit_id: Option<i64>,
    office: bool,
    limit: i64,
) -> Result<Vec<NotificationRow>, sqlx::Error> {
    sqlx::query_as::<_, NotificationRow>(
        "SELECT notification_id, unit_id, for_office, message, link, created_at FROM notification
         WHERE ($1 = 1 AND for_office = 1) OR ($2 IS NOT NULL AND unit_id = $2) ORDER BY notification_id DESC LIMIT $3",
    )
    .bind(i64::from(office))
    .bind(unit_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailRow {
    pub outbox_id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
}

pub async fn unsent_mail(db: &Db, limit: i64) -> Result<Vec<MailRow>, sqlx::Error> {
    sqlx::query_as::<_, MailRow>("SELECT outbox_id, to_addr, subject, body FROM outbox WHERE sent_at IS NULL AND attempts < 20 ORDER BY outbox_id LIMIT $1")
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}

pub async fn mark_mail(db: &Db, outbox_id: i64, error: Option<&str>) -> Result<(), sqlx::Error> {
    match error {
        None => {
            sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE outbox_id = $2")
                .bind(now_text())
                .bind(outbox_id)
                .execute(&db.pool)
                .await?
        }
        Some(e) => {
            sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE outbox_id = $2")
                .bind(e.to_string())
                .bind(outbox_id)
                .execute(&db.pool)
                .await?
        }
    };
    Ok(())
}
