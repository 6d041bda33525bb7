//! 年度报告 use cases: compute a report for a year and a scope from the records, keep it as a
//! draft that staff edit (sections 一, 五, 六 and the figures that come from other systems),
//! review and publish it — refusing errors unless someone accepts them with a reason — and
//! correct a published report only by a new version. The domain computes and checks; this
//! module stores and audits.

use gongkai_domain::format::{ApplicantColumn, FormatVersion, Table3Row};
use gongkai_domain::report::{
    self, AnnualReport, ChannelCount, Decimal, OverviewInput, ReportEffect, ReportEvent, ReportStatus,
    ReportTransitionError, Severity,
};
use serde::Serialize;

use super::Actor;
use crate::db::{self, Db};
use crate::error::{AppError, FieldError, Result};

/// The figures staff enter because they come from other systems: table 二's cells (行政许可,
/// 行政处罚, 行政强制, 收费, 采购 …) as "row.column", and the channel counts for section 一
/// as "channel.NAME" until the disclosure records carry them.
pub fn figure_key_valid(key: &str) -> bool {
    match key.split_once('.') {
        Some(("channel", name)) => !name.is_empty() && name.chars().count() <= 20,
        Some((row, col)) => [FormatVersion::V2019, FormatVersion::V2021].into_iter().any(|f| {
            report::layout::table2_row(f, row).is_some_and(|(block, _)| block.columns.iter().any(|c| c.code == col))
        }),
        None => false,
    }
}

/// Where a cell of table 二 takes its figure from, in the one order `compute`, the sources of every
/// cell and the editor all follow: the imported records (权力清单, decisions, fees, procurement)
/// first; then a figure staff entered; then, for 规章 and 规范性文件, the published items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table2Origin {
    Records,
    Entered,
    PublishedItems,
    Nothing,
}

/// The rows of table 二 the published items decide (条例第二十条第（一）项).
pub const ITEM_ROWS: [&str; 2] = ["rules", "normative_documents"];

pub fn table2_origin(row: &str, in_records: bool, entered: bool) -> Table2Origin {
    if in_records {
        Table2Origin::Records
    } else if entered {
        Table2Origin::Entered
    } else if ITEM_ROWS.contains(&row) {
        Table2Origin::PublishedItems
    } else {
        Table2Origin::Nothing
    }
}

/// The organ's name as the report's title gives it.
pub async fn organ_name(db: &Db, unit_id: Option<i64>) -> Result<String> {
    Ok(match unit_id {
        Some(u) => db::org::get_unit(db, u).await?.ok_or(AppError::NotFound)?.name,
        None => format!("{}人民政府", db::org::get_setting(db, "gov_name").await?.unwrap_or_default()),
    })
}

