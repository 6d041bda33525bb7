//! 民生监督 pages: the seven public boards under /livelihood (民生政策, 民生资金 with the masked
//! query and 查我自己的, 民生项目, 三资公开, 三务公开, 脱贫攻坚, 投诉举报), their .xlsx exports and JSON,
//! and the staff pages under /staff/livelihood (batches, findings, complaints, projects,
//! disclosures, villages, budgets, settings). Public pages only ever get masked rows from the flows.

use gongkai_domain::org::ObjectKind;
use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use gongkai_domain::livelihood::{ComplaintEvent, Fen};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::templates::render;
use crate::db::{self, livelihood as ldb};
use crate::error::{ApiError, AppError, FieldError, Result};
use crate::flows::application::Upload;
use crate::flows::livelihood::{self as flow, ComplaintForm, DisclosureForm, FundQuery, ProjectForm};
use crate::state::today;

/// "查我自己的": at most this many queries a minute from one address.
pub const SELF_QUERY_PER_MINUTE: u32 = 30;

pub fn router() -> Router<WebState> {
    Router::new()
        .route("/livelihood", get(index))
        .route("/livelihood/policies", get(policies))
        .route("/livelihood/funds", get(funds))
        .route("/livelihood/funds.xlsx", get(funds_xlsx))
        .route("/livelihood/funds/mine", get(mine_form).post(mine))
        .route("/livelihood/projects", get(projects))
        .route("/livelihood/projects.xlsx", get(projects_xlsx))
        .route("/livelihood/projects/{id}", get(project))
        .route("/livelihood/sanzi", get(sanzi))
        .route("/livelihood/sanwu", get(sanwu))
        .route("/livelihood/poverty", get(poverty))
        .route("/livelihood/complaints", get(complaints).post(submit_complaint))
        .route("/livelihood/complaints/new", get(new_complaint))
        .route("/livelihood/complaints/track", get(track_complaint).post(act_on_complaint))
        .route("/livelihood/files/{id}", get(public_file))
        .route("/api/v1/livelihood/funds", get(api_funds))
        .route("/api/v1/livelihood/projects", get(api_projects))
        .route("/staff/livelihood", get(staff_index))
        .route("/staff/livelihood/batches", post(upload_batch))
        .route("/staff/livelihood/batches/{id}", get(batch))
        .route("/staff/livelihood/batches/{id}/accept", post(accept_batch))
        .route("/staff/livelihood/batches/{id}/discard", post(discard_batch))
        .route("/staff/livelihood/findings/{id}/resolve", post(resolve_finding))
        .route("/staff/livelihood/villages", post(add_village))
        .route("/staff/livelihood/programs", post(create_program_form))
        .route("/staff/livelihood/budgets", post(set_budget))
        .route("/staff/livelihood/settings", post(save_settings))
        .route("/staff/livelihood/complaints", get(staff_complaints))
        .route("/staff/livelihood/complaints/{id}", get(staff_complaint))
        .route("/staff/livelihood/complaints/{id}/step", post(complaint_step))
        .route("/staff/livelihood/projects", post(create_project))
        .route("/staff/livelihood/projects/{id}/progress", post(project_progress))
        .route("/staff/livelihood/disclosures", post(add_disclosure))
}

fn nav() -> &'static str {
    "livelihood"
}

async fn choices(state: &WebState) -> Result<minijinja::Value> {
    let villages = ldb::villages(&state.db).await?;
    let programs = ldb::programs(&state.db).await?;
    let periods = ldb::period_keys(&state.db).await?;
    let periods: Vec<_> = periods.iter().map(|p| crate::page! { key => p, label => flow::period_label(p) }).collect();
    let mut years: Vec<String> = ldb::period_keys(&state.db).await?.iter().map(|p| p[..4].to_string()).collect();
    years.dedup();
    let years: Vec<_> = years.iter().map(|y| crate::page! { key => y, label => format!("{y}年全年") }).collect();
    Ok(crate::page! { villages => villages, programs => programs, periods => periods, years => years })
}

// --- public boards ---

