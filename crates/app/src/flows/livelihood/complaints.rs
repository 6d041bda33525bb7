//! 民生 complaints: taken in, routed, answered on the deadline, rated or reopened; the public tracking.

use super::*;

/// A stored complaint status; an unknown code reads as submitted (the start of the table).
pub fn complaint_status(code: &str) -> ComplaintStatus {
    ComplaintStatus::try_from(code.to_string()).unwrap_or(ComplaintStatus::Submitted)
}

pub fn status_code(s: ComplaintStatus) -> &'static str {
    s.code()
}

pub fn rating_label(code: &str) -> &'static str {
    match code {
        "satisfied" => "满意",
        "fairly_satisfied" => "基本满意",
        "dissatisfied" => "不满意",
        _ => "",
    }
}

pub fn parse_rating(code: &str) -> Option<Rating> {
    match code {
        "satisfied" => Some(Rating::Satisfied),
        "fairly_satisfied" => Some(Rating::FairlySatisfied),
        "dissatisfied" => Some(Rating::Dissatisfied),
        _ => None,
    }
}

pub fn parse_redirect(code: &str) -> Option<RedirectKind> {
    match code {
        "information_request" => Some(RedirectKind::InformationRequest),
        "petition" => Some(RedirectKind::Petition),
        "out_of_scope" => Some(RedirectKind::OutOfScope),
        "duplicate" => Some(RedirectKind::Duplicate),
        _ => None,
    }
}

pub const SUBJECT_KINDS: [(&str, &str); 5] = [
    ("fund", "民生资金"),
    ("project", "民生项目"),
    ("village", "村（社区）事务"),
    ("unit", "单位或工作人员"),
    ("other", "其他"),
];

/// The reply deadline in working days (setting `livelihood.complaint_days`, default 15).
pub fn complaint_days(state: &AppState) -> u32 {
    state.setting("livelihood.complaint_days").trim().parse().ok().filter(|d| (1..=60).contains(d)).unwrap_or(15)
}

pub(super) fn due_from(state: &AppState, from: NaiveDate) -> Result<NaiveDate> {
    let cal = state.calendar();
    lh::due_date(from, complaint_days(state), &|d, n| cal.add_working_days(d, n).ok())
        .ok_or_else(|| AppError::BadRequest("无法计算办理期限：工作日历未覆盖该年度".into()))
}

