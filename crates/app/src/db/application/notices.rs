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
    /// "email" or "sms".
    pub channel: String,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    /// The notice whose letter goes with the message (attached to an e-mail).
    pub notice_id: Option<i64>,
    pub attempts: i64,
}

/// Messages waiting: those due for a try at `now` (a failed one waits out its pause), or every
/// one with `all`.
pub async fn unsent_mail(db: &Db, limit: i64, now: &str, all: bool) -> Result<Vec<MailRow>, sqlx::Error> {
    sqlx::query_as::<_, MailRow>(
        "SELECT outbox_id, channel, to_addr, subject, body, notice_id, attempts FROM outbox
         WHERE sent_at IS NULL AND ($2 = 1 OR next_try_at IS NULL OR next_try_at <= $3)
         ORDER BY outbox_id LIMIT $1",
    )
    .bind(limit)
    .bind(i64::from(all))
    .bind(now.to_string())
    .fetch_all(&db.pool)
    .await
}

/// Record a try: sent (the notice it carries is sent too), or failed with the error and the time
/// of the next try.
pub async fn mark_mail(db: &Db, row: &MailRow, outcome: Result<(), (&str, &str)>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    match outcome {
        Ok(()) => {
            let now = now_text();
            sqlx::query(
                "UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE outbox_id = $2",
            )
            .bind(now.clone())
            .bind(row.outbox_id)
            .execute(&mut *tx)
            .await?;
            if let Some(n) = row.notice_id {
                sqlx::query("UPDATE notice SET sent_at = $1, sent_by = $2 WHERE notice_id = $3 AND sent_at IS NULL")
                    .bind(now)
                    .bind(row.channel.clone())
                    .bind(n)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Err((error, next_try_at)) => {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_try_at = $2 WHERE outbox_id = $3",
            )
            .bind(error.to_string())
            .bind(next_try_at.to_string())
            .bind(row.outbox_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A notice as made: the letter (JSON of the domain's `Letter`) and where it goes.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct NoticeRow {
    pub notice_id: i64,
    pub application_id: i64,
    pub kind: String,
    pub channel: String,
    pub addressee: String,
    pub to_addr: String,
    pub letter_json: String,
    pub created_at: String,
    pub created_by: String,
    pub sent_at: Option<String>,
    pub sent_by: Option<String>,
}

pub struct NewNotice<'a> {
    pub application_id: i64,
    pub kind: &'a str,
    pub channel: &'a str,
    pub addressee: &'a str,
    pub to_addr: &'a str,
    pub letter_json: &'a str,
    pub created_by: &'a str,
}

/// Keep a notice in the step's transaction; its id.
pub async fn insert_notice(tx: &mut Tx<'_>, n: &NewNotice<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO notice (application_id, kind, channel, addressee, to_addr, letter_json, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING notice_id",
    )
    .bind(n.application_id)
    .bind(n.kind.to_string())
    .bind(n.channel.to_string())
    .bind(n.addressee.to_string())
    .bind(n.to_addr.to_string())
    .bind(n.letter_json.to_string())
    .bind(now_text())
    .bind(n.created_by.to_string())
    .fetch_one(&mut **tx)
    .await
}

/// Queue the message that carries a notice (e-mail with its letter, or a text message).
pub async fn enqueue_notice(
    tx: &mut Tx<'_>,
    notice_id: i64,
    channel: &str,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (to_addr, subject, body, dedupe_key, created_at, channel, notice_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(to.to_string())
    .bind(subject.to_string())
    .bind(body.to_string())
    .bind(format!("notice:{notice_id}"))
    .bind(now_text())
    .bind(channel.to_string())
    .bind(notice_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn notices_of(db: &Db, application_id: i64) -> Result<Vec<NoticeRow>, sqlx::Error> {
    sqlx::query_as::<_, NoticeRow>("SELECT * FROM notice WHERE application_id = $1 ORDER BY notice_id")
        .bind(application_id)
        .fetch_all(&db.pool)
        .await
}

pub async fn get_notice(db: &Db, notice_id: i64) -> Result<Option<NoticeRow>, sqlx::Error> {
    sqlx::query_as::<_, NoticeRow>("SELECT * FROM notice WHERE notice_id = $1")
        .bind(notice_id)
        .fetch_optional(&db.pool)
        .await
}

/// The delivery state of a notice's message: (attempts, last error), if it went by the outbox.
pub async fn notice_delivery(db: &Db, notice_id: i64) -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
    sqlx::query_as::<_, (i64, Option<String>)>("SELECT attempts, last_error FROM outbox WHERE notice_id = $1")
        .bind(notice_id)
        .fetch_optional(&db.pool)
        .await
}

/// A posted notice: the clerk records the posting (once). True if this call recorded it.
pub async fn mark_notice_posted(tx: &mut Tx<'_>, notice_id: i64, by: &str) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE notice SET sent_at = $1, sent_by = $2 WHERE notice_id = $3 AND sent_at IS NULL AND channel = 'post'",
    )
    .bind(now_text())
    .bind(by.to_string())
    .bind(notice_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The 信息处理费 of a year and scope: (收费通知 sent, fees paid, yuan collected), from the
/// applications' events (the fee of an application is the amount of its notice).
pub async fn fees_of_year(db: &Db, unit_id: Option<i64>, year: i32) -> Result<(i64, i64, i64), sqlx::Error> {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let count = |kind: &'static str| {
        sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT COUNT(*), CAST(SUM(a.fee_yuan) AS BIGINT) FROM application_event e JOIN application a ON a.application_id = e.application_id
             WHERE e.kind = $1 AND e.happened_on >= $2 AND e.happened_on <= $3 AND ($4 = 0 OR a.unit_id = $5)",
        )
        .bind(kind)
        .bind(from.clone())
        .bind(to.clone())
        .bind(i64::from(unit_id.is_some()))
        .bind(unit_id.unwrap_or(0))
        .fetch_one(&db.pool)
    };
    let (sent, _) = count("send_fee_notice").await?;
    let (paid, yuan) = count("fee_paid").await?;
    Ok((sent, paid, yuan.unwrap_or(0)))
}
