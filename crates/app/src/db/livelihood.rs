//! 民生监督 storage: villages, fund programs and budgets, disbursement batches and rows, findings,
//! death records, the self-query log, complaints, projects and village disclosures. SQL only;
//! the rows carrying recipients' personal data (`DisbursementRow`) never leave the flows unmasked.

use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

// --- villages ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct VillageRow {
    pub village_id: i64,
    pub township_unit_id: i64,
    pub township: String,
    pub name: String,
    pub kind: String,
}

const VILLAGE_SELECT: &str = "SELECT v.village_id, v.township_unit_id, u.name AS township, v.name, v.kind FROM village v JOIN unit u ON u.unit_id = v.township_unit_id";

pub async fn insert_village(
    tx: &mut Tx<'_>,
    township_unit_id: i64,
    name: &str,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query("INSERT INTO village (township_unit_id, name, kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING village_id")
        .bind(township_unit_id)
        .bind(name.to_string())
        .bind(kind.to_string())
        .bind(now)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)
}

pub async fn villages(db: &Db) -> Result<Vec<VillageRow>, sqlx::Error> {
    sqlx::query_as::<_, VillageRow>(sqlx::AssertSqlSafe(format!(
        "{VILLAGE_SELECT} ORDER BY u.sort_order, v.village_id"
    )))
    .fetch_all(&db.pool)
    .await
}

pub async fn village(db: &Db, village_id: i64) -> Result<Option<VillageRow>, sqlx::Error> {
    sqlx::query_as::<_, VillageRow>(sqlx::AssertSqlSafe(format!("{VILLAGE_SELECT} WHERE v.village_id = $1")))
        .bind(village_id)
        .fetch_optional(&db.pool)
        .await
}

// --- programs and budgets ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProgramRow {
    pub program_id: i64,
    pub code: String,
    pub name: String,
    pub basis: String,
    pub standard_fen: i64,
    pub min_age: Option<i64>,
    pub unit_id: Option<i64>,
    pub source: String,
    pub policy_basis: String,
    pub eligibility: String,
    pub valid_from: String,
    pub valid_to: String,
    pub poverty: i64,
}

pub struct NewProgram {
    pub code: String,
    pub name: String,
    pub basis: String,
    pub standard_fen: i64,
    pub min_age: Option<i64>,
    pub unit_id: Option<i64>,
    pub source: String,
    pub policy_basis: String,
    pub eligibility: String,
    pub valid_from: String,
    pub valid_to: String,
    pub poverty: i64,
}

const PROGRAM_SELECT: &str = "SELECT program_id, code, name, basis, standard_fen, min_age, unit_id, source, policy_basis, eligibility, valid_from, valid_to, poverty FROM fund_program";

pub async fn insert_program(tx: &mut Tx<'_>, p: &NewProgram) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO fund_program (code, name, basis, standard_fen, min_age, unit_id, source, policy_basis, eligibility, valid_from, valid_to, poverty, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING program_id",
    )
    .bind(p.code.clone())
    .bind(p.name.clone())
    .bind(p.basis.clone())
    .bind(p.standard_fen)
    .bind(p.min_age)
    .bind(p.unit_id)
    .bind(p.source.clone())
    .bind(p.policy_basis.clone())
    .bind(p.eligibility.clone())
    .bind(p.valid_from.clone())
    .bind(p.valid_to.clone())
    .bind(p.poverty)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn programs(db: &Db) -> Result<Vec<ProgramRow>, sqlx::Error> {
    sqlx::query_as::<_, ProgramRow>(sqlx::AssertSqlSafe(format!("{PROGRAM_SELECT} ORDER BY program_id")))
        .fetch_all(&db.pool)
        .await
}

