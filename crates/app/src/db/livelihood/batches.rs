//! Batches, disbursements and findings.

use super::*;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct BatchRow {
    pub batch_id: i64,
    pub program_id: i64,
    pub program_name: String,
    pub township_unit_id: i64,
    pub township: String,
    pub period_key: String,
    #[sqlx(try_from = "String")]
    pub status: BatchStatus,
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
    status: BatchStatus,
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
    .bind(status.code())
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
pub async fn set_batch_status(
    tx: &mut Tx<'_>,
    batch_id: i64,
    from: BatchStatus,
    to: BatchStatus,
) -> Result<bool, sqlx::Error> {
    let r =
        sqlx::query("UPDATE disbursement_batch SET status = $1, updated_at = $2 WHERE batch_id = $3 AND status = $4")
            .bind(to.code())
            .bind(now_text())
            .bind(batch_id)
            .bind(from.code())
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
