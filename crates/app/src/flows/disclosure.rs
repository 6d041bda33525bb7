//! 主动公开 use cases (条例第十九条至第二十六条): a unit's clerk drafts an item with the date the
//! information was formed, the reviewer's 保密审查 (with the automatic scan of
//! `gongkai_domain::privacy`) publishes it under a 索引号 given out in the same transaction,
//! and it may later be withdrawn or marked 失效 / 废止. The workflow table is
//! `gongkai_domain::disclosure::apply`; this module loads, asks it, and stores the result with
//! its audit record and change-feed event. Also the annual report's hook (`table2_counts`).

use chrono::{Datelike, NaiveDate};
use gongkai_domain::calendar::Calendar;
use gongkai_domain::disclosure::{
    Art20Category, Channel, Genre, IndexNumber, ItemEvent, ItemMetadata, ItemStatus, PublicationMode, SecrecyReview,
    Subject, Title, Validity, apply, count_by_channel, html_to_text, is_late, standard_catalog,
};
use gongkai_domain::privacy::{self, Finding};
use serde::{Deserialize, Serialize};

use super::Actor;
use crate::db::{self, Db, Tx, item::ItemRow, item::NewItem};
use crate::error::{AppError, FieldError, Result};

/// The item form as typed (raw strings; converted with checks in [`validate`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub catalog_node_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub art20: String,
    #[serde(default)]
    pub genre: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub validity: String,
    #[serde(default)]
    pub validity_since: String,
    #[serde(default)]
    pub validity_end: String,
    #[serde(default)]
    pub formed_on: String,
    #[serde(default)]
    pub written_on: String,
    // One checkbox per channel (HTML forms repeat keys, which urlencoded structs cannot collect).
    #[serde(default)]
    pub ch_website: Option<String>,
    #[serde(default)]
    pub ch_weibo: Option<String>,
    #[serde(default)]
    pub ch_wechat: Option<String>,
    #[serde(default)]
    pub ch_app: Option<String>,
    #[serde(default)]
    pub ch_other: Option<String>,
}

impl ItemForm {
    pub fn channels(&self) -> Vec<Channel> {
        let on = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        [
            (Channel::Website, &self.ch_website),
            (Channel::Weibo, &self.ch_weibo),
            (Channel::WeChat, &self.ch_wechat),
            (Channel::App, &self.ch_app),
            (Channel::Other, &self.ch_other),
        ]
        .into_iter()
        .filter(|(_, v)| on(v))
        .map(|(c, _)| c)
        .collect()
    }

    /// The form filled from a stored item (for editing).
    pub fn from_row(r: &ItemRow) -> ItemForm {
        let has = |c: &str| r.channels.split(',').any(|x| x == c).then(|| "1".to_string());
        ItemForm {
            unit_id: r.unit_id.to_string(),
            catalog_node_id: r.catalog_node_id.map(|v| v.to_string()).unwrap_or_default(),
            title: r.title.clone(),
            summary: r.summary.clone(),
            body: r.body_html.clone(),
            doc_no: r.doc_no.clone(),
            art20: r.art20.clone(),
            genre: r.genre.clone(),
            subject: r.subject.clone(),
            validity: r.validity.clone(),
            validity_since: r.validity_since.clone().unwrap_or_default(),
            validity_end: r.validity_end.clone().unwrap_or_default(),
            formed_on: r.formed_on.clone(),
            written_on: r.written_on.clone().unwrap_or_default(),
            ch_website: has("website"),
            ch_weibo: has("weibo"),
            ch_wechat: has("wechat"),
            ch_app: has("app"),
            ch_other: has("other"),
        }
    }
}

/// Channels as stored: comma-separated codes in `Channel::ALL` order.
pub fn channels_text(channels: &[Channel]) -> String {
    Channel::ALL.iter().filter(|c| channels.contains(c)).map(|c| c.code()).collect::<Vec<_>>().join(",")
}

pub fn parse_channels(text: &str) -> Vec<Channel> {
    text.split(',').filter_map(|c| Channel::from_code(c.trim())).collect()
}

/// 有效性 as stored (code, since, end) → the domain value.
#[allow(dead_code)]
pub fn validity_of(code: &str, since: Option<&str>, end: Option<&str>) -> Validity {
    let d = |s: Option<&str>| s.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    match (code, d(end)) {
        ("lapsed", Some(on)) => Validity::Lapsed { on },
        ("repealed", Some(on)) => Validity::Repealed { on },
        _ => Validity::Effective { since: d(since) },
    }
}

pub fn validity_code(v: Validity) -> &'static str {
    match v {
        Validity::Effective { .. } => "effective",
        Validity::Lapsed { .. } => "lapsed",
        Validity::Repealed { .. } => "repealed",
    }
}

/// Rich text as it may be stored: ammonia's safe subset (no scripts, styles or event handlers).
pub fn sanitize_body(html: &str) -> String {
    ammonia::clean(html)
}

