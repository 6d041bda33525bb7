//! Applications (依申请公开), their events, attachments, review cases, reminders and outbox.

use serde::Serialize;
use sqlx::Row;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApplicationRow {
    pub application_id: i64,
    pub tracking_code: String,
    #[serde(skip)]
    pub secret_hash: String,
    pub unit_id: Option<i64>,
    pub channel: String,
    pub received_on: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub id_doc_kind: String,
    pub id_number: String,
    pub credit_code: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postcode: String,
    pub subject: String,
    pub doc_no: String,
    pub description: String,
    pub delivery_form: String,
    pub delivery_method: String,
    pub status: String,
    pub outcome: Option<String>,
    pub finished_on: Option<String>,
    pub due_on: Option<String>,
    pub state_json: String,
    pub fee_yuan: i64,
}

/// The columns of an `ApplicationRow` (the benchmark fetches them through a concrete driver too).
pub(crate) const COLUMNS: &str = "application_id, tracking_code, secret_hash, unit_id, channel, received_on, applicant_kind, applicant_name, id_doc_kind, id_number, credit_code, contact_person, phone, email, address, postcode, subject, doc_no, description, delivery_form, delivery_method, status, outcome, finished_on, due_on, state_json, fee_yuan";

/// A line of a queue: what the clerk's queue shows and its clock, no more. The queue reads up to
/// 200 of these a page; every column of an `ApplicationRow` (the applicant's name, ID number,
/// address …) cost the page more to decode than the clock and the template together, and the queue
/// shows none of them (BENCHMARKS.md, "fourteenth steps").
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub application_id: i64,
    pub tracking_code: String,
    pub unit_id: Option<i64>,
    pub received_on: String,
    pub subject: String,
    /// The description's first 40 characters (shown where the subject is empty).
    pub description_start: String,
    pub due_on: Option<String>,
    pub state_json: String,
}

/// The columns of a `QueueRow` (the benchmark fetches them through a concrete driver too).
pub(crate) const QUEUE_COLUMNS: &str = "application_id, tracking_code, unit_id, received_on, subject, substr(description, 1, 40) AS description_start, due_on, state_json";

/// A new application as stored (already validated by the flow).
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub tracking_code: String,
    pub secret_hash: String,
    pub idempotency_key: Option<String>,
    pub unit_id: Option<i64>,
    pub channel: String,
    pub received_on: String,
    pub applicant_kind: String,
    pub applicant_name: String,
    pub id_doc_kind: String,
    pub id_number: String,
    pub credit_code: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub postcode: String,
    pub subject: String,
    pub doc_no: String,
    pub description: String,
    pub delivery_form: String,
    pub delivery_method: String,
    pub status: String,
    pub due_on: Option<String>,
    pub state_json: String,
}

pub async fn insert(tx: &mut Tx<'_>, a: &NewApplication) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO application (tracking_code, secret_hash, idempotency_key, unit_id, channel, received_on, applicant_kind, applicant_name,
            id_doc_kind, id_number, credit_code, contact_person, phone, email, address, postcode, subject, doc_no, description,
            delivery_form, delivery_method, status, due_on, state_json, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)
         RETURNING application_id",
    )
    .bind(a.tracking_code.clone())
    .bind(a.secret_hash.clone())
    .bind(a.idempotency_key.clone())
    .bind(a.unit_id)
    .bind(a.channel.clone())
    .bind(a.received_on.clone())
    .bind(a.applicant_kind.clone())
    .bind(a.applicant_name.clone())
    .bind(a.id_doc_kind.clone())
    .bind(a.id_number.clone())
    .bind(a.credit_code.clone())
    .bind(a.contact_person.clone())
    .bind(a.phone.clone())
    .bind(a.email.clone())
    .bind(a.address.clone())
    .bind(a.postcode.clone())
    .bind(a.subject.clone())
    .bind(a.doc_no.clone())
    .bind(a.description.clone())
    .bind(a.delivery_form.clone())
    .bind(a.delivery_method.clone())
    .bind(a.status.clone())
    .bind(a.due_on.clone())
    .bind(a.state_json.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application WHERE application_id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn get_by_tracking(db: &Db, code: &str) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application WHERE tracking_code = $1"
    )))
    .bind(code.to_string())
    .fetch_optional(&db.pool)
    .await
}

pub async fn find_by_idempotency(db: &Db, key: &str) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application WHERE idempotency_key = $1"
    )))
    .bind(key.to_string())
    .fetch_optional(&db.pool)
    .await
}

