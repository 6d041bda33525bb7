//! 发放名册 batches: uploaded, validated (deaths, duplicates across batches), accepted into the funds or discarded; findings resolved.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct BatchResult {
    pub batch_id: i64,
    pub status: BatchStatus,
    pub errors: Vec<RowError>,
    pub findings: Vec<String>,
}

pub(super) fn finding_kind(f: &FundFinding) -> &'static str {
    match f {
        FundFinding::OverBudget { .. } => "over_budget",
        FundFinding::DuplicatePayment { .. } => "duplicate_payment",
        FundFinding::UnderAge { .. } => "under_age",
        FundFinding::Deceased { .. } => "deceased",
        FundFinding::DuplicateIdentity { .. } => "duplicate_identity",
    }
}

pub fn finding_kind_label(code: &str) -> &'static str {
    match code {
        "over_budget" => "超预算发放",
        "duplicate_payment" => "重复发放",
        "under_age" => "不符合年龄条件",
        "deceased" => "已故人员领取",
        "duplicate_identity" => "身份信息重复",
        _ => "其他",
    }
}

pub(super) async fn death_map(state: &AppState) -> Result<HashMap<IdNumber, NaiveDate>> {
    Ok(ldb::deaths(&state.db)
        .await?
        .into_iter()
        .filter_map(|(id, d)| Some((IdNumber::parse(&id).ok()?, NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()?)))
        .collect())
}

pub(super) fn may_work_on_township(actor: &Actor, township: i64) -> bool {
    actor.is_office() || actor.may_access_unit(township)
}

/// Validate an uploaded list and keep it (file, errors, findings) as a batch. Nothing reaches the
/// published rows here: a clean batch waits as `pending` for the office to accept it; a batch
/// with errors is `rejected` and a corrected file is uploaded as a new batch.
pub async fn upload_batch(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    township: i64,
    period_text: &str,
    filename: &str,
    bytes: &[u8],
) -> Result<BatchResult> {
    if !may_work_on_township(actor, township) {
        return Err(AppError::Forbidden);
    }
    let mut field_errors = vec![];
    let program_row = ldb::program(&state.db, program_id).await?;
    if program_row.is_none() {
        field_errors.push(FieldError::new("program_id", "请选择资金项目"));
    }
    let unit = db::org::get_unit(&state.db, township).await?.filter(|u| u.kind == "township");
    if unit.is_none() {
        field_errors.push(FieldError::new("township", "请选择乡镇（街道）"));
    }
    let period_key = normalize_period_key(period_text);
    if period_key.is_none() {
        field_errors.push(FieldError::new("period", "发放期间应写作“2020-06”（月）或“2020”（年）"));
    }
    if filename.is_empty() || bytes.is_empty() {
        field_errors.push(FieldError::new("file", "请选择要上传的发放名册（.xlsx、.xls 或 .csv）"));
    }
    if !field_errors.is_empty() {
        return Err(AppError::Invalid(field_errors));
    }
    let (program_row, period_key) = (program_row.expect("checked"), period_key.expect("checked"));
    let period = parse_period(&period_key).expect("normalized");
    let program = program_of(&program_row);
    let villages: Vec<ldb::VillageRow> =
        ldb::villages(&state.db).await?.into_iter().filter(|v| v.township_unit_id == township).collect();
    let names: Vec<String> = villages.iter().map(|v| v.name.clone()).collect();

    let mut errors: Vec<RowError> = vec![];
    let mut findings: Vec<FundFinding> = vec![];
    let mut total = 0i64;
    let mut count = 0i64;
    match crate::sandbox::read_sheet(filename, bytes).await {
        Err(msg) => errors.push(RowError { row: 0, column: "文件".into(), message: msg }),
        Ok(raw) => match lh::validate_rows(&raw, &program, &names, period) {
            Err(e) => errors.push(RowError { row: 1, column: "表头".into(), message: e.to_string() }),
            Ok(check) => {
                findings = check.findings.clone();
                match check.into_rows() {
                    Err(errs) => errors = errs,
                    Ok(rows) => {
                        count = rows.len() as i64;
                        total = rows.iter().map(|r| r.amount.0).sum();
                        findings.extend(
                            cross_batch_findings(state, &program_row, &program, period, &period_key, &rows).await?,
                        );
                    }
                }
            }
        },
    }
    let status = BatchStatus::uploaded(errors.len());
    let clean_name = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("名册")
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>();
    let mut tx = state.db.begin().await?;
    let errors_json = serde_json::to_string(&errors).map_err(|e| AppError::Internal(e.into()))?;
    let id = ldb::insert_batch(
        &mut tx,
        program_id,
        township,
        &period_key,
        status,
        &clean_name,
        count,
        total,
        &errors_json,
        &actor.username,
    )
    .await?;
    let sha = hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
    let kind = if clean_name.to_lowercase().ends_with(".csv") { "text/csv" } else { "application/vnd.ms-excel" };
    db::application::insert_attachment(&mut tx, "disbursement_batch", id, &clean_name, kind, &sha, bytes).await?;
    for f in &findings {
        let detail = serde_json::to_string(f).map_err(|e| AppError::Internal(e.into()))?;
        ldb::insert_finding(&mut tx, id, program_id, &period_key, finding_kind(f), &f.to_string(), &detail).await?;
    }
    let after = serde_json::json!({"program_id": program_id, "township": township, "period": period_key, "status": status, "rows": count, "errors": errors.len(), "findings": findings.len()});
    db::audit::record(
        &mut tx,
        actor,
        "disbursement_batch.upload",
        "disbursement_batch",
        &id.to_string(),
        None,
        Some(&after),
    )
    .await?;
    db::audit::feed(&mut tx, "disbursement_batch.uploaded", "disbursement_batch", &id.to_string(), Some(township))
        .await?;
    tx.commit().await?;
    Ok(BatchResult { batch_id: id, status, errors, findings: findings.iter().map(ToString::to_string).collect() })
}

