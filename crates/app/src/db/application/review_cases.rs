//! 行政复议 and 行政诉讼 cases of applications.

use super::*;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ReviewCaseRow {
    pub review_case_id: i64,
    pub application_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub kind: String,
    pub result: String,
    pub filed_on: String,
    pub decided_on: Option<String>,
    pub note: String,
    pub accepted_on: Option<String>,
    pub extended_on: Option<String>,
    pub court_due_on: Option<String>,
}

macro_rules! review_columns {
    () => {
        "review_case_id, application_id, unit_id, kind, result, filed_on, decided_on, note, accepted_on, extended_on, court_due_on"
    };
}

pub struct NewReviewCase<'a> {
    pub application_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub kind: &'a str,
    pub result: &'a str,
    pub filed_on: &'a str,
    pub decided_on: Option<&'a str>,
    pub accepted_on: Option<&'a str>,
    pub court_due_on: Option<&'a str>,
    pub note: &'a str,
}

pub async fn insert_review_case(tx: &mut Tx<'_>, c: &NewReviewCase<'_>) -> Result<i64, sqlx::Error> {
    let now = now_text();
    sqlx::query(
        "INSERT INTO review_case (application_id, unit_id, kind, result, filed_on, decided_on, accepted_on, court_due_on, note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING review_case_id",
    )
    .bind(c.application_id)
    .bind(c.unit_id)
    .bind(c.kind.to_string())
    .bind(c.result.to_string())
    .bind(c.filed_on.to_string())
    .bind(c.decided_on.map(str::to_string))
    .bind(c.accepted_on.map(str::to_string))
    .bind(c.court_due_on.map(str::to_string))
    .bind(c.note.to_string())
    .bind(now.clone())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)
}

pub async fn review_case(db: &Db, id: i64) -> Result<Option<ReviewCaseRow>, sqlx::Error> {
    sqlx::query_as::<_, ReviewCaseRow>(concat!(
        "SELECT ",
        review_columns!(),
        " FROM review_case WHERE review_case_id = $1"
    ))
    .bind(id)
    .fetch_optional(&db.pool)
    .await
}

/// Record the end of an open case; 0 rows when it was ended meanwhile (never ended twice).
pub async fn end_review_case(
    tx: &mut Tx<'_>,
    id: i64,
    result: &str,
    decided_on: &str,
    note: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE review_case SET result = $1, decided_on = $2, note = CASE WHEN $3 = '' THEN note ELSE $3 END, updated_at = $4
         WHERE review_case_id = $5 AND result = 'pending'",
    )
    .bind(result.to_string())
    .bind(decided_on.to_string())
    .bind(note.to_string())
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Record the extension of an open, not yet extended case; 0 rows otherwise.
pub async fn extend_review_case(tx: &mut Tx<'_>, id: i64, on: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE review_case SET extended_on = $1, updated_at = $2
         WHERE review_case_id = $3 AND result = 'pending' AND extended_on IS NULL",
    )
    .bind(on.to_string())
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

pub async fn review_cases(db: &Db, unit_id: Option<i64>) -> Result<Vec<ReviewCaseRow>, sqlx::Error> {
    sqlx::query_as::<_, ReviewCaseRow>(concat!(
        "SELECT ",
        review_columns!(),
        " FROM review_case WHERE ($1 IS NULL OR unit_id = $1) ORDER BY review_case_id"
    ))
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

pub async fn review_cases_for(db: &Db, application_id: i64) -> Result<Vec<ReviewCaseRow>, sqlx::Error> {
    sqlx::query_as::<_, ReviewCaseRow>(concat!(
        "SELECT ",
        review_columns!(),
        " FROM review_case WHERE application_id = $1 ORDER BY review_case_id"
    ))
    .bind(application_id)
    .fetch_all(&db.pool)
    .await
}
