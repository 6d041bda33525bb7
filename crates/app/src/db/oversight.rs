//! 监督保障 storage: 社会评议 and 责任追究 records (issue 17 §5).

use serde::Serialize;

use super::{Db, Tx, now_text};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EvaluationRow {
    pub public_evaluation_id: i64,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub held_on: String,
    pub evaluators: String,
    pub method: String,
    pub participants: i64,
    /// A decimal as written ("92.5"), or None.
    pub score: Option<String>,
    pub issues: String,
    pub created_by: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AccountabilityRow {
    pub accountability_case_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub decided_on: String,
    pub reason: String,
    pub action: String,
    pub created_by: String,
}

pub struct NewEvaluation<'a> {
    pub unit_id: Option<i64>,
    pub held_on: &'a str,
    pub evaluators: &'a str,
    pub method: &'a str,
    pub participants: i64,
    pub score: Option<&'a str>,
    pub issues: &'a str,
    pub by: &'a str,
}

pub async fn insert_evaluation(tx: &mut Tx<'_>, e: &NewEvaluation<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO public_evaluation (unit_id, evaluated_on, evaluator, method, participants, score, issues, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING public_evaluation_id",
    )
    .bind(e.unit_id)
    .bind(e.held_on.to_string())
    .bind(e.evaluators.to_string())
    .bind(e.method.to_string())
    .bind(e.participants)
    .bind(e.score.map(str::to_string))
    .bind(e.issues.to_string())
    .bind(now_text())
    .bind(e.by.to_string())
    .fetch_one(&mut **tx)
    .await
}

pub async fn insert_accountability(
    tx: &mut Tx<'_>,
    unit_id: i64,
    decided_on: &str,
    reason: &str,
    action: &str,
    by: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO accountability_case (unit_id, decided_on, reason, action, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING accountability_case_id",
    )
    .bind(unit_id)
    .bind(decided_on.to_string())
    .bind(reason.to_string())
    .bind(action.to_string())
    .bind(now_text())
    .bind(by.to_string())
    .fetch_one(&mut **tx)
    .await
}

/// The evaluations of a year (all years with None) for a scope: a unit's own and, for the
/// government (None), every one.
pub async fn evaluations(db: &Db, unit_id: Option<i64>, year: Option<i32>) -> Result<Vec<EvaluationRow>, sqlx::Error> {
    let prefix = year.map(|y| format!("{y}-%")).unwrap_or_else(|| "%".into());
    sqlx::query_as::<_, EvaluationRow>(
        "SELECT e.public_evaluation_id, e.unit_id, u.name AS unit_name, e.evaluated_on AS held_on, e.evaluator AS evaluators,
                e.method, e.participants, e.score, e.issues, e.created_by
         FROM public_evaluation e LEFT JOIN unit u ON u.unit_id = e.unit_id
         WHERE e.evaluated_on LIKE $1 AND ($2 = 0 OR e.unit_id = $3) ORDER BY e.evaluated_on DESC, e.public_evaluation_id DESC",
    )
    .bind(prefix)
    .bind(i64::from(unit_id.is_some()))
    .bind(unit_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
}

/// The accountability cases of a year (all years with None) for a scope.
pub async fn accountability(
    db: &Db,
    unit_id: Option<i64>,
    year: Option<i32>,
) -> Result<Vec<AccountabilityRow>, sqlx::Error> {
    let prefix = year.map(|y| format!("{y}-%")).unwrap_or_else(|| "%".into());
    sqlx::query_as::<_, AccountabilityRow>(
        "SELECT c.accountability_case_id, c.unit_id, u.name AS unit_name, c.decided_on, c.reason, c.action, c.created_by
         FROM accountability_case c JOIN unit u ON u.unit_id = c.unit_id
         WHERE c.decided_on LIKE $1 AND ($2 = 0 OR c.unit_id = $3) ORDER BY c.decided_on DESC, c.accountability_case_id DESC",
    )
    .bind(prefix)
    .bind(i64::from(unit_id.is_some()))
    .bind(unit_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await
}