pub async fn program(db: &Db, program_id: i64) -> Result<Option<ProgramRow>, sqlx::Error> {
    sqlx::query_as::<_, ProgramRow>(sqlx::AssertSqlSafe(format!("{PROGRAM_SELECT} WHERE program_id = $1")))
        .bind(program_id)
        .fetch_optional(&db.pool)
        .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BudgetRow {
    pub fund_budget_id: i64,
    pub program_id: i64,
    pub year: i64,
    pub budget_fen: i64,
    pub source: String,
}

pub async fn put_budget(
    tx: &mut Tx<'_>,
    program_id: i64,
    year: i64,
    budget_fen: i64,
    source: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM fund_budget WHERE program_id = $1 AND year = $2")
        .bind(program_id)
        .bind(year)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO fund_budget (program_id, year, budget_fen, source, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(program_id)
    .bind(year)
    .bind(budget_fen)
    .bind(source.to_string())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn budgets(db: &Db) -> Result<Vec<BudgetRow>, sqlx::Error> {
    sqlx::query_as::<_, BudgetRow>(
        "SELECT fund_budget_id, program_id, year, budget_fen, source FROM fund_budget ORDER BY year DESC, program_id",
    )
    .fetch_all(&db.pool)
    .await
}

// --- batches, disbursements, findings ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BatchRow {
    pub batch_id: i64,
    pub program_id: i64,
    pub program_name: String,
    pub township_unit_id: i64,
    pub township: String,
    pub period_key: String,
    pub status: String,
    pub filename: String,
    pub row_count: i64,
    pub total_fen: i64,
    pub errors_json: String,
    pub created_by: String,
    pub created_at: String,
}

const BATCH_SELECT: &str = "SELECT b.batch_id, b.program_id, p.name AS program_name, b.township_unit_id, u.name AS township, b.period_key, b.status, b.filename, b.row_count, b.total_fen, b.errors_json, b.created_by, b.created_at
     FROM disbursement_batch b JOIN fund_program p ON p.program_id = b.program_id JOIN unit u ON u.unit_id = b.township_unit_id";

#[allow(clippy::too_many_arguments)]
pub async fn insert_batch(
    tx: &mut Tx<'_>,
    program_id: i64,
    township_unit_id: i64,
    period_key: &str,
    status: &str,
    filename: &str,
    row_count: i64,
    total_fen: i64,
    errors_json: &str,
    created_by: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO disbursement_batch (program_id, township_unit_id, period_key, status, filename, row_count, total_fen, errors_json, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING batch_id",
    )
    .bind(program_id)
    .bind(township_unit_id)
    .bind(period_key.to_string())
    .bind(status.to_string())
    .bind(filename.to_string())
    .bind(row_count)
    .bind(total_fen)
    .bind(errors_json.to_string())
    .bind(created_by.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

/// Move a batch from `from` to `to`; false when it was no longer in `from` (a concurrent change).
pub async fn set_batch_status(tx: &mut Tx<'_>, batch_id: i64, from: &str, to: &str) -> Result<bool, sqlx::Error> {
    let r =
        sqlx::query("UPDATE disbursement_batch SET status = $1, updated_at = $2 WHERE batch_id = $3 AND status = $4")
            .bind(to.to_string())
            .bind(now_text())
            .bind(batch_id)
            .bind(from.to_string())
            .execute(&mut **tx)
            .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn batches(db: &Db, township: Option<i64>) -> Result<Vec<BatchRow>, sqlx::Error> {
    match township {
        Some(t) => {
            sqlx::query_as::<_, BatchRow>(sqlx::AssertSqlSafe(format!(
                "{BATCH_SELECT} WHERE b.township_unit_id = $1 ORDER BY b.batch_id DESC LIMIT 500"
            )))
            .bind(t)
            .fetch_all(&db.pool)
            .await
        }
        None => {
            sqlx::query_as::<_, BatchRow>(sqlx::AssertSqlSafe(format!(
                "{BATCH_SELECT} ORDER BY b.batch_id DESC LIMIT 500"
            )))
            .fetch_all(&db.pool)
            .await
        }
    }
}

pub async fn batch(db: &Db, batch_id: i64) -> Result<Option<BatchRow>, sqlx::Error> {
    sqlx::query_as::<_, BatchRow>(sqlx::AssertSqlSafe(format!("{BATCH_SELECT} WHERE b.batch_id = $1")))
        .bind(batch_id)
        .fetch_optional(&db.pool)
        .await
}

/// A stored disbursement with the recipient's personal data: for the office and the flows only.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisbursementRow {
    pub program_id: i64,
    pub village: String,
    pub period_key: String,
    pub name: String,
    pub id_number: String,
    pub amount_fen: i64,
}

const DISB_SELECT: &str = "SELECT d.program_id, v.name AS village, d.period_key, d.name, d.id_number, d.amount_fen FROM disbursement d JOIN village v ON v.village_id = d.village_id";

pub struct NewDisbursement {
    pub program_id: i64,
    pub village_id: i64,
    pub period_key: String,
    pub line: i64,
    pub name: String,
    pub id_number: String,
    pub id_hash: String,
    pub quantity: i64,
    pub amount_fen: i64,
}

pub async fn insert_disbursement(
    tx: &mut Tx<'_>,
    batch_id: i64,
    d: &NewDisbursement,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO disbursement (batch_id, program_id, village_id, period_key, line, name, id_number, id_hash, quantity, amount_fen, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(batch_id)
    .bind(d.program_id)
    .bind(d.village_id)
    .bind(d.period_key.clone())
    .bind(d.line)
    .bind(d.name.clone())
    .bind(d.id_number.clone())
    .bind(d.id_hash.clone())
    .bind(d.quantity)
    .bind(d.amount_fen)
    .bind(now.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The rows of a public query; `None` filters nothing. Period keys: `2020-06` or `2020`; a year
/// prefix `2020` also matches its months (LIKE '2020%').
pub async fn disbursements(
    db: &Db,
    program_id: Option<i64>,
    village_id: Option<i64>,
    period_prefix: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<DisbursementRow>, sqlx::Error> {
    sqlx::query_as::<_, DisbursementRow>(sqlx::AssertSqlSafe(format!(
        "{DISB_SELECT} WHERE ($1 IS NULL OR d.program_id = $1) AND ($2 IS NULL OR d.village_id = $2) AND ($3 IS NULL OR d.period_key LIKE $3)
         ORDER BY d.period_key DESC, d.village_id, d.disbursement_id LIMIT $4 OFFSET $5"
    )))
    .bind(program_id)
    .bind(village_id)
    .bind(period_prefix.map(|p| format!("{p}%")))
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TotalRow {
    pub program_id: i64,
    pub program_name: String,
    pub village_id: i64,
    pub village: String,
    pub township: String,
    pub period_key: String,
    pub recipients: i64,
    pub total_fen: i64,
}

pub async fn totals(
    db: &Db,
    program_id: Option<i64>,
    village_id: Option<i64>,
    period_prefix: Option<&str>,
) -> Result<Vec<TotalRow>, sqlx::Error> {
    sqlx::query_as::<_, TotalRow>(
        "SELECT d.program_id, p.name AS program_name, d.village_id, v.name AS village, u.name AS township, d.period_key,
                COUNT(*) AS recipients, CAST(SUM(d.amount_fen) AS BIGINT) AS total_fen
         FROM disbursement d JOIN fund_program p ON p.program_id = d.program_id JOIN village v ON v.village_id = d.village_id JOIN unit u ON u.unit_id = v.township_unit_id
         WHERE ($1 IS NULL OR d.program_id = $1) AND ($2 IS NULL OR d.village_id = $2) AND ($3 IS NULL OR d.period_key LIKE $3)
         GROUP BY d.program_id, p.name, d.village_id, v.name, u.name, d.period_key
         ORDER BY d.period_key DESC, d.program_id, d.village_id",
    )
    .bind(program_id)
    .bind(village_id)
    .bind(period_prefix.map(|p| format!("{p}%")))
    .fetch_all(&db.pool)
    .await
}

pub async fn period_keys(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT DISTINCT period_key FROM disbursement ORDER BY period_key DESC")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

pub async fn disbursements_by_id_hash(db: &Db, id_hash: &str) -> Result<Vec<DisbursementRow>, sqlx::Error> {
    sqlx::query_as::<_, DisbursementRow>(sqlx::AssertSqlSafe(format!(
        "{DISB_SELECT} WHERE d.id_hash = $1 ORDER BY d.period_key DESC"
    )))
    .bind(id_hash.to_string())
    .fetch_all(&db.pool)
    .await
}

/// Rows already imported for a program and period (for findings across batches).
pub async fn disbursements_for(
    db: &Db,
    program_id: i64,
    period_prefix: &str,
) -> Result<Vec<DisbursementRow>, sqlx::Error> {
    sqlx::query_as::<_, DisbursementRow>(sqlx::AssertSqlSafe(format!(
        "{DISB_SELECT} WHERE d.program_id = $1 AND d.period_key LIKE $2"
    )))
    .bind(program_id)
    .bind(format!("{period_prefix}%"))
    .fetch_all(&db.pool)
    .await
}

pub async fn program_year_total(db: &Db, program_id: i64, year: i64) -> Result<i64, sqlx::Error> {
    let r = sqlx::query("SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM disbursement WHERE program_id = $1 AND period_key LIKE $2")
        .bind(program_id)
        .bind(format!("{year}%"))
        .fetch_one(&db.pool)
        .await?;
    r.try_get(0)
}

pub async fn deaths(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT id_number, died_on FROM death_record").fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

pub async fn put_death(tx: &mut Tx<'_>, id_number: &str, died_on: &str, source: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO death_record (id_number, died_on, source, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id_number.to_string())
        .bind(died_on.to_string())
        .bind(source.to_string())
        .bind(now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct FindingRow {
    pub fund_finding_id: i64,
    pub batch_id: Option<i64>,
    pub program_id: i64,
    pub period_key: String,
    pub kind: String,
    /// Masked: what the office's list shows.
    pub message: String,
    pub resolved: i64,
    pub created_at: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_finding(
    tx: &mut Tx<'_>,
    batch_id: i64,
    program_id: i64,
    period_key: &str,
    kind: &str,
    message: &str,
    detail_json: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO fund_finding (batch_id, program_id, period_key, kind, message, detail_json, resolved, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(batch_id)
    .bind(program_id)
    .bind(period_key.to_string())
    .bind(kind.to_string())
    .bind(message.to_string())
    .bind(detail_json.to_string())
    .bind(0i64)
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn findings(db: &Db, batch_id: Option<i64>) -> Result<Vec<FindingRow>, sqlx::Error> {
    sqlx::query_as::<_, FindingRow>(
        "SELECT fund_finding_id, batch_id, program_id, period_key, kind, message, resolved, created_at FROM fund_finding
         WHERE ($1 IS NULL OR batch_id = $1) ORDER BY fund_finding_id DESC LIMIT 1000",
    )
    .bind(batch_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn resolve_finding(tx: &mut Tx<'_>, id: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE fund_finding SET resolved = $1 WHERE fund_finding_id = $2")
        .bind(1i64)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

pub async fn log_self_query(db: &Db, id_hash: &str, ip: &str, rows_found: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO self_query_log (id_hash, ip, rows_found, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id_hash.to_string())
        .bind(ip.to_string())
        .bind(rows_found)
        .bind(now_text())
        .execute(&db.pool)
        .await?;
    Ok(())
}

// --- complaints ---

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

// --- projects ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProjectRow {
    pub project_id: i64,
    pub name: String,
    pub village_id: i64,
    pub village: String,
    pub township: String,
    pub unit_id: Option<i64>,
    pub budget_fen: i64,
    pub source: String,
    pub contractor: String,
    pub planned_start: String,
    pub planned_end: String,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub accepted_on: Option<String>,
    pub progress: i64,
    pub poverty: i64,
    pub description: String,
}

const PROJECT_SELECT: &str = "SELECT p.project_id, p.name, p.village_id, v.name AS village, u.name AS township, p.unit_id, p.budget_fen, p.source, p.contractor, p.planned_start, p.planned_end, p.actual_start, p.actual_end, p.accepted_on, p.progress, p.poverty, p.description
     FROM livelihood_project p JOIN village v ON v.village_id = p.village_id JOIN unit u ON u.unit_id = v.township_unit_id";

pub struct NewProject {
    pub name: String,
    pub village_id: i64,
    pub unit_id: Option<i64>,
    pub budget_fen: i64,
    pub source: String,
    pub contractor: String,
    pub planned_start: String,
    pub planned_end: String,
    pub actual_start: Option<String>,
    pub poverty: i64,
    pub description: String,
}

pub async fn insert_project(tx: &mut Tx<'_>, p: &NewProject) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO livelihood_project (name, village_id, unit_id, budget_fen, source, contractor, planned_start, planned_end, actual_start, progress, poverty, description, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $12) RETURNING project_id",
    )
    .bind(p.name.clone())
    .bind(p.village_id)
    .bind(p.unit_id)
    .bind(p.budget_fen)
    .bind(p.source.clone())
    .bind(p.contractor.clone())
    .bind(p.planned_start.clone())
    .bind(p.planned_end.clone())
    .bind(p.actual_start.clone())
    .bind(p.poverty)
    .bind(p.description.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn projects(db: &Db, village_id: Option<i64>, poverty_only: bool) -> Result<Vec<ProjectRow>, sqlx::Error> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!(
        "{PROJECT_SELECT} WHERE ($1 IS NULL OR p.village_id = $1) AND ($2 = 0 OR p.poverty = 1) ORDER BY p.planned_end, p.project_id"
    )))
    .bind(village_id)
    .bind(i64::from(poverty_only))
    .fetch_all(&db.pool)
    .await
}

pub async fn project(db: &Db, id: i64) -> Result<Option<ProjectRow>, sqlx::Error> {
    sqlx::query_as::<_, ProjectRow>(sqlx::AssertSqlSafe(format!("{PROJECT_SELECT} WHERE p.project_id = $1")))
        .bind(id)
        .fetch_optional(&db.pool)
        .await
}

/// Record progress; `actual_end`/`accepted_on` only move from empty to set.
pub async fn update_project_progress(
    tx: &mut Tx<'_>,
    id: i64,
    progress: i64,
    actual_start: Option<&str>,
    actual_end: Option<&str>,
    accepted_on: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE livelihood_project SET progress = $1, actual_start = COALESCE(actual_start, $2), actual_end = COALESCE(actual_end, $3), accepted_on = COALESCE(accepted_on, $4), updated_at = $5 WHERE project_id = $6",
    )
    .bind(progress)
    .bind(actual_start.map(str::to_string))
    .bind(actual_end.map(str::to_string))
    .bind(accepted_on.map(str::to_string))
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ProjectUpdateRow {
    pub project_update_id: i64,
    pub happened_on: String,
    pub progress: i64,
    pub note: String,
}

pub async fn insert_project_update(
    tx: &mut Tx<'_>,
    project_id: i64,
    happened_on: &str,
    progress: i64,
    note: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO project_update (project_id, happened_on, progress, note, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING project_update_id")
        .bind(project_id)
        .bind(happened_on.to_string())
        .bind(progress)
        .bind(note.to_string())
        .bind(now_text())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)
}

pub async fn project_updates(db: &Db, project_id: i64) -> Result<Vec<ProjectUpdateRow>, sqlx::Error> {
    sqlx::query_as::<_, ProjectUpdateRow>("SELECT project_update_id, happened_on, progress, note FROM project_update WHERE project_id = $1 ORDER BY happened_on DESC, project_update_id DESC")
        .bind(project_id)
        .fetch_all(&db.pool)
        .await
}

// --- village disclosures (三资公开, 三务公开) ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DisclosureRow {
    pub village_disclosure_id: i64,
    pub village_id: i64,
    pub village: String,
    pub township_unit_id: i64,
    pub township: String,
    pub board: String,
    pub category: String,
    pub period_key: String,
    pub title: String,
    pub content: String,
    pub published_on: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_disclosure(
    tx: &mut Tx<'_>,
    village_id: i64,
    board: &str,
    category: &str,
    period_key: &str,
    title: &str,
    content: &str,
    published_on: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO village_disclosure (village_id, board, category, period_key, title, content, published_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING village_disclosure_id",
    )
    .bind(village_id)
    .bind(board.to_string())
    .bind(category.to_string())
    .bind(period_key.to_string())
    .bind(title.to_string())
    .bind(content.to_string())
    .bind(published_on.to_string())
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn disclosures(db: &Db, board: &str, village_id: Option<i64>) -> Result<Vec<DisclosureRow>, sqlx::Error> {
    sqlx::query_as::<_, DisclosureRow>(
        "SELECT d.village_disclosure_id, d.village_id, v.name AS village, v.township_unit_id, u.name AS township, d.board, d.category, d.period_key, d.title, d.content, d.published_on
         FROM village_disclosure d JOIN village v ON v.village_id = d.village_id JOIN unit u ON u.unit_id = v.township_unit_id
         WHERE d.board = $1 AND ($2 IS NULL OR d.village_id = $2) ORDER BY d.period_key DESC, d.village_id, d.village_disclosure_id",
    )
    .bind(board.to_string())
    .bind(village_id)
    .fetch_all(&db.pool)
    .await
}