/// 条例第二十六条: 20 working days from the day the information was formed. Without calendar
/// data for that year, four calendar weeks (the same length without holidays).
pub fn due_date(calendar: &Calendar, formed_on: NaiveDate) -> NaiveDate {
    calendar.add_working_days(formed_on, 20).unwrap_or(formed_on + chrono::Duration::days(28))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// The form, checked: the domain's metadata and the row to store.
pub fn validate(
    form: &ItemForm,
    unit_id: i64,
    calendar: &Calendar,
) -> std::result::Result<(ItemMetadata, NewItem), Vec<FieldError>> {
    let mut errors = vec![];
    let title = Title::parse(&form.title).map_err(|e| errors.push(FieldError::new("title", e.to_string()))).ok();
    let formed_on = parse_date(&form.formed_on);
    if formed_on.is_none() {
        errors.push(FieldError::new("formed_on", "请填写信息形成（或变更）日期，格式如 2020-09-28"));
    }
    let written_on = match form.written_on.trim() {
        "" => None,
        s => {
            let d = parse_date(s);
            if d.is_none() {
                errors.push(FieldError::new("written_on", "成文日期格式应如 2020-09-28"));
            }
            d
        }
    };
    let category = match form.art20.trim() {
        "" => None,
        c => {
            let v = Art20Category::from_code(c);
            if v.is_none() {
                errors.push(FieldError::new("art20", "请选择条例第二十条的公开事项"));
            }
            v
        }
    };
    let genre = Genre::from_code(form.genre.trim()).unwrap_or(Genre::Other);
    let subject = Subject::from_code(form.subject.trim()).unwrap_or(Subject::Other);
    let end = parse_date(&form.validity_end);
    let validity = match form.validity.trim() {
        "lapsed" | "repealed" if end.is_none() => {
            errors.push(FieldError::new("validity_end", "失效或废止须填写日期"));
            Validity::Effective { since: None }
        }
        "lapsed" => Validity::Lapsed { on: end.expect("checked") },
        "repealed" => Validity::Repealed { on: end.expect("checked") },
        _ => Validity::Effective { since: parse_date(&form.validity_since) },
    };
    let summary = form.summary.trim().to_string();
    if summary.chars().count() > 1000 {
        errors.push(FieldError::new("summary", "内容概述不超过1000字"));
    }
    let doc_no = form.doc_no.trim().to_string();
    if doc_no.chars().count() > 100 {
        errors.push(FieldError::new("doc_no", "发文字号过长"));
    }
    let catalog_node_id = form.catalog_node_id.trim().parse::<i64>().ok();
    let mut channels = form.channels();
    if channels.is_empty() {
        channels.push(Channel::Website);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (title, formed_on) = (title.expect("checked"), formed_on.expect("checked"));
    let meta = ItemMetadata {
        title: title.clone(),
        formed_on,
        written_on,
        document_number: (!doc_no.is_empty()).then(|| doc_no.clone()),
        category,
        genre,
        subject,
        mode: PublicationMode::Proactive,
        validity,
        channels: channels.clone(),
    };
    let (since, vend) = match validity {
        Validity::Effective { since } => (since.map(|d| d.to_string()), None),
        Validity::Lapsed { on } | Validity::Repealed { on } => (None, Some(on.to_string())),
    };
    let row = NewItem {
        unit_id,
        catalog_node_id,
        title: title.as_str().to_string(),
        summary,
        body_html: sanitize_body(&form.body),
        doc_no,
        art20: category.map(|c| c.code().to_string()).unwrap_or_default(),
        genre: genre.code().into(),
        subject: subject.code().into(),
        mode: PublicationMode::Proactive.code().into(),
        validity: validity_code(validity).into(),
        validity_since: since,
        validity_end: vend,
        channels: channels_text(&channels),
        formed_on: formed_on.to_string(),
        written_on: written_on.map(|d| d.to_string()),
        due_on: due_date(calendar, formed_on).to_string(),
    };
    Ok((meta, row))
}

fn status_of(code: &str) -> ItemStatus {
    ItemStatus::ALL.into_iter().find(|s| status_code(*s) == code).unwrap_or(ItemStatus::Draft)
}

pub fn status_code(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Draft => "draft",
        ItemStatus::PendingReview => "pending_review",
        ItemStatus::Published => "published",
        ItemStatus::Withdrawn => "withdrawn",
        ItemStatus::Expired => "expired",
    }
}

pub fn status_label(code: &str) -> &'static str {
    status_of(code).label()
}

fn domain_err(e: gongkai_domain::disclosure::ItemError) -> AppError {
    AppError::BadRequest(e.to_string())
}

/// What the scanner finds in everything about to be published (title, summary, body text).
pub fn scan_row(r: &ItemRow) -> Vec<Finding> {
    privacy::scan(&scan_text(&r.title, &r.summary, &r.body_html))
}

fn scan_text(title: &str, summary: &str, body_html: &str) -> String {
    format!("{title}\n{summary}\n{}", html_to_text(body_html))
}

/// The text the public may see: personal data masked (always — an override decides that the
/// item may go out, never that an ID number may).
fn mask_html(html: &str) -> String {
    sanitize_body(&privacy::mask_all(html).0)
}

/// Make sure a unit has its 政府信息公开目录 (the standard tree); returns nothing new if it has one.
pub async fn ensure_catalog(tx: &mut Tx<'_>, unit_id: i64) -> Result<()> {
    if db::item::count_nodes_tx(tx, unit_id).await? > 0 {
        return Ok(());
    }
    let mut stack: Vec<(Option<i64>, &gongkai_domain::disclosure::CatalogNodeSpec, i64)> = vec![];
    let specs = standard_catalog();
    for (i, s) in specs.iter().enumerate().rev() {
        stack.push((None, s, i as i64));
    }
    while let Some((parent, spec, order)) = stack.pop() {
        let class = serde_json::to_value(spec.update_class)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let id = db::item::insert_node(tx, unit_id, parent, &spec.code, &spec.title, &class, order).await?;
        for (i, c) in spec.children.iter().enumerate().rev() {
            stack.push((Some(id), c, i as i64));
        }
    }
    Ok(())
}

/// A unit's catalog nodes (created from the standard tree on first use), with their depth, in
/// tree order.
pub async fn catalog(db: &Db, unit_id: i64) -> Result<Vec<(db::item::CatalogNodeRow, usize)>> {
    let mut nodes = db::item::nodes_of_unit(db, unit_id).await?;
    if nodes.is_empty() {
        let mut tx = db.begin().await?;
        ensure_catalog(&mut tx, unit_id).await?;
        tx.commit().await?;
        nodes = db::item::nodes_of_unit(db, unit_id).await?;
    }
    Ok(tree_order(nodes))
}

