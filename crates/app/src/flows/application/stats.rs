//! The folds of the applications into tables 三 and 四 of the annual report.

use super::*;

/// Table 三 for a year and a scope, folded by the domain from the records grouped by the
/// database: each group is one representative record with its count (the report over hundreds
/// of thousands of applications reads a few dozen rows). `statistics` gives the records too,
/// for drill-down.
pub async fn table3_fast(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    format: gongkai_domain::format::FormatVersion,
) -> Result<app::stats::Table3Counts> {
    let groups = db::application::stat_groups(db, unit_id, year).await?;
    let d = |m: u32, day: u32, y: i32| NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let mut reps = Vec::with_capacity(groups.len());
    for g in &groups {
        let column = ApplicantKind::from_code(&g.applicant_kind)
            .map_err(|_| {
                AppError::Internal(anyhow::anyhow!("an application has an invalid applicant kind {}", g.applicant_kind))
            })?
            .column();
        let received_on = if g.received_in == 1 { d(1, 1, year) } else { d(12, 31, year - 1) };
        let finished_on = match g.finished_when {
            0 => Some(d(12, 31, year - 1)),
            1 => Some(d(12, 31, year)),
            2 => Some(d(1, 1, year + 1)),
            _ => None,
        };
        let finished = match (finished_on, &g.outcome) {
            (Some(f), Some(o)) => Some((
                f,
                Outcome::from_code(o).map_err(|_| AppError::Internal(anyhow::anyhow!("invalid outcome {o}")))?,
            )),
            _ => None,
        };
        reps.push((app::stats::ApplicationRecord { id: 0, received_on, column, finished }, g.n as u64));
    }
    Ok(app::stats::table3_weighted(reps.iter().map(|(r, n)| (r, *n)), year, format))
}

/// Table 三 and 四 for a year and a scope (a unit, or the government over all units), folded by
/// the domain from the records.
pub async fn statistics(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    format: gongkai_domain::format::FormatVersion,
) -> Result<(app::stats::Table3Counts, [u64; 15], Vec<app::stats::ApplicationRecord>)> {
    let rows = db::application::stat_rows(db, unit_id, year).await?;
    let mut records = Vec::with_capacity(rows.len());
    for r in &rows {
        records.push(record_of(r)?);
    }
    let t3 = app::stats::table3(&records, year, format);
    let t4 = table4_for(db, unit_id, year).await?;
    Ok((t3, t4, records))
}

/// Table 四 for a year and a scope, from the 行政复议 and 行政诉讼 records.
pub async fn table4_for(db: &Db, unit_id: Option<i64>, year: i32) -> Result<[u64; 15]> {
    let mut cases = vec![];
    for r in db::application::review_cases(db, unit_id).await? {
        cases.push(review_record(&r)?.case());
    }
    Ok(app::review::table4(&cases, year))
}

pub fn record_of(r: &db::application::StatRow) -> Result<app::stats::ApplicationRecord> {
    let bad =
        |what: &str| AppError::Internal(anyhow::anyhow!("application {} has an invalid {what}", r.application_id));
    let received_on = NaiveDate::parse_from_str(&r.received_on, "%Y-%m-%d").map_err(|_| bad("received_on"))?;
    let column = ApplicantKind::from_code(&r.applicant_kind).map_err(|_| bad("applicant_kind"))?.column();
    let finished = match (&r.finished_on, &r.outcome) {
        (Some(d), Some(o)) => Some((
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad("finished_on"))?,
            Outcome::from_code(o).map_err(|_| bad("outcome"))?,
        )),
        _ => None,
    };
    Ok(app::stats::ApplicationRecord { id: r.application_id, received_on, column, finished })
}