/// Words that mark a request for government information rather than a complaint (条例第三十九条).
pub fn looks_like_information_request(text: &str) -> bool {
    ["申请公开", "依申请", "政府信息公开申请", "请公开", "提供文件", "索取", "获取政府信息"]
        .iter()
        .any(|w| text.contains(w))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ComplaintForm {
    #[serde(default)]
    pub anonymous: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub subject_kind: String,
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub program_id: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub subject_label: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub idempotency_key: String,
    /// Set on the second submission, after the information-request hint was shown.
    #[serde(default)]
    pub confirmed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComplaintSubmitted {
    pub complaint_id: i64,
    pub tracking_code: String,
    pub secret: String,
    pub submitted_on: String,
    pub due_on: String,
    #[serde(default)]
    pub repeated: bool,
}

pub(super) fn complaint_code(day: NaiveDate) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("random");
    format!(
        "TS{}-{}",
        day.format("%Y%m%d"),
        b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect::<String>()
    )
}

pub fn validate_complaint(f: &ComplaintForm) -> std::result::Result<(), Vec<FieldError>> {
    let mut e = vec![];
    let anonymous = f.anonymous == "1";
    if !anonymous && f.name.trim().is_empty() {
        e.push(FieldError::new("name", "实名投诉请填写姓名，或选择匿名投诉"));
    }
    let phone = f.phone.trim();
    let phone_ok =
        phone.is_empty() || (phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit()));
    if !phone_ok {
        e.push(FieldError::new("phone", "手机号码应为11位数字"));
    }
    if !SUBJECT_KINDS.iter().any(|(c, _)| *c == f.subject_kind) {
        e.push(FieldError::new("subject_kind", "请选择投诉事项类别"));
    }
    if f.title.trim().is_empty() || f.title.chars().count() > 100 {
        e.push(FieldError::new("title", "请填写标题（100字以内）"));
    }
    if f.content.trim().chars().count() < 10 || f.content.chars().count() > 5000 {
        e.push(FieldError::new("content", "请具体说明投诉举报的事项（10至5000字）"));
    }
    if !f.idempotency_key.is_empty()
        && (f.idempotency_key.len() > 100 || !f.idempotency_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        e.push(FieldError::new("idempotency_key", "请求标识无效"));
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// Take in a complaint. A repeat with the same idempotency key returns the first answer.
pub async fn submit_complaint(
    state: &AppState,
    actor: &Actor,
    f: &ComplaintForm,
    submitted_on: Option<NaiveDate>,
) -> Result<ComplaintSubmitted> {
    let idem = (!f.idempotency_key.trim().is_empty()).then(|| format!("complaint:{}", f.idempotency_key.trim()));
    if let Some(key) = &idem
        && let Some(resp) = db::application::idempotent_response(&state.db, key).await?
    {
        let mut s: ComplaintSubmitted = serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
        s.repeated = true;
        return Ok(s);
    }
    validate_complaint(f).map_err(AppError::Invalid)?;
    let day = submitted_on.unwrap_or_else(today);
    let due = due_from(state, day)?;
    let secret = random_token()[..16].to_string();
    let anonymous = f.anonymous == "1";
    let village_id = f.village_id.trim().parse::<i64>().ok();
    let program_id = f.program_id.trim().parse::<i64>().ok();
    let project_id = f.project_id.trim().parse::<i64>().ok();
    let mut label = f.subject_label.trim().to_string();
    if label.is_empty()
        && let Some(v) = village_id.map(|v| ldb::village(&state.db, v))
    {
        label = v.await?.map(|v| format!("{}{}", v.township, v.name)).unwrap_or_default();
    }
    for attempt in 1..=5 {
        let code = complaint_code(day);
        let new = ldb::NewComplaint {
            tracking_code: code.clone(),
            secret_hash: digest(&secret),
            idempotency_key: idem.clone(),
            anonymous: i64::from(anonymous),
            complainant_name: if anonymous { String::new() } else { f.name.trim().to_string() },
            phone: f.phone.trim().to_string(),
            subject_kind: f.subject_kind.clone(),
            subject_label: label.clone(),
            village_id,
            program_id,
            project_id,
            title: f.title.trim().to_string(),
            content: f.content.trim().to_string(),
            status: "submitted".into(),
            submitted_on: day.to_string(),
            due_on: due.to_string(),
        };
        let mut tx = state.db.begin().await?;
        let id = match ldb::insert_complaint(&mut tx, &new).await {
            Ok(id) => id,
            Err(e) if db::is_unique_violation(&e) => {
                drop(tx);
                if let Some(key) = &idem
                    && let Some(resp) = db::application::idempotent_response(&state.db, key).await?
                {
                    let mut s: ComplaintSubmitted =
                        serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
                    s.repeated = true;
                    return Ok(s);
                }
                if attempt < 5 {
                    continue;
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        ldb::insert_complaint_event(
            &mut tx,
            id,
            &day.to_string(),
            "submitted",
            &actor.username,
            &format!("收到投诉举报，办理期限为{due}"),
        )
        .await?;
        let s = ComplaintSubmitted {
            complaint_id: id,
            tracking_code: code.clone(),
            secret: secret.clone(),
            submitted_on: day.to_string(),
            due_on: due.to_string(),
            repeated: false,
        };
        if let Some(key) = &idem {
            let resp = serde_json::to_string(&s).map_err(|e| AppError::Internal(e.into()))?;
            db::application::put_idempotent(&mut tx, key, "complaint", &id.to_string(), &resp).await?;
        }
        let after = serde_json::json!({"tracking_code": code, "subject_kind": f.subject_kind, "anonymous": anonymous, "due_on": due});
        db::audit::record(&mut tx, actor, "complaint.submit", "complaint", &id.to_string(), None, Some(&after)).await?;
        db::audit::feed(&mut tx, "complaint.received", "complaint", &id.to_string(), None).await?;
        tx.commit().await?;
        return Ok(s);
    }
    Err(AppError::Internal(anyhow::anyhow!("no free tracking code")))
}

pub async fn complaint_for_staff(state: &AppState, actor: &Actor, id: i64) -> Result<ldb::ComplaintRow> {
    let c = ldb::complaint(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let ok = actor.is_office() || c.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if ok { Ok(c) } else { Err(AppError::NotFound) }
}

/// One step of a complaint's life, decided by `complaint::apply`. `unit_id` for Assign; `note`
/// is the reply text for Reply, the reason otherwise.
pub async fn complaint_step(
    state: &AppState,
    actor: &Actor,
    mut c: ldb::ComplaintRow,
    event: ComplaintEvent,
    unit_id: Option<i64>,
    note: &str,
    day: Option<NaiveDate>,
) -> Result<()> {
    let day = day.unwrap_or_else(today);
    let before_status = c.status.clone();
    let next =
        lh::complaint::apply(complaint_status(&c.status), &event).map_err(|e| AppError::Conflict(e.to_string()))?;
    let public_actor = actor.staff().is_none();
    match &event {
        ComplaintEvent::Assign | ComplaintEvent::Redirect(_) | ComplaintEvent::CloseUnrated if !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        ComplaintEvent::Reply if !(actor.is_office() || c.unit_id.is_some_and(|u| actor.may_access_unit(u))) => {
            return Err(AppError::Forbidden);
        }
        ComplaintEvent::Rate(_) | ComplaintEvent::Reopen if !public_actor && !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        _ => {}
    }
    let public_note: String;
    match &event {
        ComplaintEvent::Assign => {
            let u = unit_id.ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "请选择承办单位")]))?;
            let unit = db::org::get_unit(&state.db, u)
                .await?
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "承办单位不存在")]))?;
            c.unit_id = Some(u);
            public_note = format!("转交{}办理", unit.name);
        }
        ComplaintEvent::Reply => {
            if note.trim().chars().count() < 5 {
                return Err(AppError::Invalid(vec![FieldError::new("note", "请填写答复内容")]));
            }
            // A reply is published to the complainant: personal data in it is masked.
            c.reply = gongkai_domain::privacy::mask_all(note.trim()).0;
            c.replied_on = Some(day.to_string());
            public_note = "已答复".into();
        }
        ComplaintEvent::Rate(r) => {
            let code = match r {
                Rating::Satisfied => "satisfied",
                Rating::FairlySatisfied => "fairly_satisfied",
                Rating::Dissatisfied => "dissatisfied",
            };
            c.rating = Some(code.into());
            public_note = format!("评价：{}", rating_label(code));
        }
        ComplaintEvent::Reopen => {
            c.due_on = due_from(state, day)?.to_string();
            c.rating = None;
            public_note = format!("重新办理，办理期限为{}", c.due_on);
        }
        ComplaintEvent::CloseUnrated => public_note = "办结".into(),
        ComplaintEvent::Redirect(k) => {
            c.redirect_kind = Some(
                match k {
                    RedirectKind::InformationRequest => "information_request",
                    RedirectKind::Petition => "petition",
                    RedirectKind::OutOfScope => "out_of_scope",
                    RedirectKind::Duplicate => "duplicate",
                }
                .into(),
            );
            public_note = k.label().into();
        }
    }
    c.status = status_code(next).into();
    let mut tx = state.db.begin().await?;
    if !ldb::update_complaint(&mut tx, &c, &before_status).await? {
        return Err(AppError::Conflict("该投诉已被他人处理，请刷新后重试".into()));
    }
    let internal = if note.trim().is_empty() || matches!(event, ComplaintEvent::Reply) {
        public_note.clone()
    } else {
        format!("{public_note}（{}）", gongkai_domain::privacy::mask_all(note.trim()).0)
    };
    ldb::insert_complaint_event(
        &mut tx,
        c.complaint_id,
        &day.to_string(),
        status_code(next),
        &actor.display_name,
        &internal,
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("complaint.{}", status_code(next)),
        "complaint",
        &c.complaint_id.to_string(),
        Some(&serde_json::json!({"status": before_status})),
        Some(&serde_json::json!({"status": c.status, "unit_id": c.unit_id, "due_on": c.due_on})),
    )
    .await?;
    db::audit::feed(&mut tx, "complaint.changed", "complaint", &c.complaint_id.to_string(), c.unit_id).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicComplaint {
    pub tracking_code: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub submitted_on: String,
    pub due_on: String,
    pub overdue: bool,
    pub reply: String,
    pub replied_on: Option<String>,
    pub rating: String,
    pub redirect_info_request: bool,
    pub may_rate: bool,
    pub events: Vec<ldb::ComplaintEventRow>,
}

