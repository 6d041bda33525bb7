//! What the supervision pages read: posts, issued monthly reports, spot checks and their
//! findings, trainings. Public reads see only published bulletins.

use super::*;
pub use crate::db::supervision::{MonthlyReportRow, PostRow, SpotCheckRow, TrainingRow};

/// The newest posts of an account.
pub async fn posts(db: &Db, account_id: i64, limit: i64) -> Result<Vec<PostRow>> {
    Ok(db::supervision::posts(db, account_id, limit).await?)
}

/// The newest version of every issued monthly report.
pub async fn issued_months(db: &Db) -> Result<Vec<MonthlyReportRow>> {
    Ok(db::supervision::monthly_latest(db).await?)
}

/// Every spot check, newest first (staff).
pub async fn spot_checks(db: &Db) -> Result<Vec<SpotCheckRow>> {
    Ok(db::supervision::spot_checks(db).await?)
}

/// A spot check, or not found (staff).
pub async fn spot_check(db: &Db, id: i64) -> Result<SpotCheckRow> {
    db::supervision::spot_check(db, id).await?.ok_or(AppError::NotFound)
}

/// The spot checks whose bulletin (通报) is published.
pub async fn published_bulletins(db: &Db) -> Result<Vec<SpotCheckRow>> {
    Ok(db::supervision::spot_checks(db).await?.into_iter().filter(|c| c.published_on.is_some()).collect())
}

/// A published bulletin's spot check, or not found.
pub async fn published_bulletin(db: &Db, id: i64) -> Result<SpotCheckRow> {
    db::supervision::spot_check(db, id).await?.filter(|c| c.published_on.is_some()).ok_or(AppError::NotFound)
}

/// The findings of one spot check, as of `today`.
pub async fn findings_of_check(db: &Db, id: i64, today: NaiveDate) -> Result<Vec<FindingView>> {
    Ok(db::supervision::findings(db, Some(id), None).await?.into_iter().map(|f| finding_view(f, today)).collect())
}

/// Training records, newest first.
pub async fn trainings(db: &Db) -> Result<Vec<TrainingRow>> {
    Ok(db::supervision::trainings(db, None).await?)
}
