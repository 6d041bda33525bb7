//! 政府信息公开年报 pages: the public list and report pages (with every published version, and
//! downloads in each format), the staff editor (computed vs entered figures, findings,
//! drill-down, review and publication) and the checker for uploaded reports.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use gongkai_domain::format::{ApplicantColumn, Table3Row};
use gongkai_domain::org::ObjectKind;
use gongkai_domain::report::{self, Severity};

use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{AppError, Result};
use crate::flows::report as flow;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/reports", Access::Public, get(index)),
        Route::new("GET", "/reports/{id}", Access::Public, get(show)),
        Route::new("GET", "/reports/{id}/download/{fmt}", Access::Public, get(download)),
        Route::new("GET", "/staff/reports", Access::Staff, get(staff_list)),
        Route::new("POST", "/staff/reports", Access::Staff, post(create)),
        Route::new("GET", "/staff/reports/oversight", Access::Office, get(oversight)),
        Route::new("POST", "/staff/reports/external", Access::Staff, post(register_external)),
        Route::new("POST", "/staff/reports/records", Access::Staff, post(import_records)),
        Route::new("GET", "/staff/reports/check", Access::Staff, get(check_page)),
        Route::new("GET", "/staff/reports/sources", Access::Staff, get(sources)),
        Route::new("POST", "/staff/reports/check", Access::Staff, post(check_upload)),
        Route::new("GET", "/staff/reports/{id}", Access::Object(ObjectKind::Report), get(edit)),
        Route::new("POST", "/staff/reports/{id}", Access::Object(ObjectKind::Report), post(save)),
        Route::new("POST", "/staff/reports/{id}/figures", Access::Object(ObjectKind::Report), post(save_figure)),
        Route::new("GET", "/staff/reports/{id}/cell", Access::Object(ObjectKind::Report), get(drill_down)),
        Route::new("POST", "/staff/reports/{id}/review", Access::Object(ObjectKind::Report), post(review)),
        Route::new("POST", "/staff/reports/{id}/publish", Access::Object(ObjectKind::Report), post(publish)),
        Route::new("POST", "/staff/reports/{id}/correct", Access::Object(ObjectKind::Report), post(correct)),
    ]
}

async fn index(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let reports = flow::published(&state.db).await?;
    render(&state, &ctx, "reports/index.html", crate::page! { nav => "reports", reports => reports }).await
}

async fn show(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    let actor = ctx.actor();
    let row = flow::load(&state.db, ctx.user.as_ref().map(|_| &actor), id).await?;
    let r = flow::body(&row)?;
    let versions: Vec<_> = flow::published(&state.db)
        .await?
        .into_iter()
        .filter(|v| v.unit_id == row.unit_id && v.year == row.year)
        .collect();
    let findings = report::validate(&r);
    render(
        &state,
        &ctx,
        "reports/show.html",
        crate::page! { nav => "reports", row => row, title => r.title(), table_html => report::render_html(&r), versions => versions, findings => findings },
    )
    .await
}

async fn download(State(state): State<WebState>, ctx: Ctx, Path((id, fmt)): Path<(i64, String)>) -> Result<Response> {
    let actor = ctx.actor();
    let row = flow::load(&state.db, ctx.user.as_ref().map(|_| &actor), id).await?;
    let r = flow::body(&row)?;
    let name = format!("report-{}-{}-v{}", row.year, row.unit_id.unwrap_or(0), row.version);
    let (ctype, bytes): (&str, Vec<u8>) = match fmt.as_str() {
        "txt" => ("text/plain; charset=utf-8", report::render_text(&r).into_bytes()),
        "md" => ("text/markdown; charset=utf-8", report::render_markdown(&r).into_bytes()),
        "json" => ("application/json", report::render_json(&r).into_bytes()),
        "docx" => {
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", crate::export::report_docx(&r)?)
        }
        "xlsx" => {
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", crate::export::report_xlsx(&r)?)
        }
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{fmt}\"")),
        ],
        bytes,
    )
        .into_response())
}

async fn staff_list(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    let user = ctx.require_staff()?;
    let scope = if ctx.actor().is_office() { None } else { user.unit_id };
    let reports = flow::versions(&state.db, scope).await?;
    let units = crate::flows::org::units(&state.db).await?;
    render(&state, &ctx, "reports/staff_list.html", crate::page! { reports => reports, units => units }).await
}

#[derive(Deserialize)]
struct CreateForm {
    year: String,
    #[serde(default)]
    unit_id: String,
}

