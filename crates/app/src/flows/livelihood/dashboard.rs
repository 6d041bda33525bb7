//! The office's dashboard line of 民生监督.

use super::*;

#[derive(Debug, Clone, Default, Serialize)]
pub struct LivelihoodDashboard {
    pub open_complaints: usize,
    pub overdue_complaints: Vec<ComplaintLine>,
    pub unassigned: usize,
    pub pending_batches: usize,
    pub open_findings: usize,
    pub late_villages: usize,
}

/// What the staff dashboard shows of 民生监督 (the office sees all; a unit its own).
pub async fn dashboard(state: &AppState, unit: Option<i64>) -> Result<LivelihoodDashboard> {
    let lines = complaint_lines(state, unit, false).await?;
    let open: Vec<&ComplaintLine> = lines.iter().filter(|l| !l.closed).collect();
    let batches = ldb::batches(&state.db, unit).await?;
    let findings = if unit.is_none() {
        ldb::findings(&state.db, None).await?.into_iter().filter(|f| f.resolved == 0).count()
    } else {
        0
    };
    let late = late_villages(state, "sanzi", unit).await?.len() + late_villages(state, "sanwu", unit).await?.len();
    Ok(LivelihoodDashboard {
        open_complaints: open.len(),
        unassigned: open.iter().filter(|l| l.unit_name == "待转办").count(),
        overdue_complaints: lines.iter().filter(|l| l.overdue).cloned().collect(),
        pending_batches: batches.iter().filter(|b| b.status == BatchStatus::Pending).count(),
        open_findings: findings,
        late_villages: late,
    })
}
