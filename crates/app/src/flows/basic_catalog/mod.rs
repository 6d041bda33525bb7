//! 基层政务公开标准目录: importing a unit's catalog (or an area's national template) from the
//! spreadsheet counties keep, deriving a unit's catalog from the template, setting the rule of a
//! 时限 the platform cannot read, linking published items to the entries they fulfil, and the
//! gaps — entries whose information is due and not published — for dashboards, the monthly check
//! and the public table of an area. The domain (`disclosure::basic_catalog`) decides; this
//! orchestrates, checks the unit, and audits every change in the same transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use gongkai_domain::disclosure::basic_areas;
use gongkai_domain::disclosure::basic_catalog::{self as bc, BasicCatalog, CatalogEntry, RowError};
use gongkai_domain::disclosure::timelimit::{DayUnit, Period, Rule, TimeLimit, Trigger};
use gongkai_domain::disclosure::{Channel, PublicationMode};
use serde::Serialize;

use super::Actor;
use crate::db::{self, Db, basic_catalog as store};
use crate::error::{AppError, Result};
use crate::state::AppState;

/// The area's title by its code (`social_assistance` → 社会救助).
pub fn area_title(code: &str) -> Option<&'static str> {
    basic_areas().iter().find(|a| a.code == code).map(|a| a.title)
}

fn bad(msg: impl Into<String>) -> AppError {
    AppError::BadRequest(msg.into())
}

fn check_scope(actor: &Actor, unit_id: Option<i64>) -> Result<()> {
    match unit_id {
        None if actor.is_office() => Ok(()),
        Some(u) if actor.may_access_unit(u) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// For objects named by an id in the address: another unit's catalog, entry or item is "not
/// found" (as `flows::access::object`), so ids cannot be probed by walking them.
fn door(actor: &Actor, unit_id: Option<i64>) -> Result<()> {
    check_scope(actor, unit_id).map_err(|_| AppError::NotFound)
}

fn parse_date(s: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad(format!("{what}应为YYYY-MM-DD格式的日期")))
}

/// What an import gave: the catalog saved, or the bad rows (nothing saved).
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub catalog_id: Option<i64>,
    pub errors: Vec<RowError>,
    pub ignored_columns: Vec<String>,
    pub entries: usize,
    pub flagged: usize,
}

/// Imports a catalog spreadsheet for a unit (or, `unit_id` None, the office's national template
/// of the area). Bad rows: reported by number, nothing saved. An existing catalog is replaced
/// entry by entry: entries with the same 一级/二级事项 keep their id, links and recorded dates.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    state: &AppState,
    actor: &Actor,
    unit_id: Option<i64>,
    area_code: &str,
    effective_on: &str,
    edition: &str,
    filename: &str,
    bytes: &[u8],
) -> Result<ImportReport> {
    check_scope(actor, unit_id)?;
    area_title(area_code).ok_or_else(|| bad("请选择试点领域"))?;
    let effective = parse_date(effective_on, "目录施行日期")?;
    if bytes.is_empty() {
        return Err(bad("请选择要导入的目录文件（.xlsx 或 .csv）"));
    }
    let grid = crate::sandbox::read_grid(filename, bytes).await.map_err(bad)?;
    let imp = bc::import(&grid).map_err(bad)?;
    let flagged = imp.catalog.entries.iter().filter(|e| e.rule.is_none()).count();
    if !imp.errors.is_empty() {
        return Ok(ImportReport {
            catalog_id: None,
            errors: imp.errors,
            ignored_columns: imp.ignored_columns,
            entries: 0,
            flagged,
        });
    }
    let id =
        save(&state.db, actor, unit_id, area_code, effective, edition, &imp.catalog, "basic_catalog.import").await?;
    Ok(ImportReport {
        catalog_id: Some(id),
        errors: vec![],
        ignored_columns: imp.ignored_columns,
        entries: imp.catalog.entries.len(),
        flagged,
    })
}

