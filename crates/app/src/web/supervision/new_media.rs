//! 政务新媒体 pages: the register, an account, posts logged or imported, reminders.

use super::*;

pub(super) async fn accounts_page(
    state: &WebState,
    ctx: &Ctx,
    form: AccountForm,
    errors: Vec<crate::error::FieldError>,
    import: Option<flow::PostImport>,
) -> Result<Html<String>> {
    let t = today();
    let list = flow::accounts(state, &ctx.actor(), t).await?;
    let units = crate::flows::org::units(&state.db).await?;
    let counts = crate::page! {
        total => list.len(),
        normal => list.iter().filter(|a| a.state == AccountStatus::Normal).count(),
        dormant => list.iter().filter(|a| a.state == AccountStatus::Dormant).count(),
        zombie => list.iter().filter(|a| a.state == AccountStatus::Zombie).count(),
        closed => list.iter().filter(|a| a.state == AccountStatus::Closed).count(),
    };
    render(
        state,
        ctx,
        "supervision/new_media.html",
        crate::page! {
            accounts => list, units => units, platforms => flow::platform_choices(), form => form, errors => errors,
            import => import, counts => counts, today => t.to_string(), zombie_days => flow::zombie_after_days(state),
        },
    )
    .await
}

pub(super) async fn accounts(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    let form = AccountForm {
        opened_on: today().to_string(),
        unit_id: ctx.actor().unit_id.map(|u| u.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    accounts_page(&state, &ctx, form, vec![], None).await
}

pub(super) async fn create_account(
    State(state): State<WebState>,
    ctx: Ctx,
    Form(form): Form<AccountForm>,
) -> Result<Response> {
    ctx.require_staff()?;
    match flow::create_account(&state.db, &ctx.actor(), &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/staff/new-media/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, accounts_page(&state, &ctx, form, errors, None).await?)
                .into_response())
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn import_posts(State(state): State<WebState>, ctx: Ctx, mut mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let mut csv = String::new();
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        if field.name() == Some("file") || field.name() == Some("csv") {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("文件过大或上传中断".into()))?;
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::BadRequest("CSV 文件应为 UTF-8 编码".into()))?;
            csv.push_str(&text);
            csv.push('\n');
        }
    }
    let result = flow::import_posts(&state, &ctx.actor(), &csv, today()).await?;
    Ok(accounts_page(&state, &ctx, AccountForm::default(), vec![], Some(result)).await?.into_response())
}

pub(super) async fn remind(State(state): State<WebState>, ctx: Ctx) -> Result<Response> {
    ctx.require_office()?;
    flow::weekly_reminders(&state, today()).await?;
    Ok(Redirect::to("/staff/new-media").into_response())
}

pub(super) async fn account_page(
    state: &WebState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<crate::error::FieldError>,
) -> Result<Html<String>> {
    let t = today();
    let a = flow::account(state, &ctx.actor(), id, t).await?;
    let posts = flow::posts(&state.db, id, 200).await?;
    render(
        state,
        ctx,
        "supervision/account.html",
        crate::page! { a => a, posts => posts, errors => errors, today => t.to_string() },
    )
    .await
}

pub(super) async fn account(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    account_page(&state, &ctx, id, vec![]).await
}

#[derive(Deserialize)]
pub(super) struct AccountUpdate {
    #[serde(default)]
    manager: String,
    #[serde(default)]
    closed_on: String,
}

pub(super) async fn update_account(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AccountUpdate>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    match flow::update_account(&state, &ctx.actor(), id, &f.manager, &f.closed_on, today()).await {
        Ok(()) => Ok(Redirect::to(&format!("/staff/new-media/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&state, &ctx, id, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub(super) struct PostForm {
    #[serde(default)]
    posted_on: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
}

pub(super) async fn log_post(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PostForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    match flow::log_post(
        &state,
        &ctx.actor(),
        id,
        flow::NewPost { posted_on: &f.posted_on, title: &f.title, url: &f.url, source: "manual" },
        today(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/staff/new-media/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account_page(&state, &ctx, id, errors).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/v1/new-media/{id}/posts` with `Authorization: Bearer …` and `{"posted_on", "title", "url"}`:
/// 201 when logged, 200 when the same post was already logged.
pub(super) async fn api_log_post(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: std::result::Result<Json<PostForm>, axum::extract::rejection::JsonRejection>,
) -> std::result::Result<Response, ApiError> {
    ctx.door(&state, ObjectKind::NewMediaAccount, id).await?;
    let Json(f) = body.map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON：{}", e.body_text())))?;
    let t = today();
    let new = flow::log_post(
        &state,
        &ctx.actor(),
        id,
        flow::NewPost { posted_on: &f.posted_on, title: &f.title, url: &f.url, source: "api" },
        t,
    )
    .await?;
    let a = flow::account(&state, &ctx.actor(), id, t).await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(serde_json::json!({"account_id": id, "logged": new, "last_post": a.row.last_post, "status": a.status_label}))).into_response())
}