/// Nodes in depth-first order with their depth (children after their parent, by sort order).
pub fn tree_order(nodes: Vec<db::item::CatalogNodeRow>) -> Vec<(db::item::CatalogNodeRow, usize)> {
    let mut out = Vec::with_capacity(nodes.len());
    fn walk(
        nodes: &[db::item::CatalogNodeRow],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(db::item::CatalogNodeRow, usize)>,
    ) {
        let mut kids: Vec<&db::item::CatalogNodeRow> = nodes.iter().filter(|n| n.parent_id == parent).collect();
        kids.sort_by_key(|n| (n.sort_order, n.catalog_node_id));
        for k in kids {
            out.push((k.clone(), depth));
            walk(nodes, Some(k.catalog_node_id), depth + 1, out);
        }
    }
    walk(&nodes, None, 0, &mut out);
    out
}

/// The office renames a catalog node (admin-editable trees).
pub async fn rename_node(db: &Db, actor: &Actor, node_id: i64, title: &str) -> Result<()> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::Invalid(vec![FieldError::new("title", "栏目名称不能为空，不超过100字")]));
    }
    let mut tx = db.begin().await?;
    let node = db::item::get_node_tx(&mut tx, node_id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_approve_for(node.unit_id) {
        return Err(AppError::Forbidden);
    }
    db::item::update_node_title(&mut tx, node_id, title).await?;
    db::audit::record(
        &mut tx,
        actor,
        "catalog.rename",
        "catalog_node",
        &node_id.to_string(),
        Some(&serde_json::json!({"title": node.title})),
        Some(&serde_json::json!({"title": title})),
    )
    .await?;
    db::audit::feed(&mut tx, "catalog.changed", "catalog_node", &node_id.to_string(), Some(node.unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The office (or the unit's reviewer) adds a sub-column under a node.
/// A sub-column takes its parent's update class (a 动态 column's sub-columns are 动态 too) unless
/// another is chosen.
pub async fn add_node(db: &Db, actor: &Actor, parent_id: i64, title: &str, update_class: Option<&str>) -> Result<i64> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(AppError::Invalid(vec![FieldError::new("title", "栏目名称不能为空，不超过100字")]));
    }
    let chosen = update_class.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = chosen
        && serde_json::from_value::<gongkai_domain::disclosure::UpdateClass>(serde_json::Value::String(c.to_string()))
            .is_err()
    {
        return Err(AppError::Invalid(vec![FieldError::new("update_class", "请选择栏目的更新要求")]));
    }
    let mut tx = db.begin().await?;
    let parent = db::item::get_node_tx(&mut tx, parent_id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_approve_for(parent.unit_id) {
        return Err(AppError::Forbidden);
    }
    let code = format!("custom_{}", &super::auth::random_token()[..10]);
    let class = chosen.unwrap_or(&parent.update_class).to_string();
    let id = db::item::insert_node(&mut tx, parent.unit_id, Some(parent_id), &code, title, &class, 1000).await?;
    db::audit::record(
        &mut tx,
        actor,
        "catalog.add",
        "catalog_node",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"parent": parent_id, "title": title, "code": code, "update_class": class})),
    )
    .await?;
    db::audit::feed(&mut tx, "catalog.changed", "catalog_node", &id.to_string(), Some(parent.unit_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Load an item a staff member may see (another unit's → not found).
pub async fn load_for_staff(db: &Db, actor: &Actor, item_id: i64) -> Result<ItemRow> {
    let row = db::item::get_item(db, item_id).await?.ok_or(AppError::NotFound)?;
    if !actor.may_access_unit(row.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

async fn load_tx(tx: &mut Tx<'_>, actor: &Actor, item_id: i64) -> Result<ItemRow> {
    let row = db::item::get_item_tx(tx, item_id).await?.ok_or(AppError::NotFound)?;
    if !actor.may_access_unit(row.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

fn unit_for(actor: &Actor, form: &ItemForm) -> Result<i64> {
    if actor.staff().is_none() {
        return Err(AppError::Forbidden);
    }
    match actor.unit_id {
        Some(u) => Ok(u),
        None => form
            .unit_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::Invalid(vec![FieldError::new("unit_id", "请选择发布机构")])),
    }
}

async fn check_node(tx: &mut Tx<'_>, unit_id: i64, node: Option<i64>) -> Result<()> {
    if let Some(n) = node {
        let ok = db::item::get_node_tx(tx, n).await?.is_some_and(|n| n.unit_id == unit_id);
        if !ok {
            return Err(AppError::Invalid(vec![FieldError::new("catalog_node_id", "所选栏目不属于本单位")]));
        }
    }
    Ok(())
}

/// A clerk drafts an item (草稿).
pub async fn draft(db: &Db, actor: &Actor, calendar: &Calendar, form: &ItemForm) -> Result<i64> {
    let unit_id = unit_for(actor, form)?;
    if !actor.may_access_unit(unit_id) {
        return Err(AppError::Forbidden);
    }
    let (_meta, row) = validate(form, unit_id, calendar).map_err(AppError::Invalid)?;
    let mut tx = db.begin().await?;
    db::org::get_unit_tx(&mut tx, unit_id)
        .await?
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "发布机构不存在")]))?;
    ensure_catalog(&mut tx, unit_id).await?;
    check_node(&mut tx, unit_id, row.catalog_node_id).await?;
    let id = db::item::insert_item(&mut tx, &row, "draft", &actor.username).await?;
    let after = Some(audit_view(&row));
    db::audit::record(&mut tx, actor, "item.draft", "item", &id.to_string(), None, after.as_ref()).await?;
    db::audit::feed(&mut tx, "item.changed", "item", &id.to_string(), Some(unit_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The clerk changes a draft (only a draft: after publication content and 索引号 stay).
pub async fn edit(db: &Db, actor: &Actor, calendar: &Calendar, item_id: i64, form: &ItemForm) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = load_tx(&mut tx, actor, item_id).await?;
    apply(status_of(&before.status), ItemEvent::Edit).map_err(domain_err)?;
    let (_meta, row) = validate(form, before.unit_id, calendar).map_err(AppError::Invalid)?;
    check_node(&mut tx, before.unit_id, row.catalog_node_id).await?;
    db::item::update_item(&mut tx, item_id, &row).await?;
    let b = serde_json::json!({"title": before.title, "summary": before.summary, "doc_no": before.doc_no, "formed_on": before.formed_on});
    let after = Some(audit_view(&row));
    db::audit::record(&mut tx, actor, "item.edit", "item", &item_id.to_string(), Some(&b), after.as_ref()).await?;
    db::audit::feed(&mut tx, "item.changed", "item", &item_id.to_string(), Some(before.unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Replace personal data in a draft by its masked form (一键遮盖); the original is kept in the
/// audit record only as the scanner's masked excerpts.
pub async fn mask_draft(db: &Db, actor: &Actor, item_id: i64) -> Result<usize> {
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, item_id).await?;
    if !matches!(r.status.as_str(), "draft" | "pending_review") {
        return Err(AppError::BadRequest("只有草稿或待审核的信息可以遮盖个人信息".into()));
    }
    let findings = scan_row(&r);
    let (title, _) = privacy::mask_all(&r.title);
    let (summary, _) = privacy::mask_all(&r.summary);
    let body = mask_html(&r.body_html);
    let mut row = to_new_item(&r);
    row.title = title;
    row.summary = summary;
    row.body_html = body;
    db::item::update_item(&mut tx, item_id, &row).await?;
    let after = serde_json::json!({"masked": findings.iter().filter(|f| f.severity == privacy::Severity::Maskable).map(|f| (f.kind.code(), f.excerpt_masked.clone())).collect::<Vec<_>>()});
    db::audit::record(&mut tx, actor, "item.mask", "item", &item_id.to_string(), None, Some(&after)).await?;
    db::audit::feed(&mut tx, "item.changed", "item", &item_id.to_string(), Some(r.unit_id)).await?;
    tx.commit().await?;
    Ok(findings.len())
}

/// What the append-only audit keeps of a draft: the metadata and a digest of the text, never the
/// text itself (a draft may hold personal data that masking later removes).
fn audit_view(row: &NewItem) -> serde_json::Value {
    let mut v = serde_json::to_value(row).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("body_html");
        o.remove("summary");
        let digest = super::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(
            format!("{}\n{}", row.summary, row.body_html).as_bytes(),
        ));
        o.insert("text_sha256".into(), digest.into());
        o.insert("title".into(), privacy::mask_all(&row.title).0.into());
    }
    v
}

fn to_new_item(r: &ItemRow) -> NewItem {
    NewItem {
        unit_id: r.unit_id,
        catalog_node_id: r.catalog_node_id,
        title: r.title.clone(),
        summary: r.summary.clone(),
        body_html: r.body_html.clone(),
        doc_no: r.doc_no.clone(),
        art20: r.art20.clone(),
        genre: r.genre.clone(),
        subject: r.subject.clone(),
        mode: r.mode.clone(),
        validity: r.validity.clone(),
        validity_since: r.validity_since.clone(),
        validity_end: r.validity_end.clone(),
        channels: r.channels.clone(),
        formed_on: r.formed_on.clone(),
        written_on: r.written_on.clone(),
        due_on: r.due_on.clone(),
    }
}

/// A simple transition with an optional reason: submit, return, withdraw.
async fn step(
    db: &Db,
    actor: &Actor,
    item_id: i64,
    event: ItemEvent,
    action: &str,
    needs_approver: bool,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, item_id).await?;
    if needs_approver && !actor.may_approve_for(r.unit_id) {
        return Err(AppError::Forbidden);
    }
    let reason = match &event {
        ItemEvent::Return { reason } | ItemEvent::Withdraw { reason } => reason.trim().to_string(),
        _ => String::new(),
    };
    let t = apply(status_of(&r.status), event).map_err(domain_err)?;
    db::item::set_status(&mut tx, item_id, status_code(t.to), &reason).await?;
    let before = serde_json::json!({"status": r.status});
    let after = serde_json::json!({"status": status_code(t.to), "reason": reason, "effects": t.effects});
    db::audit::record(&mut tx, actor, action, "item", &item_id.to_string(), Some(&before), Some(&after)).await?;
    db::audit::feed(&mut tx, "item.changed", "item", &item_id.to_string(), Some(r.unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn submit(db: &Db, actor: &Actor, item_id: i64) -> Result<()> {
    step(db, actor, item_id, ItemEvent::Submit, "item.submit", false).await
}

pub async fn return_item(db: &Db, actor: &Actor, item_id: i64, reason: &str) -> Result<()> {
    step(db, actor, item_id, ItemEvent::Return { reason: reason.into() }, "item.return", true).await
}

pub async fn withdraw(db: &Db, actor: &Actor, item_id: i64, reason: &str) -> Result<()> {
    step(db, actor, item_id, ItemEvent::Withdraw { reason: reason.into() }, "item.withdraw", true).await
}

/// Mark a published item 失效 (lapsed) or 废止 (repealed) from `on`.
pub async fn expire(db: &Db, actor: &Actor, item_id: i64, reason: &str, on: NaiveDate, repealed: bool) -> Result<()> {
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, item_id).await?;
    if !actor.may_approve_for(r.unit_id) {
        return Err(AppError::Forbidden);
    }
    let t = apply(status_of(&r.status), ItemEvent::Expire { reason: reason.into(), on }).map_err(domain_err)?;
    let validity = if repealed { "repealed" } else { "lapsed" };
    db::item::set_expired(&mut tx, item_id, validity, &on.to_string(), reason.trim()).await?;
    let after =
        serde_json::json!({"status": status_code(t.to), "validity": validity, "on": on, "reason": reason.trim()});
    db::audit::record(
        &mut tx,
        actor,
        "item.expire",
        "item",
        &item_id.to_string(),
        Some(&serde_json::json!({"status": r.status})),
        Some(&after),
    )
    .await?;
    db::audit::feed(&mut tx, "item.changed", "item", &item_id.to_string(), Some(r.unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The outcome of an approval, for the page.
#[derive(Debug, Clone, Serialize)]
pub struct Approved {
    pub index_no: String,
    pub late: bool,
}

/// The reviewer's 保密审查 and publication. The scan runs on the stored text; unmasked personal
/// data or a classification mark blocks unless the reviewer gives a reason (audited as
/// `item.override`). The 索引号 serial is taken in the same transaction.
/// The reviewer's 三同步 decision at publication: which categories need an interpretation (the
/// setting, as `flows::interaction::requires_interpretation` reads it) and, where none is approved,
/// the recorded reason and date by which it follows.
pub struct SyncDecision<'a> {
    pub requires: &'a (dyn Fn(&str) -> bool + Sync),
    pub deferral: Option<(&'a str, NaiveDate)>,
}

pub async fn approve(
    db: &Db,
    actor: &Actor,
    item_id: i64,
    override_reason: Option<&str>,
    today: NaiveDate,
    sync: &SyncDecision<'_>,
) -> Result<Approved> {
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, item_id).await?;
    if !actor.may_approve_for(r.unit_id) {
        return Err(AppError::Forbidden);
    }
    // A file nobody could scan (no text, no converter, too slow) waits for a reviewer's check by hand.
    let unscanned = db::item::unscanned_attachments(&mut *tx, item_id).await?;
    if !unscanned.is_empty() {
        return Err(AppError::BadRequest(format!(
            "附件{}无法自动提取文字进行个人信息扫描（图片、扫描件或无法读取的文件），须由审核人逐页人工核查并在附件旁确认后才能发布",
            unscanned.iter().map(|(_, n)| format!("《{n}》")).collect::<String>()
        )));
    }
    let mut findings = scan_row(&r);
    // Attachments' text blocks like the body's (originals already replaced by a masked copy do not).
    let texts = db::item::attachment_texts_tx(&mut tx, item_id).await?;
    for t in texts.iter().filter(|t| t.staff_only == 0) {
        findings.extend(privacy::scan(&t.text));
    }
    let override_reason = override_reason.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let review = SecrecyReview {
        reviewer: actor.display_name.clone(),
        reviewed_on: today,
        findings: findings.clone(),
        override_reason: if findings.is_empty() { None } else { override_reason.clone() },
    };
    let t = apply(status_of(&r.status), ItemEvent::Approve(review.clone())).map_err(domain_err)?;
    let unit = db::org::get_unit_tx(&mut tx, r.unit_id).await?.ok_or(AppError::NotFound)?;
    let index_no = allocate_index_no(&mut tx, r.unit_id, &unit.credit_code, today.year()).await?;
    // 三同步: a policy of a category that needs an interpretation goes out with an approved one
    // linked to it (published with it), or with the reviewer's recorded reason and later date.
    let category = Art20Category::from_code(&r.art20).map(|c| c.label()).unwrap_or("");
    let required = !category.is_empty() && (sync.requires)(category);
    if let Some((_, by)) = sync.deferral
        && by <= today
    {
        return Err(AppError::Invalid(vec![FieldError::new("deferral_by", "政策解读的发布期限应晚于今天")]));
    }
    super::interaction::check_three_sync_for_item(
        &mut tx,
        actor,
        item_id,
        &index_no,
        &r.title,
        required,
        sync.deferral,
        Some(r.unit_id),
        today,
    )
    .await?;
    let due = parse_date(&r.due_on).unwrap_or(today);
    let late = is_late(due, today);
    let p = db::item::Publication {
        index_no: index_no.clone(),
        published_on: today.to_string(),
        late,
        public_title: privacy::mask_all(&r.title).0,
        public_summary: privacy::mask_all(&r.summary).0,
        public_body_html: mask_html(&r.body_html),
        review_json: serde_json::to_string(&review).map_err(|e| AppError::Internal(e.into()))?,
        override_reason: review.override_reason.clone(),
    };
    db::item::publish(&mut tx, item_id, &p).await?;
    // An override lets the item out, never the personal data: attachments still holding some
    // stay with staff.
    for t in texts.iter().filter(|t| t.staff_only == 0 && !privacy::scan(&t.text).is_empty()) {
        db::item::set_attachment_staff_only(&mut tx, t.attachment_id).await?;
    }
    let id = item_id.to_string();
    let after = serde_json::json!({"status": status_code(t.to), "index_no": index_no, "published_on": today, "late": late, "effects": t.effects});
    db::audit::record(
        &mut tx,
        actor,
        "item.approve",
        "item",
        &id,
        Some(&serde_json::json!({"status": r.status})),
        Some(&after),
    )
    .await?;
    if let Some(reason) = &review.override_reason {
        let o = serde_json::json!({"reason": reason, "findings": findings.iter().map(|f| serde_json::json!({"kind": f.kind.code(), "excerpt": f.excerpt_masked})).collect::<Vec<_>>()});
        db::audit::record(&mut tx, actor, "item.override", "item", &id, None, Some(&o)).await?;
    }
    db::audit::feed(&mut tx, "item.changed", "item", &id, Some(r.unit_id)).await?;
    tx.commit().await?;
    Ok(Approved { index_no, late })
}

/// The next free 索引号 of a unit and year (skipping any an import already took).
async fn allocate_index_no(tx: &mut Tx<'_>, unit_id: i64, credit_code: &str, year: i32) -> Result<String> {
    loop {
        let serial = db::item::next_serial(tx, unit_id, i64::from(year)).await?;
        let n = IndexNumber::generate(credit_code, year, u32::try_from(serial).unwrap_or(u32::MAX))
            .map_err(|e| AppError::BadRequest(format!("无法生成索引号：{e}")))?
            .to_string();
        if !db::item::index_no_taken(tx, &n).await? {
            return Ok(n);
        }
    }
}

/// An item that goes straight to published (import of a legacy site, demo data): validated as a
/// draft, scanned and masked like any publication, with its own or a new 索引号. Inside the
/// caller's transaction; returns the id and the 索引号.
pub struct DirectItem {
    pub row: NewItem,
    pub index_no: Option<String>,
    pub published_on: NaiveDate,
}

pub async fn insert_published(
    tx: &mut Tx<'_>,
    actor: &Actor,
    credit_code: &str,
    it: &DirectItem,
) -> Result<(i64, String)> {
    let index_no = match &it.index_no {
        Some(n) => {
            if let Ok(parsed) = IndexNumber::parse(n)
                && parsed.unit().as_str() == credit_code
            {
                db::item::reserve_serial(
                    tx,
                    it.row.unit_id,
                    i64::from(parsed.period().year()),
                    i64::from(parsed.serial()),
                )
                .await?;
            }
            n.clone()
        }
        None => allocate_index_no(tx, it.row.unit_id, credit_code, it.published_on.year()).await?,
    };
    let id = db::item::insert_item(tx, &it.row, "draft", &actor.username).await?;
    let due = parse_date(&it.row.due_on).unwrap_or(it.published_on);
    let review = SecrecyReview {
        reviewer: actor.display_name.clone(),
        reviewed_on: it.published_on,
        findings: privacy::scan(&scan_text(&it.row.title, &it.row.summary, &it.row.body_html)),
        override_reason: Some("批量导入：个人信息已自动遮盖".into()),
    };
    let p = db::item::Publication {
        index_no: index_no.clone(),
        published_on: it.published_on.to_string(),
        late: is_late(due, it.published_on),
        public_title: privacy::mask_all(&it.row.title).0,
        public_summary: privacy::mask_all(&it.row.summary).0,
        public_body_html: mask_html(&it.row.body_html),
        review_json: serde_json::to_string(&review).map_err(|e| AppError::Internal(e.into()))?,
        override_reason: None,
    };
    db::item::publish(tx, id, &p).await?;
    db::audit::feed(tx, "item.changed", "item", &id.to_string(), Some(it.row.unit_id)).await?;
    Ok((id, index_no))
}

/// Attach a file to a draft (PDF, Word, Excel, images), with its SHA-256.
pub async fn add_attachment(db: &Db, actor: &Actor, item_id: i64, filename: &str, bytes: &[u8]) -> Result<i64> {
    let (name, kind) = check_file(filename, bytes).map_err(|m| AppError::Invalid(vec![FieldError::new("file", m)]))?;
    // Who may attach is checked first; the text is extracted outside the write transaction (a slow
    // PDF must never hold the single writer) and with a time limit.
    load_for_staff(db, actor, item_id).await?;
    let text = extract_text(kind, &name, bytes).await;
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, item_id).await?;
    apply(status_of(&r.status), ItemEvent::Edit).map_err(domain_err)?;
    let sha = super::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
    let id = db::application::insert_attachment(&mut tx, "item", item_id, &name, kind, &sha, bytes).await?;
    // The text, where it can be had: scanned like the body, only its masked form searchable. A
    // file without readable text waits for a reviewer's check by hand (`confirm_unreadable`).
    let mut findings = 0;
    if let Some(text) = &text {
        let (masked, found) = privacy::mask_all(text);
        findings = privacy::scan(text).len().max(found.len());
        db::item::insert_attachment_text(&mut tx, id, item_id, text, &masked, findings as i64, None).await?;
    }
    let after = serde_json::json!({"attachment_id": id, "filename": name, "content_type": kind, "sha256": sha, "size": bytes.len(), "text_chars": text.as_ref().map(|t| t.chars().count()), "findings": findings});
    db::audit::record(&mut tx, actor, "item.attach", "item", &item_id.to_string(), None, Some(&after)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The text of a file, to be scanned before it is published: a PDF (poppler's `pdftotext -layout`,
/// stopped after `export::PDFTOTEXT_SECONDS`), a .docx, an .xlsx/.xls (through the capped reader process).
/// `None` — an image, a scanned PDF without a text layer, a .doc, a missing or slow converter —
/// means "not scanned": such a file is held until a reviewer has checked it by hand.
pub async fn extract_text(content_type: &str, filename: &str, bytes: &[u8]) -> Option<String> {
    let text = match content_type {
        "application/pdf" => pdf_text(bytes).await?,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            crate::export::docx_text(bytes).ok()?
        }
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" | "application/vnd.ms-excel" => {
            let grid = crate::sandbox::read_grid(filename, bytes).await.ok()?;
            grid.into_iter().map(|(_, cells)| cells.join("\t")).collect::<Vec<_>>().join("\n")
        }
        _ => return None,
    };
    let text = text.replace('\u{c}', "\n");
    (!text.trim().is_empty()).then_some(text)
}

/// A PDF's text through `export::pdftotext` (time-limited) on the blocking pool.
async fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir =
        std::env::temp_dir().join(format!("gongkai-pdf-{}-{}", std::process::id(), &super::auth::random_token()[..12]));
    tokio::fs::create_dir_all(&dir).await.ok()?;
    let input = dir.join("in.pdf");
    let text = match tokio::fs::write(&input, bytes).await {
        Ok(()) => {
            let path = input.clone();
            match tokio::task::spawn_blocking(move || crate::export::pdftotext(&path)).await {
                Ok(Ok(t)) => Some(t),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "a PDF's text could not be read; the file is held for review");
                    None
                }
                Err(_) => None,
            }
        }
        Err(_) => None,
    };
    let _ = tokio::fs::remove_dir_all(&dir).await;
    text
}

/// The ids of an item's files that could not be scanned and are not yet confirmed by hand.
pub async fn unscanned_attachments(db: &Db, item_id: i64) -> Result<Vec<i64>> {
    Ok(db::item::unscanned_attachments(&db.pool, item_id).await?.into_iter().map(|(id, _)| id).collect())
}

/// A reviewer has checked by hand a file whose text could not be read, and says why it may be
/// published (audited). Without this, an item with such a file cannot be approved.
pub async fn confirm_unreadable(db: &Db, actor: &Actor, attachment_id: i64, reason: &str) -> Result<()> {
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(AppError::Invalid(vec![FieldError::new("reason", "请写明人工核查的情况（至少4个字）")]));
    }
    let (meta, _) = super::access::staff_file(db, actor, attachment_id).await?;
    if meta.owner_type != "item" {
        return Err(AppError::NotFound);
    }
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, meta.owner_id).await?;
    if !actor.may_approve_for(r.unit_id) {
        return Err(AppError::Forbidden);
    }
    db::item::confirm_unreadable(&mut tx, attachment_id, &actor.display_name, reason).await?;
    db::audit::record(
        &mut tx,
        actor,
        "item.attachment_confirmed",
        "item",
        &meta.owner_id.to_string(),
        None,
        Some(&serde_json::json!({"attachment_id": attachment_id, "filename": meta.filename, "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A .docx holding this text, one paragraph a line: the masked copy of an attachment (the data
/// is really gone: the file has no other layer).
pub fn text_docx(title: &str, text: &str) -> Result<Vec<u8>> {
    use docx_rs::{Docx, Paragraph, Run};
    let mut doc = Docx::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(title).bold()));
    for line in text.lines() {
        doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(line.trim_end())));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| AppError::Internal(anyhow::anyhow!("docx: {e}")))?;
    Ok(buf.into_inner())
}

/// Staff produce the masked copy of an attachment whose text holds personal data: a new .docx
/// with the masked text is attached to the item; the original becomes staff-only.
pub async fn mask_attachment(db: &Db, actor: &Actor, attachment_id: i64) -> Result<i64> {
    let mut tx = db.begin().await?;
    let t = db::item::attachment_text_tx(&mut tx, attachment_id)
        .await?
        .ok_or_else(|| AppError::BadRequest("该附件没有可提取的文字，无法生成遮盖版".into()))?;
    let r = load_tx(&mut tx, actor, t.item_id).await?;
    if !matches!(r.status.as_str(), "draft" | "pending_review" | "published") {
        return Err(AppError::BadRequest("该信息当前状态下不能处理附件".into()));
    }
    if t.findings == 0 || t.staff_only == 1 {
        return Err(AppError::BadRequest("该附件无须遮盖，或已生成遮盖版".into()));
    }
    let stem = t.filename.rsplit_once('.').map(|(a, _)| a).unwrap_or(&t.filename);
    let name = format!("{stem}（遮盖版）.docx");
    let bytes = text_docx(&privacy::mask_all(stem).0, &t.masked_text)?;
    let sha = super::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let id = db::application::insert_attachment(&mut tx, "item", t.item_id, &name, kind, &sha, &bytes).await?;
    let left = privacy::scan(&t.masked_text).len() as i64;
    db::item::insert_attachment_text(&mut tx, id, t.item_id, &t.masked_text, &t.masked_text, left, Some(attachment_id))
        .await?;
    db::item::set_attachment_staff_only(&mut tx, attachment_id).await?;
    let after = serde_json::json!({"original": attachment_id, "masked_copy": id, "filename": name, "sha256": sha});
    db::audit::record(&mut tx, actor, "item.attachment_mask", "item", &t.item_id.to_string(), None, Some(&after))
        .await?;
    db::audit::feed(&mut tx, "item.changed", "item", &t.item_id.to_string(), Some(r.unit_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The file's type from its first bytes (never from the name alone): what it is served as.
pub fn check_file(name: &str, bytes: &[u8]) -> std::result::Result<(String, &'static str), String> {
    let clean = super::clean_filename(name);
    if bytes.is_empty() {
        return Err(format!("附件“{clean}”是空文件"));
    }
    if bytes.len() > 20 * 1024 * 1024 {
        return Err(format!("附件“{clean}”超过20MB"));
    }
    let lower = clean.to_lowercase();
    let kind = if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && lower.ends_with(".doc") {
        "application/msword"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && lower.ends_with(".xls") {
        "application/vnd.ms-excel"
    } else {
        return Err(format!("附件“{clean}”的类型不受支持：请上传 PDF、Word、Excel 或图片文件"));
    };
    Ok((clean, kind))
}

/// Counts for one kind of document in the annual report's table 二.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[allow(dead_code)]
pub struct DocCounts {
    /// 本年制发 / 新制作: 成文日期 (else 发布日期) in the year.
    pub made: i64,
    /// 本年新公开: 发布日期 in the year.
    pub published: i64,
    /// 本年废止 / 失效: the end of validity in the year.
    pub repealed: i64,
    /// 现行有效 / 对外公开总数量: published by the year's end and in force on 31 December.
    pub in_force: i64,
}

/// What the annual report needs from the items: table 二's 规章 and 规范性文件 rows, and the
/// 总体情况's counts by channel (items published in the year that went out on each channel).
#[derive(Debug, Clone, Default, Serialize)]
#[allow(dead_code)]
pub struct Table2Counts {
    pub rules: DocCounts,
    pub normative_documents: DocCounts,
    pub channels: Vec<(Channel, i64)>,
}

/// Table 二's computed rows and the channel counts, for the annual report (flows/report.rs).
pub async fn table2_counts(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Table2Counts> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| AppError::BadRequest("年份无效".into()))?;
    let rows = db::item::count_rows(db, unit_id, &end.to_string()).await?;
    let mut out = fold_table2(&rows, year);
    let groups = db::item::channel_groups(db, unit_id, &format!("{year}-01-01"), &end.to_string()).await?;
    out.channels = Channel::ALL
        .iter()
        .map(|&c| {
            (c, groups.iter().filter(|(list, _)| parse_channels(list).contains(&c)).map(|(_, n)| *n).sum::<i64>())
        })
        .collect();
    Ok(out)
}

/// The pure fold behind [`table2_counts`].
pub fn fold_table2(rows: &[db::item::CountRow], year: i32) -> Table2Counts {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year end");
    let in_year = |d: &Option<String>| d.as_deref().and_then(parse_date).is_some_and(|d| d.year() == year);
    let mut out = Table2Counts::default();
    let mut channel_lists: Vec<Vec<Channel>> = vec![];
    for r in rows {
        if in_year(&r.published_on) {
            channel_lists.push(parse_channels(&r.channels));
        }
        let counts = match r.art20.as_str() {
            "rule" => &mut out.rules,
            "normative_document" => &mut out.normative_documents,
            _ => continue,
        };
        let made_on = if r.written_on.is_some() { &r.written_on } else { &r.published_on };
        counts.made += i64::from(in_year(made_on));
        counts.published += i64::from(in_year(&r.published_on));
        if r.validity != "effective" {
            counts.repealed += i64::from(in_year(&r.validity_end));
        }
        let v = validity_of(&r.validity, r.validity_since.as_deref(), r.validity_end.as_deref());
        counts.in_force += i64::from(v.in_force_on(end));
    }
    out.channels =
        count_by_channel(channel_lists.iter().map(Vec::as_slice)).into_iter().map(|(c, n)| (c, n as i64)).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_to_text_drops_tags_and_decodes_entities() {
        let t = html_to_text("<p>关于&lt;做好&gt;工作</p><p>第二段&amp;<b>加粗</b></p>");
        assert_eq!(t, "\n关于<做好>工作\n\n第二段&加粗\n");
    }

    #[test]
    fn sanitize_removes_scripts_and_handlers() {
        let s = sanitize_body("<p onclick=\"x()\">正文</p><script>alert(1)</script>");
        assert_eq!(s, "<p>正文</p>");
    }

    #[test]
    fn channels_round_trip_in_canonical_order() {
        let t = channels_text(&[Channel::WeChat, Channel::Website]);
        assert_eq!(t, "website,wechat");
        assert_eq!(parse_channels(&t), vec![Channel::Website, Channel::WeChat]);
    }

    #[test]
    fn masked_html_holds_no_id_number() {
        let id = gongkai_domain::org::complete_id_number("41048219800101123").expect("valid").as_str().to_string();
        let html = format!("<p>申请人：张三，身份证号{id}</p>");
        let masked = mask_html(&html);
        assert!(!masked.contains(&id));
        assert!(privacy::scan(&html_to_text(&masked)).is_empty());
    }

    fn row(
        art20: &str,
        written: Option<&str>,
        published: &str,
        validity: &str,
        end: Option<&str>,
        channels: &str,
    ) -> db::item::CountRow {
        db::item::CountRow {
            art20: art20.into(),
            published_on: Some(published.into()),
            written_on: written.map(Into::into),
            validity: validity.into(),
            validity_since: None,
            validity_end: end.map(Into::into),
            channels: channels.into(),
        }
    }

    #[test]
    fn table2_counts_made_published_repealed_and_in_force() {
        let rows = vec![
            row("normative_document", Some("2019-12-20"), "2020-01-05", "effective", None, "website,weibo"),
            row("normative_document", None, "2020-03-01", "repealed", Some("2020-11-01"), "website"),
            row("normative_document", None, "2018-03-01", "effective", None, "website"),
            row("rule", Some("2020-05-01"), "2020-05-10", "effective", None, "website,wechat"),
            row("permit", None, "2020-06-01", "effective", None, "wechat"),
        ];
        let t = fold_table2(&rows, 2020);
        assert_eq!(t.normative_documents, DocCounts { made: 1, published: 2, repealed: 1, in_force: 2 });
        assert_eq!(t.rules, DocCounts { made: 1, published: 1, repealed: 0, in_force: 1 });
        let ch: std::collections::HashMap<_, _> = t.channels.into_iter().collect();
        assert_eq!(ch[&Channel::Website], 3);
        assert_eq!(ch[&Channel::WeChat], 2);
        assert_eq!(ch[&Channel::Weibo], 1);
    }

    #[test]
    fn check_file_reads_the_type_from_the_bytes() {
        assert_eq!(check_file("a.pdf", b"%PDF-1.4").map(|x| x.1), Ok("application/pdf"));
        assert!(check_file("a.pdf", b"<html>").is_err());
        assert_eq!(check_file("../x/表.xlsx", b"PK\x03\x04..").map(|x| x.0), Ok("表.xlsx".to_string()));
    }
}