/// The open applications of a unit (or of every unit, or the unassigned ones), soonest due first
/// (those without a due date, paused, after the rest). Two statements the indexes of only the open
/// applications answer in the page's order (migration 0022): the dated ones, then — when the page
/// is not full — the undated ones; one `ORDER BY due_on IS NULL, due_on` read and sorted every open
/// row for each page.
pub async fn queue(db: &Db, unit: QueueScope, limit: i64) -> Result<Vec<QueueRow>, sqlx::Error> {
    let filter = unit.filter();
    // A page of up to 200 rows a clerk opens many times a day: through the back end's own driver.
    let dated = format!(
        "SELECT {QUEUE_COLUMNS} FROM application WHERE {filter} AND due_on IS NOT NULL
         ORDER BY due_on, application_id LIMIT {limit}"
    );
    let mut rows = read_direct!(db, QueueRow, sqlx::AssertSqlSafe(dated), [], fetch_all)?;
    let left = limit - rows.len() as i64;
    if left > 0 {
        let undated = format!(
            "SELECT {QUEUE_COLUMNS} FROM application WHERE {filter} AND due_on IS NULL
             ORDER BY application_id LIMIT {left}"
        );
        rows.extend(read_direct!(db, QueueRow, sqlx::AssertSqlSafe(undated), [], fetch_all)?);
    }
    Ok(rows)
}

/// Counts for a queue's head and the dashboard, in SQL (a unit may have thousands open).
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueCounts {
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub unassigned: i64,
}

/// `today` and `soon` (the 5th working day ahead) as ISO dates. An application past its due date
/// is overdue; paused ones (no due date) are neither. The columns read are those of the open
/// applications' index (migration 0022), so the rows themselves are not read.
pub async fn queue_counts(db: &Db, unit: QueueScope, today: &str, soon: &str) -> Result<QueueCounts, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(queue_counts_sql(unit)))
        .bind(today.to_string())
        .bind(soon.to_string())
        .fetch_one(&db.pool)
        .await?;
    // PostgreSQL's SUM of integers is BIGINT for INTEGER columns but NUMERIC for BIGINT ones:
    // read either.
    let num = |i: usize| -> Result<i64, sqlx::Error> {
        row.try_get::<i64, _>(i).or_else(|_| row.try_get::<f64, _>(i).map(|f| f as i64))
    };
    Ok(QueueCounts { open: num(0)?, overdue: num(1)?, due_soon: num(2)?, unassigned: num(3)? })
}

/// The counts' statement: open, overdue ($1 today), due soon ($2 the 5th working day ahead),
/// unassigned (also run by `gongkai bench queue` on the concrete driver, as the bare figure).
pub(crate) fn queue_counts_sql(unit: QueueScope) -> String {
    format!(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN due_on < $1 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN due_on >= $1 AND due_on <= $2 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN unit_id IS NULL THEN 1 ELSE 0 END), 0)
         FROM application WHERE {}",
        unit.filter()
    )
}

/// What table 三 needs of an application: five short columns (the statistics read hundreds of
/// thousands of rows; the full row with its state would cost ten times as much).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatRow {
    pub application_id: i64,
    pub received_on: String,
    pub applicant_kind: String,
    pub finished_on: Option<String>,
    pub outcome: Option<String>,
}

