//! 解读与互动 storage: public messages (政民互动), FAQ, 回应关切 and policy interpretations.

use gongkai_domain::interaction::{InterpretationStatus, MessageStatus};
use serde::Serialize;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MessageRow {
    pub message_id: i64,
    pub tracking_code: String,
    #[serde(skip)]
    pub secret_hash: String,
    pub kind: String,
    pub to_leader: i64,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub writer_name: String,
    pub writer_contact: String,
    pub wants_private: i64,
    pub subject: String,
    pub body: String,
    pub public_subject: String,
    pub public_body: String,
    pub masked: i64,
    #[sqlx(try_from = "String")]
    pub status: MessageStatus,
    pub submitted_on: String,
    pub due_on: String,
    pub answer: String,
    pub answered_on: Option<String>,
    pub private_reason: Option<String>,
    pub rating: Option<i64>,
}

const M_SELECT: &str = "SELECT m.message_id, m.tracking_code, m.secret_hash, m.kind, m.to_leader, m.unit_id, u.name AS unit_name, m.writer_name,
    m.writer_contact, m.wants_private, m.subject, m.body, m.public_subject, m.public_body, m.masked, m.status, m.submitted_on, m.due_on,
    m.answer, m.answered_on, m.private_reason, m.rating FROM message m LEFT JOIN unit u ON u.unit_id = m.unit_id";

pub struct NewMessage<'a> {
    pub tracking_code: &'a str,
    pub secret_hash: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub kind: &'a str,
    pub to_leader: bool,
    pub unit_id: Option<i64>,
    pub writer_name: &'a str,
    pub writer_contact: &'a str,
    pub wants_private: bool,
    pub subject: &'a str,
    pub body: &'a str,
    pub public_subject: &'a str,
    pub public_body: &'a str,
    pub masked: bool,
    pub status: MessageStatus,
    pub submitted_on: &'a str,
    pub due_on: &'a str,
}