async fn create(State(state): State<WebState>, ctx: Ctx, Form(f): Form<CreateForm>) -> Result<Response> {
    ctx.require_staff()?;
    let year: i32 = f.year.trim().parse().map_err(|_| AppError::BadRequest("请填写年度".into()))?;
    let unit = f.unit_id.trim().parse::<i64>().ok();
    let id = flow::create_draft(&state.db, &ctx.actor(), unit, year).await?;
    Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response())
}

#[derive(Deserialize)]
struct SourcesQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit_id: String,
}

/// Every cell of a year's report with its source: the records and the rule that counted them, or
/// who entered it and when (issue 17).
async fn sources(State(state): State<WebState>, ctx: Ctx, Query(q): Query<SourcesQuery>) -> Result<Html<String>> {
    ctx.require_staff()?;
    let year: i32 = q.year.trim().parse().map_err(|_| AppError::BadRequest("请填写年度".into()))?;
    let unit = match q.unit_id.trim() {
        "" => None,
        u => Some(u.parse::<i64>().map_err(|_| AppError::BadRequest("单位无效".into()))?),
    };
    let page = crate::flows::report_sources::page(&state.db, &ctx.actor(), unit, year).await?;
    let tables: Vec<_> = ["二", "三", "四"]
        .iter()
        .map(|t| {
            let cells: Vec<_> = page
                .cells
                .iter()
                .filter(|c| c.table == *t)
                .map(|c| {
                    crate::page! {
                        c => c, anchor => crate::flows::report_sources::anchor(c.table, &c.cell),
                        behind => page.behind.get(&format!("{}@{}", c.cell, c.table)).cloned().unwrap_or_default(),
                    }
                })
                .collect();
            crate::page! { name => t, cells => cells }
        })
        .collect();
    let entered = page.cells.iter().filter(|c| c.source == "entered").count();
    render(
        &state,
        &ctx,
        "reports/sources.html",
        crate::page! { title => page.report.title(), year => year, tables => tables, entered => entered },
    )
    .await
}

async fn edit(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    let actor = ctx.actor();
    let row = flow::load(&state.db, Some(&actor), id).await?;
    if !(actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u))) {
        return Err(AppError::NotFound);
    }
    let r = flow::body(&row)?;
    let check = flow::check_with_previous(&state.db, &row, &r).await?;
    let figures = flow::figures(&state.db, row.unit_id, row.year as i32).await?;
    let from_records =
        crate::flows::report_records::computed_cells(&state.db, row.unit_id, row.year as i32, r.format).await?;
    let mut cells = vec![];
    for block in report::layout::table2_blocks(r.format) {
        for rr in block.rows {
            for c in block.columns {
                let key = format!("{}.{}", rr.code, c.code);
                let entered = figures.iter().find(|f| f.figure == key);
                let records = from_records.get(&(rr.code.to_string(), c.code.to_string())).map(ToString::to_string);
                let differs = match (&records, entered) {
                    (Some(rv), Some(f)) => report::Decimal::parse(&f.value).map(|d| d.to_string()).as_ref() != Some(rv),
                    _ => false,
                };
                cells.push(crate::page! {
                    anchor => crate::flows::report_sources::anchor("二", &key),
                    records => records, differs => differs, entered_value => entered.map(|f| f.value.clone()),
                    key => key, caption => block.caption, row => rr.label, column => c.label,
                    value => r.table2.get(rr.code, c.code).map(|d| d.to_string()).unwrap_or_default(),
                    entered_by => entered.map(|f| f.entered_by.clone()), entered_at => entered.map(|f| f.entered_at.clone()),
                    computed => flow::ITEM_ROWS.contains(&rr.code),
                });
            }
        }
    }
    let channels: Vec<_> = figures.iter().filter(|f| f.figure.starts_with("channel.")).collect();
    let t3: Vec<_> = report::layout::table3_rows(r.format)
        .into_iter()
        .map(|row3| {
            let values: Vec<_> = ApplicantColumn::ALL
                .iter()
                .map(|c| crate::page! { col => c.code(), value => r.table3.row(row3).and_then(|v| v[c.index()]) })
                .collect();
            crate::page! { code => row3.code(), label => row3.label(), group => row3.group_label(), values => values }
        })
        .collect();
    let columns: Vec<_> = ApplicantColumn::ALL.iter().map(|c| c.label()).collect();
    render(
        &state,
        &ctx,
        "reports/edit.html",
        crate::page! {
            row => row, r => r, title => r.title(), errors => check.errors, warnings => check.warnings,
            sources => crate::flows::report_sources::page_link(row.unit_id, row.year as i32),
            cells => cells, channels => channels, t3 => t3, columns => columns,
            t4 => r.table4.to_array().to_vec(), t4_labels => gongkai_domain::application::TABLE4_COLUMNS.to_vec(),
            editable => row.status.is_editable(),
            may_approve => actor.is_office() || row.unit_id.is_some_and(|u| actor.may_approve_for(u)),
        },
    )
    .await
}