pub async fn stat_rows(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Vec<StatRow>, sqlx::Error> {
    sqlx::query_as::<_, StatRow>(
        "SELECT application_id, received_on, applicant_kind, finished_on, outcome FROM application
         WHERE received_on <= $1 AND (finished_on IS NULL OR finished_on >= $2) AND ($3 IS NULL OR unit_id = $3)",
    )
    .bind(format!("{year}-12-31"))
    .bind(format!("{year}-01-01"))
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

/// Applications grouped by what table 三 reads: applicant kind, outcome, and whether received
/// before or in `year` and finished before, in, after it or not at all (`received_in` 0/1,
/// `finished_when` 0 before, 1 in, 2 after, 3 open).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatGroup {
    pub applicant_kind: String,
    pub outcome: Option<String>,
    pub received_in: i64,
    pub finished_when: i64,
    pub n: i64,
}

pub async fn stat_groups(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Vec<StatGroup>, sqlx::Error> {
    let (start, end) = (format!("{year}-01-01"), format!("{year}-12-31"));
    sqlx::query_as::<_, StatGroup>(
        "SELECT applicant_kind, outcome,
                CAST(CASE WHEN received_on < $1 THEN 0 ELSE 1 END AS BIGINT) AS received_in,
                CAST(CASE WHEN finished_on IS NULL THEN 3 WHEN finished_on < $1 THEN 0 WHEN finished_on <= $2 THEN 1 ELSE 2 END AS BIGINT) AS finished_when,
                COUNT(*) AS n
         FROM application
         WHERE received_on <= $2 AND (finished_on IS NULL OR finished_on >= $1) AND ($3 IS NULL OR unit_id = $3)
         GROUP BY applicant_kind, outcome, 3, 4",
    )
    .bind(start)
    .bind(end)
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

#[derive(Debug, Clone, Copy)]
pub enum QueueScope {
    All,
    Unit(i64),
    Unassigned,
}

impl QueueScope {
    /// The open applications of the scope, as a condition the partial indexes of migration 0022
    /// answer (their `finished_on IS NULL` stated as is). A unit's id is written in as a number
    /// (an `i64`, nothing to escape), so each scope's statement is plain and needs no binding.
    fn filter(self) -> String {
        match self {
            QueueScope::All => "finished_on IS NULL".into(),
            QueueScope::Unit(u) => format!("finished_on IS NULL AND unit_id = {u}"),
            QueueScope::Unassigned => "finished_on IS NULL AND unit_id IS NULL".into(),
        }
    }
}

pub async fn open_all(db: &Db) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    sqlx::query_as::<_, ApplicationRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application WHERE finished_on IS NULL ORDER BY application_id"
    )))
    .fetch_all(&db.pool)
    .await
}

