//! The supervision card of the staff dashboard.

use super::*;

#[derive(Debug, Clone, Default, Serialize)]
pub struct SupervisionCard {
    pub overdue_rectifications: usize,
    pub open_rectifications: usize,
    pub silent_accounts: usize,
    pub remind_accounts: usize,
    pub overdue_messages: usize,
    pub veto_messages: usize,
}

/// Red/amber/green counts for the dashboard: the office sees all units, a unit its own.
pub async fn card(state: &AppState, unit: Option<i64>, today: NaiveDate) -> Result<SupervisionCard> {
    let mut c = SupervisionCard::default();
    for f in db::supervision::findings(&state.db, None, unit).await? {
        let v = finding_view(f, today);
        if v.row.status != RectificationStatus::Accepted {
            c.open_rectifications += 1;
        }
        if v.overdue {
            c.overdue_rectifications += 1;
        }
    }
    let zombie = zombie_after_days(state);
    for r in db::supervision::accounts(&state.db, &today.to_string()).await? {
        if unit.is_some_and(|u| u != r.unit_id) {
            continue;
        }
        if let Some(a) = domain_account(&r) {
            match a.status(today, zombie) {
                AccountStatus::Dormant | AccountStatus::Zombie => c.silent_accounts += 1,
                AccountStatus::Normal if a.days_silent(today) >= sup::account::REMIND_AFTER_DAYS => {
                    c.remind_accounts += 1;
                }
                _ => {}
            }
        }
    }
    let (overdue, veto) = crate::flows::interaction::unanswered_counts(state, unit, today).await?;
    c.overdue_messages = overdue;
    c.veto_messages = veto;
    Ok(c)
}