/// Compute the report for `year` and a scope (a unit, or the government over all units).
pub async fn compute(db: &Db, unit_id: Option<i64>, year: i32) -> Result<AnnualReport> {
    let format = FormatVersion::for_year(year);
    let organ = organ_name(db, unit_id).await?;
    let mut r = AnnualReport::blank(year, format, &organ);
    let clock = std::time::Instant::now();
    let lap = |what: &str| tracing::debug!("report compute: {what} at {:?}", clock.elapsed());
    let t4 = super::application::table4_for(db, unit_id, year).await?;
    lap("table 四");
    let t3 = super::application::table3_fast(db, unit_id, year, format).await?;
    lap("table 三");
    for (row, cells) in &t3.cells {
        for col in ApplicantColumn::ALL {
            r.table3.set(*row, col, Some(cells[col.index()] as i64));
        }
    }
    r.table4 = report::Table4::from_array(t4.map(|v| Some(v as i64)));
    // Table 二's rows that Gongkai holds records for (规章, 规范性文件: 条例第二十条第（一）项) are
    // computed from the published items; figures staff enter below (from other systems, or to
    // correct a year before Gongkai) take precedence and show as entered in the editor.
    let counts = super::disclosure::table2_counts(db, unit_id, year).await?;
    lap("table 二 counts");
    for (row, dc) in ITEM_ROWS.into_iter().zip([&counts.rules, &counts.normative_documents]) {
        let cells = match format {
            FormatVersion::V2019 => {
                [("new_made", dc.made), ("new_published", dc.published), ("total_published", dc.in_force)]
            }
            FormatVersion::V2021 => [("issued", dc.made), ("repealed", dc.repealed), ("in_force", dc.in_force)],
        };
        for (col, v) in cells {
            r.table2.set(row, col, Some(Decimal::from_int(v)));
        }
    }
    // 权力清单, decisions, fees and procurement from the records the unit imported (issue 17 §1).
    let from_records = super::report_records::computed_cells(db, unit_id, year, format).await?;
    for ((row, col), v) in &from_records {
        r.table2.set(row, col, Some(*v));
    }
    lap("table 二 records");
    // Section 一's channels: published items by channel, the 政务新媒体 accounts' post logs for
    // their platforms (issue 17 §2).
    let posts: Vec<_> = db::supervision::posts_by_platform(db, unit_id, year)
        .await?
        .into_iter()
        .filter_map(|(p, n)| Some((super::supervision::platform(&p)?, n)))
        .collect();
    let computed_channels: Vec<ChannelCount> = report::channel_counts(&counts.channels, &posts);
    let mut channels = vec![];
    for f in db::report::figures(db, unit_id, year).await? {
        match f.figure.split_once('.') {
            Some(("channel", name)) => {
                channels.push(ChannelCount { channel: name.to_string(), count: f.value.parse().unwrap_or(0) });
            }
            // An entered figure fills a cell the records do not decide; where they do, the records
            // stand and the editor shows the entered figure beside them as a warning.
            Some((row, col))
                if report::layout::table2_row(format, row)
                    .is_some_and(|(b, _)| b.columns.iter().any(|c| c.code == col))
                    && table2_origin(row, from_records.contains_key(&(row.to_string(), col.to_string())), true)
                        == Table2Origin::Entered =>
            {
                r.table2.set(row, col, Decimal::parse(&f.value));
            }
            _ => {}
        }
    }
    if channels.is_empty() {
        channels = computed_channels;
    }
    channels.sort_by_key(|c| channel_order(&c.channel));
    let place = db::org::get_setting(db, "gov_name").await?.unwrap_or_default();
    r.sections.overview = report::draft_overview(&OverviewInput {
        year,
        organ: if unit_id.is_some() { organ.clone() } else { place },
        channels,
        table3: r.table3.clone(),
        table4: r.table4,
    });
    lap("overview");
    r.sections.overview.push_str(&activity_paragraphs(db, unit_id, year).await?);
    lap("activity");
    // Section 六 states the 信息处理费 collected (条例第四十二条), as reports in practice do.
    let (notices, paid, yuan) = db::application::fees_of_year(db, unit_id, year).await?;
    r.sections.other = if notices == 0 {
        format!("{year}年，本机关未收取信息处理费。")
    } else {
        format!(
            "{year}年，本机关依据《政府信息公开信息处理费管理办法》发出收费通知{notices}件，收取信息处理费{paid}件，共计{yuan}元。"
        )
    };
    Ok(r)
}