/// Write the new state; `expected_status` guards against a concurrent change (optimistic lock).
pub async fn update_state(tx: &mut Tx<'_>, a: &ApplicationRow, expected_status: &str) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE application SET unit_id = $1, status = $2, outcome = $3, finished_on = $4, due_on = $5, state_json = $6, fee_yuan = $7, updated_at = $8
         WHERE application_id = $9 AND status = $10",
    )
    .bind(a.unit_id)
    .bind(a.status.clone())
    .bind(a.outcome.clone())
    .bind(a.finished_on.clone())
    .bind(a.due_on.clone())
    .bind(a.state_json.clone())
    .bind(a.fee_yuan)
    .bind(now_text())
    .bind(a.application_id)
    .bind(expected_status.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub application_event_id: i64,
    pub application_id: i64,
    pub created_at: String,
    pub happened_on: String,
    pub kind: String,
    pub actor: String,
    pub public_note: String,
    pub internal_note: String,
    pub data_json: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    tx: &mut Tx<'_>,
    application_id: i64,
    happened_on: &str,
    kind: &str,
    actor: &str,
    public_note: &str,
    internal_note: &str,
    data_json: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_event (application_id, created_at, happened_on, kind, actor, public_note, internal_note, data_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(application_id)
    .bind(now_text())
    .bind(happened_on.to_string())
    .bind(kind.to_string())
    .bind(actor.to_string())
    .bind(public_note.to_string())
    .bind(internal_note.to_string())
    .bind(data_json.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn events(db: &Db, application_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as::<_, EventRow>(
        "SELECT application_event_id, application_id, created_at, happened_on, kind, actor, public_note, internal_note, data_json
         FROM application_event WHERE application_id = $1 ORDER BY application_event_id",
    )
    .bind(application_id)
    .fetch_all(&db.pool)
    .await
}

// --- attachments ---

#[cfg(test)]
mod sealing_tests {
    #[test]
    fn a_sealed_answer_opens_only_with_its_key() {
        let json = r#"{"tracking_code":"YSQ20261215-ABCDEF","secret":"25a071a84bd5c0d1"}"#;
        let sealed = super::seal("key-1", json);
        assert!(!sealed.contains("25a071a84bd5c0d1") && !sealed.contains("YSQ"));
        assert_eq!(super::unseal("key-1", &sealed).as_deref(), Some(json));
        assert_ne!(super::unseal("key-2", &sealed).as_deref(), Some(json));
        assert_ne!(super::key_digest("key-1"), "key-1");
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub attachment_id: i64,
    pub owner_type: String,
    pub owner_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_attachment(
    tx: &mut Tx<'_>,
    owner_type: &str,
    owner_id: i64,
    filename: &str,
    content_type: &str,
    sha256: &str,
    content: &[u8],
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO attachment (owner_type, owner_id, filename, content_type, size_bytes, sha256, content, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING attachment_id",
    )
    .bind(owner_type.to_string())
    .bind(owner_id)
    .bind(filename.to_string())
    .bind(content_type.to_string())
    .bind(content.len() as i64)
    .bind(sha256.to_string())
    .bind(content.to_vec())
    .bind(now_text())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn attachments(db: &Db, owner_type: &str, owner_id: i64) -> Result<Vec<AttachmentMeta>, sqlx::Error> {
    sqlx::query_as::<_, AttachmentMeta>(
        "SELECT attachment_id, owner_type, owner_id, filename, content_type, size_bytes, sha256 FROM attachment WHERE owner_type = $1 AND owner_id = $2 ORDER BY attachment_id",
    )
    .bind(owner_type.to_string())
    .bind(owner_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn attachment_content(db: &Db, attachment_id: i64) -> Result<Option<(AttachmentMeta, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT attachment_id, owner_type, owner_id, filename, content_type, size_bytes, sha256, content FROM attachment WHERE attachment_id = $1",
    )
    .bind(attachment_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let meta = AttachmentMeta {
        attachment_id: r.try_get(0)?,
        owner_type: r.try_get(1)?,
        owner_id: r.try_get(2)?,
        filename: r.try_get(3)?,
        content_type: r.try_get(4)?,
        size_bytes: r.try_get(5)?,
        sha256: r.try_get(6)?,
    };
    Ok(Some((meta, r.try_get(7)?)))
}

// --- calendar ---

pub async fn holidays(db: &Db) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT day, kind, name FROM holiday ORDER BY day").fetch_all(&db.pool).await?;
    rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
}

pub async fn put_holiday(tx: &mut Tx<'_>, day: &str, kind: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO holiday (day, kind, name) VALUES ($1, $2, $3) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name")
        .bind(day.to_string())
        .bind(kind.to_string())
        .bind(name.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// --- idempotency (double submission creates one record) ---

/// The idempotency key is the client's secret for its answer (which holds the tracking secret):
/// the table keeps only the key's SHA-256 and the answer sealed under a keystream derived from the
/// key (SHA-256 of key ‖ block counter, XORed), so whoever reads the table learns neither, and only
/// the client presenting the same key gets the answer back.
fn keystream_xor(key: &str, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    data.chunks(32)
        .enumerate()
        .flat_map(|(i, chunk)| {
            let pad = sha2::Sha256::digest(format!("gongkai-idempotency\u{1f}{key}\u{1f}{i}").as_bytes());
            chunk.iter().zip(pad).map(|(b, p)| b ^ p).collect::<Vec<u8>>()
        })
        .collect()
}

fn key_digest(key: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn seal(key: &str, json: &str) -> String {
    keystream_xor(key, json.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn unseal(key: &str, sealed: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..sealed.len())
        .step_by(2)
        .map(|i| sealed.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect();
    String::from_utf8(keystream_xor(key, &bytes?)).ok()
}

pub async fn idempotent_response(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT response_json FROM idempotency WHERE idem_key = $1")
        .bind(key_digest(key))
        .fetch_optional(&db.pool)
        .await?;
    let sealed: Option<String> = row.map(|r| r.try_get(0)).transpose()?;
    Ok(sealed.and_then(|s| unseal(key, &s)))
}

pub async fn put_idempotent(
    tx: &mut Tx<'_>,
    key: &str,
    object_type: &str,
    object_id: &str,
    response_json: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO idempotency (idem_key, object_type, object_id, response_json, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(key_digest(key))
        .bind(object_type.to_string())
        .bind(object_id.to_string())
        .bind(seal(key, response_json))
        .bind(now_text())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forget stored answers older than `before` (they hold query secrets in clear).
pub async fn purge_idempotency(db: &Db, before: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency WHERE created_at < $1").bind(before.to_string()).execute(&db.pool).await?;
    Ok(())
}

/// Applications by the same applicant (ID document number) received in the same calendar month
/// before `application_id` — the earlier 件 of 按件计收 (国办函〔2020〕109号).
pub async fn earlier_same_month(
    db: &Db,
    id_number: &str,
    month_prefix: &str,
    application_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM application WHERE id_number = $1 AND received_on LIKE $2 AND application_id < $3")
        .bind(id_number.to_string())
        .bind(format!("{month_prefix}%"))
        .bind(application_id)
        .fetch_one(&db.pool)
        .await?
        .try_get(0)
}

mod notices;
mod review_cases;
pub use notices::*;
pub use review_cases::*;
