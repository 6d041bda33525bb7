//! The records behind table 二 (权力清单, decisions, fees, procurement) and their imports.

use super::{Db, Tx, now_text};

pub async fn upsert_power(
    tx: &mut Tx<'_>,
    unit_id: i64,
    kind: &str,
    name: &str,
    effective_on: &str,
    repealed_on: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO power_item (unit_id, kind, name, effective_on, repealed_on) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (unit_id, kind, name) DO UPDATE SET effective_on = excluded.effective_on, repealed_on = excluded.repealed_on",
    )
    .bind(unit_id)
    .bind(kind.to_string())
    .bind(name.to_string())
    .bind(effective_on.to_string())
    .bind(repealed_on.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn upsert_decision(
    tx: &mut Tx<'_>,
    unit_id: i64,
    kind: &str,
    reference: &str,
    decided_on: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO decision_record (unit_id, kind, reference, decided_on) VALUES ($1, $2, $3, $4)
         ON CONFLICT (unit_id, reference) DO UPDATE SET kind = excluded.kind, decided_on = excluded.decided_on",
    )
    .bind(unit_id)
    .bind(kind.to_string())
    .bind(reference.to_string())
    .bind(decided_on.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn upsert_payment(
    tx: &mut Tx<'_>,
    unit_id: i64,
    kind: &str,
    reference: &str,
    paid_on: &str,
    amount_fen: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_record (unit_id, kind, reference, paid_on, amount_fen) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (unit_id, kind, reference) DO UPDATE SET paid_on = excluded.paid_on, amount_fen = excluded.amount_fen",
    )
    .bind(unit_id)
    .bind(kind.to_string())
    .bind(reference.to_string())
    .bind(paid_on.to_string())
    .bind(amount_fen)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn record_import(
    tx: &mut Tx<'_>,
    unit_id: i64,
    kind: &str,
    filename: &str,
    row_count: i64,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO record_import (unit_id, kind, filename, row_count, imported_by, imported_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(unit_id)
    .bind(kind.to_string())
    .bind(filename.to_string())
    .bind(row_count)
    .bind(by.to_string())
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The kinds of file imported for the unit (or for any unit, None).
pub async fn imported_kinds(db: &Db, unit_id: Option<i64>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>("SELECT DISTINCT kind FROM record_import WHERE ($1 IS NULL OR unit_id = $1)")
        .bind(unit_id)
        .fetch_all(&db.pool)
        .await
}

/// (kind, name, effective_on, repealed_on)
pub async fn powers(
    db: &Db,
    unit_id: Option<i64>,
) -> Result<Vec<(String, String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, name, effective_on, repealed_on FROM power_item WHERE ($1 IS NULL OR unit_id = $1) ORDER BY power_item_id",
    )
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

/// (kind, reference, decided_on)
pub async fn decisions(db: &Db, unit_id: Option<i64>) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, reference, decided_on FROM decision_record WHERE ($1 IS NULL OR unit_id = $1) ORDER BY decision_record_id",
    )
    .bind(unit_id)
    .fetch_all(&db.pool)
    .await
}

/// (reference, paid_on, amount_fen) of one kind (fees or procurement).
pub async fn payments(db: &Db, unit_id: Option<i64>, kind: &str) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT reference, paid_on, amount_fen FROM payment_record WHERE ($1 IS NULL OR unit_id = $1) AND kind = $2
         ORDER BY payment_record_id",
    )
    .bind(unit_id)
    .bind(kind.to_string())
    .fetch_all(&db.pool)
    .await
}
