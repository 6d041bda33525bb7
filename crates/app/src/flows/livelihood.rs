//! 民生监督 use cases: importing disbursement lists (validated row by row by the domain, stored
//! all or nothing once the office accepts a clean batch, the original file kept), reconciliation
//! findings for the office, the public query (only masked rows ever leave this module for a public
//! page), "查我自己的", complaints (投诉举报) on the working-day calendar, projects, village
//! disclosures and the office's dashboard line. 条例第十五条: personal data is not disclosed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use gongkai_domain::livelihood::{
    self as lh, Basis, ComplaintEvent, ComplaintStatus, Fen, FundFinding, MaskedId, MaskedName, Period, Program,
    PublicRow, Rating, RedirectKind, RowError,
};
use gongkai_domain::org::IdNumber;
use serde::{Deserialize, Serialize};

use super::Actor;
use super::application::{Upload, check_upload};
use super::auth::{digest, hex, random_token};
use crate::db::{self, livelihood as ldb};
use crate::error::{AppError, FieldError, Result};
use crate::state::AppState;
use crate::state::today;

// --- programs and periods ---

pub fn program_of(p: &ldb::ProgramRow) -> Program {
    Program {
        code: p.code.clone(),
        name: p.name.clone(),
        basis: match p.basis.as_str() {
            "household" => Basis::PerHousehold,
            "mu" => Basis::PerMu,
            _ => Basis::PerPerson,
        },
        standard: Fen(p.standard_fen),
        min_age: p.min_age.map(|a| a as u32),
    }
}

/// `2020-06` → June 2020, `2020` → the year.
pub fn parse_period(key: &str) -> Option<Period> {
    match key.trim().split_once('-') {
        Some((y, m)) => Period::month(y.parse().ok()?, m.parse().ok()?),
        None => Period::year(key.trim().parse().ok()?),
    }
}

pub fn period_label(key: &str) -> String {
    if let Some((y, q)) = key.split_once("-Q") {
        return format!("{y}年第{q}季度");
    }
    parse_period(key).map(|p| p.to_string()).unwrap_or_else(|| key.to_string())
}

/// The key of a period as typed in a form: `2020-6`, `2020-06`, `2020年6月` or `2020`.
pub fn normalize_period_key(text: &str) -> Option<String> {
    let t = text.trim().replace('年', "-").replace('月', "");
    let t = t.trim_end_matches('-');
    let p = parse_period(t)?;
    Some(if t.contains('-') {
        format!("{}-{:02}", p.first_day().year(), p.first_day().month())
    } else {
        p.first_day().year().to_string()
    })
}

// --- batches ---

#[derive(Debug, Clone, Serialize)]
pub struct BatchResult {
    pub batch_id: i64,
    pub status: String,
    pub errors: Vec<RowError>,
    pub findings: Vec<String>,
}

fn finding_kind(f: &FundFinding) -> &'static str {
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

async fn death_map(state: &AppState) -> Result<HashMap<IdNumber, NaiveDate>> {
    Ok(ldb::deaths(&state.db)
        .await?
        .into_iter()
        .filter_map(|(id, d)| Some((IdNumber::parse(&id).ok()?, NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()?)))
        .collect())
}

fn may_work_on_township(actor: &Actor, township: i64) -> bool {
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
    let status = if errors.is_empty() { "pending" } else { "rejected" };
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
    Ok(BatchResult {
        batch_id: id,
        status: status.into(),
        errors,
        findings: findings.iter().map(ToString::to_string).collect(),
    })
}