pub async fn insert_message(tx: &mut Tx<'_>, m: &NewMessage<'_>) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query_scalar(
        "INSERT INTO message (tracking_code, secret_hash, idempotency_key, kind, to_leader, unit_id, writer_name, writer_contact, wants_private,
            subject, body, public_subject, public_body, masked, status, submitted_on, due_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING message_id",
    )
    .bind(m.tracking_code.to_string())
    .bind(m.secret_hash.to_string())
    .bind(m.idempotency_key.map(str::to_string))
    .bind(m.kind.to_string())
    .bind(i64::from(m.to_leader))
    .bind(m.unit_id)
    .bind(m.writer_name.to_string())
    .bind(m.writer_contact.to_string())
    .bind(i64::from(m.wants_private))
    .bind(m.subject.to_string())
    .bind(m.body.to_string())
    .bind(m.public_subject.to_string())
    .bind(m.public_body.to_string())
    .bind(i64::from(m.masked))
    .bind(m.status.code())
    .bind(m.submitted_on.to_string())
    .bind(m.due_on.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn message(db: &Db, id: i64) -> Result<Option<MessageRow>, sqlx::Error> {
    sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(format!("{M_SELECT} WHERE m.message_id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn message_tx(tx: &mut Tx<'_>, id: i64) -> Result<Option<MessageRow>, sqlx::Error> {
    sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(format!("{M_SELECT} WHERE m.message_id = $1")))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn message_by_code(db: &Db, code: &str) -> Result<Option<MessageRow>, sqlx::Error> {
    sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(format!("{M_SELECT} WHERE m.tracking_code = $1")))
        .bind(code.to_string())
        .fetch_optional(&db.pool)
        .await
}

/// Staff queue: a unit's messages, or all (unit None); newest first.
pub async fn messages(db: &Db, unit_id: Option<i64>, limit: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(format!(
        "{M_SELECT} WHERE ($1 IS NULL OR m.unit_id = $1) ORDER BY m.submitted_on DESC, m.message_id DESC LIMIT $2"
    )))
    .bind(unit_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Published messages, optionally matching a search term in the public text or the answer.
pub async fn published(db: &Db, q: &str, limit: i64) -> Result<Vec<MessageRow>, sqlx::Error> {
    let like = format!("%{}%", q.replace(['\\', '%', '_'], ""));
    sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(format!(
        "{M_SELECT} WHERE m.status = 'published' AND (m.public_subject LIKE $1 OR m.public_body LIKE $1 OR m.answer LIKE $1)
         ORDER BY m.answered_on DESC, m.message_id DESC LIMIT $2"
    )))
    .bind(like)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// Kind, unit, submission and due dates and status of every message (for counts and flags).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageDates {
    pub unit_id: Option<i64>,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub status: MessageStatus,
    pub submitted_on: String,
    pub due_on: String,
    pub answered_on: Option<String>,
}

pub async fn message_dates(db: &Db) -> Result<Vec<MessageDates>, sqlx::Error> {
    sqlx::query_as::<_, MessageDates>("SELECT unit_id, kind, status, submitted_on, due_on, answered_on FROM message")
        .fetch_all(&db.pool)
        .await
}

#[allow(clippy::too_many_arguments)]
pub async fn update_message(
    tx: &mut Tx<'_>,
    id: i64,
    expected_status: MessageStatus,
    status: MessageStatus,
    unit_id: Option<i64>,
    to_leader: bool,
    answer: &str,
    answered_on: Option<&str>,
    private_reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE message SET status = $1, unit_id = $2, to_leader = $3, answer = $4, answered_on = $5, private_reason = $6, updated_at = $7
         WHERE message_id = $8 AND status = $9",
    )
    .bind(status.code())
    .bind(unit_id)
    .bind(i64::from(to_leader))
    .bind(answer.to_string())
    .bind(answered_on.map(str::to_string))
    .bind(private_reason.map(str::to_string))
    .bind(now_text())
    .bind(id)
    .bind(expected_status.code())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn rate_message(tx: &mut Tx<'_>, id: i64, rating: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE message SET rating = $1, updated_at = $2 WHERE message_id = $3")
        .bind(rating)
        .bind(now_text())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// --- FAQ ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FaqRow {
    pub faq_id: i64,
    pub question: String,
    pub answer: String,
    pub message_id: Option<i64>,
    pub sort_order: i64,
}

pub async fn faqs(db: &Db) -> Result<Vec<FaqRow>, sqlx::Error> {
    sqlx::query_as::<_, FaqRow>(
        "SELECT faq_id, question, answer, message_id, sort_order FROM faq ORDER BY sort_order, faq_id",
    )
    .fetch_all(&db.pool)
    .await
}

pub async fn insert_faq(
    tx: &mut Tx<'_>,
    question: &str,
    answer: &str,
    message_id: Option<i64>,
    sort_order: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO faq (question, answer, message_id, sort_order, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING faq_id")
        .bind(question.to_string())
        .bind(answer.to_string())
        .bind(message_id)
        .bind(sort_order)
        .bind(now_text())
        .fetch_one(&mut **tx)
        .await
}

pub async fn delete_faq(tx: &mut Tx<'_>, id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM faq WHERE faq_id = $1").bind(id).execute(&mut **tx).await?.rows_affected())
}

// --- 回应关切 ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ConcernRow {
    pub concern_response_id: i64,
    pub kind: String,
    pub held_on: String,
    pub title: String,
    pub link: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub summary: String,
}

pub async fn concerns(db: &Db, year: Option<i32>) -> Result<Vec<ConcernRow>, sqlx::Error> {
    let prefix = year.map(|y| format!("{y}-%")).unwrap_or_else(|| "%".into());
    sqlx::query_as::<_, ConcernRow>(
        "SELECT c.concern_response_id, c.kind, c.held_on, c.title, c.link, c.unit_id, u.name AS unit_name, c.summary
         FROM concern_response c LEFT JOIN unit u ON u.unit_id = c.unit_id WHERE c.held_on LIKE $1 ORDER BY c.held_on DESC",
    )
    .bind(prefix)
    .fetch_all(&db.pool)
    .await
}

pub async fn insert_concern(
    tx: &mut Tx<'_>,
    kind: &str,
    held_on: &str,
    title: &str,
    link: &str,
    unit_id: Option<i64>,
    summary: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO concern_response (kind, held_on, title, link, unit_id, summary, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING concern_response_id",
    )
    .bind(kind.to_string())
    .bind(held_on.to_string())
    .bind(title.to_string())
    .bind(link.to_string())
    .bind(unit_id)
    .bind(summary.to_string())
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await
}

// --- 政策解读 ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct InterpretationRow {
    pub interpretation_id: i64,
    pub policy_ref: String,
    pub policy_title: String,
    pub title: String,
    pub form: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub sections_json: String,
    pub link: String,
    #[sqlx(try_from = "String")]
    pub status: InterpretationStatus,
    pub deferral_reason: Option<String>,
    pub deferral_by: Option<String>,
    pub policy_published_on: Option<String>,
    pub published_on: Option<String>,
    /// The disclosure item of the policy, when the interpretation is linked to one.
    pub policy_item_id: Option<i64>,
}

const I_SELECT: &str = "SELECT i.interpretation_id, i.policy_ref, i.policy_title, i.title, i.form, i.unit_id, u.name AS unit_name, i.sections_json, i.link,
    i.status, i.deferral_reason, i.deferral_by, i.policy_published_on, i.published_on, i.policy_item_id FROM interpretation i LEFT JOIN unit u ON u.unit_id = i.unit_id";

/// The interpretations linked to a policy item (or, for legacy rows, naming its 索引号).
pub async fn interpretations_for_item(
    db: &Db,
    item_id: i64,
    index_no: Option<&str>,
) -> Result<Vec<InterpretationRow>, sqlx::Error> {
    sqlx::query_as::<_, InterpretationRow>(sqlx::AssertSqlSafe(format!(
        "{I_SELECT} WHERE i.policy_item_id = $1 OR (i.policy_item_id IS NULL AND $2 IS NOT NULL AND i.policy_ref = $2) ORDER BY i.interpretation_id"
    )))
    .bind(item_id)
    .bind(index_no.map(str::to_string))
    .fetch_all(&db.pool)
    .await
}

pub async fn interpretations_for_item_tx(tx: &mut Tx<'_>, item_id: i64) -> Result<Vec<InterpretationRow>, sqlx::Error> {
    sqlx::query_as::<_, InterpretationRow>(sqlx::AssertSqlSafe(format!("{I_SELECT} WHERE i.policy_item_id = $1")))
        .bind(item_id)
        .fetch_all(&mut **tx)
        .await
}

/// Published interpretations with an id above `after` (for the search index), in id order.
pub async fn published_interpretations_after(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<InterpretationRow>, sqlx::Error> {
    sqlx::query_as::<_, InterpretationRow>(sqlx::AssertSqlSafe(format!(
        "{I_SELECT} WHERE i.status = 'published' AND i.interpretation_id > $1 ORDER BY i.interpretation_id LIMIT $2"
    )))
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

pub async fn interpretations(db: &Db, policy_ref: Option<&str>) -> Result<Vec<InterpretationRow>, sqlx::Error> {
    sqlx::query_as::<_, InterpretationRow>(sqlx::AssertSqlSafe(format!(
        "{I_SELECT} WHERE ($1 IS NULL OR i.policy_ref = $1) ORDER BY COALESCE(i.published_on, i.deferral_by, '') DESC, i.interpretation_id DESC"
    )))
    .bind(policy_ref.map(str::to_string))
    .fetch_all(&db.pool)
    .await
}

pub async fn interpretation(db: &Db, id: i64) -> Result<Option<InterpretationRow>, sqlx::Error> {
    sqlx::query_as::<_, InterpretationRow>(sqlx::AssertSqlSafe(format!("{I_SELECT} WHERE i.interpretation_id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn interpretations_for_policy_tx(
    tx: &mut Tx<'_>,
    policy_ref: &str,
) -> Result<Vec<InterpretationRow>, sqlx::Error> {
    sqlx::query_as::<_, InterpretationRow>(sqlx::AssertSqlSafe(format!("{I_SELECT} WHERE i.policy_ref = $1")))
        .bind(policy_ref.to_string())
        .fetch_all(&mut **tx)
        .await
}

pub struct NewInterpretation<'a> {
    pub policy_ref: &'a str,
    pub policy_title: &'a str,
    pub title: &'a str,
    pub form: &'a str,
    pub unit_id: Option<i64>,
    pub sections_json: &'a str,
    pub link: &'a str,
    pub status: InterpretationStatus,
    pub deferral_reason: Option<&'a str>,
    pub deferral_by: Option<&'a str>,
    pub policy_published_on: Option<&'a str>,
    pub published_on: Option<&'a str>,
    pub policy_item_id: Option<i64>,
}

pub async fn insert_interpretation(tx: &mut Tx<'_>, i: &NewInterpretation<'_>) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query_scalar(
        "INSERT INTO interpretation (policy_ref, policy_title, title, form, unit_id, sections_json, link, status, deferral_reason, deferral_by,
            policy_published_on, published_on, created_at, updated_at, policy_item_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING interpretation_id",
    )
    .bind(i.policy_ref.to_string())
    .bind(i.policy_title.to_string())
    .bind(i.title.to_string())
    .bind(i.form.to_string())
    .bind(i.unit_id)
    .bind(i.sections_json.to_string())
    .bind(i.link.to_string())
    .bind(i.status.code())
    .bind(i.deferral_reason.map(str::to_string))
    .bind(i.deferral_by.map(str::to_string))
    .bind(i.policy_published_on.map(str::to_string))
    .bind(i.published_on.map(str::to_string))
    .bind(now)
    .bind(i.policy_item_id)
    .fetch_one(&mut **tx)
    .await
}

pub async fn set_interpretation_status(
    tx: &mut Tx<'_>,
    id: i64,
    status: InterpretationStatus,
    published_on: Option<&str>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE interpretation SET status = $1, published_on = COALESCE($2, published_on), updated_at = $3 WHERE interpretation_id = $4")
        .bind(status.code())
        .bind(published_on.map(str::to_string))
        .bind(now_text())
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

#[allow(clippy::too_many_arguments)]
pub async fn record_deferral(
    tx: &mut Tx<'_>,
    policy_ref: &str,
    policy_title: &str,
    reason: &str,
    by: &str,
    policy_published_on: &str,
    unit_id: Option<i64>,
    policy_item_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    insert_interpretation(
        tx,
        &NewInterpretation {
            policy_ref,
            policy_title,
            title: &format!("《{policy_title}》政策解读（延期）"),
            form: "text",
            unit_id,
            sections_json: "{}",
            link: "",
            status: InterpretationStatus::Deferred,
            deferral_reason: Some(reason),
            deferral_by: Some(by),
            policy_published_on: Some(policy_published_on),
            published_on: None,
            policy_item_id,
        },
    )
    .await
}

/// Interpretations not yet linked to a disclosure item (demo data and legacy records).
pub async fn unlinked_interpretations(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT interpretation_id FROM interpretation WHERE policy_item_id IS NULL ORDER BY interpretation_id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(|r| sqlx::Row::try_get(&r, 0)).collect()
}

/// Link an interpretation to the policy item it interprets (its 索引号 and title follow).
pub async fn link_interpretation(
    tx: &mut Tx<'_>,
    interpretation_id: i64,
    item_id: i64,
    index_no: &str,
    title: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE interpretation SET policy_item_id = $1, policy_ref = $2, policy_title = $3 WHERE interpretation_id = $4")
        .bind(item_id)
        .bind(index_no.to_string())
        .bind(title.to_string())
        .bind(interpretation_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