pub async fn public_complaint(
    state: &AppState,
    code: &str,
    secret: &str,
) -> Result<(ldb::ComplaintRow, PublicComplaint)> {
    let c = ldb::complaint_by_code(&state.db, code.trim())
        .await?
        .filter(|c| digest(secret.trim()) == c.secret_hash)
        .ok_or(AppError::NotFound)?;
    let status = complaint_status(&c.status);
    let events = ldb::complaint_events(&state.db, c.complaint_id).await?;
    let p = PublicComplaint {
        tracking_code: c.tracking_code.clone(),
        title: gongkai_domain::privacy::mask_all(&c.title).0,
        status: c.status.clone(),
        status_label: status.label().into(),
        submitted_on: c.submitted_on.clone(),
        due_on: c.due_on.clone(),
        overdue: is_overdue(&c, today()),
        reply: c.reply.clone(),
        replied_on: c.replied_on.clone(),
        rating: c.rating.as_deref().map(rating_label).unwrap_or("").into(),
        redirect_info_request: c.redirect_kind.as_deref() == Some("information_request"),
        may_rate: status == ComplaintStatus::Replied,
        events,
    };
    Ok((c, p))
}

pub fn is_overdue(c: &ldb::ComplaintRow, today: NaiveDate) -> bool {
    let due = NaiveDate::parse_from_str(&c.due_on, "%Y-%m-%d").unwrap_or(today);
    let sub = NaiveDate::parse_from_str(&c.submitted_on, "%Y-%m-%d").unwrap_or(today);
    lh::Complaint { submitted_on: sub, due, status: complaint_status(&c.status) }.is_overdue(today)
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplaintLine {
    pub complaint_id: i64,
    pub tracking_code: String,
    pub title: String,
    pub subject: String,
    pub unit_name: String,
    pub status_label: String,
    /// Whether it is finished (rated, closed or sent to another channel).
    pub closed: bool,
    pub submitted_on: String,
    pub due_on: String,
    pub overdue: bool,
    pub rating: String,
    pub reply: String,
}

/// Complaint lines; `public` masks personal data in titles and replies (the public board).
pub async fn complaint_lines(state: &AppState, unit: Option<i64>, public: bool) -> Result<Vec<ComplaintLine>> {
    let units: BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let today = today();
    let mask = |s: &str| if public { gongkai_domain::privacy::mask_all(s).0 } else { s.to_string() };
    Ok(ldb::complaints(&state.db, unit)
        .await?
        .into_iter()
        .map(|c| ComplaintLine {
            complaint_id: c.complaint_id,
            tracking_code: if public { String::new() } else { c.tracking_code.clone() },
            title: mask(&c.title),
            subject: format!(
                "{}{}",
                SUBJECT_KINDS.iter().find(|(k, _)| *k == c.subject_kind).map(|(_, l)| *l).unwrap_or(""),
                if c.subject_label.is_empty() { String::new() } else { format!("·{}", c.subject_label) }
            ),
            unit_name: c.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_else(|| "待转办".into()),
            status_label: complaint_status(&c.status).label().into(),
            closed: complaint_status(&c.status).is_closed(),
            overdue: is_overdue(&c, today),
            submitted_on: c.submitted_on,
            due_on: c.due_on,
            rating: c.rating.as_deref().map(rating_label).unwrap_or("").into(),
            reply: mask(&c.reply),
        })
        .collect())
}