async fn index(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
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
struct PolicyView {
    program: ldb::ProgramRow,
    standard: String,
    basis_label: &'static str,
    unit_name: String,
    budgets: Vec<(i64, String, String)>,
}

async fn policy_views(state: &WebState, poverty_only: bool) -> Result<Vec<PolicyView>> {
    let units: BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let budgets = ldb::budgets(&state.db).await?;
    Ok(ldb::programs(&state.db)
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

async fn policies(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let list = policy_views(&state, false).await?;
    render(&state, &ctx, "livelihood/policies.html", crate::page! { nav => nav(), policies => list }).await
}

async fn funds(State(state): State<WebState>, ctx: Ctx, Query(q): Query<FundQuery>) -> Result<Html<String>> {
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

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn xlsx_response(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, XLSX.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

fn write_sheet(title: &str, head: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
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
async fn funds_xlsx(State(state): State<WebState>, Query(q): Query<FundQuery>) -> Result<Response> {
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
struct MineForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    name: String,
}

async fn mine_form(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    render(&state, &ctx, "livelihood/mine.html", crate::page! { nav => nav() }).await
}

/// POST, so that the ID number never sits in a URL or an access log.
async fn mine(State(state): State<WebState>, ctx: Ctx, Form(f): Form<MineForm>) -> Result<Response> {
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
struct VillageQuery {
    #[serde(default)]
    village: Option<String>,
}

fn village_param(q: &VillageQuery) -> Option<i64> {
    q.village.as_deref().and_then(|v| v.trim().parse().ok())
}

async fn projects(State(state): State<WebState>, ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Html<String>> {
    let list = flow::project_views(&state, village_param(&q), false).await?;
    let villages = ldb::villages(&state.db).await?;
    render(
        &state,
        &ctx,
        "livelihood/projects.html",
        crate::page! { nav => nav(), projects => list, villages => villages, village => village_param(&q) },
    )
    .await
}

async fn projects_xlsx(State(state): State<WebState>, Query(q): Query<VillageQuery>) -> Result<Response> {
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

async fn project(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let p = ldb::project(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let view = flow::project_view(p, today());
    let mut updates = vec![];
    for u in ldb::project_updates(&state.db, id).await? {
        let files = db::application::attachments(&state.db, "project_update", u.project_update_id).await?;
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

async fn disclosure_board(state: &WebState, ctx: &Ctx, board: &str, q: &VillageQuery) -> Result<Html<String>> {
    let village = village_param(q);
    let mut items = vec![];
    for d in ldb::disclosures(&state.db, board, village).await? {
        let files = db::application::attachments(&state.db, "village_disclosure", d.village_disclosure_id).await?;
        let label = flow::category_label(board, &d.category);
        let period = flow::period_label(&d.period_key);
        items.push(crate::page! { d => d, files => files, category => label, period => period });
    }
    let late = flow::late_villages(state, board, None).await?;
    let villages = ldb::villages(&state.db).await?;
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

async fn sanzi(State(state): State<WebState>, ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Html<String>> {
    disclosure_board(&state, &ctx, "sanzi", &q).await
}

async fn sanwu(State(state): State<WebState>, ctx: Ctx, Query(q): Query<VillageQuery>) -> Result<Html<String>> {
    disclosure_board(&state, &ctx, "sanwu", &q).await
}

async fn poverty(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
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

async fn complaints(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
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

async fn complaint_choices(state: &WebState) -> Result<minijinja::Value> {
    let villages = ldb::villages(&state.db).await?;
    let programs = ldb::programs(&state.db).await?;
    let projects = ldb::projects(&state.db, None, false).await?;
    let kinds: Vec<_> = flow::SUBJECT_KINDS.iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
    Ok(crate::page! { villages => villages, programs => programs, projects => projects, kinds => kinds })
}

async fn new_complaint(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
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

async fn submit_complaint(
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
struct TrackForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    rating: String,
}

async fn track_complaint(State(state): State<WebState>, ctx: Ctx, Query(q): Query<TrackForm>) -> Result<Response> {
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
async fn act_on_complaint(State(state): State<WebState>, ctx: Ctx, Form(f): Form<TrackForm>) -> Result<Response> {
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
async fn public_file(State(state): State<WebState>, Path(id): Path<i64>) -> Result<Response> {
    let (meta, bytes) = db::application::attachment_content(&state.db, id).await?.ok_or(AppError::NotFound)?;
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

async fn api_funds(
    State(state): State<WebState>,
    Query(q): Query<FundQuery>,
) -> std::result::Result<Json<flow::FundView>, ApiError> {
    Ok(Json(flow::public_funds(&state, &q, flow::PAGE_SIZE).await?))
}

async fn api_projects(
    State(state): State<WebState>,
    Query(q): Query<VillageQuery>,
) -> std::result::Result<Json<Vec<flow::ProjectView>>, ApiError> {
    Ok(Json(flow::project_views(&state, village_param(&q), false).await?))
}

// --- staff ---

async fn staff_index(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let actor = ctx.actor();
    let scope = if actor.is_office() { None } else { user.unit_id };
    let summary = flow::dashboard(&state, scope).await?;
    let batches = ldb::batches(&state.db, scope).await?;
    let findings: Vec<_> = if actor.is_office() {
        ldb::findings(&state.db, None)
            .await?
            .into_iter()
            .filter(|f| f.resolved == 0)
            .take(100)
            .map(|f| {
                let k = flow::finding_kind_label(&f.kind);
                crate::page! { f => f, kind => k }
            })
            .collect()
    } else {
        vec![]
    };
    let townships: Vec<_> = db::org::list_units(&state.db)
        .await?
        .into_iter()
        .filter(|u| u.kind == "township" && (scope.is_none() || Some(u.unit_id) == scope))
        .collect();
    let mut late = flow::late_villages(&state, "sanzi", scope).await?;
    late.extend(flow::late_villages(&state, "sanwu", scope).await?);
    let township_ids: Vec<i64> = townships.iter().map(|t| t.unit_id).collect();
    let days = flow::complaint_days(&state);
    let quarterly = flow::quarterly(&state);
    let boards: Vec<_> = ["sanzi", "sanwu"]
        .iter()
        .map(|b| {
            let cats: Vec<_> =
                flow::categories(b).iter().map(|(c, l)| crate::page! { code => c, label => l }).collect();
            crate::page! { code => b, label => if *b == "sanzi" { "三资公开" } else { "三务公开" }, categories => cats }
        })
        .collect();
    render(
        &state,
        &ctx,
        "livelihood/staff_index.html",
        crate::page! {
            summary => summary, batches => batches, findings => findings, townships => townships, late => late,
            choices => choices(&state).await?, days => days, quarterly => quarterly, is_office => actor.is_office(),
            boards => boards, township_ids => township_ids, this_year => chrono::Datelike::year(&today()),
            units => db::org::list_units(&state.db).await?,
        },
    )
    .await
}

/// Read a multipart form: text fields, and the first non-empty file.
async fn read_multipart(mut mp: Multipart) -> Result<(BTreeMap<String, String>, Option<Upload>)> {
    let mut fields = BTreeMap::new();
    let mut upload = None;
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("文件过大或上传中断".into()))?;
            if upload.is_none() && !filename.is_empty() && !bytes.is_empty() {
                upload = Some(Upload { filename, bytes: bytes.to_vec() });
            }
        } else {
            let text =
                field.text().await.map_err(|_| AppError::BadRequest("表单内容不是有效的文本（UTF-8）".into()))?;
            fields.insert(name, text);
        }
    }
    Ok((fields, upload))
}

async fn upload_batch(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let (fields, file) = read_multipart(mp).await?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let (filename, bytes) = file.map(|u| (u.filename, u.bytes)).unwrap_or_default();
    let r = flow::upload_batch(
        &state,
        &ctx.actor(),
        get("program_id").parse().unwrap_or(0),
        get("township").parse().unwrap_or(0),
        &get("period"),
        &filename,
        &bytes,
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/livelihood/batches/{}", r.batch_id)).into_response())
}

async fn batch(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::DisbursementBatch, id).await?;
    let b = flow::batch_for_staff(&state, &ctx.actor(), id).await?;
    let errors: Vec<gongkai_domain::livelihood::RowError> = serde_json::from_str(&b.errors_json).unwrap_or_default();
    let findings: Vec<_> = ldb::findings(&state.db, Some(id))
        .await?
        .into_iter()
        .map(|f| {
            let k = flow::finding_kind_label(&f.kind);
            crate::page! { f => f, kind => k }
        })
        .collect();
    let files = db::application::attachments(&state.db, "disbursement_batch", id).await?;
    let total = Fen(b.total_fen).yuan();
    let period = flow::period_label(&b.period_key);
    render(&state, &ctx, "livelihood/staff_batch.html", crate::page! { b => b, errors => errors, findings => findings, files => files, total => total, period => period, is_office => ctx.actor().is_office() }).await
}

async fn accept_batch(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::DisbursementBatch, id).await?;
    ctx.require_office()?;
    flow::accept_batch(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/livelihood/batches/{id}")).into_response())
}

async fn discard_batch(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::DisbursementBatch, id).await?;
    flow::discard_batch(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/livelihood/batches/{id}")).into_response())
}

async fn resolve_finding(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_office()?;
    flow::resolve_finding(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to("/staff/livelihood#findings").into_response())
}

#[derive(Deserialize)]
struct VillageForm {
    township: String,
    name: String,
    #[serde(default)]
    kind: String,
}

async fn add_village(State(state): State<WebState>, ctx: Ctx, Form(f): Form<VillageForm>) -> Result<Response> {
    ctx.require_staff()?;
    flow::add_village(&state, &ctx.actor(), f.township.parse().unwrap_or(0), &f.name, &f.kind).await?;
    Ok(Redirect::to("/staff/livelihood#villages").into_response())
}

async fn create_program_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<flow::ProgramForm>,
) -> Result<Response> {
    ctx.require_office()?;
    flow::create_program(&state, &ctx.actor(), &f).await?;
    Ok(Redirect::to("/staff/livelihood#programs").into_response())
}

#[derive(Deserialize)]
struct BudgetForm {
    program_id: i64,
    year: i64,
    budget: String,
    #[serde(default)]
    source: String,
}

async fn set_budget(State(state): State<WebState>, ctx: Ctx, Form(f): Form<BudgetForm>) -> Result<Response> {
    ctx.require_office()?;
    flow::set_budget(&state, &ctx.actor(), f.program_id, f.year, &f.budget, &f.source).await?;
    Ok(Redirect::to("/staff/livelihood#programs").into_response())
}

#[derive(Deserialize)]
struct SettingsForm {
    complaint_days: String,
    cycle: String,
}

async fn save_settings(State(state): State<WebState>, ctx: Ctx, Form(f): Form<SettingsForm>) -> Result<Response> {
    ctx.require_office()?;
    flow::save_settings(&state, &ctx.actor(), &f.complaint_days, &f.cycle).await?;
    Ok(Redirect::to("/staff/livelihood#settings").into_response())
}

async fn staff_complaints(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let scope = if ctx.actor().is_office() { None } else { Some(user.unit_id.ok_or(AppError::Forbidden)?) };
    let lines = flow::complaint_lines(&state, scope, false).await?;
    render(&state, &ctx, "livelihood/staff_complaints.html", crate::page! { lines => lines }).await
}

async fn staff_complaint(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Complaint, id).await?;
    let actor = ctx.actor();
    let c = flow::complaint_for_staff(&state, &actor, id).await?;
    let events = ldb::complaint_events(&state.db, id).await?;
    let units = db::org::list_units(&state.db).await?;
    let status = flow::complaint_status(&c.status);
    let overdue = flow::is_overdue(&c, today());
    let redirects: Vec<_> = [
        ("information_request", "转为政府信息公开申请办理"),
        ("petition", "告知通过信访渠道提出"),
        ("out_of_scope", "告知向有权机关提出"),
        ("duplicate", "与已受理投诉重复，合并办理"),
    ]
    .iter()
    .map(|(c, l)| crate::page! { code => c, label => l })
    .collect();
    let rating = c.rating.as_deref().map(flow::rating_label).unwrap_or("");
    render(
        &state,
        &ctx,
        "livelihood/staff_complaint.html",
        crate::page! { c => c, events => events, units => units, status_label => status.label(), status => flow::status_code(status), overdue => overdue, is_office => actor.is_office(), redirects => redirects, rating => rating },
    )
    .await
}

#[derive(Deserialize)]
struct StepForm {
    action: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    redirect: String,
}

async fn complaint_step(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Complaint, id).await?;
    let actor = ctx.actor();
    let c = flow::complaint_for_staff(&state, &actor, id).await?;
    let event = match f.action.as_str() {
        "assign" => ComplaintEvent::Assign,
        "reply" => ComplaintEvent::Reply,
        "reopen" => ComplaintEvent::Reopen,
        "close" => ComplaintEvent::CloseUnrated,
        "redirect" => ComplaintEvent::Redirect(
            flow::parse_redirect(&f.redirect)
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("redirect", "请选择转办渠道")]))?,
        ),
        _ => return Err(AppError::BadRequest("未知操作".into())),
    };
    flow::complaint_step(&state, &actor, c, event, f.unit_id.trim().parse().ok(), &f.note, None).await?;
    Ok(Redirect::to(&format!("/staff/livelihood/complaints/{id}")).into_response())
}

async fn create_project(State(state): State<WebState>, ctx: Ctx, Form(f): Form<ProjectForm>) -> Result<Response> {
    ctx.require_staff()?;
    let id = flow::create_project(&state, &ctx.actor(), &f).await?;
    Ok(Redirect::to(&format!("/livelihood/projects/{id}")).into_response())
}

async fn project_progress(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Project, id).await?;
    let (fields, photo) = read_multipart(mp).await?;
    let progress = fields.get("progress").and_then(|p| p.trim().parse::<i64>().ok()).unwrap_or(-1);
    let accept = fields.get("accept").is_some_and(|a| a == "1");
    flow::project_progress(
        &state,
        &ctx.actor(),
        id,
        progress,
        fields.get("note").map(String::as_str).unwrap_or(""),
        photo,
        accept,
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/livelihood/projects/{id}")).into_response())
}

async fn add_disclosure(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let (fields, file) = read_multipart(mp).await?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let (board, category) = match get("category_full").split_once(':') {
        Some((b, c)) => (b.to_string(), c.to_string()),
        None => (get("board"), get("category")),
    };
    let f = DisclosureForm {
        village_id: get("village_id"),
        board,
        category,
        period: get("period"),
        title: get("title"),
        content: get("content"),
        file_check: get("file_check"),
    };
    flow::add_disclosure(&state, &ctx.actor(), &f, file).await?;
    Ok(Redirect::to(&format!(
        "/livelihood/{}?village={}",
        if f.board == "sanzi" { "sanzi" } else { "sanwu" },
        f.village_id
    ))
    .into_response())
}
