//! 政策解读: recorded with their required sections, approved and published by a reviewer, and the
//! 三同步 check the disclosure capability calls in the transaction that publishes a policy.

use super::*;

pub const FORMS: [(&str, InterpretationForm); 6] = [
    ("text", InterpretationForm::Text),
    ("graphic", InterpretationForm::Graphic),
    ("video", InterpretationForm::Video),
    ("expert", InterpretationForm::Expert),
    ("qa", InterpretationForm::QAndA),
    ("press", InterpretationForm::PressConference),
];

pub fn form_label(code: &str) -> &'static str {
    FORMS.iter().find(|(c, _)| *c == code).map(|(_, f)| f.label()).unwrap_or("—")
}

pub fn form_choices() -> Vec<crate::flows::Choice> {
    FORMS.iter().map(|(c, f)| crate::flows::Choice { code: c.to_string(), label: f.label() }).collect()
}

pub fn section_code(s: Section) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn section_choices() -> Vec<crate::flows::Choice> {
    Section::ALL.iter().map(|s| crate::flows::Choice { code: section_code(*s).clone(), label: s.label() }).collect()
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct InterpretationInput {
    /// The disclosure item of the policy (its id), when it is one of ours.
    #[serde(default)]
    pub policy_item_id: String,
    #[serde(default)]
    pub policy_ref: String,
    #[serde(default)]
    pub policy_title: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub is_revision: Option<String>,
    #[serde(default)]
    pub unit_id: String,
    #[serde(flatten)]
    pub sections: std::collections::BTreeMap<String, String>,
}

/// Record an interpretation (draft). Required sections missing are refused, by name.
pub async fn create_interpretation(db: &Db, actor: &Actor, f: &InterpretationInput) -> Result<i64> {
    if actor.staff().is_none() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    // The policy as an item of ours: by id, or by the 索引号 typed as the reference.
    let policy_item = match f.policy_item_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(id) => match db::item::get_item(db, id).await? {
                Some(it)
                    if actor.may_access_unit(it.unit_id)
                        || it.status == gongkai_domain::disclosure::ItemStatus::Published =>
                {
                    Some(it)
                }
                _ => {
                    errors.push(FieldError::new("policy_item_id", "所解读的政策文件不存在"));
                    None
                }
            },
            Err(_) => {
                errors.push(FieldError::new("policy_item_id", "政策文件编号应为数字"));
                None
            }
        },
    };
    let policy_ref = match &policy_item {
        Some(it) if f.policy_ref.trim().is_empty() => it.index_no.clone().unwrap_or_else(|| it.title.clone()),
        _ => f.policy_ref.trim().to_string(),
    };
    let policy_title = match &policy_item {
        Some(it) if f.policy_title.trim().is_empty() => it.title.clone(),
        _ => f.policy_title.trim().to_string(),
    };
    if policy_ref.is_empty() {
        errors.push(FieldError::new("policy_ref", "请填写所解读政策的索引号或标题"));
    }
    if f.title.trim().is_empty() {
        errors.push(FieldError::new("title", "请填写解读标题"));
    }
    if !FORMS.iter().any(|(c, _)| *c == f.form) {
        errors.push(FieldError::new("form", "请选择解读形式"));
    }
    let mut sections = serde_json::Map::new();
    let mut present = vec![];
    for s in Section::ALL {
        let code = section_code(s);
        let text = f.sections.get(&format!("s_{code}")).map(|t| plain_text(t)).unwrap_or_default();
        if !text.is_empty() {
            present.push(s);
            sections.insert(code, serde_json::Value::String(text));
        }
    }
    let missing = ia::missing_sections(&present, f.is_revision.is_some());
    if f.form == "text" && !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.label()).collect();
        errors.push(FieldError::new("sections", format!("文字解读缺少：{}", names.join("、"))));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let unit_id = f.unit_id.trim().parse::<i64>().ok().or(actor.unit_id).or(policy_item.as_ref().map(|it| it.unit_id));
    let sections_json = serde_json::Value::Object(sections).to_string();
    let mut tx = db.begin().await?;
    let id = db::interaction::insert_interpretation(
        &mut tx,
        &db::interaction::NewInterpretation {
            policy_ref: &policy_ref,
            policy_title: &policy_title,
            title: &plain_text(&f.title),
            form: &f.form,
            unit_id,
            sections_json: &sections_json,
            link: f.link.trim(),
            status: InterpretationStatus::Draft,
            deferral_reason: None,
            deferral_by: None,
            policy_published_on: None,
            published_on: None,
            policy_item_id: policy_item.as_ref().map(|it| it.item_id),
        },
    )
    .await?;
    let after = serde_json::json!({"policy_ref": policy_ref, "policy_item_id": policy_item.as_ref().map(|it| it.item_id), "form": f.form});
    db::audit::record(&mut tx, actor, "interpretation.create", "interpretation", &id.to_string(), None, Some(&after))
        .await?;
    db::audit::feed(&mut tx, "interpretation.changed", "interpretation", &id.to_string(), unit_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// A reviewer approves a draft, or publishes an approved one (its policy already out).
pub async fn set_interpretation(db: &Db, actor: &Actor, id: i64, action: &str, today: NaiveDate) -> Result<()> {
    let row = db::interaction::interpretation(db, id).await?.ok_or(AppError::NotFound)?;
    let may = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_approve_for(u));
    if !may {
        return Err(AppError::Forbidden);
    }
    let event = InterpretationEvent::parse(action)
        .ok_or_else(|| AppError::BadRequest(format!("解读处于“{}”状态，不能执行“{action}”", row.status.code())))?;
    let (status, effects) =
        ia::interpretation::apply(row.status, event).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let published = effects.contains(&InterpretationEffect::StampPublished).then(|| today.to_string());
    let mut tx = db.begin().await?;
    db::interaction::set_interpretation_status(&mut tx, id, status, published.as_deref()).await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("interpretation.{action}"),
        "interpretation",
        &id.to_string(),
        Some(&serde_json::json!({"status": row.status})),
        Some(&serde_json::json!({"status": status})),
    )
    .await?;
    db::audit::feed(&mut tx, "interpretation.changed", "interpretation", &id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Does a policy of this category need its interpretation published with it? (setting: category
/// names separated by commas; default 规范性文件)
pub fn requires_interpretation(state: &AppState, category: &str) -> bool {
    let s = state.setting(CATEGORIES_KEY);
    let list = if s.trim().is_empty() { "规范性文件".to_string() } else { s };
    list.split([',', '，']).any(|c| !c.trim().is_empty() && c.trim() == category.trim())
}

/// 三同步 check, for the disclosure capability to call inside the transaction that publishes a
/// policy. Passes when no interpretation is required, or one for `policy_ref` is approved (it is
/// then published the same day), or a reviewer's deferral (reason, date) is given — recorded here
/// and tracked as late after its date. Otherwise refuses with the domain's message.
#[allow(clippy::too_many_arguments)]
pub async fn check_three_sync(
    tx: &mut Tx<'_>,
    actor: &Actor,
    policy_ref: &str,
    policy_title: &str,
    requires_interpretation: bool,
    deferral: Option<(&str, NaiveDate)>,
    unit_id: Option<i64>,
    today: NaiveDate,
) -> Result<()> {
    three_sync(tx, actor, None, policy_ref, policy_title, requires_interpretation, deferral, unit_id, today).await
}

/// 三同步 for a disclosure item being published: its linked interpretations (by item id, and
/// legacy ones naming its 索引号) count; a deferral is recorded linked to the item.
#[allow(clippy::too_many_arguments)]
pub async fn check_three_sync_for_item(
    tx: &mut Tx<'_>,
    actor: &Actor,
    item_id: i64,
    index_no: &str,
    policy_title: &str,
    requires_interpretation: bool,
    deferral: Option<(&str, NaiveDate)>,
    unit_id: Option<i64>,
    today: NaiveDate,
) -> Result<()> {
    three_sync(tx, actor, Some(item_id), index_no, policy_title, requires_interpretation, deferral, unit_id, today)
        .await
}

#[allow(clippy::too_many_arguments)]
async fn three_sync(
    tx: &mut Tx<'_>,
    actor: &Actor,
    item_id: Option<i64>,
    policy_ref: &str,
    policy_title: &str,
    requires_interpretation: bool,
    deferral: Option<(&str, NaiveDate)>,
    unit_id: Option<i64>,
    today: NaiveDate,
) -> Result<()> {
    let mut existing = db::interaction::interpretations_for_policy_tx(tx, policy_ref).await?;
    existing.retain(|i| i.status != InterpretationStatus::Deferred);
    if let Some(id) = item_id {
        for i in db::interaction::interpretations_for_item_tx(tx, id).await? {
            if !existing.iter().any(|e| e.interpretation_id == i.interpretation_id) {
                existing.push(i);
            }
        }
    }
    let approved: Vec<_> = existing.iter().filter(|i| i.status.counts_for_sync()).collect();
    let deferral = match deferral {
        Some((reason, by)) => Some(
            Deferral::new(reason, by)
                .map_err(|e| AppError::Invalid(vec![FieldError::new("deferral_reason", e.to_string())]))?,
        ),
        None => None,
    };
    ia::may_publish_policy(requires_interpretation, !approved.is_empty(), deferral.as_ref())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    for i in approved.iter().filter(|i| i.status == InterpretationStatus::Approved) {
        let (published, _) = ia::interpretation::apply(i.status, InterpretationEvent::Publish)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        db::interaction::set_interpretation_status(tx, i.interpretation_id, published, Some(&today.to_string()))
            .await?;
        db::audit::record(
            tx,
            actor,
            "interpretation.publish",
            "interpretation",
            &i.interpretation_id.to_string(),
            None,
            Some(&serde_json::json!({"with_policy": policy_ref})),
        )
        .await?;
        db::audit::feed(tx, "interpretation.changed", "interpretation", &i.interpretation_id.to_string(), i.unit_id)
            .await?;
    }
    if approved.is_empty()
        && let Some(d) = deferral.filter(|_| requires_interpretation)
    {
        let id = db::interaction::record_deferral(
            tx,
            policy_ref,
            policy_title,
            d.reason(),
            &d.by().to_string(),
            &today.to_string(),
            unit_id,
            item_id,
        )
        .await?;
        db::audit::record(
            tx,
            actor,
            "interpretation.defer",
            "interpretation",
            &id.to_string(),
            None,
            Some(&serde_json::json!({"policy_ref": policy_ref, "reason": d.reason(), "by": d.by().to_string()})),
        )
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct InterpretationView {
    #[serde(flatten)]
    pub row: db::interaction::InterpretationRow,
    pub form_label: &'static str,
    pub sections: Vec<(String, Vec<String>)>,
    pub late: bool,
}

/// Interpretations with their sections in standard order; a deferral is late when its date passed
/// and no interpretation of the policy was published by then (the domain's `is_late`).
pub async fn interpretations(db: &Db, policy_ref: Option<&str>, today: NaiveDate) -> Result<Vec<InterpretationView>> {
    let rows = db::interaction::interpretations(db, policy_ref).await?;
    Ok(views(rows, today))
}

/// A policy item's interpretations (linked by id, or legacy ones naming its 索引号), approved and
/// published first, with deferrals and their lateness.
pub async fn interpretations_of_item(
    db: &Db,
    item_id: i64,
    index_no: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<InterpretationView>> {
    let rows = db::interaction::interpretations_for_item(db, item_id, index_no).await?;
    Ok(views(rows, today))
}

/// The interpretations of a public item read for its page: not asked for when none names it.
pub async fn interpretations_of_public_item(
    db: &Db,
    item: &crate::flows::disclosure::PublicItemRow,
    today: NaiveDate,
) -> Result<Vec<InterpretationView>> {
    if item.has_interpretations == 0 {
        return Ok(vec![]);
    }
    interpretations_of_item(db, item.item_id, item.index_no.as_deref(), today).await
}

fn views(rows: Vec<db::interaction::InterpretationRow>, today: NaiveDate) -> Vec<InterpretationView> {
    let published_on = |p: &str| -> Option<NaiveDate> {
        rows.iter()
            .filter(|r| policy_key(r) == p && r.status == InterpretationStatus::Published)
            .filter_map(|r| r.published_on.as_deref().and_then(date))
            .min()
    };
    fn policy_key(r: &db::interaction::InterpretationRow) -> String {
        r.policy_item_id.map(|i| format!("item:{i}")).unwrap_or_else(|| r.policy_ref.clone())
    }
    rows.iter()
        .map(|r| {
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&r.sections_json).unwrap_or_default();
            let sections = Section::ALL
                .iter()
                .filter_map(|s| {
                    map.get(&section_code(*s))
                        .and_then(|v| v.as_str())
                        .map(|t| (s.label().to_string(), t.lines().map(str::to_string).collect()))
                })
                .collect();
            let late = r.status == InterpretationStatus::Deferred
                && match (r.deferral_reason.as_deref(), r.deferral_by.as_deref().and_then(date)) {
                    (Some(reason), Some(by)) => {
                        Deferral::new(reason, by).is_ok_and(|d| ia::is_late(&d, published_on(&policy_key(r)), today))
                    }
                    _ => false,
                };
            InterpretationView { form_label: form_label(&r.form), sections, late, row: r.clone() }
        })
        .collect()
}

/// Late interpretations per unit as of `day` (for the monthly report).
pub async fn late_interpretations_by_unit(db: &Db, day: NaiveDate) -> Result<std::collections::BTreeMap<i64, u32>> {
    let mut out = std::collections::BTreeMap::new();
    for v in interpretations(db, None, day).await? {
        if v.late
            && let Some(u) = v.row.unit_id
        {
            *out.entry(u).or_insert(0) += 1;
        }
    }
    Ok(out)
}
