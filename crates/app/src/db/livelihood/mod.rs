//! 民生监督 storage: villages, fund programs and budgets, disbursement batches and rows, findings,
//! death records, the self-query log, complaints, projects and village disclosures. SQL only;
//! the rows carrying recipients' personal data (`DisbursementRow`) never leave the flows unmasked.

use gongkai_domain::livelihood::BatchStatus;
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

// --- projects ---

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
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

mod batches;
mod complaints;
pub use batches::*;
pub use complaints::*;