#[derive(Deserialize)]
struct SaveForm {
    #[serde(default)]
    overview: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    other: String,
    #[serde(default)]
    recompute: String,
}

async fn save(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SaveForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    flow::edit_draft(&state.db, &ctx.actor(), id, &f.overview, &f.problems, &f.other, f.recompute == "1").await?;
    Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response())
}

#[derive(Deserialize)]
struct FigureForm {
    figure: String,
    value: String,
}

async fn save_figure(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<FigureForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    let actor = ctx.actor();
    let row = flow::load(&state.db, Some(&actor), id).await?;
    flow::enter_figure(&state.db, &actor, row.unit_id, row.year as i32, &f.figure, &f.value).await?;
    // The draft takes the new figure at once (a recomputation from records and entries).
    flow::edit_draft(
        &state.db,
        &actor,
        id,
        "",
        &flow::body(&row)?.sections.problems,
        &flow::body(&row)?.sections.other,
        true,
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response())
}

#[derive(Deserialize)]
struct CellQuery {
    row: String,
    col: String,
}

async fn drill_down(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CellQuery>,
) -> Result<Html<String>> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    let actor = ctx.actor();
    let row = flow::load(&state.db, Some(&actor), id).await?;
    let t3row = Table3Row::from_code(&q.row).ok_or(AppError::NotFound)?;
    let col = ApplicantColumn::ALL.into_iter().find(|c| c.code() == q.col).ok_or(AppError::NotFound)?;
    let apps = flow::drill_down(&state.db, row.unit_id, row.year as i32, t3row, col).await?;
    let apps: Vec<_> = apps
        .into_iter()
        .filter(|a| actor.is_office() || a.unit_id.is_some_and(|u| actor.may_access_unit(u)))
        .map(|a| crate::page! { id => a.application_id, code => a.tracking_code, subject => a.subject, received_on => a.received_on, finished_on => a.finished_on, outcome => a.outcome })
        .collect();
    render(&state, &ctx, "reports/check.html", crate::page! { drill => true, report_id => id, cell => format!("{} · {}", t3row.label(), col.label()), apps => apps }).await
}

async fn review(State(state): State<WebState>, ctx: Ctx, Path(id): Path<i64>) -> Result<Response> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    flow::mark_reviewed(&state.db, &ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/staff/reports/{id}")).into_response())
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    override_reason: String,
}

async fn publish(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PublishForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    flow::publish(&state.db, &ctx.actor(), id, Some(&f.override_reason)).await?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

#[derive(Deserialize)]
struct CorrectForm {
    reason: String,
}

async fn correct(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CorrectForm>,
) -> Result<Response> {
    ctx.door(&state, ObjectKind::Report, id).await?;
    let new_id = flow::start_correction(&state.db, &ctx.actor(), id, &f.reason).await?;
    Ok(Redirect::to(&format!("/staff/reports/{new_id}")).into_response())
}

async fn check_page(State(state): State<WebState>, ctx: Ctx) -> Result<Html<String>> {
    ctx.require_staff()?;
    render(&state, &ctx, "reports/check.html", crate::page! {}).await
}

/// Upload published reports (text, HTML, .docx, PDF) and see what the checker finds.
async fn check_upload(State(state): State<WebState>, ctx: Ctx, mut mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let mut files = vec![];
    let mut as_xlsx = false;
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        if field.name() == Some("format") {
            as_xlsx = field.text().await.unwrap_or_default() == "xlsx";
            continue;
        }
        let Some(name) = field.file_name().map(str::to_string) else { continue };
        let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("文件过大或上传中断".into()))?;
        if bytes.is_empty() {
            continue;
        }
        let expanded =
            crate::flows::report_check::expand_upload(&name, bytes.to_vec()).map_err(AppError::BadRequest)?;
        files.extend(expanded);
    }
    // Off the async workers: a PDF goes through pdftotext (time-limited).
    let (checked, pairs) = tokio::task::spawn_blocking(move || crate::flows::report_check::check_files(files))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("check: {e}")))?;
    if as_xlsx {
        let rows = crate::flows::report_check::summary_rows(&checked, &pairs);
        let bytes = crate::export::check_summary_xlsx(rows).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        return Ok((
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"report-check.xlsx\"".to_string()),
            ],
            bytes,
        )
            .into_response());
    }
    let mut results = vec![];
    let summary = crate::flows::report_check::summary_rows(&checked, &pairs);
    for (i, c) in checked.iter().enumerate() {
        let entry = match &c.result {
            Ok((parsed, findings)) => {
                let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
                let year_on_year: Vec<&report::Finding> =
                    pairs.iter().filter(|p| p.this == i).flat_map(|p| &p.findings).collect();
                crate::page! { file => c.file, year => parsed.report.year, format => parsed.report.format.code(), organ => parsed.report.organ, findings => findings, errors => errors, notes => parsed.notes, year_on_year => year_on_year, verdict => summary[i].verdict }
            }
            Err(why) => crate::page! { file => c.file, unreadable => why, verdict => summary[i].verdict },
        };
        results.push(entry);
    }
    let page =
        render(&state, &ctx, "reports/check.html", crate::page! { results => results, summary => summary }).await?;
    Ok((StatusCode::OK, page).into_response())
}

