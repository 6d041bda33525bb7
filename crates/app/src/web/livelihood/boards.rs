//! The public 民生 boards: funds, the citizen's own query, projects, village disclosures, complaints.

use super::*;

pub(super) async fn index(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let v = flow::public_funds(&state, &FundQuery::default(), 0).await?;
    let projects = flow::project_views(&state, None, false).await?;
    let complaints = flow::complaint_lines(&state, None, true).await?;
    let stats = crate::page! {
        fund_total => v.grand_total,
        recipients => v.grand_recipients,
        projects => projects.len(),
        projects_overdue => projects.iter().filter(|p| p.overdue).count(),
        complaints => complaints.len(),
        replied => complaints.iter().filter(|c| !c.reply.is_empty()).count(),
    };
    render(&state, &ctx, "livelihood/index.html", crate::page! { nav => nav(), stats => stats }).await
}

#[derive(serde::Serialize)]
pub(super) struct PolicyView {
    program: flow::ProgramRow,
    standard: String,
    basis_label: &'static str,
    unit_name: String,
    budgets: Vec<(i64, String, String)>,
}

pub(super) async fn policy_views(state: &WebState, poverty_only: bool) -> Result<Vec<PolicyView>> {
    let units: BTreeMap<i64, String> =
        crate::flows::org::units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let budgets = flow::budgets(&state.db).await?;
    Ok(flow::programs(&state.db)
        .await?
        .into_iter()
        .filter(|p| !poverty_only || p.poverty == 1)
        .map(|p| {
            let prog = flow::program_of(&p);
            PolicyView {
                standard: prog.standard.yuan(),
                basis_label: prog.basis.unit_label(),
                unit_name: p.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
                budgets: budgets
                    .iter()
                    .filter(|b| b.program_id == p.program_id)
                    .map(|b| (b.year, Fen(b.budget_fen).yuan(), b.source.clone()))
                    .collect(),
                program: p,
            }
        })
        .collect())
}

pub(super) async fn policies(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let list = policy_views(&state, false).await?;
    render(&state, &ctx, "livelihood/policies.html", crate::page! { nav => nav(), policies => list }).await
}

pub(super) async fn funds(State(state): State<WebState>, ctx: Ctx, Query(q): Query<FundQuery>) -> Result<Html<String>> {
    let v = flow::public_funds(&state, &q, flow::PAGE_SIZE).await?;
    let export = serde_urlencoded::to_string([
        ("program", q.program.clone().unwrap_or_default()),
        ("village", q.village.clone().unwrap_or_default()),
        ("period", q.period.clone().unwrap_or_default()),
    ])
    .unwrap_or_default();
    render(
        &state,
        &ctx,
        "livelihood/funds.html",
        crate::page! { nav => nav(), v => v, q => q, choices => choices(&state).await?, export => export },
    )
    .await
}

pub(super) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(super) fn xlsx_response(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, XLSX.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

pub(super) fn write_sheet(title: &str, head: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("writing .xlsx failed: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin);
    let body = Format::new().set_border(FormatBorder::Thin);
    let ws = wb.add_worksheet().set_name(title).map_err(xerr)?;
    for (i, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold).map_err(xerr)?;
        ws.set_column_width(i as u16, 18).map_err(xerr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 1, c as u16, v, &body).map_err(xerr)?;
        }
    }
    wb.save_to_buffer().map_err(xerr)
}

/// The masked list as Excel (at most 50 000 rows; narrow the query for more).
pub(super) async fn funds_xlsx(State(state): State<WebState>, Query(q): Query<FundQuery>) -> Result<Response> {
    let v = flow::public_funds(&state, &FundQuery { page: None, ..q }, 50_000).await?;
    let rows: Vec<Vec<String>> = v
        .lines
        .iter()
        .map(|l| {
            vec![
                l.program.clone(),
                l.period.clone(),
                l.village.clone(),
                l.name_masked.clone(),
                l.id_masked.clone(),
                l.amount.clone(),
            ]
        })
        .collect();
    let bytes = write_sheet(
        "民生资金发放公示",
        &["资金项目", "发放期间", "村（社区）", "姓名", "身份证号码", "发放金额（元）"],
        &rows,
    )?;
    Ok(xlsx_response("livelihood-funds.xlsx", bytes))
}

