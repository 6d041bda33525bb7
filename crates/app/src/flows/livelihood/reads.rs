//! What the 民生 pages read: villages, programs, budgets, projects, disclosures, batches,
//! findings and the steps of complaints, and the files attached to them.

use super::*;
use crate::db::Db;
pub use crate::db::application::AttachmentMeta;
pub use crate::db::livelihood::{
    BatchRow, BudgetRow, ComplaintEventRow, DisclosureRow, FindingRow, ProgramRow, ProjectRow, ProjectUpdateRow,
    VillageRow,
};

/// Every village (社区), with its township.
pub async fn villages(db: &Db) -> Result<Vec<VillageRow>> {
    Ok(ldb::villages(db).await?)
}

/// Every fund program.
pub async fn programs(db: &Db) -> Result<Vec<ProgramRow>> {
    Ok(ldb::programs(db).await?)
}

/// The periods that have disbursements, newest first.
pub async fn period_keys(db: &Db) -> Result<Vec<String>> {
    Ok(ldb::period_keys(db).await?)
}

/// Every program's yearly budgets.
pub async fn budgets(db: &Db) -> Result<Vec<BudgetRow>> {
    Ok(ldb::budgets(db).await?)
}

/// A project, if it exists.
pub async fn project(db: &Db, id: i64) -> Result<Option<ProjectRow>> {
    Ok(ldb::project(db, id).await?)
}

/// A project's progress updates, oldest first.
pub async fn project_updates(db: &Db, project_id: i64) -> Result<Vec<ProjectUpdateRow>> {
    Ok(ldb::project_updates(db, project_id).await?)
}

/// A board's village disclosures (one village, or all).
pub async fn disclosures(db: &Db, board: &str, village_id: Option<i64>) -> Result<Vec<DisclosureRow>> {
    Ok(ldb::disclosures(db, board, village_id).await?)
}

/// Projects (one village, or all; poverty-alleviation ones only).
pub async fn projects(db: &Db, village_id: Option<i64>, poverty_only: bool) -> Result<Vec<ProjectRow>> {
    Ok(ldb::projects(db, village_id, poverty_only).await?)
}

/// The uploaded batches (one township, or all).
pub async fn batches(db: &Db, township: Option<i64>) -> Result<Vec<BatchRow>> {
    Ok(ldb::batches(db, township).await?)
}

/// Cross-batch findings (of one batch, or all).
pub async fn findings(db: &Db, batch_id: Option<i64>) -> Result<Vec<FindingRow>> {
    Ok(ldb::findings(db, batch_id).await?)
}

/// The steps of a complaint, oldest first.
pub async fn complaint_events(db: &Db, id: i64) -> Result<Vec<ComplaintEventRow>> {
    Ok(ldb::complaint_events(db, id).await?)
}

/// The files attached to a 民生 record (`owner_type`: project_update, village_disclosure,
/// disbursement_batch); the caller has checked who may see them.
pub async fn attachments(db: &Db, owner_type: &str, owner_id: i64) -> Result<Vec<AttachmentMeta>> {
    Ok(db::application::attachments(db, owner_type, owner_id).await?)
}

/// A stored file and its bytes, or not found (the caller decides who may have it).
pub async fn attachment_content(db: &Db, attachment_id: i64) -> Result<(AttachmentMeta, Vec<u8>)> {
    db::application::attachment_content(db, attachment_id).await?.ok_or(AppError::NotFound)
}