/// Section 一's paragraphs on interaction, responses to public concerns and training, drafted
/// from the records of those capabilities (staff edit them afterwards). Worded so that the
/// cross-check of section 一 against table 三 never mistakes them for application counts.
async fn activity_paragraphs(db: &Db, unit_id: Option<i64>, year: i32) -> Result<String> {
    let in_scope = |u: Option<i64>| unit_id.is_none() || u == unit_id;
    let prefix = format!("{year}-");
    let messages: Vec<_> = db::interaction::message_dates(db)
        .await?
        .into_iter()
        .filter(|m| in_scope(m.unit_id) && m.submitted_on.starts_with(&prefix))
        .collect();
    let answered = messages.iter().filter(|m| m.answered_on.is_some()).count();
    let on_time = messages.iter().filter(|m| m.answered_on.as_deref().is_some_and(|a| a <= m.due_on.as_str())).count();
    let concerns = db::interaction::concerns(db, Some(year)).await?.into_iter().filter(|c| in_scope(c.unit_id)).count();
    let trainings = if unit_id.is_none() { db::supervision::trainings(db, Some(year)).await? } else { vec![] };
    let mut out = String::new();
    // Section 一's parts after 主动公开 and 依申请公开, numbered as they come.
    let mut part = 3usize;
    let mut heading = || {
        let h = format!("（{}）", ["三", "四", "五", "六", "七"].get(part - 3).copied().unwrap_or("八"));
        part += 1;
        h
    };
    if !messages.is_empty() || concerns > 0 {
        out.push_str(&format!(
            "\n{}政民互动与回应关切情况\n{year}年，群众通过政民互动栏目留言咨询{}条，已答复{answered}条，其中按期答复{on_time}条；通过新闻发布会、答记者问等方式回应社会关切{concerns}次。",
            heading(),
            messages.len()
        ));
    }
    if !trainings.is_empty() {
        let people: i64 = trainings.iter().map(|t| t.participants).sum();
        out.push_str(&format!(
            "\n{}教育培训情况\n{year}年，组织政务公开培训、座谈和实地调研{}次，参加{people}人次。",
            heading(),
            trainings.len()
        ));
    }
    // 监督保障: the 社会评议 and 责任追究 of the year (issue 17 §5).
    let (evaluations, cases) = super::supervision::oversight_of_year(db, unit_id, year).await?;
    out.push_str(&gongkai_domain::supervision::oversight::paragraph(year, &heading(), &evaluations, &cases));
    Ok(out)
}

fn channel_order(name: &str) -> usize {
    ["政府网站", "门户网站", "政务微博", "微博", "政务微信", "微信", "客户端"]
        .iter()
        .position(|n| name.contains(n))
        .unwrap_or(99)
}

/// The records behind one cell of table 三 (drill-down: 部分公开 → the one application).
pub async fn drill_down(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    row: Table3Row,
    column: ApplicantColumn,
) -> Result<Vec<db::application::ApplicationRow>> {
    let format = FormatVersion::for_year(year);
    let (_, _, records) = super::application::statistics(db, unit_id, year, format).await?;
    let ids = gongkai_domain::application::records_behind(&records, year, format, row, column);
    let mut rows = vec![];
    for id in ids {
        if let Some(r) = db::application::get(db, id).await? {
            rows.push(r);
        }
    }
    Ok(rows)
}

fn may_edit(actor: &Actor, unit_id: Option<i64>) -> bool {
    match unit_id {
        Some(u) => actor.may_access_unit(u),
        None => actor.is_office(),
    }
}

fn may_approve(actor: &Actor, unit_id: Option<i64>) -> bool {
    match unit_id {
        Some(u) => actor.may_approve_for(u),
        None => actor.is_office(),
    }
}

/// Start a draft: computed from the records now.
pub async fn create_draft(db: &Db, actor: &Actor, unit_id: Option<i64>, year: i32) -> Result<i64> {
    if !may_edit(actor, unit_id) {
        return Err(AppError::Forbidden);
    }
    if !(2008..=2100).contains(&year) {
        return Err(AppError::Invalid(vec![FieldError::new("year", "年度无效")]));
    }
    let report = compute(db, unit_id, year).await?;
    let body = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    let version = db::report::next_version(&mut tx, unit_id, year).await?;
    let id = db::report::insert(
        &mut tx,
        unit_id,
        year,
        version,
        ReportStatus::Draft,
        &report.organ,
        &body,
        None,
        &actor.username,
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "report.draft",
        "annual_report",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"year": year, "unit_id": unit_id, "version": version})),
    )
    .await?;
    db::audit::feed(&mut tx, "report.changed", "annual_report", &id.to_string(), unit_id).await?;
    tx.commit().await?;
    Ok(id)
}

pub fn body(row: &db::report::ReportRow) -> Result<AnnualReport> {
    serde_json::from_str(&row.body_json)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("report {} unreadable: {e}", row.report_id)))
}