#[derive(Deserialize, Default)]
pub(super) struct MineForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    name: String,
}

pub(super) async fn mine_form(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    render(&state, &ctx, "livelihood/mine.html", crate::page! { nav => nav() }).await
}

/// POST, so that the ID number never sits in a URL or an access log.
pub(super) async fn mine(State(state): State<WebState>, ctx: Ctx, Form(f): Form<MineForm>) -> Result<Response> {
    // The per-node limiter sheds floods cheaply; the statutory limits are counted in the database.
    state.limiter.limit("livelihood-self-query", ctx.ip, SELF_QUERY_PER_MINUTE)?;
    match flow::self_query(&state, &ctx.ip.to_string(), &f.id_number, &f.name).await {
        Ok(r) => {
            let found = !r.lines.is_empty();
            let page = render(
                &state,
                &ctx,
                "livelihood/mine.html",
                crate::page! { nav => nav(), r => r, asked => true, found => found },
            )
            .await?;
            // The same status found or not: the answer's status is no oracle for scripts.
            Ok((StatusCode::OK, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let page =
                render(&state, &ctx, "livelihood/mine.html", crate::page! { nav => nav(), errors => errors }).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct VillageQuery {
    #[serde(default)]
    village: Option<String>,
}

pub(super) fn village_param(q: &VillageQuery) -> Option<i64> {
    q.village.as_deref().and_then(|v| v.trim().parse().ok())
}

pub(super) async fn projects(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<VillageQuery>,
) -> Result<Html<String>> {
    let list = flow::project_views(&state, village_param(&q), false).await?;
    let villages = flow::villages(&state.db).await?;
    render(
        &state,
        &ctx,
        "livelihood/projects.html",
        crate::page! { nav => nav(), projects => list, villages => villages, village => village_param(&q) },
    )
    .await
}

pub(super) async fn projects_xlsx(State(state): State<WebState>, Query(q): Query<VillageQuery>) -> Result<Response> {
    let list = flow::project_views(&state, village_param(&q), false).await?;
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|p| {
            let x = &p.project;
            vec![
                x.name.clone(),
                format!("{}{}", x.township, x.village),
                p.budget.clone(),
                x.source.clone(),
                x.contractor.clone(),
                format!("{} 至 {}", x.planned_start, x.planned_end),
                x.actual_start.clone().unwrap_or_default(),
                x.actual_end.clone().unwrap_or_default(),
                format!("{}%", x.progress),
                p.stage.to_string(),
                if p.overdue { "逾期".into() } else { String::new() },
            ]
        })
        .collect();
    let bytes = write_sheet(
        "民生项目",
        &[
            "项目名称",
            "地点",
            "预算（元）",
            "资金来源",
            "承建单位",
            "计划工期",
            "实际开工",
            "实际完工",
            "进度",
            "阶段",
            "是否逾期",
        ],
        &rows,
    )?;
    Ok(xlsx_response("livelihood-projects.xlsx", bytes))
}

pub(super) async fn project(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let p = flow::project(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let view = flow::project_view(p, today());
    let mut updates = vec![];
    for u in flow::project_updates(&state.db, id).await? {
        let files = flow::attachments(&state.db, "project_update", u.project_update_id).await?;
        updates.push(crate::page! { u => u, files => files });
    }
    let staff = ctx.user.is_some();
    render(
        &state,
        &ctx,
        "livelihood/project.html",
        crate::page! { nav => nav(), p => view, updates => updates, staff => staff, today => today().to_string() },
    )
    .await
}

pub(super) async fn disclosure_board(
    state: &WebState,
    ctx: &Ctx,
    board: &str,
    q: &VillageQuery,
) -> Result<Html<String>> {
    let village = village_param(q);
    let mut items = vec![];
    for d in flow::disclosures(&state.db, board, village).await? {
        let files = flow::attachments(&state.db, "village_disclosure", d.village_disclosure_id).await?;
        let label = flow::category_label(board, &d.category);
        let period = flow::period_label(&d.period_key);
        items.push(crate::page! { d => d, files => files, category => label, period => period });
    }
    let late = flow::late_villages(state, board, None).await?;
    let villages = flow::villages(&state.db).await?;
    let title = if board == "sanzi" { "三资公开" } else { "三务公开" };
    let cats: Vec<_> = flow::categories(board).iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
    render(
        state,
        ctx,
        "livelihood/disclosures.html",
        crate::page! { nav => nav(), board => board, title => title, items => items, late => late, villages => villages, village => village, categories => cats },
    )
    .await
}

pub(super) async fn sanzi(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<VillageQuery>,
) -> Result<Html<String>> {
    disclosure_board(&state, &ctx, "sanzi", &q).await
}

pub(super) async fn sanwu(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<VillageQuery>,
) -> Result<Html<String>> {
    disclosure_board(&state, &ctx, "sanwu", &q).await
}

pub(super) async fn poverty(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let policies = policy_views(&state, true).await?;
    let projects = flow::project_views(&state, None, true).await?;
    let mut totals = vec![];
    for p in &policies {
        let v = flow::public_funds(
            &state,
            &FundQuery { program: Some(p.program.program_id.to_string()), ..Default::default() },
            0,
        )
        .await?;
        totals.push(crate::page! { program_id => p.program.program_id, name => p.program.name.clone(), total => v.grand_total, recipients => v.grand_recipients });
    }
    render(
        &state,
        &ctx,
        "livelihood/poverty.html",
        crate::page! { nav => nav(), policies => policies, projects => projects, totals => totals },
    )
    .await
}

pub(super) async fn complaints(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let lines = flow::complaint_lines(&state, None, true).await?;
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lines {
        *by_status.entry(l.status_label.clone()).or_default() += 1;
    }
    let overdue = lines.iter().filter(|l| l.overdue).count();
    let days = flow::complaint_days(&state);
    render(
        &state,
        &ctx,
        "livelihood/complaints.html",
        crate::page! { nav => nav(), lines => lines, by_status => by_status, overdue => overdue, days => days },
    )
    .await
}

pub(super) async fn complaint_choices(state: &WebState) -> Result<minijinja::Value> {
    let villages = flow::villages(&state.db).await?;
    let programs = flow::programs(&state.db).await?;
    let projects = flow::projects(&state.db, None, false).await?;
    let kinds: Vec<_> = flow::SUBJECT_KINDS.iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
    Ok(crate::page! { villages => villages, programs => programs, projects => projects, kinds => kinds })
}

pub(super) async fn new_complaint(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let form = ComplaintForm {
        subject_kind: "fund".into(),
        idempotency_key: crate::flows::auth::random_token()[..32].to_string(),
        ..Default::default()
    };
    let days = flow::complaint_days(&state);
    render(
        &state,
        &ctx,
        "livelihood/complaint_new.html",
        crate::page! { nav => nav(), form => form, choices => complaint_choices(&state).await?, days => days },
    )
    .await
}

pub(super) async fn submit_complaint(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<ComplaintForm>,
) -> Result<Response> {
    state.limiter.limit("public-submit", ctx.ip, state.config.public_submissions_per_minute)?;
    // 条例第三十九条 in reverse: a request for information belongs to 依申请公开; say so first.
    if form.confirmed != "1" && flow::looks_like_information_request(&format!("{}{}", form.title, form.content)) {
        let days = flow::complaint_days(&state);
        let page = render(&state, &ctx, "livelihood/complaint_new.html", crate::page! { nav => nav(), form => form, choices => complaint_choices(&state).await?, days => days, info_request => true }).await?;
        return Ok((StatusCode::OK, page).into_response());
    }
    match flow::submit_complaint(&state, &ctx.actor(), &form, None).await {
        Ok(s) => {
            let page =
                render(&state, &ctx, "livelihood/complaint_submitted.html", crate::page! { nav => nav(), s => s })
                    .await?;
            Ok((StatusCode::CREATED, page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let days = flow::complaint_days(&state);
            let page = render(&state, &ctx, "livelihood/complaint_new.html", crate::page! { nav => nav(), form => form, errors => errors, choices => complaint_choices(&state).await?, days => days }).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct TrackForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    rating: String,
}

pub(super) async fn track_complaint(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TrackForm>,
) -> Result<Response> {
    if q.code.trim().is_empty() {
        return Ok(render(&state, &ctx, "livelihood/complaint_track.html", crate::page! { nav => nav() })
            .await?
            .into_response());
    }
    state.limiter.limit("public-track", ctx.ip, 60)?;
    match flow::public_complaint(&state, &q.code, &q.secret).await {
        Ok((_, c)) => Ok(render(
            &state,
            &ctx,
            "livelihood/complaint_track.html",
            crate::page! { nav => nav(), c => c, code => q.code, secret => q.secret },
        )
        .await?
        .into_response()),
        Err(AppError::NotFound) => {
            let page = render(
                &state,
                &ctx,
                "livelihood/complaint_track.html",
                crate::page! { nav => nav(), code => q.code, error => "查询码或查询密码不正确" },
            )
            .await?;
            Ok((StatusCode::NOT_FOUND, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The complainant rates the reply or asks for it to be handled again (code and secret prove it).
pub(super) async fn act_on_complaint(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<TrackForm>,
) -> Result<Response> {
    // The tracking form posts (no secret in an address); with an action, the complainant rates or
    // reopens, then sees the page again.
    if f.action.is_empty() {
        return track_complaint(State(state), ctx, Query(f)).await;
    }
    state.limiter.limit("public-track", ctx.ip, 60)?;
    let (row, _) = flow::public_complaint(&state, &f.code, &f.secret).await?;
    let event = match f.action.as_str() {
        "rate" => ComplaintEvent::Rate(
            flow::parse_rating(&f.rating)
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("rating", "请选择评价")]))?,
        ),
        "reopen" => ComplaintEvent::Reopen,
        _ => return Err(AppError::BadRequest("未知操作".into())),
    };
    flow::complaint_step(&state, &crate::flows::Actor::public(&ctx.ip.to_string()), row, event, None, "", None).await?;
    let f = TrackForm { code: f.code.trim().to_string(), secret: f.secret.trim().to_string(), ..Default::default() };
    track_complaint(State(state), ctx, Query(f)).await
}

/// Files of village disclosures and project updates (public by nature); nothing else.
pub(super) async fn public_file(State(state): State<WebState>, Path(id): Path<i64>) -> Result<Response> {
    let (meta, bytes) = flow::attachment_content(&state.db, id).await?;
    if meta.owner_type != "village_disclosure" && meta.owner_type != "project_update" {
        return Err(AppError::NotFound);
    }
    let disposition = if meta.content_type.starts_with("image/") {
        "inline".to_string()
    } else {
        format!("attachment; filename=\"file-{id}\"")
    };
    Ok(([(header::CONTENT_TYPE, meta.content_type), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

pub(super) async fn api_funds(
    State(state): State<WebState>,
    Query(q): Query<FundQuery>,
) -> std::result::Result<Json<flow::FundView>, ApiError> {
    Ok(Json(flow::public_funds(&state, &q, flow::PAGE_SIZE).await?))
}

pub(super) async fn api_projects(
    State(state): State<WebState>,
    Query(q): Query<VillageQuery>,
) -> std::result::Result<Json<Vec<flow::ProjectView>>, ApiError> {
    Ok(Json(flow::project_views(&state, village_param(&q), false).await?))
}
