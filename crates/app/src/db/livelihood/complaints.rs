//! Complaints and their steps.

use super::*;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ComplaintRow {
    pub complaint_id: i64,
    pub tracking_code: String,
    pub secret_hash: String,
    pub anonymous: i64,
    pub complainant_name: String,
    pub phone: String,
    pub subject_kind: String,
    pub subject_label: String,
    pub village_id: Option<i64>,
    pub program_id: Option<i64>,
    pub project_id: Option<i64>,
    pub title: String,
    pub content: String,
    pub unit_id: Option<i64>,
    pub status: String,
    pub submitted_on: String,
    pub due_on: String,
    pub reply: String,
    pub replied_on: Option<String>,
    pub rating: Option<String>,
    pub redirect_kind: Option<String>,
}

const COMPLAINT_SELECT: &str = "SELECT complaint_id, tracking_code, secret_hash, anonymous, complainant_name, phone, subject_kind, subject_label, village_id, program_id, project_id, title, content, unit_id, status, submitted_on, due_on, reply, replied_on, rating, redirect_kind FROM complaint";

pub struct NewComplaint {
    pub tracking_code: String,
    pub secret_hash: String,
    pub idempotency_key: Option<String>,
    pub anonymous: i64,
    pub complainant_name: String,
    pub phone: String,
    pub subject_kind: String,
    pub subject_label: String,
    pub village_id: Option<i64>,
    pub program_id: Option<i64>,
    pub project_id: Option<i64>,
    pub title: String,
    pub content: String,
    pub status: String,
    pub submitted_on: String,
    pub due_on: String,
}

pub async fn insert_complaint(tx: &mut Tx<'_>, c: &NewComplaint) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO complaint (tracking_code, secret_hash, idempotency_key, anonymous, complainant_name, phone, subject_kind, subject_label, village_id, program_id, project_id, title, content, status, submitted_on, due_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING complaint_id",
    )
    .bind(c.tracking_code.clone())
    .bind(c.secret_hash.clone())
    .bind(c.idempotency_key.clone())
    .bind(c.anonymous)
    .bind(c.complainant_name.clone())
    .bind(c.phone.clone())
    .bind(c.subject_kind.clone())
    .bind(c.subject_label.clone())
    .bind(c.village_id)
    .bind(c.program_id)
    .bind(c.project_id)
    .bind(c.title.clone())
    .bind(c.content.clone())
    .bind(c.status.clone())
    .bind(c.submitted_on.clone())
    .bind(c.due_on.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn complaint(db: &Db, id: i64) -> Result<Option<ComplaintRow>, sqlx::Error> {
    sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(format!("{COMPLAINT_SELECT} WHERE complaint_id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

pub async fn complaint_by_code(db: &Db, code: &str) -> Result<Option<ComplaintRow>, sqlx::Error> {
    sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(format!("{COMPLAINT_SELECT} WHERE tracking_code = $1")))
        .bind(code.to_string())
        .fetch_optional(&db.pool)
        .await
}

pub async fn complaints(db: &Db, unit_id: Option<i64>) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    sqlx::query_as::<_, ComplaintRow>(sqlx::AssertSqlSafe(format!(
        "{COMPLAINT_SELECT} WHERE ($1 IS NULL OR unit_id = $1) ORDER BY complaint_id DESC LIMIT 1000"
    )))
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

/// Write the mutable part of a complaint, if it is still in `expected_status`.
pub async fn update_complaint(tx: &mut Tx<'_>, c: &ComplaintRow, expected_status: &str) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE complaint SET unit_id = $1, status = $2, due_on = $3, reply = $4, replied_on = $5, rating = $6, redirect_kind = $7, updated_at = $8
         WHERE complaint_id = $9 AND status = $10",
    )
    .bind(c.unit_id)
    .bind(c.status.clone())
    .bind(c.due_on.clone())
    .bind(c.reply.clone())
    .bind(c.replied_on.clone())
    .bind(c.rating.clone())
    .bind(c.redirect_kind.clone())
    .bind(now_text())
    .bind(c.complaint_id)
    .bind(expected_status.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ComplaintEventRow {
    pub happened_on: String,
    pub kind: String,
    pub actor: String,
    pub note: String,
}

pub async fn insert_complaint_event(
    tx: &mut Tx<'_>,
    id: i64,
    happened_on: &str,
    kind: &str,
    actor: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO complaint_event (complaint_id, happened_on, kind, actor, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(happened_on.to_string())
        .bind(kind.to_string())
        .bind(actor.to_string())
        .bind(note.to_string())
        .bind(now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn complaint_events(db: &Db, id: i64) -> Result<Vec<ComplaintEventRow>, sqlx::Error> {
    sqlx::query_as::<_, ComplaintEventRow>("SELECT happened_on, kind, actor, note FROM complaint_event WHERE complaint_id = $1 ORDER BY complaint_event_id")
        .bind(id)
        .fetch_all(&db.pool)
        .await
}