#[allow(clippy::too_many_arguments)]
async fn save(
    db: &Db,
    actor: &Actor,
    unit_id: Option<i64>,
    area_code: &str,
    effective: NaiveDate,
    edition: &str,
    cat: &BasicCatalog,
    action: &str,
) -> Result<i64> {
    let labels = serde_json::to_string(&cat.level_labels).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    let existing = store::find_catalog_tx(&mut tx, unit_id, area_code).await?;
    let id = match &existing {
        Some(c) => {
            store::update_catalog(&mut tx, c.basic_catalog_id, &labels, &effective.to_string(), edition).await?;
            c.basic_catalog_id
        }
        None => store::insert_catalog(&mut tx, unit_id, area_code, &labels, &effective.to_string(), edition).await?,
    };
    let old = store::entries_tx(&mut tx, id).await?;
    let key = |a: &str, b: &str| (a.trim().to_string(), b.trim().to_string());
    let mut old_by_key: HashMap<(String, String), &store::EntryRow> =
        old.iter().map(|r| (key(&r.level1, &r.level2), r)).collect();
    let (mut added, mut kept) = (0, 0);
    for (i, e) in cat.entries.iter().enumerate() {
        let json = serde_json::to_string(e).map_err(|err| AppError::Internal(err.into()))?;
        match old_by_key.remove(&key(&e.level1, &e.level2)) {
            Some(r) => {
                store::update_entry(&mut tx, r.basic_entry_id, i as i64, &json, None).await?;
                kept += 1;
            }
            None => {
                store::insert_entry(&mut tx, id, i as i64, &e.level1, &e.level2, &json, None).await?;
                added += 1;
            }
        }
    }
    let removed = old_by_key.len();
    for r in old_by_key.values() {
        store::delete_entry(&mut tx, r.basic_entry_id).await?;
    }
    db::audit::record(
        &mut tx,
        actor,
        action,
        "basic_catalog",
        &id.to_string(),
        existing.as_ref().map(|_| serde_json::json!({ "entries": old.len() })).as_ref(),
        Some(&serde_json::json!({
            "unit_id": unit_id, "area": area_code, "effective_on": effective.to_string(),
            "entries": cat.entries.len(), "added": added, "kept": kept, "removed": removed,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates a unit's catalog of an area as a copy of the national template (then edited or
/// re-imported; the difference from the template stays visible).
pub async fn derive(state: &AppState, actor: &Actor, unit_id: i64, area_code: &str, effective_on: &str) -> Result<i64> {
    check_scope(actor, Some(unit_id))?;
    area_title(area_code).ok_or_else(|| bad("请选择试点领域"))?;
    let effective = parse_date(effective_on, "目录施行日期")?;
    if store::find_catalog(&state.db, Some(unit_id), area_code).await?.is_some() {
        return Err(AppError::Conflict("本单位已有该领域的目录：请导入新版本替换".into()));
    }
    let t = store::find_catalog(&state.db, None, area_code)
        .await?
        .ok_or_else(|| bad("该领域还没有国家标准指引模板，请先由公开办导入模板"))?;
    let cat = load_catalog(&state.db, &t).await?.0;
    save(&state.db, actor, Some(unit_id), area_code, effective, "", &cat, "basic_catalog.derive").await
}

async fn load_catalog(db: &Db, c: &store::CatalogRow) -> Result<(BasicCatalog, Vec<store::EntryRow>)> {
    let rows = store::entries(db, c.basic_catalog_id).await?;
    let entries = rows
        .iter()
        .map(|r| serde_json::from_str::<CatalogEntry>(&r.entry_json).map_err(|e| AppError::Internal(e.into())))
        .collect::<Result<Vec<_>>>()?;
    let level_labels: Vec<String> = serde_json::from_str(&c.level_labels).unwrap_or_default();
    Ok((BasicCatalog { level_labels, entries }, rows))
}

mod view;

pub use view::CatalogView;
use view::build_view;

/// A catalog for staff: the unit's own (or any, for the office).
pub async fn view_for_staff(state: &AppState, actor: &Actor, catalog_id: i64, as_of: NaiveDate) -> Result<CatalogView> {
    let c = store::get_catalog(&state.db, catalog_id).await?.ok_or(AppError::NotFound)?;
    if c.unit_id.is_some() {
        door(actor, c.unit_id)?;
    } else if actor.staff().is_none() {
        return Err(AppError::NotFound);
    }
    build_view(state, c, as_of, &state.calendar()).await
}

/// The catalogs a staff member sees: their unit's (the office: all) and the templates.
pub async fn list_for_staff(state: &AppState, actor: &Actor) -> Result<(Vec<CatalogSummary>, Vec<CatalogSummary>)> {
    let scope = if actor.is_office() { None } else { Some(actor.unit_id.ok_or(AppError::Forbidden)?) };
    let units: HashMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let sum = |c: store::CatalogRow| CatalogSummary {
        unit_name: c.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_else(|| "国家标准指引（模板）".into()),
        area_title: area_title(&c.area_code).unwrap_or("").into(),
        c,
    };
    let own = store::list_catalogs(&state.db, scope).await?.into_iter().map(sum).collect();
    let templates = store::list_templates(&state.db).await?.into_iter().map(sum).collect();
    Ok((own, templates))
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogSummary {
    pub c: store::CatalogRow,
    pub unit_name: String,
    pub area_title: String,
}

/// The catalog as a spreadsheet of the published layout: (filename, bytes, content type).
pub async fn export(
    state: &AppState,
    actor: &Actor,
    catalog_id: i64,
    xlsx: bool,
) -> Result<(String, Vec<u8>, &'static str)> {
    let c = store::get_catalog(&state.db, catalog_id).await?.ok_or(AppError::NotFound)?;
    if c.unit_id.is_some() {
        door(actor, c.unit_id)?;
    } else if actor.staff().is_none() {
        return Err(AppError::NotFound);
    }
    let (cat, _) = load_catalog(&state.db, &c).await?;
    let table = bc::export(&cat);
    let name = format!("basic-catalog-{}-{}", c.area_code, c.basic_catalog_id);
    if !xlsx {
        return Ok((format!("{name}.csv"), bc::to_csv(&table).into_bytes(), "text/csv; charset=utf-8"));
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let head = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_align(rust_xlsxwriter::FormatAlign::Center)
        .set_border(rust_xlsxwriter::FormatBorder::Thin);
    let cell = rust_xlsxwriter::Format::new()
        .set_text_wrap()
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_align(rust_xlsxwriter::FormatAlign::VerticalCenter);
    let xerr = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.into());
    for (r, row) in table.rows.iter().enumerate() {
        for (col, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32, col as u16, v, if r < 2 { &head } else { &cell }).map_err(xerr)?;
        }
    }
    for m in &table.merges {
        let v = table.rows[m.first_row as usize].get(m.first_col as usize).cloned().unwrap_or_default();
        ws.merge_range(
            m.first_row,
            m.first_col,
            m.last_row,
            m.last_col,
            &v,
            if m.first_row < 2 { &head } else { &cell },
        )
        .map_err(xerr)?;
    }
    ws.set_column_width(3, 40).map_err(xerr)?;
    ws.set_column_width(7, 30).map_err(xerr)?;
    let bytes = wb.save_to_buffer().map_err(xerr)?;
    Ok((format!("{name}.xlsx"), bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
}

async fn entry_in_scope(
    state: &AppState,
    actor: &Actor,
    entry_id: i64,
) -> Result<(store::EntryRow, store::CatalogRow)> {
    let r = store::get_entry(&state.db, entry_id).await?.ok_or(AppError::NotFound)?;
    let c = store::get_catalog(&state.db, r.basic_catalog_id).await?.ok_or(AppError::NotFound)?;
    door(actor, c.unit_id)?;
    Ok((r, c))
}

/// The rule a clerk sets for a 时限 (the form's fields).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RuleForm {
    pub kind: String,
    #[serde(default)]
    pub count: String,
    #[serde(default)]
    pub trigger: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub day: String,
}

pub fn rule_from_form(f: &RuleForm) -> Result<Rule> {
    let count = || -> Result<u32> {
        f.count
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=366).contains(n))
            .ok_or_else(|| bad("天数应为1至366之间的整数"))
    };
    let trigger = || -> Result<Trigger> {
        Ok(match f.trigger.as_str() {
            "formed_or_changed" => Trigger::FormedOrChanged,
            "formed" => Trigger::Formed,
            "made_or_obtained" => Trigger::MadeOrObtained,
            "decision" => Trigger::Decision,
            "congress_approval" => Trigger::CongressApproval,
            "finance_approval" => Trigger::FinanceApproval,
            _ => return Err(bad("请选择起算事件")),
        })
    };
    Ok(match f.kind.as_str() {
        "working_days" => Rule::Within { period: Period { count: count()?, unit: DayUnit::Working }, from: trigger()? },
        "calendar_days" => {
            Rule::Within { period: Period { count: count()?, unit: DayUnit::Calendar }, from: trigger()? }
        }
        "immediate" => Rule::Immediate,
        "promptly" => Rule::Promptly,
        "standing" => Rule::Standing,
        "by_procedure" => Rule::ByProcedure,
        "yearly" => Rule::Yearly,
        "quarterly" => Rule::Quarterly,
        "monthly" => Rule::Monthly,
        "fixed_date" => {
            let m: u32 = f.month.trim().parse().map_err(|_| bad("请填写月份"))?;
            let d: u32 = f.day.trim().parse().map_err(|_| bad("请填写日期"))?;
            if NaiveDate::from_ymd_opt(2024, m, d).is_none() {
                return Err(bad("月、日不是有效的日期"));
            }
            Rule::FixedDate { month: m, day: d }
        }
        _ => return Err(bad("请选择规则类型")),
    })
}

/// Sets the rule of an entry's 时限 by hand (for a phrase the platform could not read, or to
/// correct a reading). The written 时限 stays as published.
pub async fn set_rule(state: &AppState, actor: &Actor, entry_id: i64, form: &RuleForm) -> Result<()> {
    let (r, _) = entry_in_scope(state, actor, entry_id).await?;
    let rule = rule_from_form(form)?;
    let mut e: CatalogEntry = serde_json::from_str(&r.entry_json).map_err(|err| AppError::Internal(err.into()))?;
    let before = e.rule.as_ref().map(TimeLimit::label);
    e.rule = Some(TimeLimit::single(rule));
    let json = serde_json::to_string(&e).map_err(|err| AppError::Internal(err.into()))?;
    let mut tx = state.db.begin().await?;
    store::update_entry(&mut tx, entry_id, r.position, &json, Some(&actor.username)).await?;
    db::audit::record(
        &mut tx,
        actor,
        "basic_catalog.set_rule",
        "basic_entry",
        &entry_id.to_string(),
        Some(&serde_json::json!({ "time_limit": e.time_limit, "rule": before })),
        Some(&serde_json::json!({ "rule": e.rule.as_ref().map(TimeLimit::label) })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records the date the entry's information formed or changed (the start of its 时限); empty:
/// back to the catalog's effective date.
pub async fn set_event(state: &AppState, actor: &Actor, entry_id: i64, date: &str) -> Result<()> {
    let (r, _) = entry_in_scope(state, actor, entry_id).await?;
    let date = if date.trim().is_empty() { None } else { Some(parse_date(date, "信息形成日期")?.to_string()) };
    let mut tx = state.db.begin().await?;
    store::set_event_on(&mut tx, entry_id, date.as_deref()).await?;
    db::audit::record(
        &mut tx,
        actor,
        "basic_catalog.set_event",
        "basic_entry",
        &entry_id.to_string(),
        Some(&serde_json::json!({ "event_on": r.event_on })),
        Some(&serde_json::json!({ "event_on": date })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Links a published item of the unit to the entry it fulfils (None: unlinks it).
pub async fn link_item(state: &AppState, actor: &Actor, item_id: i64, entry_id: Option<i64>) -> Result<()> {
    let (unit_id, _, status) = store::item_unit_and_node(&state.db, item_id).await?.ok_or(AppError::NotFound)?;
    door(actor, Some(unit_id))?;
    if let Some(e) = entry_id {
        let (_, c) = entry_in_scope(state, actor, e).await?;
        if c.unit_id != Some(unit_id) {
            return Err(bad("只能关联到本单位目录中的事项"));
        }
    }
    if matches!(status.as_str(), "deleted" | "withdrawn") {
        return Err(bad("已删除或撤回的信息不能关联到目录事项"));
    }
    // The entry's 公开方式 and channels become a draft's defaults (issue 18 §4).
    let defaults = match entry_id {
        Some(e) => {
            let row = store::get_entry(&state.db, e).await?.ok_or(AppError::NotFound)?;
            let entry: CatalogEntry =
                serde_json::from_str(&row.entry_json).map_err(|e| AppError::Internal(e.into()))?;
            let (mode, channels) = item_defaults(&entry);
            Some((mode.code(), super::disclosure::channels_text(&channels)))
        }
        None => None,
    };
    let before = store::linked_entry(&state.db, item_id).await?;
    let mut tx = state.db.begin().await?;
    store::link_item(&mut tx, item_id, entry_id).await?;
    let applied = match &defaults {
        Some((mode, channels)) => store::apply_entry_defaults(&mut tx, item_id, mode, channels).await? > 0,
        None => false,
    };
    db::audit::record(
        &mut tx,
        actor,
        "basic_catalog.link_item",
        "item",
        &item_id.to_string(),
        Some(&serde_json::json!({ "basic_entry_id": before })),
        Some(&serde_json::json!({
            "basic_entry_id": entry_id,
            "defaults_applied": applied.then(|| defaults.as_ref().map(|(m, c)| serde_json::json!({ "mode": m, "channels": c }))),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A published item of the area not yet linked, with the entry its title suggests.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub item: store::UnlinkedItem,
    pub entry_id: Option<i64>,
}

pub async fn suggestions(state: &AppState, actor: &Actor, catalog_id: i64) -> Result<Vec<Suggestion>> {
    let c = store::get_catalog(&state.db, catalog_id).await?.ok_or(AppError::NotFound)?;
    let Some(unit_id) = c.unit_id else { return Ok(vec![]) };
    door(actor, Some(unit_id))?;
    let (cat, rows) = load_catalog(&state.db, &c).await?;
    Ok(store::unlinked_items(&state.db, unit_id, &format!("area_{}", c.area_code))
        .await?
        .into_iter()
        .map(|item| {
            let entry_id = bc::suggest_entry(&cat, &item.title).map(|i| rows[i].basic_entry_id);
            Suggestion { item, entry_id }
        })
        .collect())
}

/// The defaults an item published for an entry starts with: its 公开方式 and channels.
pub fn item_defaults(e: &CatalogEntry) -> (PublicationMode, Vec<Channel>) {
    (e.mode.item_default(), e.channels.platform_channels())
}

/// An entry due and not published.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    pub unit_id: i64,
    pub unit_name: String,
    pub area_title: String,
    pub catalog_id: i64,
    pub entry_id: i64,
    pub entry: String,
    pub time_limit: String,
    pub due: String,
}

/// The gaps of one unit's catalogs (Some) or every unit's (None) on `as_of`, oldest due first.
pub async fn gaps(state: &AppState, unit_id: Option<i64>, as_of: NaiveDate) -> Result<Vec<Gap>> {
    let cal = state.calendar();
    let mut out = vec![];
    for c in store::list_catalogs(&state.db, unit_id).await? {
        let v = build_view(state, c, as_of, &cal).await?;
        for e in &v.entries {
            if e.state == "gap" {
                out.push(Gap {
                    unit_id: v.c.unit_id.unwrap_or(0),
                    unit_name: v.unit_name.clone(),
                    area_title: v.area_title.clone(),
                    catalog_id: v.c.basic_catalog_id,
                    entry_id: e.entry_id,
                    entry: e.e.title(),
                    time_limit: e.e.time_limit.clone(),
                    due: e.due.clone().unwrap_or_default(),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.due, a.unit_id).cmp(&(&b.due, b.unit_id)));
    Ok(out)
}

/// The public table of an area page: the unit's catalog of the area with the public items under
/// each entry (titles and dates only); None when the unit has none.
pub async fn area_table(state: &AppState, unit_id: i64, node_code: &str) -> Result<Option<CatalogView>> {
    let Some(area) = node_code.strip_prefix("area_") else { return Ok(None) };
    let Some(c) = store::find_catalog(&state.db, Some(unit_id), area).await? else { return Ok(None) };
    let today = crate::state::today();
    let mut v = build_view(state, c, today, &state.calendar()).await?;
    // The public sees the catalog and what was published, not the internal checks.
    v.differences.clear();
    for e in &mut v.entries {
        e.rule_set_by = None;
    }
    Ok(Some(v))
}

/// The units the office may choose on the import form.
pub async fn units(state: &AppState) -> Result<Vec<db::org::UnitRow>> {
    Ok(db::org::list_units(&state.db).await?)
}

/// The 标准目录 choice on an item's staff page: the entries of its unit's catalog for the area it
/// is filed under, the one it fulfils (or the one its title suggests), and that entry's defaults.
#[derive(Debug, Clone, Serialize)]
pub struct ItemChoice {
    pub catalog_id: i64,
    pub area_title: String,
    pub linked: Option<i64>,
    pub suggested: Option<i64>,
    pub entries: Vec<(i64, String, String)>,
}

/// None when the item is not filed under an area whose catalog the unit keeps.
pub async fn item_choice(state: &AppState, actor: &Actor, item_id: i64, title: &str) -> Result<Option<ItemChoice>> {
    let Some((unit_id, Some(code), _)) = store::item_unit_and_node(&state.db, item_id).await? else { return Ok(None) };
    door(actor, Some(unit_id))?;
    let Some(area) = code.strip_prefix("area_") else { return Ok(None) };
    let Some(c) = store::find_catalog(&state.db, Some(unit_id), area).await? else { return Ok(None) };
    let (cat, rows) = load_catalog(&state.db, &c).await?;
    let linked = store::linked_entry(&state.db, item_id).await?;
    let suggested = bc::suggest_entry(&cat, title).map(|i| rows[i].basic_entry_id);
    let entries = cat
        .entries
        .iter()
        .zip(rows.iter())
        .map(|(e, r)| {
            let (mode, channels) = item_defaults(e);
            let defaults =
                format!("{}；{}", mode.label(), channels.iter().map(|c| c.label()).collect::<Vec<_>>().join("、"));
            (r.basic_entry_id, e.title(), defaults)
        })
        .collect();
    Ok(Some(ItemChoice {
        catalog_id: c.basic_catalog_id,
        area_title: area_title(area).unwrap_or("").into(),
        linked,
        suggested,
        entries,
    }))
}
