//! Spot checks (抽查): drawn, findings recorded, rectified to acceptance, escalated when overdue, and the public bulletin (通报).

use super::*;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SpotCheckForm {
    #[serde(default)]
    pub checked_on: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub inspectors: String,
    /// How many units to draw at random (0 or blank: no draw).
    #[serde(default)]
    pub draw_count: String,
    /// The seed, if the office announced one beforehand; random otherwise.
    #[serde(default)]
    pub draw_seed: String,
}

pub async fn create_spot_check(state: &AppState, actor: &Actor, f: &SpotCheckForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    let d = date(&f.checked_on);
    if d.is_none() {
        errors.push(FieldError::new("checked_on", "检查日期应为 YYYY-MM-DD"));
    }
    if f.title.trim().is_empty() {
        errors.push(FieldError::new("title", "请填写检查名称"));
    }
    if f.scope.trim().is_empty() {
        errors.push(FieldError::new("scope", "请填写检查范围"));
    }
    if f.inspectors.trim().is_empty() {
        errors.push(FieldError::new("inspectors", "请填写检查人员"));
    }
    let count: usize = match f.draw_count.trim() {
        "" => 0,
        s => s.parse().unwrap_or_else(|_| {
            errors.push(FieldError::new("draw_count", "抽取单位数应为整数"));
            0
        }),
    };
    let seed: Option<u64> = match f.draw_seed.trim() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(FieldError::new("draw_seed", "随机种子应为非负整数"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (seed_s, pop_json, result_json) = if count > 0 {
        let seed = seed.unwrap_or_else(|| {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).expect("random");
            u64::from_le_bytes(b) >> 11
        });
        let population: Vec<i64> = db::org::list_units(&state.db).await?.into_iter().map(|u| u.unit_id).collect();
        let drawn = sup::draw(seed, &population, count);
        (Some(seed.to_string()), serde_json::to_string(&population).ok(), serde_json::to_string(&drawn).ok())
    } else {
        (None, None, None)
    };
    let checked_on = d.map(|d| d.to_string()).unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let id = db::supervision::insert_spot_check(
        &mut tx,
        &db::supervision::NewSpotCheck {
            checked_on: &checked_on,
            title: f.title.trim(),
            scope: f.scope.trim(),
            inspectors: f.inspectors.trim(),
            draw_seed: seed_s.clone(),
            draw_population_json: pop_json,
            draw_result_json: result_json.clone(),
        },
    )
    .await?;
    let after = serde_json::json!({"form": f, "seed": seed_s, "drawn": result_json});
    db::audit::record(&mut tx, actor, "spot_check.create", "spot_check", &id.to_string(), None, Some(&after)).await?;
    db::audit::feed(&mut tx, "spot_check.changed", "spot_check", &id.to_string(), None).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FindingForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub working_days: String,
}

pub async fn add_finding(state: &AppState, actor: &Actor, check_id: i64, f: &FindingForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let check = db::supervision::spot_check(&state.db, check_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = vec![];
    let unit_id: Option<i64> = f.unit_id.trim().parse().ok();
    if unit_id.is_none() {
        errors.push(FieldError::new("unit_id", "请选择单位"));
    }
    if f.rule.trim().is_empty() {
        errors.push(FieldError::new("rule", "请填写违反的规定或指标"));
    }
    if f.description.trim().is_empty() {
        errors.push(FieldError::new("description", "请描述发现的问题"));
    }
    let days: u32 = f.working_days.trim().parse().ok().filter(|d| (1..=60).contains(d)).unwrap_or_else(|| {
        errors.push(FieldError::new("working_days", "整改期限应为1至60个工作日"));
        0
    });
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let found = date(&check.checked_on)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("spot check {check_id} has a bad date")))?;
    let due = state.calendar().add_working_days(found, days).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let unit_id = unit_id.unwrap_or_default();
    let mut tx = state.db.begin().await?;
    db::org::get_unit_tx(&mut tx, unit_id)
        .await?
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "单位不存在")]))?;
    let id = db::supervision::insert_finding(
        &mut tx,
        &db::supervision::NewFinding {
            spot_check_id: check_id,
            unit_id,
            rule: f.rule.trim(),
            description: f.description.trim(),
            found_on: &found.to_string(),
            working_days: i64::from(days),
            due_on: &due.to_string(),
        },
    )
    .await?;
    let after = serde_json::json!({"unit_id": unit_id, "rule": f.rule.trim(), "due_on": due.to_string()});
    db::audit::record(&mut tx, actor, "finding.create", "finding", &id.to_string(), None, Some(&after)).await?;
    db::audit::feed(&mut tx, "finding.changed", "finding", &id.to_string(), Some(unit_id)).await?;
    db::application::notify_once(
        &mut tx,
        Some(unit_id),
        false,
        &format!("抽查发现问题，请于{due}前整改：{}", f.rule.trim()),
        &format!("/staff/rectifications/{id}"),
        &format!("finding:{id}:new"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    #[serde(flatten)]
    pub row: db::supervision::FindingRow,
    pub status_label: &'static str,
    pub overdue: bool,
}

pub fn finding_view(row: db::supervision::FindingRow, today: NaiveDate) -> FindingView {
    let status = row.status;
    let overdue = date(&row.due_on).is_some_and(|due| {
        sup::Finding { unit: UnitId(row.unit_id.to_string()), description: String::new(), found_on: due, due, status }
            .is_overdue(today)
    });
    FindingView { status_label: status.label(), overdue, row }
}

pub async fn findings(
    state: &AppState,
    actor: &Actor,
    check_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<FindingView>> {
    let scope = if actor.is_office() { None } else { Some(actor.unit_id.ok_or(AppError::Forbidden)?) };
    Ok(db::supervision::findings(&state.db, check_id, scope)
        .await?
        .into_iter()
        .map(|r| finding_view(r, today))
        .collect())
}

/// A step of a rectification: the unit submits evidence; the office accepts or returns it.
pub async fn rectify(
    state: &AppState,
    actor: &Actor,
    finding_id: i64,
    event: RectificationEvent,
    today: NaiveDate,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    let f = db::supervision::finding_tx(&mut tx, finding_id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_access_unit(f.unit_id) {
        return Err(AppError::NotFound);
    }
    match &event {
        RectificationEvent::Submit(_) if !actor.may_access_unit(f.unit_id) && !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        RectificationEvent::Accept | RectificationEvent::Return { .. } if !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        _ => {}
    }
    let status = f.status;
    let next = sup::spot_check::apply(status, &event).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (mut evidence, mut submitted_on, mut reason, mut closed_on) =
        (f.evidence.clone(), f.submitted_on.clone(), f.return_reason.clone(), f.closed_on.clone());
    let (action, note) = match &event {
        RectificationEvent::Submit(e) => {
            evidence = e.as_str().to_string();
            submitted_on = Some(today.to_string());
            ("finding.submit", format!("单位已提交整改材料：{}", f.rule))
        }
        RectificationEvent::Accept => {
            closed_on = Some(today.to_string());
            ("finding.accept", format!("整改已验收通过：{}", f.rule))
        }
        RectificationEvent::Return { reason: r } => {
            reason = r.trim().to_string();
            ("finding.return", format!("整改被退回：{}（{}）", f.rule, r.trim()))
        }
    };
    let ok = db::supervision::update_finding(
        &mut tx,
        finding_id,
        f.status,
        next,
        &evidence,
        submitted_on.as_deref(),
        &reason,
        closed_on.as_deref(),
    )
    .await?;
    if !ok {
        return Err(AppError::Conflict("该问题已被他人处理，请刷新后重试".into()));
    }
    let before = serde_json::json!({"status": f.status});
    let after = serde_json::json!({"status": next.code(), "evidence": evidence, "return_reason": reason, "closed_on": closed_on});
    db::audit::record(&mut tx, actor, action, "finding", &finding_id.to_string(), Some(&before), Some(&after)).await?;
    db::audit::feed(&mut tx, "finding.changed", "finding", &finding_id.to_string(), Some(f.unit_id)).await?;
    let to_office = matches!(event, RectificationEvent::Submit(_));
    let key = format!("finding:{finding_id}:{action}:{}", crate::db::now_text());
    db::application::notify_once(
        &mut tx,
        Some(f.unit_id),
        to_office,
        &note,
        &format!("/staff/rectifications/{finding_id}"),
        &key,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Escalation: every overdue rectification is reported to the office once (and to the unit).
pub async fn escalate_overdue(state: &AppState, today: NaiveDate) -> Result<usize> {
    let mut made = 0;
    let mut tx = state.db.begin().await?;
    for f in db::supervision::findings(&state.db, None, None).await? {
        let v = finding_view(f, today);
        if v.overdue {
            let msg = format!("整改逾期：{}（{}，期限{}）", v.row.rule, v.row.unit_name, v.row.due_on);
            if db::application::notify_once(
                &mut tx,
                Some(v.row.unit_id),
                true,
                &msg,
                &format!("/staff/rectifications/{}", v.row.finding_id),
                &format!("finding:{}:overdue:{}", v.row.finding_id, v.row.due_on),
            )
            .await?
            {
                made += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(made)
}

pub async fn publish_bulletin(
    state: &AppState,
    actor: &Actor,
    check_id: i64,
    bulletin: &str,
    today: NaiveDate,
) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let text = bulletin.trim();
    if text.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("bulletin", "请填写通报正文")]));
    }
    let mut tx = state.db.begin().await?;
    if db::supervision::publish_spot_check(&mut tx, check_id, text, &today.to_string()).await? == 0 {
        return Err(AppError::NotFound);
    }
    db::audit::record(
        &mut tx,
        actor,
        "spot_check.publish",
        "spot_check",
        &check_id.to_string(),
        None,
        Some(&serde_json::json!({"bulletin": text})),
    )
    .await?;
    db::audit::feed(&mut tx, "spot_check.published", "spot_check", &check_id.to_string(), None).await?;
    tx.commit().await?;
    Ok(())
}

/// A draft 通报 from the findings (the office edits it before publishing). Units are named; no
/// personal data is involved.
pub fn draft_bulletin(check: &db::supervision::SpotCheckRow, findings: &[FindingView]) -> String {
    let mut s = format!("{}，{}对{}开展了{}。", check.checked_on, check.inspectors, check.scope, check.title);
    if let Some(seed) = &check.draw_seed {
        s.push_str(&format!("检查单位由随机抽取产生（随机种子 {seed}）。"));
    }
    if findings.is_empty() {
        s.push_str("本次检查未发现问题。");
    } else {
        s.push_str(&format!("共发现问题{}个：", findings.len()));
        let items: Vec<String> = findings
            .iter()
            .map(|f| format!("{}：{}（{}）", f.row.unit_name, f.row.description, f.status_label))
            .collect();
        s.push_str(&items.join("；"));
        s.push_str("。请有关单位按期整改到位。");
    }
    s
}