/// Findings only visible against what is already stored: the year's budget, payments to the same
/// person in other batches of the program and period, death records.
pub(super) async fn cross_batch_findings(
    state: &AppState,
    program_row: &ldb::ProgramRow,
    program: &Program,
    period: Period,
    period_key: &str,
    rows: &[lh::Row],
) -> Result<Vec<FundFinding>> {
    let mut out = vec![];
    let year = period.first_day().year();
    if let Some(b) = ldb::budgets(&state.db)
        .await?
        .into_iter()
        .find(|b| b.program_id == program_row.program_id && b.year == i64::from(year))
    {
        let before = ldb::program_year_total(&state.db, program_row.program_id, i64::from(year)).await?;
        let total = before + rows.iter().map(|r| r.amount.0).sum::<i64>();
        if total > b.budget_fen {
            out.push(FundFinding::OverBudget {
                program: program.name.clone(),
                period: Period::year(year).expect("year"),
                total: Fen(total),
                budget: Fen(b.budget_fen),
            });
        }
    }
    let stored = ldb::disbursements_for(&state.db, program_row.program_id, period_key).await?;
    let stored_ids: HashSet<&str> =
        stored.iter().filter(|d| d.period_key == period_key).map(|d| d.id_number.as_str()).collect();
    for r in rows {
        if stored_ids.contains(r.id.as_str()) {
            out.push(FundFinding::DuplicatePayment { id: r.id.clone(), lines: vec![r.line] });
        }
    }
    let deaths = death_map(state).await?;
    out.extend(
        lh::reconcile(program, period, rows, None, &deaths)
            .into_iter()
            .filter(|f| matches!(f, FundFinding::Deceased { .. })),
    );
    Ok(out)
}

