//! The 标准目录 as its pages show it: each entry with its standing on a day (on time, late, a gap),
//! its items, its 公开依据 with the laws the platform publishes linked, and the difference of a
//! unit's catalog from the national template.

use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::disclosure::basic_catalog::{self as bc, BasicCatalog, CatalogEntry, Difference, Standing};
use gongkai_domain::disclosure::timelimit::TimeLimit;
use serde::Serialize;

use super::{area_title, item_defaults, load_catalog};
use crate::db::{self, basic_catalog as store};
use crate::error::Result;
use crate::state::AppState;

/// An entry as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub entry_id: i64,
    pub e: CatalogEntry,
    pub channels: String,
    pub audience: &'static str,
    pub mode: &'static str,
    pub levels: String,
    pub rule: Option<String>,
    pub rule_set_by: Option<String>,
    pub event_on: String,
    pub standing: String,
    pub state: &'static str,
    pub due: Option<String>,
    pub items: Vec<store::LinkedItem>,
    /// The 公开依据 in pieces; a document the platform publishes carries its item's id (linked).
    pub basis: Vec<(String, Option<i64>)>,
    /// What an item published for the entry starts with: 公开方式 and channels.
    pub item_defaults: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogView {
    pub c: store::CatalogRow,
    pub unit_name: String,
    pub area_title: String,
    pub level_labels: Vec<String>,
    pub entries: Vec<EntryView>,
    pub differences: Vec<String>,
    pub has_template: bool,
    pub gaps: usize,
    pub flagged: usize,
}

fn state_code(s: &Standing) -> &'static str {
    match s {
        Standing::OnRequestOnly => "on_request",
        Standing::RuleNotSet => "rule_not_set",
        Standing::NoDeadline => "no_deadline",
        Standing::NotDue { .. } => "not_due",
        Standing::OnTime { .. } => "on_time",
        Standing::Late { .. } => "late",
        Standing::Gap { .. } => "gap",
        Standing::Published { .. } => "published",
    }
}

fn due_of(s: &Standing) -> Option<NaiveDate> {
    match s {
        Standing::NotDue { due }
        | Standing::OnTime { due, .. }
        | Standing::Late { due, .. }
        | Standing::Gap { due } => Some(*due),
        _ => None,
    }
}

/// The laws and policies a catalog's 公开依据 name that the platform publishes: document key →
/// the item whose public title is that document (《》 and 中华人民共和国 aside).
async fn published_documents(state: &AppState, cat: &BasicCatalog) -> Result<std::collections::BTreeMap<String, i64>> {
    let keys: std::collections::BTreeSet<String> =
        cat.entries.iter().flat_map(|e| bc::basis_parts(&e.basis)).filter_map(|p| p.document).collect();
    let mut found = std::collections::BTreeMap::new();
    for key in keys {
        let hit = store::published_titled(&state.db, &key)
            .await?
            .into_iter()
            .find(|(_, title)| bc::document_key(title) == key);
        if let Some((item_id, _)) = hit {
            found.insert(key, item_id);
        }
    }
    Ok(found)
}

pub(super) async fn build_view(
    state: &AppState,
    c: store::CatalogRow,
    as_of: NaiveDate,
    cal: &Calendar,
) -> Result<CatalogView> {
    let (cat, rows) = load_catalog(&state.db, &c).await?;
    let links = store::linked_items(&state.db, c.basic_catalog_id).await?;
    let effective = NaiveDate::parse_from_str(&c.effective_on, "%Y-%m-%d").unwrap_or(as_of);
    let documents = published_documents(state, &cat).await?;
    let mut entries = vec![];
    for (e, r) in cat.entries.iter().zip(rows.iter()) {
        let items: Vec<store::LinkedItem> =
            links.iter().filter(|l| l.basic_entry_id == r.basic_entry_id).cloned().collect();
        let recorded = r.event_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let event = recorded.unwrap_or(effective);
        // Where the clerk recorded when the information formed, what was published before it
        // cannot be that information; without a record, what the unit already published counts.
        let first = items
            .iter()
            .filter_map(|i| i.published_on.as_deref())
            .filter_map(|d| d.get(..10))
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .filter(|d| recorded.is_none_or(|ev| *d >= ev))
            .min();
        let (standing, code, due) = match bc::assess(e, event, first, as_of, cal) {
            Ok(s) => (s.label(), state_code(&s), due_of(&s).map(|d| d.to_string())),
            Err(err) => (format!("无法计算：{err}"), "calendar", None),
        };
        let levels = cat
            .level_labels
            .iter()
            .zip(e.levels.iter())
            .filter(|(_, b)| **b)
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>()
            .join("、");
        entries.push(EntryView {
            entry_id: r.basic_entry_id,
            channels: e.channels.ticked().collect::<Vec<_>>().join("、"),
            audience: match (e.audience.general, e.audience.specific) {
                (true, true) => "全社会、特定群体",
                (true, false) => "全社会",
                (false, true) => "特定群体",
                _ => "",
            },
            mode: e.mode.label(),
            levels,
            rule: e.rule.as_ref().map(TimeLimit::label),
            rule_set_by: r.rule_set_by.clone(),
            event_on: event.to_string(),
            standing,
            state: code,
            due,
            items,
            basis: bc::basis_parts(&e.basis)
                .into_iter()
                .map(|p| {
                    let item = p.document.as_ref().and_then(|k| documents.get(k).copied());
                    (p.text, item)
                })
                .collect(),
            item_defaults: {
                let (mode, channels) = item_defaults(e);
                format!("{}；{}", mode.label(), channels.iter().map(|c| c.label()).collect::<Vec<_>>().join("、"))
            },
            e: e.clone(),
        });
    }
    let template = match c.unit_id {
        Some(_) => store::find_catalog(&state.db, None, &c.area_code).await?,
        None => None,
    };
    let differences = match &template {
        Some(t) => bc::differences(&load_catalog(&state.db, t).await?.0, &cat)
            .into_iter()
            .map(|d| match d {
                Difference::Added(t) => format!("新增：{t}"),
                Difference::Removed(t) => format!("删除：{t}"),
                Difference::Reworded { entry, fields } => format!("改写：{entry}（{}）", fields.join("、")),
            })
            .collect(),
        None => vec![],
    };
    let unit_name = match c.unit_id {
        Some(u) => db::org::get_unit(&state.db, u).await?.map(|u| u.name).unwrap_or_default(),
        None => "国家标准指引（模板）".into(),
    };
    Ok(CatalogView {
        unit_name,
        area_title: area_title(&c.area_code).unwrap_or("").to_string(),
        level_labels: cat.level_labels.clone(),
        gaps: entries.iter().filter(|e| e.state == "gap").count(),
        flagged: entries.iter().filter(|e| e.e.rule.is_none()).count(),
        entries,
        differences,
        has_template: template.is_some(),
        c,
    })
}