#[derive(Deserialize)]
struct OversightQuery {
    year: Option<i32>,
}

/// GET /staff/reports/oversight?year=: every unit's report of a year, to the 1 月 31 日 deadline.
async fn oversight(State(state): State<WebState>, ctx: Ctx, Query(q): Query<OversightQuery>) -> Result<Html<String>> {
    ctx.require_office()?;
    let today = crate::state::today();
    let year = q.year.filter(|y| (2008..=2100).contains(y)).unwrap_or(chrono::Datelike::year(&today) - 1);
    let lines = crate::flows::report_oversight::oversight(&state, year, today).await?;
    let due = crate::flows::report_oversight::due_on(year).to_string();
    let late = lines.iter().filter(|l| l.state == "overdue" || l.state == "late").count();
    render(
        &state,
        &ctx,
        "reports/oversight.html",
        crate::page! { year => year, due => due, lines => lines, late => late },
    )
    .await
}

/// POST /staff/reports/external (multipart): a unit's report published on another website — unit,
/// year, publication day, address, and the file as published.
async fn register_external(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let (fields, file) = form_with_file(mp).await?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let unit: i64 = get("unit_id")
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid(vec![crate::error::FieldError::new("unit_id", "请选择单位")]))?;
    let year: i32 = get("year").trim().parse().unwrap_or(0);
    let file = file.ok_or_else(|| AppError::Invalid(vec![crate::error::FieldError::new("file", "请选择年报文件")]))?;
    crate::flows::report_oversight::register_external(
        &state,
        &ctx.actor(),
        unit,
        year,
        &get("published_on"),
        &get("url"),
        file,
    )
    .await?;
    Ok(Redirect::to("/staff/reports").into_response())
}

/// POST /staff/reports/records: a unit's records behind table 二 (权力清单, decisions, fees,
/// procurement) from a system of record's export.
async fn import_records(State(state): State<WebState>, ctx: Ctx, mp: Multipart) -> Result<Response> {
    ctx.require_staff()?;
    let (fields, file) = form_with_file(mp).await?;
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let actor = ctx.actor();
    let unit: i64 = match get("unit_id").trim().parse() {
        Ok(u) => u,
        Err(_) => actor
            .unit_id
            .filter(|_| !actor.is_office())
            .ok_or_else(|| AppError::Invalid(vec![crate::error::FieldError::new("unit_id", "请选择单位")]))?,
    };
    let kind = gongkai_domain::report::records::RecordFile::from_code(get("kind").trim())
        .ok_or_else(|| AppError::Invalid(vec![crate::error::FieldError::new("kind", "请选择记录类别")]))?;
    let (filename, bytes) =
        file.ok_or_else(|| AppError::Invalid(vec![crate::error::FieldError::new("file", "请选择要导入的文件")]))?;
    crate::flows::report_records::import(&state, &actor, unit, kind, &filename, &bytes).await?;
    Ok(Redirect::to("/staff/reports?imported=1").into_response())
}

/// A multipart form with one file: its text fields, and the file (name, bytes) if one was chosen.
async fn form_with_file(
    mut mp: Multipart,
) -> Result<(std::collections::HashMap<String, String>, Option<(String, Vec<u8>)>)> {
    let mut fields = std::collections::HashMap::new();
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(|e| AppError::BadRequest(format!("上传内容有误：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest("文件过大或上传中断".into()))?;
            if !bytes.is_empty() {
                file = Some((filename, bytes.to_vec()));
            }
        } else {
            fields.insert(name, field.text().await.unwrap_or_default());
        }
    }
    Ok((fields, file))
}