pub async fn load(db: &Db, actor: Option<&Actor>, id: i64) -> Result<db::report::ReportRow> {
    let row = db::report::get(db, id).await?.ok_or(AppError::NotFound)?;
    let public = row.status.is_public();
    match actor {
        _ if public => Ok(row),
        Some(a) if may_edit(a, row.unit_id) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// Staff edit a draft: the prose sections, and re-computation from the records.
pub async fn edit_draft(
    db: &Db,
    actor: &Actor,
    id: i64,
    overview: &str,
    problems: &str,
    other: &str,
    recompute: bool,
) -> Result<()> {
    let row = load(db, Some(actor), id).await?;
    if !may_edit(actor, row.unit_id) {
        return Err(AppError::Forbidden);
    }
    let (next, _) = report::apply(row.status, ReportEvent::Edit).map_err(refused)?;
    let mut report = if recompute { compute(db, row.unit_id, row.year as i32).await? } else { body(&row)? };
    if !recompute {
        report.sections.overview = overview.trim().replace("\r\n", "\n");
    }
    report.sections.problems = problems.trim().replace("\r\n", "\n");
    report.sections.other = other.trim().replace("\r\n", "\n");
    let new_body = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    // Any edit sends a reviewed report back to draft: the review covered the old text.
    if db::report::update_unpublished(&mut tx, id, next, false, &new_body, None).await? != 1 {
        return Err(AppError::Conflict("年报刚被他人修改或已发布，请刷新".into()));
    }
    db::audit::record(
        &mut tx,
        actor,
        if recompute { "report.recompute" } else { "report.edit" },
        "annual_report",
        &id.to_string(),
        Some(&serde_json::json!({"status": row.status})),
        Some(&serde_json::json!({"status": next})),
    )
    .await?;
    db::audit::feed(&mut tx, "report.changed", "annual_report", &id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Enter (or change) a figure that comes from another system; shown as "entered" in the editor.
pub async fn enter_figure(
    db: &Db,
    actor: &Actor,
    unit_id: Option<i64>,
    year: i32,
    key: &str,
    value: &str,
) -> Result<()> {
    if !may_edit(actor, unit_id) {
        return Err(AppError::Forbidden);
    }
    if !figure_key_valid(key) {
        return Err(AppError::Invalid(vec![FieldError::new("figure", format!("未知的填报项 {key}"))]));
    }
    let v = value.trim();
    if Decimal::parse(v).is_none() {
        return Err(AppError::Invalid(vec![FieldError::new("value", format!("“{v}”不是数字"))]));
    }
    let mut tx = db.begin().await?;
    db::report::put_figure(&mut tx, unit_id, year, key, v, &actor.username).await?;
    db::audit::record(
        &mut tx,
        actor,
        "report.figure",
        "report_figure",
        &format!("{}:{year}:{key}", unit_id.unwrap_or(0)),
        None,
        Some(&serde_json::json!({"value": v})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub errors: Vec<report::Finding>,
    pub warnings: Vec<report::Finding>,
}

pub fn check(r: &AnnualReport) -> Check {
    let findings = report::validate(r);
    let (errors, warnings) = findings.into_iter().partition(|f| f.severity == Severity::Error);
    Check { errors, warnings }
}

/// Every rule of the format, and the year on year check against the unit's report of the year
/// before where one is published here (上年结转 = last year's 结转下年度, column by column; the
/// table 二 changes): what the reviewer sees, and what publishing refuses without an override.
pub async fn check_with_previous(db: &Db, row: &ReportRow, r: &AnnualReport) -> Result<Check> {
    let mut c = check(r);
    let previous = db::report::list_published(db)
        .await?
        .into_iter()
        .find(|p| p.unit_id == row.unit_id && p.year == row.year - 1 && p.status == ReportStatus::Published);
    if let Some(p) = previous {
        for f in report::validate_against_previous(r, &body(&p)?) {
            if f.severity == Severity::Error { c.errors.push(f) } else { c.warnings.push(f) }
        }
    }
    Ok(c)
}

pub use crate::db::report::{FigureRow, ReportRow};

/// Every published version, current and superseded (the public list).
pub async fn published(db: &Db) -> Result<Vec<ReportRow>> {
    Ok(db::report::list_published(db).await?)
}

/// Every version of one unit's reports, or of all (the government's office).
pub async fn versions(db: &Db, unit_id: Option<i64>) -> Result<Vec<ReportRow>> {
    Ok(db::report::list_all(db, unit_id).await?)
}

/// The figures staff entered for table 二 of a year.
pub async fn figures(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Vec<FigureRow>> {
    Ok(db::report::figures(db, unit_id, year).await?)
}

/// A step the report's table refuses, in the clerk's words.
fn refused(e: ReportTransitionError) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// draft → reviewed (a reviewer of the unit, or the office for the government's report).
pub async fn mark_reviewed(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let row = load(db, Some(actor), id).await?;
    if !may_approve(actor, row.unit_id) {
        return Err(AppError::Forbidden);
    }
    let (next, _) = report::apply(row.status, ReportEvent::Review).map_err(refused)?;
    let mut tx = db.begin().await?;
    if db::report::update_unpublished(&mut tx, id, next, false, &row.body_json, None).await? != 1 {
        return Err(AppError::Conflict("年报刚被他人修改，请刷新".into()));
    }
    db::audit::record(
        &mut tx,
        actor,
        "report.review",
        "annual_report",
        &id.to_string(),
        Some(&serde_json::json!({"status": row.status})),
        Some(&serde_json::json!({"status": next})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// reviewed → published. A report with error-severity findings is published only with an
/// explicit, audited override and its reason.
pub async fn publish(db: &Db, actor: &Actor, id: i64, override_reason: Option<&str>) -> Result<()> {
    let row = load(db, Some(actor), id).await?;
    if !may_approve(actor, row.unit_id) {
        return Err(AppError::Forbidden);
    }
    let report = body(&row)?;
    let c = check_with_previous(db, &row, &report).await?;
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    let event = ReportEvent::Publish { errors: c.errors.len(), override_reason_given: reason.is_some() };
    let (next, effects) = match report::apply(row.status, event) {
        Err(ReportTransitionError::ErrorsRemain(n)) => {
            let list: Vec<String> = c.errors.iter().map(|f| f.message.clone()).collect();
            return Err(AppError::BadRequest(format!(
                "年报有{n}处错误，不能发布：{}。如确需按原样发布，请填写接受这些错误的理由。",
                list.join("；")
            )));
        }
        other => other.map_err(refused)?,
    };
    let mut tx = db.begin().await?;
    let stamp = effects.contains(&ReportEffect::StampPublished);
    if db::report::update_unpublished(&mut tx, id, next, stamp, &row.body_json, reason).await? != 1 {
        return Err(AppError::Conflict("年报刚被他人修改，请刷新".into()));
    }
    if effects.contains(&ReportEffect::SupersedePrevious) {
        db::report::supersede_published(&mut tx, row.unit_id, row.year as i32, id).await?;
    }
    let after = serde_json::json!({"status": next, "errors_accepted": c.errors.len(), "override_reason": reason});
    db::audit::record(
        &mut tx,
        actor,
        if effects.contains(&ReportEffect::ErrorsOverridden) { "report.publish_override" } else { "report.publish" },
        "annual_report",
        &id.to_string(),
        Some(&serde_json::json!({"status": row.status})),
        Some(&after),
    )
    .await?;
    db::audit::feed(&mut tx, "report.published", "annual_report", &id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A correction of a published report: a new draft version carrying the reason; when it is
/// published the earlier version stays visible, marked superseded.
pub async fn start_correction(db: &Db, actor: &Actor, id: i64, reason: &str) -> Result<i64> {
    let row = load(db, Some(actor), id).await?;
    if !may_edit(actor, row.unit_id) {
        return Err(AppError::Forbidden);
    }
    report::apply(row.status, ReportEvent::Correct).map_err(refused)?;
    if reason.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("reason", "请说明更正的理由")]));
    }
    let mut tx = db.begin().await?;
    let version = db::report::next_version(&mut tx, row.unit_id, row.year as i32).await?;
    let new_id = db::report::insert(
        &mut tx,
        row.unit_id,
        row.year as i32,
        version,
        ReportStatus::Draft,
        &row.organ,
        &row.body_json,
        Some(reason.trim()),
        &actor.username,
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "report.correction",
        "annual_report",
        &new_id.to_string(),
        None,
        Some(&serde_json::json!({"corrects": id, "reason": reason.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(new_id)
}