pub async fn batch_for_staff(state: &AppState, actor: &Actor, id: i64) -> Result<ldb::BatchRow> {
    let b = ldb::batch(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !may_work_on_township(actor, b.township_unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

/// The office accepts a clean batch: the kept file is read and validated again (the village list
/// may have changed) and every row is stored in one transaction, or none.
pub async fn accept_batch(state: &AppState, actor: &Actor, id: i64) -> Result<usize> {
    let b = batch_for_staff(state, actor, id).await?;
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let imported = lh::batch::apply(b.status, BatchEvent::Accept).map_err(|e| AppError::Conflict(e.to_string()))?;
    let files = db::application::attachments(&state.db, "disbursement_batch", id).await?;
    let file = files.first().ok_or_else(|| AppError::Internal(anyhow::anyhow!("batch {id} has no file")))?;
    let (_, bytes) =
        db::application::attachment_content(&state.db, file.attachment_id).await?.ok_or(AppError::NotFound)?;
    let program_row = ldb::program(&state.db, b.program_id).await?.ok_or(AppError::NotFound)?;
    let program = program_of(&program_row);
    let period = parse_period(&b.period_key).ok_or_else(|| AppError::Internal(anyhow::anyhow!("bad period")))?;
    let villages: BTreeMap<String, i64> = ldb::villages(&state.db)
        .await?
        .into_iter()
        .filter(|v| v.township_unit_id == b.township_unit_id)
        .map(|v| (v.name, v.village_id))
        .collect();
    let names: Vec<String> = villages.keys().cloned().collect();
    let raw = crate::sandbox::read_sheet(&b.filename, &bytes).await.map_err(AppError::BadRequest)?;
    let rows = lh::validate_rows(&raw, &program, &names, period)
        .map_err(|e| AppError::BadRequest(e.to_string()))?
        .into_rows()
        .map_err(|errs| {
            AppError::BadRequest(format!(
                "名册已不能通过校验：{}",
                errs.iter().map(ToString::to_string).collect::<Vec<_>>().join("；")
            ))
        })?;
    let mut tx = state.db.begin().await?;
    if !ldb::set_batch_status(&mut tx, id, b.status, imported).await? {
        return Err(AppError::Conflict("该名册已被他人处理".into()));
    }
    let now = db::now_text();
    for r in &rows {
        let d = ldb::NewDisbursement {
            program_id: b.program_id,
            village_id: villages[r.village.trim()],
            period_key: b.period_key.clone(),
            line: r.line as i64,
            name: r.name.clone(),
            id_number: r.id.as_str().to_string(),
            id_hash: digest(r.id.as_str()),
            quantity: i64::from(r.quantity),
            amount_fen: r.amount.0,
        };
        ldb::insert_disbursement(&mut tx, id, &d, &now).await?;
    }
    let after = serde_json::json!({"status": imported, "rows": rows.len()});
    db::audit::record(
        &mut tx,
        actor,
        "disbursement_batch.accept",
        "disbursement_batch",
        &id.to_string(),
        Some(&serde_json::json!({"status": b.status})),
        Some(&after),
    )
    .await?;
    db::audit::feed(
        &mut tx,
        "disbursement_batch.imported",
        "disbursement_batch",
        &id.to_string(),
        Some(b.township_unit_id),
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

pub async fn discard_batch(state: &AppState, actor: &Actor, id: i64) -> Result<()> {
    let b = batch_for_staff(state, actor, id).await?;
    let discarded = lh::batch::apply(b.status, BatchEvent::Discard).map_err(|e| AppError::Conflict(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    if !ldb::set_batch_status(&mut tx, id, b.status, discarded).await? {
        return Err(AppError::Conflict("该名册已被他人处理".into()));
    }
    db::audit::record(
        &mut tx,
        actor,
        "disbursement_batch.discard",
        "disbursement_batch",
        &id.to_string(),
        Some(&serde_json::json!({"status": b.status})),
        Some(&serde_json::json!({"status": discarded})),
    )
    .await?;
    db::audit::feed(
        &mut tx,
        "disbursement_batch.discarded",
        "disbursement_batch",
        &id.to_string(),
        Some(b.township_unit_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn resolve_finding(state: &AppState, actor: &Actor, id: i64) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    if ldb::resolve_finding(&mut tx, id).await? == 0 {
        return Err(AppError::NotFound);
    }
    db::audit::record(
        &mut tx,
        actor,
        "fund_finding.resolve",
        "fund_finding",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"resolved": true})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
