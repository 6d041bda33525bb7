//! An item's life: drafted, edited, masked, submitted, returned, withdrawn, expired, approved with its
//! 保密审查 and 索引号; items published directly (legacy import).

use super::*;

/// Load an item a staff member may see (another unit's → not found).
pub async fn load_for_staff(db: &Db, actor: &Actor, item_id: i64) -> Result<ItemRow> {
    let row = db::item::get_item(db, item_id).await?.ok_or(AppError::NotFound)?;
    if !actor.may_access_unit(row.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

pub(super) async fn load_tx(tx: &mut Tx<'_>, actor: &Actor, item_id: i64) -> Result<ItemRow> {
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
    let id = db::item::insert_item(&mut tx, &row, ItemStatus::Draft, &actor.username).await?;
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
    apply(before.status, ItemEvent::Edit).map_err(domain_err)?;
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
    if !matches!(r.status, ItemStatus::Draft | ItemStatus::PendingReview) {
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
        let digest = crate::flows::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(
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
    let t = apply(r.status, event).map_err(domain_err)?;
    db::item::set_status(&mut tx, item_id, t.to, &reason).await?;
    let before = serde_json::json!({"status": r.status});
    let after = serde_json::json!({"status": t.to.code(), "reason": reason, "effects": t.effects});
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
    let t = apply(r.status, ItemEvent::Expire { reason: reason.into(), on }).map_err(domain_err)?;
    let validity = if repealed { "repealed" } else { "lapsed" };
    db::item::set_expired(&mut tx, item_id, validity, &on.to_string(), reason.trim()).await?;
    let after = serde_json::json!({"status": t.to.code(), "validity": validity, "on": on, "reason": reason.trim()});
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
    let t = apply(r.status, ItemEvent::Approve(review.clone())).map_err(domain_err)?;
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
    crate::flows::interaction::check_three_sync_for_item(
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
    let after = serde_json::json!({"status": t.to.code(), "index_no": index_no, "published_on": today, "late": late, "effects": t.effects});
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
            if let Some((year, serial)) = own_serial(n, credit_code) {
                db::item::reserve_serial(tx, it.row.unit_id, year, serial).await?;
            }
            n.clone()
        }
        None => allocate_index_no(tx, it.row.unit_id, credit_code, it.published_on.year()).await?,
    };
    let p = direct_publication(actor, it, index_no.clone())?;
    let id = db::item::insert_published_item(tx, &it.row, &p, &actor.username).await?;
    db::audit::feed(tx, "item.changed", "item", &id.to_string(), Some(it.row.unit_id)).await?;
    Ok((id, index_no))
}

/// The (year, serial) an imported 索引号 takes from its unit's sequence, when it is one of the
/// unit's own (its 前段码 is the unit's credit code): later numbers start above it.
pub(super) fn own_serial(index_no: &str, credit_code: &str) -> Option<(i64, i64)> {
    let parsed = IndexNumber::parse(index_no).ok()?;
    (parsed.unit().as_str() == credit_code).then(|| (i64::from(parsed.period().year()), i64::from(parsed.serial())))
}

/// What a direct publication stores beside the draft fields: the 保密审查 of its text (findings
/// recorded, personal data masked in the public text), the Art. 26 flag. Pure, so the import
/// computes it on its reading thread.
pub(super) fn direct_publication(actor: &Actor, it: &DirectItem, index_no: String) -> Result<db::item::Publication> {
    let due = parse_date(&it.row.due_on).unwrap_or(it.published_on);
    let review = SecrecyReview {
        reviewer: actor.display_name.clone(),
        reviewed_on: it.published_on,
        findings: privacy::scan(&scan_text(&it.row.title, &it.row.summary, &it.row.body_html)),
        override_reason: Some("批量导入：个人信息已自动遮盖".into()),
    };
    Ok(db::item::Publication {
        index_no,
        published_on: it.published_on.to_string(),
        late: is_late(due, it.published_on),
        public_title: privacy::mask_all(&it.row.title).0,
        public_summary: privacy::mask_all(&it.row.summary).0,
        public_body_html: mask_sanitized_html(&it.row.body_html),
        review_json: serde_json::to_string(&review).map_err(|e| AppError::Internal(e.into()))?,
        override_reason: None,
    })
}
