//! The staff pages of 民生监督: batches, findings, programs, villages, projects, disclosures, complaints.

use super::*;

pub(super) async fn staff_index(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let actor = ctx.actor();
    let scope = if actor.is_office() { None } else { user.unit_id };
    let summary = flow::dashboard(&state, scope).await?;
    let batches = flow::batches(&state.db, scope).await?;
    let findings: Vec<_> = if actor.is_office() {
        flow::findings(&state.db, None)
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
    let townships: Vec<_> = crate::flows::org::units(&state.db)
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
            units => crate::flows::org::units(&state.db).await?,
        },
    )
    .await
}

/// Read a multipart form: text fields, and the first non-empty file.
pub(super) async fn read_multipart(mut mp: Multipart) -> Result<(BTreeMap<String, String>, Option<Upload>)> {
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

pub(super) async fn upload_batch(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
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

pub(super) async fn batch(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::DisbursementBatch, id).await?;
    let b = flow::batch_for_staff(&state, &ctx.actor(), id).await?;
    let errors: Vec<gongkai_domain::livelihood::RowError> = serde_json::from_str(&b.errors_json).unwrap_or_default();
    let findings: Vec<_> = flow::findings(&state.db, Some(id))
        .await?
        .into_iter()
        .map(|f| {
            let k = flow::finding_kind_label(&f.kind);
            crate::page! { f => f, kind => k }
        })
        .collect();
    let files = flow::attachments(&state.db, "disbursement_batch", id).await?;
    let total = Fen(b.total_fen).yuan();
    let period = flow::period_label(&b.period_key);
    render(&state, &ctx, "livelihood/staff_batch.html", crate::page! { b => b, errors => errors, findings => findings, files => files, total => total, period => period, is_office => ctx.actor().is_office() }).await
}

pub(super) async fn accept_batch(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::DisbursementBatch, id).await?;
    ctx.require_office()?;
    flow::accept_batch(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/livelihood/batches/{id}")).into_response())
}

pub(super) async fn discard_batch(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::DisbursementBatch, id).await?;
    flow::discard_batch(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/livelihood/batches/{id}")).into_response())
}

pub(super) async fn resolve_finding(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.require_office()?;
    flow::resolve_finding(&state, &ctx.actor(), id).await?;
    Ok(Redirect::to("/staff/livelihood#findings").into_response())
}

#[derive(Deserialize)]
pub(super) struct VillageForm {
    township: String,
    name: String,
    #[serde(default)]
    kind: String,
}

pub(super) async fn add_village(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<VillageForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    flow::add_village(&state, &ctx.actor(), f.township.parse().unwrap_or(0), &f.name, &f.kind).await?;
    Ok(Redirect::to("/staff/livelihood#villages").into_response())
}

pub(super) async fn create_program_form(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<flow::ProgramForm>,
) -> Result<Response> {
    ctx.require_office()?;
    flow::create_program(&state, &ctx.actor(), &f).await?;
    Ok(Redirect::to("/staff/livelihood#programs").into_response())
}

#[derive(Deserialize)]
pub(super) struct BudgetForm {
    program_id: i64,
    year: i64,
    budget: String,
    #[serde(default)]
    source: String,
}

pub(super) async fn set_budget(State(state): State<WebState>, ctx: Ctx, Form(f): Form<BudgetForm>) -> Result<Response> {
    ctx.require_office()?;
    flow::set_budget(&state, &ctx.actor(), f.program_id, f.year, &f.budget, &f.source).await?;
    Ok(Redirect::to("/staff/livelihood#programs").into_response())
}

#[derive(Deserialize)]
pub(super) struct SettingsForm {
    complaint_days: String,
    cycle: String,
}

pub(super) async fn save_settings(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<SettingsForm>,
) -> Result<Response> {
    ctx.require_office()?;
    flow::save_settings(&state, &ctx.actor(), &f.complaint_days, &f.cycle).await?;
    Ok(Redirect::to("/staff/livelihood#settings").into_response())
}

pub(super) async fn staff_complaints(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let scope = if ctx.actor().is_office() { None } else { Some(user.unit_id.ok_or(AppError::Forbidden)?) };
    let lines = flow::complaint_lines(&state, scope, false).await?;
    render(&state, &ctx, "livelihood/staff_complaints.html", crate::page! { lines => lines }).await
}

pub(super) async fn staff_complaint(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Complaint, id).await?;
    let actor = ctx.actor();
    let c = flow::complaint_for_staff(&state, &actor, id).await?;
    let events = flow::complaint_events(&state.db, id).await?;
    let units = crate::flows::org::units(&state.db).await?;
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
pub(super) struct StepForm {
    action: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    redirect: String,
}

pub(super) async fn complaint_step(
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

pub(super) async fn create_project(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(f): Form<ProjectForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    let id = flow::create_project(&state, &ctx.actor(), &f).await?;
    Ok(Redirect::to(&format!("/livelihood/projects/{id}")).into_response())
}

pub(super) async fn project_progress(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Project, id).await?;
    let (fields, photo) = read_multipart(mp).await?;
    let progress = fields.get("progress").and_then(|p| p.trim().parse::<i64>().ok()).unwrap_or(-1);
    let accept = fields.get("accept").is_some_and(|a| a == "1");
    let note = fields.get("note").map(String::as_str).unwrap_or("");
    flow::project_progress(&state, &ctx.actor(), id, flow::ProgressUpdate { progress, note, photo, accept, day: None })
        .await?;
    Ok(Redirect::to(&format!("/livelihood/projects/{id}")).into_response())
}

pub(super) async fn add_disclosure(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
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
