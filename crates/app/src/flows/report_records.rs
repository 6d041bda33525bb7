//! Table 二 from the records that hold it (issue 17 §1): a unit imports what its systems of record
//! export — the 权力清单, the decisions, the fees collected, the 政府集中采购 projects — as .xlsx
//! or CSV, row-by-row errors and nothing saved when any row is bad, idempotent (a record is known
//! by its 事项名称, 文号 or 编号; importing the same file twice changes nothing). The domain
//! (`report::records`) folds them into the cells of the year's format; `report::compute` takes
//! those cells, and an entered figure that differs from them is shown beside them as a warning.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use gongkai_domain::format::FormatVersion;
use gongkai_domain::report::Decimal;
use gongkai_domain::report::records::{
    self as rec, Decision, Payment, PowerItem, PowerKind, RecordFile, RecordRows, Table2Records,
};

use crate::db::{self, Db};
use crate::error::{AppError, Result};
use crate::flows::Actor;
use crate::state::AppState;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Import one file of records for a unit; the number of records in it.
pub async fn import(
    state: &AppState,
    actor: &Actor,
    unit_id: i64,
    kind: RecordFile,
    filename: &str,
    bytes: &[u8],
) -> Result<usize> {
    if !(actor.is_office() || actor.may_access_unit(unit_id)) {
        return Err(AppError::NotFound);
    }
    db::org::get_unit(&state.db, unit_id).await?.ok_or(AppError::NotFound)?;
    let rows = crate::sandbox::read_sheet(filename, bytes).await.map_err(AppError::BadRequest)?;
    let parsed = rec::parse_rows(kind, &rows).map_err(|errors| {
        let shown: Vec<String> = errors
            .iter()
            .take(50)
            .map(|(line, m)| if *line == 0 { m.clone() } else { format!("第{line}行：{m}") })
            .collect();
        let more = if errors.len() > 50 { format!("；另有{}行有误", errors.len() - 50) } else { String::new() };
        AppError::BadRequest(format!(
            "{}没有导入（有误的行须改正后整体重新导入）：{}{more}",
            kind.label(),
            shown.join("；")
        ))
    })?;
    let mut tx = state.db.begin().await?;
    let n = match &parsed {
        RecordRows::Powers(items) => {
            for p in items {
                let to = p.repealed_on.map(|d| d.to_string());
                db::records::upsert_power(
                    &mut tx,
                    unit_id,
                    p.kind.row(),
                    &p.name,
                    &p.effective_on.to_string(),
                    to.as_deref(),
                )
                .await?;
            }
            items.len()
        }
        RecordRows::Decisions(ds) => {
            for d in ds {
                db::records::upsert_decision(&mut tx, unit_id, d.kind.row(), &d.reference, &d.decided_on.to_string())
                    .await?;
            }
            ds.len()
        }
        RecordRows::Payments(ps) => {
            for p in ps {
                db::records::upsert_payment(
                    &mut tx,
                    unit_id,
                    kind.code(),
                    &p.reference,
                    &p.on.to_string(),
                    p.amount_fen,
                )
                .await?;
            }
            ps.len()
        }
    };
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    db::records::record_import(&mut tx, unit_id, kind.code(), filename, count, &actor.username).await?;
    db::audit::record(
        &mut tx,
        actor,
        "records.import",
        "unit",
        &unit_id.to_string(),
        None,
        Some(&serde_json::json!({ "kind": kind.code(), "file": filename, "rows": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// What a unit (or, None, every unit of the government) has imported.
pub async fn records(db: &Db, unit_id: Option<i64>) -> Result<Table2Records> {
    let kinds = db::records::imported_kinds(db, unit_id).await?;
    let has = |k: RecordFile| kinds.iter().any(|x| x == k.code());
    let kind_of = |s: &str| PowerKind::ALL.into_iter().find(|k| k.row() == s);
    let mut r = Table2Records::default();
    if has(RecordFile::Powers) {
        r.powers = Some(
            db::records::powers(db, unit_id)
                .await?
                .into_iter()
                .filter_map(|(k, name, from, to)| {
                    Some(PowerItem {
                        kind: kind_of(&k)?,
                        name,
                        effective_on: date(&from)?,
                        repealed_on: to.as_deref().and_then(date),
                    })
                })
                .collect(),
        );
    }
    if has(RecordFile::Decisions) {
        r.decisions = Some(
            db::records::decisions(db, unit_id)
                .await?
                .into_iter()
                .filter_map(|(k, reference, on)| {
                    Some(Decision { kind: kind_of(&k)?, reference, decided_on: date(&on)? })
                })
                .collect(),
        );
    }
    for (kind, slot) in [(RecordFile::Fees, &mut r.fees), (RecordFile::Procurement, &mut r.procurement)] {
        if has(kind) {
            *slot = Some(
                db::records::payments(db, unit_id, kind.code())
                    .await?
                    .into_iter()
                    .filter_map(|(reference, on, amount_fen)| Some(Payment { reference, on: date(&on)?, amount_fen }))
                    .collect(),
            );
        }
    }
    Ok(r)
}

/// The cells of table 二 the records decide for a year: (row, column) → value.
pub async fn computed_cells(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    format: FormatVersion,
) -> Result<BTreeMap<(String, String), Decimal>> {
    let r = records(db, unit_id).await?;
    Ok(rec::table2_cells(format, year, &r)
        .into_iter()
        .map(|(row, col, v)| ((row.to_string(), col.to_string()), v))
        .collect())
}
