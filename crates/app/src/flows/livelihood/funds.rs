//! The public query of funds paid (masked rows) and the citizen's query of their own (查我自己的), throttled.

use super::*;

/// A row as the public sees it: built only through the domain's `PublicRow` (masked name and ID).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicLine {
    pub program: String,
    pub village: String,
    pub name_masked: String,
    pub id_masked: String,
    pub amount: String,
    pub period: String,
}

pub(super) fn public_line(d: &ldb::DisbursementRow, programs: &BTreeMap<i64, String>) -> Option<PublicLine> {
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TotalLine {
    pub program: String,
    pub township: String,
    pub village: String,
    pub period: String,
    pub recipients: i64,
    pub total: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FundView {
    pub totals: Vec<TotalLine>,
    pub grand_total: String,
    pub grand_recipients: i64,
    pub lines: Vec<PublicLine>,
    pub page: i64,
    pub has_more: bool,
}

pub const PAGE_SIZE: i64 = 50;

pub(super) fn id_param(s: &Option<String>) -> Option<i64> {
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
    let id_key = crate::flows::auth::keyed_digest(&state.db, "self_query", id.as_str()).await?;
    let name_key = crate::flows::auth::keyed_digest(&state.db, "self_query", name.trim()).await?;
    crate::flows::auth::admit(&state.db, &format!("selfq:addr:{ip}"), SELF_QUERIES_PER_ADDRESS).await?;
    crate::flows::auth::admit(&state.db, &format!("selfq:id:{id_key}"), SELF_QUERIES_PER_ID).await?;
    crate::flows::auth::admit(&state.db, &format!("selfq:name:{name_key}"), SELF_QUERIES_PER_NAME).await?;
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