/// Findings only visible against what is already stored: the year's budget, payments to the same
/// person in other batches of the program and period, death records.
async fn cross_batch_findings(
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
    if b.status != "pending" {
        return Err(AppError::Conflict("只有校验通过、待导入的名册才能导入".into()));
    }
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
    if !ldb::set_batch_status(&mut tx, id, "pending", "imported").await? {
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
    let after = serde_json::json!({"status": "imported", "rows": rows.len()});
    db::audit::record(
        &mut tx,
        actor,
        "disbursement_batch.accept",
        "disbursement_batch",
        &id.to_string(),
        Some(&serde_json::json!({"status": "pending"})),
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
    if b.status == "imported" || b.status == "discarded" {
        return Err(AppError::Conflict("已导入或已作废的名册不能作废".into()));
    }
    let mut tx = state.db.begin().await?;
    if !ldb::set_batch_status(&mut tx, id, &b.status, "discarded").await? {
        return Err(AppError::Conflict("该名册已被他人处理".into()));
    }
    db::audit::record(
        &mut tx,
        actor,
        "disbursement_batch.discard",
        "disbursement_batch",
        &id.to_string(),
        Some(&serde_json::json!({"status": b.status})),
        Some(&serde_json::json!({"status": "discarded"})),
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

// --- the public query ---

/// A row as the public sees it: built only through the domain's `PublicRow` (masked name and ID).
#[derive(Debug, Clone, Serialize)]
pub struct PublicLine {
    pub program: String,
    pub village: String,
    pub name_masked: String,
    pub id_masked: String,
    pub amount: String,
    pub period: String,
}

fn public_line(d: &ldb::DisbursementRow, programs: &BTreeMap<i64, String>) -> Option<PublicLine> {
    let id = IdNumber::parse(&d.id_number).ok()?;
    let period = parse_period(&d.period_key)?;
    let row = PublicRow::new(d.village.clone(), MaskedName::of(&d.name), MaskedId::of(&id), Fen(d.amount_fen), period);
    Some(PublicLine {
        program: programs.get(&d.program_id).cloned().unwrap_or_default(),
        village: row.village().to_string(),
        name_masked: row.name_masked().to_string(),
        id_masked: row.id_masked().to_string(),
        amount: row.amount().yuan(),
        period: row.period().to_string(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FundQuery {
    #[serde(default)]
    pub program: Option<String>,
    #[serde(default)]
    pub village: Option<String>,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TotalLine {
    pub program: String,
    pub township: String,
    pub village: String,
    pub period: String,
    pub recipients: i64,
    pub total: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundView {
    pub totals: Vec<TotalLine>,
    pub grand_total: String,
    pub grand_recipients: i64,
    pub lines: Vec<PublicLine>,
    pub page: i64,
    pub has_more: bool,
}

pub const PAGE_SIZE: i64 = 50;

fn id_param(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

pub async fn public_funds(state: &AppState, q: &FundQuery, limit: i64) -> Result<FundView> {
    let program = id_param(&q.program);
    let village = id_param(&q.village);
    let period = q
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || c == '-'));
    let page = i64::from(gongkai_domain::paging::Page::parse(q.page.as_deref())?.number());
    let programs: BTreeMap<i64, String> =
        ldb::programs(&state.db).await?.into_iter().map(|p| (p.program_id, p.name)).collect();
    let totals = ldb::totals(&state.db, program, village, period).await?;
    let rows = ldb::disbursements(&state.db, program, village, period, limit + 1, (page - 1) * limit).await?;
    let has_more = rows.len() as i64 > limit;
    Ok(FundView {
        grand_total: Fen(totals.iter().map(|t| t.total_fen).sum()).yuan(),
        grand_recipients: totals.iter().map(|t| t.recipients).sum(),
        totals: totals
            .iter()
            .map(|t| TotalLine {
                program: t.program_name.clone(),
                township: t.township.clone(),
                village: t.village.clone(),
                period: period_label(&t.period_key),
                recipients: t.recipients,
                total: Fen(t.total_fen).yuan(),
            })
            .collect(),
        lines: rows.iter().take(limit as usize).filter_map(|d| public_line(d, &programs)).collect(),
        page,
        has_more,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct SelfQuery {
    pub lines: Vec<PublicLine>,
    pub total: String,
}

/// Queries of 查我自己的 allowed per address, per queried ID number and per queried name before
/// the waits of `domain::throttle` begin (counted in the database, so across nodes).
pub const SELF_QUERIES_PER_ADDRESS: u32 = 10;
pub const SELF_QUERIES_PER_ID: u32 = 5;
pub const SELF_QUERIES_PER_NAME: u32 = 20;

/// 查我自己的: the rows of one person, only when the full ID number and the name both match.
/// Counted before anything is looked up — per address, per ID number and per name — so the form
/// cannot be used to try ID numbers for a name; logged under a keyed digest, never the number.
pub async fn self_query(state: &AppState, ip: &str, id_text: &str, name: &str) -> Result<SelfQuery> {
    let mut errs = vec![];
    let id = IdNumber::parse(id_text.trim().to_uppercase().as_str())
        .map_err(|e| errs.push(FieldError::new("id_number", e.to_string())))
        .ok();
    if name.trim().is_empty() {
        errs.push(FieldError::new("name", "请填写姓名"));
    }
    let Some(id) = id.filter(|_| errs.is_empty()) else { return Err(AppError::Invalid(errs)) };
    let id_key = super::auth::keyed_digest(&state.db, "self_query", id.as_str()).await?;
    let name_key = super::auth::keyed_digest(&state.db, "self_query", name.trim()).await?;
    super::auth::admit(&state.db, &format!("selfq:addr:{ip}"), SELF_QUERIES_PER_ADDRESS).await?;
    super::auth::admit(&state.db, &format!("selfq:id:{id_key}"), SELF_QUERIES_PER_ID).await?;
    super::auth::admit(&state.db, &format!("selfq:name:{name_key}"), SELF_QUERIES_PER_NAME).await?;
    let hash = digest(id.as_str());
    let programs: BTreeMap<i64, String> =
        ldb::programs(&state.db).await?.into_iter().map(|p| (p.program_id, p.name)).collect();
    let rows: Vec<ldb::DisbursementRow> = ldb::disbursements_by_id_hash(&state.db, &hash)
        .await?
        .into_iter()
        .filter(|d| d.name.trim() == name.trim())
        .collect();
    ldb::log_self_query(&state.db, &id_key, ip, rows.len() as i64).await?;
    Ok(SelfQuery {
        total: Fen(rows.iter().map(|d| d.amount_fen).sum()).yuan(),
        lines: rows.iter().filter_map(|d| public_line(d, &programs)).collect(),
    })
}

// --- complaints ---

pub fn complaint_status(code: &str) -> ComplaintStatus {
    match code {
        "assigned" => ComplaintStatus::Assigned,
        "replied" => ComplaintStatus::Replied,
        "reopened" => ComplaintStatus::Reopened,
        "rated" => ComplaintStatus::Rated,
        "closed" => ComplaintStatus::Closed,
        "redirected" => ComplaintStatus::Redirected,
        _ => ComplaintStatus::Submitted,
    }
}

pub fn status_code(s: ComplaintStatus) -> &'static str {
    match s {
        ComplaintStatus::Submitted => "submitted",
        ComplaintStatus::Assigned => "assigned",
        ComplaintStatus::Replied => "replied",
        ComplaintStatus::Reopened => "reopened",
        ComplaintStatus::Rated => "rated",
        ComplaintStatus::Closed => "closed",
        ComplaintStatus::Redirected => "redirected",
    }
}

pub fn rating_label(code: &str) -> &'static str {
    match code {
        "satisfied" => "满意",
        "fairly_satisfied" => "基本满意",
        "dissatisfied" => "不满意",
        _ => "",
    }
}

pub fn parse_rating(code: &str) -> Option<Rating> {
    match code {
        "satisfied" => Some(Rating::Satisfied),
        "fairly_satisfied" => Some(Rating::FairlySatisfied),
        "dissatisfied" => Some(Rating::Dissatisfied),
        _ => None,
    }
}

pub fn parse_redirect(code: &str) -> Option<RedirectKind> {
    match code {
        "information_request" => Some(RedirectKind::InformationRequest),
        "petition" => Some(RedirectKind::Petition),
        "out_of_scope" => Some(RedirectKind::OutOfScope),
        "duplicate" => Some(RedirectKind::Duplicate),
        _ => None,
    }
}

pub const SUBJECT_KINDS: [(&str, &str); 5] = [
    ("fund", "民生资金"),
    ("project", "民生项目"),
    ("village", "村（社区）事务"),
    ("unit", "单位或工作人员"),
    ("other", "其他"),
];

/// The reply deadline in working days (setting `livelihood.complaint_days`, default 15).
pub fn complaint_days(state: &AppState) -> u32 {
    state.setting("livelihood.complaint_days").trim().parse().ok().filter(|d| (1..=60).contains(d)).unwrap_or(15)
}

fn due_from(state: &AppState, from: NaiveDate) -> Result<NaiveDate> {
    let cal = state.calendar();
    lh::due_date(from, complaint_days(state), &|d, n| cal.add_working_days(d, n).ok())
        .ok_or_else(|| AppError::BadRequest("无法计算办理期限：工作日历未覆盖该年度".into()))
}

/// Words that mark a request for government information rather than a complaint (条例第三十九条).
pub fn looks_like_information_request(text: &str) -> bool {
    ["申请公开", "依申请", "政府信息公开申请", "请公开", "提供文件", "索取", "获取政府信息"]
        .iter()
        .any(|w| text.contains(w))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ComplaintForm {
    #[serde(default)]
    pub anonymous: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub subject_kind: String,
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub program_id: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub subject_label: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub idempotency_key: String,
    /// Set on the second submission, after the information-request hint was shown.
    #[serde(default)]
    pub confirmed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComplaintSubmitted {
    pub complaint_id: i64,
    pub tracking_code: String,
    pub secret: String,
    pub submitted_on: String,
    pub due_on: String,
    #[serde(default)]
    pub repeated: bool,
}

fn complaint_code(day: NaiveDate) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("random");
    format!(
        "TS{}-{}",
        day.format("%Y%m%d"),
        b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect::<String>()
    )
}

pub fn validate_complaint(f: &ComplaintForm) -> std::result::Result<(), Vec<FieldError>> {
    let mut e = vec![];
    let anonymous = f.anonymous == "1";
    if !anonymous && f.name.trim().is_empty() {
        e.push(FieldError::new("name", "实名投诉请填写姓名，或选择匿名投诉"));
    }
    let phone = f.phone.trim();
    if !phone.is_empty() && !(phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit()))
    {
        e.push(FieldError::new("phone", "手机号码应为11位数字"));
    }
    if !SUBJECT_KINDS.iter().any(|(c, _)| *c == f.subject_kind) {
        e.push(FieldError::new("subject_kind", "请选择投诉事项类别"));
    }
    if f.title.trim().is_empty() || f.title.chars().count() > 100 {
        e.push(FieldError::new("title", "请填写标题（100字以内）"));
    }
    if f.content.trim().chars().count() < 10 || f.content.chars().count() > 5000 {
        e.push(FieldError::new("content", "请具体说明投诉举报的事项（10至5000字）"));
    }
    if !f.idempotency_key.is_empty()
        && (f.idempotency_key.len() > 100 || !f.idempotency_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        e.push(FieldError::new("idempotency_key", "请求标识无效"));
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// Take in a complaint. A repeat with the same idempotency key returns the first answer.
pub async fn submit_complaint(
    state: &AppState,
    actor: &Actor,
    f: &ComplaintForm,
    submitted_on: Option<NaiveDate>,
) -> Result<ComplaintSubmitted> {
    let idem = (!f.idempotency_key.trim().is_empty()).then(|| format!("complaint:{}", f.idempotency_key.trim()));
    if let Some(key) = &idem
        && let Some(resp) = db::application::idempotent_response(&state.db, key).await?
    {
        let mut s: ComplaintSubmitted = serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
        s.repeated = true;
        return Ok(s);
    }
    validate_complaint(f).map_err(AppError::Invalid)?;
    let day = submitted_on.unwrap_or_else(today);
    let due = due_from(state, day)?;
    let secret = random_token()[..16].to_string();
    let anonymous = f.anonymous == "1";
    let village_id = f.village_id.trim().parse::<i64>().ok();
    let program_id = f.program_id.trim().parse::<i64>().ok();
    let project_id = f.project_id.trim().parse::<i64>().ok();
    let mut label = f.subject_label.trim().to_string();
    if label.is_empty() {
        if let Some(v) = village_id.map(|v| ldb::village(&state.db, v)) {
            label = v.await?.map(|v| format!("{}{}", v.township, v.name)).unwrap_or_default();
        }
    }
    for attempt in 1..=5 {
        let code = complaint_code(day);
        let new = ldb::NewComplaint {
            tracking_code: code.clone(),
            secret_hash: digest(&secret),
            idempotency_key: idem.clone(),
            anonymous: i64::from(anonymous),
            complainant_name: if anonymous { String::new() } else { f.name.trim().to_string() },
            phone: f.phone.trim().to_string(),
            subject_kind: f.subject_kind.clone(),
            subject_label: label.clone(),
            village_id,
            program_id,
            project_id,
            title: f.title.trim().to_string(),
            content: f.content.trim().to_string(),
            status: "submitted".into(),
            submitted_on: day.to_string(),
            due_on: due.to_string(),
        };
        let mut tx = state.db.begin().await?;
        let id = match ldb::insert_complaint(&mut tx, &new).await {
            Ok(id) => id,
            Err(e) if db::is_unique_violation(&e) => {
                drop(tx);
                if let Some(key) = &idem
                    && let Some(resp) = db::application::idempotent_response(&state.db, key).await?
                {
                    let mut s: ComplaintSubmitted =
                        serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
                    s.repeated = true;
                    return Ok(s);
                }
                if attempt < 5 {
                    continue;
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        ldb::insert_complaint_event(
            &mut tx,
            id,
            &day.to_string(),
            "submitted",
            &actor.username,
            &format!("收到投诉举报，办理期限为{due}"),
        )
        .await?;
        let s = ComplaintSubmitted {
            complaint_id: id,
            tracking_code: code.clone(),
            secret: secret.clone(),
            submitted_on: day.to_string(),
            due_on: due.to_string(),
            repeated: false,
        };
        if let Some(key) = &idem {
            let resp = serde_json::to_string(&s).map_err(|e| AppError::Internal(e.into()))?;
            db::application::put_idempotent(&mut tx, key, "complaint", &id.to_string(), &resp).await?;
        }
        let after = serde_json::json!({"tracking_code": code, "subject_kind": f.subject_kind, "anonymous": anonymous, "due_on": due});
        db::audit::record(&mut tx, actor, "complaint.submit", "complaint", &id.to_string(), None, Some(&after)).await?;
        db::audit::feed(&mut tx, "complaint.received", "complaint", &id.to_string(), None).await?;
        tx.commit().await?;
        return Ok(s);
    }
    Err(AppError::Internal(anyhow::anyhow!("no free tracking code")))
}

pub async fn complaint_for_staff(state: &AppState, actor: &Actor, id: i64) -> Result<ldb::ComplaintRow> {
    let c = ldb::complaint(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let ok = actor.is_office() || c.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if ok { Ok(c) } else { Err(AppError::NotFound) }
}

/// One step of a complaint's life, decided by `complaint::apply`. `unit_id` for Assign; `note`
/// is the reply text for Reply, the reason otherwise.
pub async fn complaint_step(
    state: &AppState,
    actor: &Actor,
    mut c: ldb::ComplaintRow,
    event: ComplaintEvent,
    unit_id: Option<i64>,
    note: &str,
    day: Option<NaiveDate>,
) -> Result<()> {
    let day = day.unwrap_or_else(today);
    let before_status = c.status.clone();
    let next =
        lh::complaint::apply(complaint_status(&c.status), &event).map_err(|e| AppError::Conflict(e.to_string()))?;
    let public_actor = actor.staff().is_none();
    match &event {
        ComplaintEvent::Assign | ComplaintEvent::Redirect(_) | ComplaintEvent::CloseUnrated if !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        ComplaintEvent::Reply if !(actor.is_office() || c.unit_id.is_some_and(|u| actor.may_access_unit(u))) => {
            return Err(AppError::Forbidden);
        }
        ComplaintEvent::Rate(_) | ComplaintEvent::Reopen if !public_actor && !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        _ => {}
    }
    let public_note: String;
    match &event {
        ComplaintEvent::Assign => {
            let u = unit_id.ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "请选择承办单位")]))?;
            let unit = db::org::get_unit(&state.db, u)
                .await?
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "承办单位不存在")]))?;
            c.unit_id = Some(u);
            public_note = format!("转交{}办理", unit.name);
        }
        ComplaintEvent::Reply => {
            if note.trim().chars().count() < 5 {
                return Err(AppError::Invalid(vec![FieldError::new("note", "请填写答复内容")]));
            }
            // A reply is published to the complainant: personal data in it is masked.
            c.reply = gongkai_domain::privacy::mask_all(note.trim()).0;
            c.replied_on = Some(day.to_string());
            public_note = "已答复".into();
        }
        ComplaintEvent::Rate(r) => {
            let code = match r {
                Rating::Satisfied => "satisfied",
                Rating::FairlySatisfied => "fairly_satisfied",
                Rating::Dissatisfied => "dissatisfied",
            };
            c.rating = Some(code.into());
            public_note = format!("评价：{}", rating_label(code));
        }
        ComplaintEvent::Reopen => {
            c.due_on = due_from(state, day)?.to_string();
            c.rating = None;
            public_note = format!("重新办理，办理期限为{}", c.due_on);
        }
        ComplaintEvent::CloseUnrated => public_note = "办结".into(),
        ComplaintEvent::Redirect(k) => {
            c.redirect_kind = Some(
                match k {
                    RedirectKind::InformationRequest => "information_request",
                    RedirectKind::Petition => "petition",
                    RedirectKind::OutOfScope => "out_of_scope",
                    RedirectKind::Duplicate => "duplicate",
                }
                .into(),
            );
            public_note = k.label().into();
        }
    }
    c.status = status_code(next).into();
    let mut tx = state.db.begin().await?;
    if !ldb::update_complaint(&mut tx, &c, &before_status).await? {
        return Err(AppError::Conflict("该投诉已被他人处理，请刷新后重试".into()));
    }
    let internal = if note.trim().is_empty() || matches!(event, ComplaintEvent::Reply) {
        public_note.clone()
    } else {
        format!("{public_note}（{}）", gongkai_domain::privacy::mask_all(note.trim()).0)
    };
    ldb::insert_complaint_event(
        &mut tx,
        c.complaint_id,
        &day.to_string(),
        status_code(next),
        &actor.display_name,
        &internal,
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("complaint.{}", status_code(next)),
        "complaint",
        &c.complaint_id.to_string(),
        Some(&serde_json::json!({"status": before_status})),
        Some(&serde_json::json!({"status": c.status, "unit_id": c.unit_id, "due_on": c.due_on})),
    )
    .await?;
    db::audit::feed(&mut tx, "complaint.changed", "complaint", &c.complaint_id.to_string(), c.unit_id).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicComplaint {
    pub tracking_code: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub submitted_on: String,
    pub due_on: String,
    pub overdue: bool,
    pub reply: String,
    pub replied_on: Option<String>,
    pub rating: String,
    pub redirect_info_request: bool,
    pub may_rate: bool,
    pub events: Vec<ldb::ComplaintEventRow>,
}

pub async fn public_complaint(
    state: &AppState,
    code: &str,
    secret: &str,
) -> Result<(ldb::ComplaintRow, PublicComplaint)> {
    let c = ldb::complaint_by_code(&state.db, code.trim())
        .await?
        .filter(|c| digest(secret.trim()) == c.secret_hash)
        .ok_or(AppError::NotFound)?;
    let status = complaint_status(&c.status);
    let events = ldb::complaint_events(&state.db, c.complaint_id).await?;
    let p = PublicComplaint {
        tracking_code: c.tracking_code.clone(),
        title: gongkai_domain::privacy::mask_all(&c.title).0,
        status: c.status.clone(),
        status_label: status.label().into(),
        submitted_on: c.submitted_on.clone(),
        due_on: c.due_on.clone(),
        overdue: is_overdue(&c, today()),
        reply: c.reply.clone(),
        replied_on: c.replied_on.clone(),
        rating: c.rating.as_deref().map(rating_label).unwrap_or("").into(),
        redirect_info_request: c.redirect_kind.as_deref() == Some("information_request"),
        may_rate: status == ComplaintStatus::Replied,
        events,
    };
    Ok((c, p))
}

pub fn is_overdue(c: &ldb::ComplaintRow, today: NaiveDate) -> bool {
    let due = NaiveDate::parse_from_str(&c.due_on, "%Y-%m-%d").unwrap_or(today);
    let sub = NaiveDate::parse_from_str(&c.submitted_on, "%Y-%m-%d").unwrap_or(today);
    lh::Complaint { submitted_on: sub, due, status: complaint_status(&c.status) }.is_overdue(today)
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplaintLine {
    pub complaint_id: i64,
    pub tracking_code: String,
    pub title: String,
    pub subject: String,
    pub unit_name: String,
    pub status_label: String,
    pub submitted_on: String,
    pub due_on: String,
    pub overdue: bool,
    pub rating: String,
    pub reply: String,
}

/// Complaint lines; `public` masks personal data in titles and replies (the public board).
pub async fn complaint_lines(state: &AppState, unit: Option<i64>, public: bool) -> Result<Vec<ComplaintLine>> {
    let units: BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let today = today();
    let mask = |s: &str| if public { gongkai_domain::privacy::mask_all(s).0 } else { s.to_string() };
    Ok(ldb::complaints(&state.db, unit)
        .await?
        .into_iter()
        .map(|c| ComplaintLine {
            complaint_id: c.complaint_id,
            tracking_code: if public { String::new() } else { c.tracking_code.clone() },
            title: mask(&c.title),
            subject: format!(
                "{}{}",
                SUBJECT_KINDS.iter().find(|(k, _)| *k == c.subject_kind).map(|(_, l)| *l).unwrap_or(""),
                if c.subject_label.is_empty() { String::new() } else { format!("·{}", c.subject_label) }
            ),
            unit_name: c.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_else(|| "待转办".into()),
            status_label: complaint_status(&c.status).label().into(),
            overdue: is_overdue(&c, today),
            submitted_on: c.submitted_on,
            due_on: c.due_on,
            rating: c.rating.as_deref().map(rating_label).unwrap_or("").into(),
            reply: mask(&c.reply),
        })
        .collect())
}

// --- projects ---

#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub project: ldb::ProjectRow,
    pub budget: String,
    pub overdue: bool,
    pub stage: &'static str,
}

pub fn project_view(p: ldb::ProjectRow, today: NaiveDate) -> ProjectView {
    let planned_end = NaiveDate::parse_from_str(&p.planned_end, "%Y-%m-%d").unwrap_or(today);
    let overdue = p.actual_end.is_none() && today > planned_end;
    let stage = if p.accepted_on.is_some() {
        "已验收"
    } else if p.actual_end.is_some() {
        "已完工待验收"
    } else if p.actual_start.is_some() {
        "在建"
    } else {
        "未开工"
    };
    ProjectView { budget: Fen(p.budget_fen).yuan(), overdue, stage, project: p }
}

pub async fn project_views(state: &AppState, village: Option<i64>, poverty_only: bool) -> Result<Vec<ProjectView>> {
    let today = today();
    Ok(ldb::projects(&state.db, village, poverty_only).await?.into_iter().map(|p| project_view(p, today)).collect())
}

fn may_work_on_village(actor: &Actor, v: &ldb::VillageRow) -> bool {
    may_work_on_township(actor, v.township_unit_id)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub contractor: String,
    #[serde(default)]
    pub planned_start: String,
    #[serde(default)]
    pub planned_end: String,
    #[serde(default)]
    pub poverty: String,
    #[serde(default)]
    pub description: String,
}

pub async fn create_project(state: &AppState, actor: &Actor, f: &ProjectForm) -> Result<i64> {
    let mut e = vec![];
    let village = match f.village_id.trim().parse::<i64>() {
        Ok(v) => ldb::village(&state.db, v).await?,
        Err(_) => None,
    };
    if village.is_none() {
        e.push(FieldError::new("village_id", "请选择村（社区）"));
    }
    if f.name.trim().is_empty() {
        e.push(FieldError::new("name", "请填写项目名称"));
    }
    let budget =
        Fen::parse_yuan(&f.budget).map_err(|err| e.push(FieldError::new("budget", format!("预算：{err}")))).ok();
    let d = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (ps, pe) = (d(&f.planned_start), d(&f.planned_end));
    if ps.is_none() || pe.is_none() || ps > pe {
        e.push(FieldError::new("planned_end", "请填写计划开工和完工日期（完工不早于开工）"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let village = village.expect("checked");
    if !may_work_on_village(actor, &village) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_project(
        &mut tx,
        &ldb::NewProject {
            name: f.name.trim().into(),
            village_id: village.village_id,
            unit_id: Some(village.township_unit_id),
            budget_fen: budget.expect("checked").0,
            source: f.source.trim().into(),
            contractor: f.contractor.trim().into(),
            planned_start: ps.expect("checked").to_string(),
            planned_end: pe.expect("checked").to_string(),
            actual_start: None,
            poverty: i64::from(f.poverty == "1"),
            description: f.description.trim().into(),
        },
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "project.create",
        "livelihood_project",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"name": f.name, "village_id": village.village_id})),
    )
    .await?;
    db::audit::feed(&mut tx, "project.changed", "livelihood_project", &id.to_string(), Some(village.township_unit_id))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A progress update (with an optional photo). 100% sets the actual completion date; `accept`
/// records 验收 (office only, after completion).
pub async fn project_progress(
    state: &AppState,
    actor: &Actor,
    id: i64,
    progress: i64,
    note: &str,
    photo: Option<Upload>,
    accept: bool,
    day: Option<NaiveDate>,
) -> Result<()> {
    let p = ldb::project(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let village = ldb::village(&state.db, p.village_id).await?.ok_or(AppError::NotFound)?;
    if !may_work_on_village(actor, &village) {
        return Err(AppError::NotFound);
    }
    if accept && !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    if !(0..=100).contains(&progress) || progress < p.progress {
        return Err(AppError::Invalid(vec![FieldError::new(
            "progress",
            format!("进度应为{}至100之间的整数", p.progress),
        )]));
    }
    if accept && p.actual_end.is_none() && progress < 100 {
        return Err(AppError::Conflict("项目完工后才能验收".into()));
    }
    if note.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("note", "请填写进展说明")]));
    }
    let photo = match photo {
        Some(u) => {
            let (name, kind) = check_upload(&u.filename, &u.bytes)
                .map_err(|m| AppError::Invalid(vec![FieldError::new("photo", m)]))?;
            Some((name, kind, u.bytes))
        }
        None => None,
    };
    let day = day.unwrap_or_else(today).to_string();
    let mut tx = state.db.begin().await?;
    let start = (progress > 0).then_some(day.as_str());
    let end = (progress == 100).then_some(day.as_str());
    let accepted = accept.then_some(day.as_str());
    ldb::update_project_progress(&mut tx, id, progress, start, end, accepted).await?;
    let note = gongkai_domain::privacy::mask_all(note.trim()).0;
    let uid =
        ldb::insert_project_update(&mut tx, id, &day, progress, &if accept { format!("验收：{note}") } else { note })
            .await?;
    if let Some((name, kind, bytes)) = &photo {
        let sha = hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
        db::application::insert_attachment(&mut tx, "project_update", uid, name, kind, &sha, bytes).await?;
    }
    db::audit::record(
        &mut tx,
        actor,
        if accept { "project.accept" } else { "project.progress" },
        "livelihood_project",
        &id.to_string(),
        Some(&serde_json::json!({"progress": p.progress})),
        Some(&serde_json::json!({"progress": progress})),
    )
    .await?;
    db::audit::feed(&mut tx, "project.changed", "livelihood_project", &id.to_string(), p.unit_id).await?;
    tx.commit().await?;
    Ok(())
}

// --- village disclosures (三资公开, 三务公开) ---

pub const SANZI_CATEGORIES: [(&str, &str); 3] =
    [("funds", "集体资金"), ("assets", "集体资产"), ("resources", "集体资源")];
pub const SANWU_CATEGORIES: [(&str, &str); 3] =
    [("party", "党务公开"), ("village", "村务公开"), ("finance", "财务公开")];

pub fn categories(board: &str) -> &'static [(&'static str, &'static str)] {
    if board == "sanzi" { &SANZI_CATEGORIES } else { &SANWU_CATEGORIES }
}

pub fn category_label(board: &str, code: &str) -> &'static str {
    categories(board).iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("")
}

/// Monthly or quarterly (setting `livelihood.disclosure_cycle`, default quarterly).
pub fn quarterly(state: &AppState) -> bool {
    state.setting("livelihood.disclosure_cycle") != "monthly"
}

/// The last complete period before `today`: the one every village should have disclosed.
pub fn due_period(today: NaiveDate, quarterly: bool) -> String {
    if quarterly {
        let q = (today.month() - 1) / 3; // the current quarter, 0-based; the last complete is q (1-based)
        if q == 0 { format!("{}-Q4", today.year() - 1) } else { format!("{}-Q{}", today.year(), q) }
    } else {
        let prev = today.with_day(1).expect("day 1").pred_opt().expect("date");
        format!("{}-{:02}", prev.year(), prev.month())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LateVillage {
    pub village_id: i64,
    pub village: String,
    pub township_unit_id: i64,
    pub township: String,
    pub board_label: &'static str,
    pub period: String,
}

/// Villages without a disclosure on `board` for the due period, for their 乡镇 and the office.
pub async fn late_villages(state: &AppState, board: &str, township: Option<i64>) -> Result<Vec<LateVillage>> {
    let period = due_period(today(), quarterly(state));
    let done: HashSet<i64> = ldb::disclosures(&state.db, board, None)
        .await?
        .into_iter()
        .filter(|d| d.period_key == period)
        .map(|d| d.village_id)
        .collect();
    Ok(ldb::villages(&state.db)
        .await?
        .into_iter()
        .filter(|v| township.is_none_or(|t| v.township_unit_id == t) && !done.contains(&v.village_id))
        .map(|v| LateVillage {
            village_id: v.village_id,
            village: v.name,
            township_unit_id: v.township_unit_id,
            township: v.township,
            board_label: if board == "sanzi" { "三资公开" } else { "三务公开" },
            period: period_label(&period),
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DisclosureForm {
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub board: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// The clerk's check by hand of a file whose text cannot be read (required for such a file).
    #[serde(default)]
    pub file_check: String,
}

/// Publish a village disclosure. The text and the file's text go through the personal-data
/// scanner: an ID number, phone or bank card in either blocks publication; a file whose text
/// cannot be read (an image, a scan) is published only with the clerk's recorded check by hand.
pub async fn add_disclosure(state: &AppState, actor: &Actor, f: &DisclosureForm, file: Option<Upload>) -> Result<i64> {
    let mut e = vec![];
    let village = match f.village_id.trim().parse::<i64>() {
        Ok(v) => ldb::village(&state.db, v).await?,
        Err(_) => None,
    };
    if village.is_none() {
        e.push(FieldError::new("village_id", "请选择村（社区）"));
    }
    if f.board != "sanzi" && f.board != "sanwu" {
        e.push(FieldError::new("board", "请选择三资公开或三务公开"));
    }
    if !categories(&f.board).iter().any(|(c, _)| *c == f.category) {
        e.push(FieldError::new("category", "请选择公开类别"));
    }
    let period = f.period.trim().to_uppercase();
    let period_ok = match period.split_once("-Q") {
        Some((y, q)) => y.parse::<i32>().is_ok() && matches!(q, "1" | "2" | "3" | "4"),
        None => period.len() == 7 && parse_period(&period).is_some(),
    };
    if !period_ok {
        e.push(FieldError::new("period", "公开期间应写作“2020-Q2”（季度）或“2020-06”（月）"));
    }
    if f.title.trim().is_empty() {
        e.push(FieldError::new("title", "请填写标题"));
    }
    let file = match file {
        Some(u) => Some(
            check_upload(&u.filename, &u.bytes)
                .map(|(n, k)| (n, k, u.bytes))
                .map_err(|m| AppError::Invalid(vec![FieldError::new("file", m)]))?,
        ),
        None => None,
    };
    // The file's text, read outside any transaction and with a time limit.
    let mut file_text = String::new();
    if let Some((name, kind, bytes)) = &file {
        match super::disclosure::extract_text(kind, name, bytes).await {
            Some(t) => file_text = t,
            None if f.file_check.trim().chars().count() < 4 => e.push(FieldError::new(
                "file",
                "该附件无法自动提取文字进行个人信息扫描（图片、扫描件等），请逐页人工核查后在“附件人工核查情况”中写明核查结果",
            )),
            None => {}
        }
    }
    let findings = gongkai_domain::privacy::scan(&format!("{}\n{}\n{}", f.title, f.content, file_text));
    if findings.iter().any(|x| {
        matches!(
            x.kind,
            gongkai_domain::privacy::FindingKind::IdNumber
                | gongkai_domain::privacy::FindingKind::Mobile
                | gongkai_domain::privacy::FindingKind::BankCard
        )
    }) {
        e.push(FieldError::new("content", "内容或附件含有身份证号码、手机号码或银行卡号，请删除或脱敏后再公开"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let village = village.expect("checked");
    if !may_work_on_village(actor, &village) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_disclosure(
        &mut tx,
        village.village_id,
        &f.board,
        &f.category,
        &period,
        f.title.trim(),
        f.content.trim(),
        &today().to_string(),
    )
    .await?;
    if let Some((name, kind, bytes)) = &file {
        let sha = hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
        db::application::insert_attachment(&mut tx, "village_disclosure", id, name, kind, &sha, bytes).await?;
    }
    db::audit::record(
        &mut tx,
        actor,
        "village_disclosure.publish",
        "village_disclosure",
        &id.to_string(),
        None,
        Some(&serde_json::json!({
            "village_id": village.village_id, "board": f.board, "period": period,
            "file_scanned": file.is_some() && !file_text.is_empty(),
            "file_check": (file.is_some() && file_text.is_empty()).then(|| f.file_check.trim().to_string()),
        })),
    )
    .await?;
    db::audit::feed(
        &mut tx,
        "village_disclosure.published",
        "village_disclosure",
        &id.to_string(),
        Some(village.township_unit_id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

// --- villages, budgets, settings ---

pub async fn add_village(state: &AppState, actor: &Actor, township: i64, name: &str, kind: &str) -> Result<i64> {
    if !may_work_on_township(actor, township) {
        return Err(AppError::Forbidden);
    }
    db::org::get_unit(&state.db, township)
        .await?
        .filter(|u| u.kind == "township")
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("township", "请选择乡镇（街道）")]))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(AppError::Invalid(vec![FieldError::new("name", "请填写村（社区）名称")]));
    }
    let kind = if kind == "社区" { "社区" } else { "村" };
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_village(&mut tx, township, name, kind).await?;
    db::audit::record(
        &mut tx,
        actor,
        "village.create",
        "village",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"name": name, "township": township})),
    )
    .await?;
    db::audit::feed(&mut tx, "village.changed", "village", &id.to_string(), Some(township)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A fund program (民生政策) as the office enters it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ProgramForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub min_age: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub policy_basis: String,
    #[serde(default)]
    pub eligibility: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub poverty: String,
}

/// The office adds a fund program: its code, standard and basis are what batches are checked against.
pub async fn create_program(state: &AppState, actor: &Actor, f: &ProgramForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut e = vec![];
    let code = f.code.trim();
    if code.is_empty() || code.len() > 30 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        e.push(FieldError::new("code", "代码应为30个以内的字母、数字、下划线"));
    }
    if f.name.trim().is_empty() || f.name.chars().count() > 100 {
        e.push(FieldError::new("name", "请填写项目名称（100字以内）"));
    }
    let basis = match f.basis.as_str() {
        "person" | "household" | "mu" => f.basis.clone(),
        _ => {
            e.push(FieldError::new("basis", "请选择发放标准的计量单位"));
            String::new()
        }
    };
    let standard =
        Fen::parse_yuan(&f.standard).map_err(|x| e.push(FieldError::new("standard", format!("标准：{x}")))).ok();
    let min_age = match f.min_age.trim() {
        "" => None,
        a => match a.parse::<i64>() {
            Ok(n) if (0..=150).contains(&n) => Some(n),
            _ => {
                e.push(FieldError::new("min_age", "年龄条件应为0至150的整数"));
                None
            }
        },
    };
    let unit_id = f.unit_id.trim().parse::<i64>().ok();
    if let Some(u) = unit_id
        && db::org::get_unit(&state.db, u).await?.is_none()
    {
        e.push(FieldError::new("unit_id", "责任单位不存在"));
    }
    if ldb::programs(&state.db).await?.iter().any(|p| p.code == code) {
        e.push(FieldError::new("code", "该代码已被使用"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let new = ldb::NewProgram {
        code: code.to_string(),
        name: f.name.trim().to_string(),
        basis,
        standard_fen: standard.expect("checked").0,
        min_age,
        unit_id,
        source: f.source.trim().to_string(),
        policy_basis: f.policy_basis.trim().to_string(),
        eligibility: f.eligibility.trim().to_string(),
        valid_from: f.valid_from.trim().to_string(),
        valid_to: String::new(),
        poverty: i64::from(f.poverty == "1"),
    };
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_program(&mut tx, &new).await?;
    db::audit::record(
        &mut tx,
        actor,
        "fund_program.create",
        "fund_program",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"code": new.code, "name": new.name, "standard_fen": new.standard_fen})),
    )
    .await?;
    db::audit::feed(&mut tx, "fund_program.changed", "fund_program", &id.to_string(), None).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_budget(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    year: i64,
    amount: &str,
    source: &str,
) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    ldb::program(&state.db, program_id).await?.ok_or(AppError::NotFound)?;
    let fen = Fen::parse_yuan(amount)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("budget", format!("预算：{e}"))]))?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::Invalid(vec![FieldError::new("year", "年度有误")]));
    }
    let mut tx = state.db.begin().await?;
    ldb::put_budget(&mut tx, program_id, year, fen.0, source.trim()).await?;
    db::audit::record(
        &mut tx,
        actor,
        "fund_budget.set",
        "fund_program",
        &program_id.to_string(),
        None,
        Some(&serde_json::json!({"year": year, "budget_fen": fen.0})),
    )
    .await?;
    db::audit::feed(&mut tx, "fund_program.changed", "fund_program", &program_id.to_string(), None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_settings(state: &AppState, actor: &Actor, complaint_days: &str, cycle: &str) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let days: u32 = complaint_days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=60).contains(d))
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("complaint_days", "办理期限应为1至60个工作日")]))?;
    let cycle = if cycle == "monthly" { "monthly" } else { "quarterly" };
    let mut tx = state.db.begin().await?;
    db::org::put_setting(&mut tx, "livelihood.complaint_days", &days.to_string()).await?;
    db::org::put_setting(&mut tx, "livelihood.disclosure_cycle", cycle).await?;
    db::audit::record(
        &mut tx,
        actor,
        "setting.livelihood",
        "setting",
        "livelihood",
        None,
        Some(&serde_json::json!({"complaint_days": days, "disclosure_cycle": cycle})),
    )
    .await?;
    tx.commit().await?;
    state.reload_settings().await.map_err(AppError::Internal)?;
    Ok(())
}

// --- the office's dashboard line ---

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
    let open: Vec<&ComplaintLine> =
        lines.iter().filter(|l| !matches!(l.status_label.as_str(), "已评价" | "已办结" | "已转其他渠道")).collect();
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
        pending_batches: batches.iter().filter(|b| b.status == "pending").count(),
        open_findings: findings,
        late_villages: late,
    })
}
