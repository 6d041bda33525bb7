//! The information-processing fee (信息处理费) of an application.

use super::*;

/// The 信息处理费 for an application: by pages when given, else by count over the applicant's
/// applications of the calendar month (条例第四十二条, 国办函〔2020〕109号), with the
/// explanation the fee notice quotes.
pub async fn compute_fee(state: &AppState, actor: &Actor, id: i64, pages: Option<u32>) -> Result<app::Fee> {
    let row = load_for_staff(&state.db, actor, id).await?;
    let basis = match pages {
        Some(p) => app::FeeBasis::ByPages { pages: p },
        None => {
            let month = row.received_on.get(..7).unwrap_or("");
            let earlier = db::application::earlier_same_month(&state.db, &row.id_number, month, id).await?;
            app::FeeBasis::ByCount { earlier_this_month: earlier as u32, items: 1 }
        }
    };
    Ok(app::fee(basis))
}
