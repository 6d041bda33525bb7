//! 依申请公开 use cases: intake (online, and registered by staff), routing between units, every
//! step of the statutory clock through the domain's status machine, reply letters, review
//! cases, reminders, the calendar and its recomputation. Each step: load → `application::apply`
//! decides → state, event, change feed and audit record in one transaction.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use gongkai_domain::application::{
    self as app, ApplicantKind, Channel, Clock, DeliveryForm, DeliveryMethod, Event, IdDocumentKind, Outcome, Status,
};
use gongkai_domain::calendar::Calendar;
use gongkai_domain::org::{CreditCode, IdNumber};
use serde::{Deserialize, Serialize};

use super::Actor;
use crate::db::{self, Db, application::ApplicationRow};
use crate::error::{AppError, FieldError, Result};
use crate::state::AppState;

use crate::state::{load_calendar, today};

/// Whether a stored due date rests on a year without an imported holiday notice.
pub fn is_provisional(cal: &Calendar, due_on: Option<&str>) -> bool {
    due_on.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| cal.is_provisional(d))
}

fn provisional_note(provisional: bool) -> Option<String> {
    provisional.then(|| gongkai_domain::calendar::PROVISIONAL_NOTE.to_string())
}

#[derive(Debug, Clone, Serialize)]
pub struct DueChange {
    pub tracking_code: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CalendarImport {
    pub imported: usize,
    pub changed: Vec<DueChange>,
}

/// Import an announced calendar (the State Council's notice for next year). Every open
/// application's due date is recomputed; each change is listed, recorded and audited.
pub async fn import_calendar(state: &AppState, actor: &Actor, csv: &str) -> Result<CalendarImport> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let incoming = Calendar::from_csv(csv).map_err(|e| AppError::BadRequest(format!("日历数据有误：{e}")))?;
    let old = load_calendar(&state.db).await?;
    let mut new = old.clone();
    new.merge(incoming.clone());
    let imported = csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count();
    let open = db::application::open_all(&state.db).await?;
    let mut tx = state.db.begin().await?;
    for line in new.to_csv().lines().skip(1) {
        let mut parts = line.splitn(3, ',');
        let (Some(d), Some(k), Some(n)) = (parts.next(), parts.next(), parts.next()) else { continue };
        db::application::put_holiday(&mut tx, d, k, n).await?;
    }
    let mut changed = vec![];
    for row in open {
        let (status, clock) = parse_state(&row)?;
        if status.is_finished() {
            continue;
        }
        let after = clock.due_on(&new).ok().map(|d| d.to_string());
        if after != row.due_on {
            let mut updated = row.clone();
            updated.due_on = after.clone();
            db::application::update_state(&mut tx, &updated, &row.status).await?;
            let before = row.due_on.clone().unwrap_or_else(|| "无".into());
            let after_s = after.clone().unwrap_or_else(|| "无（日历缺少数据）".into());
            let note = format!("节假日安排通知导入，答复期限由{before}重新核定为{after_s}");
            db::application::insert_event(
                &mut tx,
                row.application_id,
                &today().to_string(),
                "due_recomputed",
                &actor.username,
                &note,
                "",
                "{}",
            )
            .await?;
            // The applicant is told (the tracking page shows the event; e-mail where given).
            if !row.email.trim().is_empty() {
                db::application::enqueue_mail(
                    &mut tx,
                    row.email.trim(),
                    &format!("您的政府信息公开申请（{}）答复期限已重新核定", row.tracking_code),
                    &format!(
                        "您的申请（查询码 {}）：{note}。可凭查询码和查询密码在政务公开平台查询办理进度。",
                        row.tracking_code
                    ),
                    &format!("app:{}:due-settled:{after_s}", row.application_id),
                )
                .await?;
            }
            db::audit::record(
                &mut tx,
                actor,
                "application.due_recomputed",
                "application",
                &row.application_id.to_string(),
                Some(&serde_json::json!({"due_on": row.due_on})),
                Some(&serde_json::json!({"due_on": after})),
            )
            .await?;
            changed.push(DueChange { tracking_code: row.tracking_code.clone(), before, after: after_s });
        }
    }
    db::audit::record(
        &mut tx,
        actor,
        "calendar.import",
        "calendar",
        &new.last_year().to_string(),
        None,
        Some(&serde_json::json!({"rows": imported})),
    )
    .await?;
    db::audit::feed(&mut tx, "calendar.changed", "calendar", "national", None).await?;
    tx.commit().await?;
    state.reload_calendar().await?;
    Ok(CalendarImport { imported, changed })
}

/// The stored state of an application: its status and its clock ledger.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredState {
    pub status: Status,
    pub clock: Clock,
}

pub fn parse_state(row: &ApplicationRow) -> Result<(Status, Clock)> {
    let s: StoredState = serde_json::from_str(&row.state_json).map_err(|e| {
        AppError::Internal(anyhow::anyhow!("application {} has an unreadable state: {e}", row.application_id))
    })?;
    Ok((s.status, s.clock))
}

/// The intake form, as typed (the public form, the JSON API and the staff registration).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ApplicationForm {
    #[serde(default)]
    pub applicant_kind: String,
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub id_doc_kind: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub delivery_form: String,
    #[serde(default)]
    pub delivery_method: String,
    /// Staff registration only: how it came and when (条例第三十一条).
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub event_date: String,
    #[serde(default)]
    pub signed_date: String,
    #[serde(default)]
    pub unit_id: String,
    /// A random key the form carries, so a double click or a retry creates one application.
    #[serde(default)]
    pub idempotency_key: String,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn valid_phone(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
    (7..=15).contains(&digits.len()) && p.chars().all(|c| c.is_ascii_digit() || "-+ ()".contains(c))
}

/// A validated application, ready to store.
pub struct ValidApplication {
    pub kind: ApplicantKind,
    pub id_doc: IdDocumentKind,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub unit_id: Option<i64>,
    pub form: ApplicationForm,
}

/// Check every field (条例第二十九条 lists what an application contains) and say, per field, in
/// Chinese, what is wrong.
pub fn validate(
    form: &ApplicationForm,
    staff_registration: bool,
    today: NaiveDate,
) -> std::result::Result<ValidApplication, Vec<FieldError>> {
    let mut errors = vec![];
    let mut f = form.clone();
    for s in [
        &mut f.applicant_name,
        &mut f.id_number,
        &mut f.credit_code,
        &mut f.contact_person,
        &mut f.phone,
        &mut f.email,
        &mut f.address,
        &mut f.postcode,
        &mut f.subject,
        &mut f.doc_no,
        &mut f.description,
    ] {
        *s = s.trim().to_string();
    }
    let kind = ApplicantKind::from_code(&f.applicant_kind);
    if kind.is_err() {
        errors.push(FieldError::new("applicant_kind", "请选择申请人类型（自然人或法人/其他组织的类别）"));
    }
    if f.applicant_name.is_empty() || f.applicant_name.chars().count() > 100 {
        errors.push(FieldError::new("applicant_name", "请填写申请人姓名或名称（不超过100字）"));
    }
    let id_doc = IdDocumentKind::from_code(&f.id_doc_kind);
    match (&kind, &id_doc) {
        (Ok(k), _) if !k.is_natural_person() => {
            match CreditCode::parse(&f.credit_code) {
                Ok(c) => f.credit_code = c.as_str().to_string(),
                Err(e) => {
                    errors.push(FieldError::new("credit_code", format!("{e}（法人或其他组织须填写统一社会信用代码）")))
                }
            }
            if f.contact_person.is_empty() {
                errors.push(FieldError::new("contact_person", "请填写联系人姓名"));
            }
        }
        _ => {}
    }
    match &id_doc {
        Err(_) => errors.push(FieldError::new("id_doc_kind", "请选择身份证件类型")),
        Ok(IdDocumentKind::ResidentIdCard) => match IdNumber::parse(&f.id_number) {
            Ok(id) => f.id_number = id.as_str().to_string(),
            Err(e) => errors.push(FieldError::new("id_number", format!("{e}，请核对"))),
        },
        Ok(_) => {
            if f.id_number.len() < 5
                || f.id_number.len() > 30
                || !f.id_number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                errors.push(FieldError::new("id_number", "证件号码应为5–30位字母或数字"));
            }
        }
    }
    if !valid_phone(&f.phone) {
        errors.push(FieldError::new("phone", "请填写有效的联系电话"));
    }
    if !f.email.is_empty() && (!f.email.contains('@') || f.email.len() > 200) {
        errors.push(FieldError::new("email", "电子邮箱格式不正确"));
    }
    if !f.postcode.is_empty() && !(f.postcode.len() == 6 && f.postcode.bytes().all(|b| b.is_ascii_digit())) {
        errors.push(FieldError::new("postcode", "邮编应为6位数字"));
    }
    if f.subject.is_empty() && f.doc_no.is_empty() && f.description.is_empty() {
        errors.push(FieldError::new(
            "subject",
            "请填写所需政府信息的名称、文号或者便于查询的其他特征性描述（条例第二十九条）",
        ));
    }
    if f.subject.chars().count() > 500 || f.description.chars().count() > 5000 || f.doc_no.chars().count() > 100 {
        errors.push(FieldError::new("description", "所需信息的名称不超过500字，描述不超过5000字"));
    }
    let form_ok = DeliveryForm::from_code(&f.delivery_form).is_ok();
    if !form_ok {
        errors.push(FieldError::new("delivery_form", "请选择信息的提供形式"));
    }
    let method = DeliveryMethod::from_code(&f.delivery_method);
    match &method {
        Err(_) => errors.push(FieldError::new("delivery_method", "请选择获取信息的方式")),
        Ok(DeliveryMethod::Post) if f.address.is_empty() => {
            errors.push(FieldError::new("address", "选择邮寄的，请填写通信地址"))
        }
        Ok(DeliveryMethod::Email) if f.email.is_empty() => {
            errors.push(FieldError::new("email", "选择电子邮件的，请填写电子邮箱"))
        }
        _ => {}
    }
    let (channel, received_on) = if staff_registration {
        let channel = Channel::from_code(&f.channel);
        if channel.is_err() {
            errors.push(FieldError::new("channel", "请选择申请渠道"));
        }
        let event = parse_date(&f.event_date);
        match event {
            None => errors.push(FieldError::new("event_date", "请填写收到（或签收、确认）申请的日期")),
            Some(d) if d > today => errors.push(FieldError::new("event_date", "日期不能晚于今天")),
            _ => {}
        }
        let signed = if f.signed_date.trim().is_empty() { None } else { parse_date(&f.signed_date) };
        if !f.signed_date.trim().is_empty() && signed.is_none() {
            errors.push(FieldError::new("signed_date", "签收日期格式应为 YYYY-MM-DD"));
        }
        match (channel, event) {
            (Ok(c), Some(d)) => (c, app::received_on(c, d, signed)),
            _ => (Channel::Online, today),
        }
    } else {
        // 条例第三十一条第三项: online applications are received on the day the system confirms them.
        (Channel::Online, app::received_on(Channel::Online, today, None))
    };
    let unit_id = match f.unit_id.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(FieldError::new("unit_id", "受理单位无效"));
                None
            }
        },
    };
    if !f.idempotency_key.is_empty()
        && (f.idempotency_key.len() > 100 || !f.idempotency_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        errors.push(FieldError::new("idempotency_key", "请求标识无效"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidApplication {
        kind: kind.expect("checked"),
        id_doc: id_doc.expect("checked"),
        channel,
        received_on,
        unit_id,
        form: f,
    })
}

/// The public answer to a submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Submitted {
    pub application_id: i64,
    pub tracking_code: String,
    pub secret: String,
    pub received_on: String,
    pub due_on: Option<String>,
    /// The due date rests on a year whose holiday notice is not imported yet (暂定).
    #[serde(default)]
    pub due_on_provisional: bool,
    /// Why, in one sentence, when provisional.
    #[serde(default)]
    pub due_note: Option<String>,
    /// True when this was a repeat of an earlier submission (same idempotency key).
    #[serde(default)]
    pub repeated: bool,
}

/// An uploaded file, checked by `check_upload`.
/// The browser's claimed type is ignored: `check_upload` reads the type from the content.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// Attachments: PDF, images, Word; at most 10 MB each, 5 in all. The type is taken from the
/// content, not from what the browser claims.
pub fn check_upload(name: &str, bytes: &[u8]) -> std::result::Result<(String, &'static str), String> {
    let clean = super::clean_filename(name);
    if bytes.is_empty() {
        return Err(format!("附件“{clean}”是空文件"));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(format!("附件“{clean}”超过10MB"));
    }
    let kind = if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"PK\x03\x04") && clean.to_lowercase().ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else {
        return Err(format!("附件“{clean}”的类型不受支持：请上传 PDF、JPG、PNG 或 Word（.docx）文件"));
    };
    Ok((clean, kind))
}

fn tracking_code(received_on: NaiveDate) -> String {
    // Readable and unguessable enough to avoid collisions; the query secret protects the status.
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("random");
    let suffix: String = b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect();
    format!("YSQ{}-{}", received_on.format("%Y%m%d"), suffix)
}

/// Take in an application (条例第二十七条至第三十一条). A repeat with the same idempotency key
/// returns the first answer and creates nothing.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    form: &ApplicationForm,
    uploads: Vec<Upload>,
    staff_registration: bool,
) -> Result<Submitted> {
    if staff_registration && actor.staff().is_none() {
        return Err(AppError::Forbidden);
    }
    let idem =
        (!form.idempotency_key.trim().is_empty()).then(|| format!("application:{}", form.idempotency_key.trim()));
    if let Some(key) = &idem {
        if let Some(resp) = db::application::idempotent_response(&state.db, key).await? {
            let mut s: Submitted = serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
            s.repeated = true;
            return Ok(s);
        }
    }
    let today = today();
    let v = validate(form, staff_registration, today).map_err(AppError::Invalid)?;
    if uploads.len() > 5 {
        return Err(AppError::Invalid(vec![FieldError::new("attachments", "附件最多5个")]));
    }
    let mut files = vec![];
    for u in &uploads {
        let (name, kind) = check_upload(&u.filename, &u.bytes)
            .map_err(|m| AppError::Invalid(vec![FieldError::new("attachments", m)]))?;
        files.push((name, kind, &u.bytes));
    }
    if let Some(unit) = v.unit_id {
        // A clerk registers for their own unit; the office for any.
        if !actor.is_office() && !actor.may_access_unit(unit) {
            return Err(AppError::Forbidden);
        }
        db::org::get_unit(&state.db, unit)
            .await?
            .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "受理单位不存在")]))?;
    }
    let cal = state.calendar();
    let clock = Clock::received(v.received_on);
    let due = clock.due_on(&cal).map_err(|e| AppError::BadRequest(format!("无法计算答复期限：{e}")))?;
    let provisional = cal.is_provisional(due);
    let secret = super::auth::random_token()[..16].to_string();
    let f = &v.form;
    let stored = StoredState { status: Status::Received, clock };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let code = tracking_code(v.received_on);
        let new = db::application::NewApplication {
            tracking_code: code.clone(),
            secret_hash: super::auth::digest(&secret),
            idempotency_key: idem.clone(),
            unit_id: v.unit_id,
            channel: v.channel.code().into(),
            received_on: v.received_on.to_string(),
            applicant_kind: v.kind.code().into(),
            applicant_name: f.applicant_name.clone(),
            id_doc_kind: v.id_doc.code().into(),
            id_number: f.id_number.clone(),
            credit_code: f.credit_code.clone(),
            contact_person: f.contact_person.clone(),
            phone: f.phone.clone(),
            email: f.email.clone(),
            address: f.address.clone(),
            postcode: f.postcode.clone(),
            subject: f.subject.clone(),
            doc_no: f.doc_no.clone(),
            description: f.description.clone(),
            delivery_form: f.delivery_form.clone(),
            delivery_method: f.delivery_method.clone(),
            status: Status::Received.code().into(),
            due_on: Some(due.to_string()),
            state_json: serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.into()))?,
        };
        let mut tx = state.db.begin().await?;
        let id = match db::application::insert(&mut tx, &new).await {
            Ok(id) => id,
            Err(e) if db::is_unique_violation(&e) => {
                drop(tx);
                // The same idempotency key committed by a concurrent request: answer as it did.
                if let Some(key) = &idem {
                    if let Some(resp) = db::application::idempotent_response(&state.db, key).await? {
                        let mut s: Submitted = serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
                        s.repeated = true;
                        return Ok(s);
                    }
                    if db::application::find_by_idempotency(&state.db, key).await?.is_some() {
                        return Err(AppError::Conflict("该申请已提交，请勿重复提交".into()));
                    }
                }
                if attempt < 5 {
                    continue;
                }
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        for (name, kind, bytes) in &files {
            let sha = super::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
            db::application::insert_attachment(&mut tx, "application", id, name, kind, &sha, bytes).await?;
        }
        let note = format!(
            "收到申请（{}），答复期限为{}{}",
            v.channel.label(),
            due,
            if provisional { "（暂定）" } else { "" }
        );
        db::application::insert_event(
            &mut tx,
            id,
            &v.received_on.to_string(),
            "received",
            &actor.username,
            &note,
            "",
            "{}",
        )
        .await?;
        let submitted = Submitted {
            application_id: id,
            tracking_code: code.clone(),
            secret: secret.clone(),
            received_on: v.received_on.to_string(),
            due_on: Some(due.to_string()),
            due_on_provisional: provisional,
            due_note: provisional_note(provisional),
            repeated: false,
        };
        if let Some(key) = &idem {
            let resp = serde_json::to_string(&submitted).map_err(|e| AppError::Internal(e.into()))?;
            db::application::put_idempotent(&mut tx, key, "application", &id.to_string(), &resp).await?;
        }
        let after = serde_json::json!({"tracking_code": code, "channel": v.channel.code(), "received_on": v.received_on, "unit_id": v.unit_id, "applicant_kind": v.kind.code()});
        db::audit::record(&mut tx, actor, "application.submit", "application", &id.to_string(), None, Some(&after))
            .await?;
        db::audit::feed(&mut tx, "application.received", "application", &id.to_string(), v.unit_id).await?;
        tx.commit().await?;
        return Ok(submitted);
    }
}

/// Load an application a staff member may work on: the office sees all; a unit only its own
/// (an unassigned one is the office's). Anything else is "not found", so IDs leak nothing.
pub async fn load_for_staff(db: &Db, actor: &Actor, id: i64) -> Result<ApplicationRow> {
    let row = db::application::get(db, id).await?.ok_or(AppError::NotFound)?;
    let allowed = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !allowed {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// Assign to a unit, send back to the office (None) or on to another unit, with a reason.
pub async fn route(state: &AppState, actor: &Actor, id: i64, to_unit: Option<i64>, reason: &str) -> Result<()> {
    let row = load_for_staff(&state.db, actor, id).await?;
    if row.finished_on.is_some() {
        return Err(AppError::BadRequest("该申请已办结，不能再转办".into()));
    }
    if !actor.is_office() && reason.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("reason", "退回或转办须说明理由")]));
    }
    let to_name = match to_unit {
        Some(u) => {
            db::org::get_unit(&state.db, u)
                .await?
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "单位不存在")]))?
                .name
        }
        None => "政务公开办".into(),
    };
    let mut updated = row.clone();
    updated.unit_id = to_unit;
    let mut tx = state.db.begin().await?;
    if !db::application::update_state(&mut tx, &updated, &row.status).await? {
        return Err(AppError::Conflict("该申请刚被他人修改，请刷新后重试".into()));
    }
    let kind = if actor.is_office() {
        "assigned"
    } else if to_unit.is_none() {
        "returned"
    } else {
        "forwarded"
    };
    db::application::insert_event(
        &mut tx,
        id,
        &today().to_string(),
        kind,
        &actor.username,
        &format!("转交{to_name}办理"),
        reason.trim(),
        "{}",
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("application.{kind}"),
        "application",
        &id.to_string(),
        Some(&serde_json::json!({"unit_id": row.unit_id})),
        Some(&serde_json::json!({"unit_id": to_unit, "reason": reason.trim()})),
    )
    .await?;
    db::audit::feed(&mut tx, "application.updated", "application", &id.to_string(), to_unit).await?;
    tx.commit().await?;
    Ok(())
}

/// Who may do which step: answering is approval (a reviewer of the unit, or the office);
/// an extension needs the office (its head approves, 条例第三十三条第二款); the rest any staff of the unit.
fn check_step_permission(actor: &Actor, row: &ApplicationRow, event: &Event) -> Result<()> {
    let unit_ok = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !unit_ok {
        return Err(AppError::NotFound);
    }
    match event {
        Event::Answer { .. } | Event::ClarificationLapsed { .. } | Event::FeeLapsed { .. } => {
            let ok = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_approve_for(u));
            if !ok {
                return Err(AppError::Forbidden);
            }
        }
        Event::Extend { .. } if !actor.is_office() => return Err(AppError::Forbidden),
        _ => {}
    }
    Ok(())
}

/// One step of an application's life, decided by the domain's status machine.
pub async fn step(
    state: &AppState,
    actor: &Actor,
    id: i64,
    event: Event,
    public_note: &str,
    internal_note: &str,
) -> Result<()> {
    let row = db::application::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    check_step_permission(actor, &row, &event)?;
    step_row(state, actor, row, event, public_note, internal_note, today()).await
}

pub async fn step_row(
    state: &AppState,
    actor: &Actor,
    row: ApplicationRow,
    event: Event,
    public_note: &str,
    internal_note: &str,
    today: NaiveDate,
) -> Result<()> {
    let (status, clock) = parse_state(&row)?;
    let cal = state.calendar();
    let transition =
        app::apply(&status, &clock, &event, today, &cal).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let new_clock = transition.clock_after(&clock);
    let mut updated = row.clone();
    updated.status = transition.status.code().into();
    updated.due_on =
        if transition.status.is_finished() { None } else { new_clock.due_on(&cal).ok().map(|d| d.to_string()) };
    if let Some(outcome) = transition.status.outcome().filter(|_| transition.status.is_finished()) {
        updated.outcome = Some(outcome.code());
        updated.finished_on = Some(event.date().to_string());
    }
    if let Event::SendFeeNotice { amount_yuan, .. } = &event {
        updated.fee_yuan = *amount_yuan as i64;
    }
    updated.state_json = serde_json::to_string(&StoredState { status: transition.status, clock: new_clock })
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    if !db::application::update_state(&mut tx, &updated, &row.status).await? {
        return Err(AppError::Conflict("该申请刚被他人修改，请刷新后重试".into()));
    }
    let data = serde_json::json!({"event": event, "effects": transition.effects});
    let kind = serde_json::to_value(&event)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str().map(str::to_string)))
        .unwrap_or_default();
    let public = if public_note.trim().is_empty() {
        event.label().to_string()
    } else {
        format!("{}：{}", event.label(), public_note.trim())
    };
    db::application::insert_event(
        &mut tx,
        row.application_id,
        &event.date().to_string(),
        &kind,
        &actor.username,
        &public,
        internal_note.trim(),
        &data.to_string(),
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        &format!("application.{kind}"),
        "application",
        &row.application_id.to_string(),
        Some(&serde_json::json!({"status": row.status, "due_on": row.due_on})),
        Some(&serde_json::json!({"status": updated.status, "due_on": updated.due_on, "outcome": updated.outcome})),
    )
    .await?;
    db::audit::feed(&mut tx, "application.updated", "application", &row.application_id.to_string(), row.unit_id)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The public view of an application: status, dates and public events, never personal data.
#[derive(Debug, Clone, Serialize)]
pub struct PublicStatus {
    pub tracking_code: String,
    pub status: String,
    pub status_label: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub due_on_provisional: bool,
    pub due_note: Option<String>,
    pub working_days_left: Option<i64>,
    pub overdue: bool,
    pub outcome: Option<String>,
    pub finished_on: Option<String>,
    pub events: Vec<PublicEvent>,
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicEvent {
    pub date: String,
    pub what: String,
}

pub async fn public_status(state: &AppState, tracking_code: &str, secret: &str) -> Result<PublicStatus> {
    let row = db::application::get_by_tracking(&state.db, tracking_code.trim()).await?;
    // The same answer for "no such code" and "wrong secret": codes cannot be probed.
    let row = row.filter(|r| super::auth::digest(secret.trim()) == r.secret_hash).ok_or(AppError::NotFound)?;
    let (status, clock) = parse_state(&row)?;
    let cal = state.calendar();
    let today = today();
    let events = db::application::events(&state.db, row.application_id).await?;
    Ok(PublicStatus {
        tracking_code: row.tracking_code.clone(),
        status: status.code().into(),
        status_label: status.label().into(),
        received_on: row.received_on.clone(),
        due_on: row.due_on.clone(),
        due_on_provisional: !status.is_finished() && is_provisional(&cal, row.due_on.as_deref()),
        due_note: provisional_note(!status.is_finished() && is_provisional(&cal, row.due_on.as_deref())),
        working_days_left: if status.is_finished() { None } else { clock.working_days_left(today, &cal).ok() },
        overdue: !status.is_finished() && clock.is_overdue(today, &cal).unwrap_or(false),
        outcome: status.outcome().filter(|_| status.is_finished()).map(|o| o.label()),
        finished_on: row.finished_on.clone(),
        events: events.into_iter().map(|e| PublicEvent { date: e.happened_on, what: e.public_note }).collect(),
        explanation: clock.explain(&cal),
    })
}

/// A queue line for staff: the row plus its clock today.
#[derive(Debug, Clone, Serialize)]
pub struct QueueLine {
    pub application_id: i64,
    pub tracking_code: String,
    pub subject: String,
    pub unit_id: Option<i64>,
    pub unit_name: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub due_on_provisional: bool,
    pub days_left: Option<i64>,
    pub overdue: bool,
    pub status_label: String,
}

pub async fn queue(state: &AppState, scope: db::application::QueueScope, limit: i64) -> Result<Vec<QueueLine>> {
    let rows = db::application::queue(&state.db, scope, limit).await?;
    let units: BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let cal = state.calendar();
    let today = today();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (status, clock) = parse_state(&r)?;
        out.push(QueueLine {
            application_id: r.application_id,
            tracking_code: r.tracking_code,
            subject: if r.subject.is_empty() { r.description.chars().take(40).collect() } else { r.subject },
            unit_id: r.unit_id,
            unit_name: r.unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_else(|| "待分办".into()),
            received_on: r.received_on,
            due_on_provisional: is_provisional(&cal, r.due_on.as_deref()),
            due_on: r.due_on,
            days_left: clock.working_days_left(today, &cal).ok(),
            overdue: clock.is_overdue(today, &cal).unwrap_or(false),
            status_label: status.label().into(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    pub open: usize,
    pub overdue: usize,
    pub due_soon: usize,
    pub unassigned: usize,
    pub reminders: Vec<String>,
    /// The year whose 国务院办公厅 holiday notice is due and not imported (the office's dashboard).
    pub notice_missing: Option<i32>,
}

pub async fn dashboard(state: &AppState, unit: Option<i64>, today: NaiveDate) -> Result<Dashboard> {
    let scope = match unit {
        Some(u) => db::application::QueueScope::Unit(u),
        None => db::application::QueueScope::All,
    };
    let c = counts(state, scope, today).await?;
    let notes = db::application::notifications(&state.db, unit, unit.is_none(), 20).await?;
    Ok(Dashboard {
        open: c.open as usize,
        overdue: c.overdue as usize,
        due_soon: c.due_soon as usize,
        unassigned: c.unassigned as usize,
        reminders: notes.into_iter().map(|n| format!("{} {}", &n.created_at[..10], n.message)).collect(),
        notice_missing: state.calendar().notice_missing(today),
    })
}

/// Open, overdue, due within 5 working days, unassigned — counted by the database.
pub async fn counts(
    state: &AppState,
    scope: db::application::QueueScope,
    today: NaiveDate,
) -> Result<db::application::QueueCounts> {
    let soon = state.calendar().add_working_days(today, 5).unwrap_or(today + Duration::days(7));
    Ok(db::application::queue_counts(&state.db, scope, &today.to_string(), &soon.to_string()).await?)
}

/// Reminders (5, 3 and 1 working days before the due date, and on the day it is passed) to the
/// unit, in-app and by e-mail through the outbox; every overdue application to the office too.
/// Deduplicated in the database, so several nodes never remind twice.
pub async fn send_reminders(state: &AppState, today: NaiveDate) -> Result<usize> {
    let cal = state.calendar();
    let mut made = remind_missing_notice(state, &cal, today).await?;
    let rows = db::application::open_all(&state.db).await?;
    let units: BTreeMap<i64, db::org::UnitRow> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u)).collect();
    for r in rows {
        let (status, clock) = parse_state(&r)?;
        if status.is_finished() {
            continue;
        }
        let Ok(left) = clock.working_days_left(today, &cal) else { continue };
        let overdue = clock.is_overdue(today, &cal).unwrap_or(false);
        let due = r.due_on.clone().unwrap_or_default();
        let (key, message) = if overdue {
            (
                format!("app:{}:overdue:{due}", r.application_id),
                format!("申请 {} 已超过答复期限（{due}）", r.tracking_code),
            )
        } else if [5, 3, 1].contains(&left) {
            (
                format!("app:{}:left{left}:{due}", r.application_id),
                format!("申请 {} 还有{left}个工作日到期（{due}）", r.tracking_code),
            )
        } else {
            continue;
        };
        let link = format!("/staff/applications/{}", r.application_id);
        let mut tx = state.db.begin().await?;
        let new =
            db::application::notify_once(&mut tx, r.unit_id, r.unit_id.is_none() || overdue, &message, &link, &key)
                .await?;
        if new {
            if let Some(email) =
                r.unit_id.and_then(|u| units.get(&u)).map(|u| u.email.clone()).filter(|e| !e.is_empty())
            {
                db::application::enqueue_mail(
                    &mut tx,
                    &email,
                    &message,
                    &format!("{message}\n请登录政务公开平台办理：{link}"),
                    &key,
                )
                .await?;
            }
            made += 1;
        }
        tx.commit().await?;
    }
    Ok(made)
}

/// From 1 October, once a week until it is imported: the office is reminded that next year's
/// holiday notice is missing (deadlines into that year are provisional meanwhile).
async fn remind_missing_notice(state: &AppState, cal: &Calendar, today: NaiveDate) -> Result<usize> {
    let Some(year) = cal.notice_missing(today) else { return Ok(0) };
    let week = today.iso_week();
    let key = format!("calendar:notice-missing:{year}:{}-W{:02}", week.year(), week.week());
    let message = format!(
        "{year}年的国务院办公厅部分节假日安排通知尚未导入：涉及{year}年的答复期限暂按放假办法计算（暂定）。通知公布后请在“节假日日历”中粘贴通知原文导入。"
    );
    let mut tx = state.db.begin().await?;
    let new = db::application::notify_once(&mut tx, None, true, &message, "/staff/calendar", &key).await?;
    tx.commit().await?;
    Ok(usize::from(new))
}

/// Per node: reminders every few minutes, the outbox, and the caches the change feed invalidates.
pub async fn background(state: AppState) {
    let mut last_seq = 0i64;
    let mut ticks = 0u64;
    loop {
        // Follow the change feed: the calendar and the settings may have changed on another node.
        if let Ok(entries) = db::audit::feed_since(&state.db, last_seq, 1000).await {
            let mut reload_cal = false;
            for e in &entries {
                last_seq = last_seq.max(e.seq);
                reload_cal |= e.kind == "calendar.changed";
            }
            if reload_cal {
                let _ = state.reload_calendar().await;
            }
        }
        if ticks % 60 == 0 {
            let _ = state.reload_settings().await;
            if let Err(e) = send_reminders(&state, today()).await {
                tracing::warn!("reminders: {e}");
            }
            crate::flows::supervision::background_tick(&state).await;
            crate::flows::mail::deliver(&state).await;
            let day_ago = (Utc::now() - Duration::hours(24)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
            let _ = db::application::purge_idempotency(&state.db, &day_ago).await;
        }
        ticks += 1;
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
}

/// The reply letter (告知书) of an answered application, from the domain's template for its
/// outcome; the clerk's detail is the public note of the answer.
pub async fn reply_letter(state: &AppState, actor: &Actor, id: i64) -> Result<app::letter::Letter> {
    let row = load_for_staff(&state.db, actor, id).await?;
    let (status, _) = parse_state(&row)?;
    let outcome = status
        .outcome()
        .filter(|_| status.is_finished())
        .ok_or_else(|| AppError::BadRequest("该申请尚未答复，不能生成告知书".into()))?;
    let events = db::application::events(&state.db, id).await?;
    let detail = events
        .iter()
        .rev()
        .find(|e| ["answer", "clarification_lapsed", "fee_lapsed", "withdraw"].contains(&e.kind.as_str()))
        .map(|e| e.public_note.split_once('：').map(|(_, d)| d.to_string()).unwrap_or_default())
        .unwrap_or_default();
    let issuer = match row.unit_id {
        Some(u) => db::org::get_unit(&state.db, u).await?.map(|u| u.name).unwrap_or_default(),
        None => state.setting("gov_name") + "人民政府办公室",
    };
    let gov = state.setting("gov_name");
    let input = app::letter::LetterInput {
        applicant_name: row.applicant_name.clone(),
        received_on: NaiveDate::parse_from_str(&row.received_on, "%Y-%m-%d")
            .map_err(|e| AppError::Internal(e.into()))?,
        request: if row.subject.is_empty() { row.description.clone() } else { row.subject.clone() },
        outcome,
        detail,
        issuer,
        reconsideration_body: format!("{gov}人民政府"),
        court: format!("{gov}人民法院"),
        date: row
            .finished_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(today),
    };
    Ok(app::letter::reply_letter(&input))
}

fn parse_day(field: &'static str, text: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(field, &format!("{label}格式应为 YYYY-MM-DD")));
            None
        }
    }
}

fn review_error(field: &'static str, e: app::ReviewError) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, &e.to_string())])
}

/// A stored case as the domain reads it.
pub fn review_record(r: &db::application::ReviewCaseRow) -> Result<app::ReviewRecord> {
    let bad =
        |what: &str| AppError::Internal(anyhow::anyhow!("review case {} has an invalid {what}", r.review_case_id));
    let day = |t: &Option<String>, what: &str| -> Result<Option<NaiveDate>> {
        t.as_deref().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad(what))).transpose()
    };
    Ok(app::ReviewRecord {
        kind: app::ReviewKind::from_code(&r.kind).ok_or_else(|| bad("kind"))?,
        filed_on: NaiveDate::parse_from_str(&r.filed_on, "%Y-%m-%d").map_err(|_| bad("filed_on"))?,
        accepted_on: day(&r.accepted_on, "accepted_on")?,
        extended_on: day(&r.extended_on, "extended_on")?,
        court_due_on: day(&r.court_due_on, "court_due_on")?,
        result: app::ReviewResult::from_code(&r.result).ok_or_else(|| bad("result"))?,
        decided_on: day(&r.decided_on, "decided_on")?,
    })
}

/// A case as the staff page shows it: labels, the statutory deadline (provisional or not), what
/// may still be done.
#[derive(Debug, Serialize)]
pub struct ReviewCaseView {
    pub row: db::application::ReviewCaseRow,
    pub kind_label: &'static str,
    pub result_label: &'static str,
    pub open: bool,
    pub due_on: Option<String>,
    pub due_provisional: bool,
    pub overdue: bool,
    pub may_extend: bool,
}

pub fn review_view(row: db::application::ReviewCaseRow, cal: &Calendar, today: NaiveDate) -> Result<ReviewCaseView> {
    let rec = review_record(&row)?;
    let due = rec.due_on(cal);
    Ok(ReviewCaseView {
        kind_label: rec.kind.label(),
        result_label: rec.result.label(),
        open: rec.is_open(),
        due_on: due.map(|d| d.due_on.to_string()),
        due_provisional: due.is_some_and(|d| d.provisional),
        overdue: rec.is_open() && due.is_some_and(|d| d.due_on < today),
        may_extend: rec.extend(today, cal).is_ok(),
        row,
    })
}

pub async fn review_cases_for(state: &AppState, actor: &Actor, application_id: i64) -> Result<Vec<ReviewCaseView>> {
    load_for_staff(&state.db, actor, application_id).await?;
    let cal = state.calendar();
    let today = today();
    db::application::review_cases_for(&state.db, application_id)
        .await?
        .into_iter()
        .map(|r| review_view(r, &cal, today))
        .collect()
}

/// What staff type to file a case (or back-fill one already ended).
#[derive(Debug, Default, Deserialize)]
pub struct ReviewCaseForm {
    pub kind: String,
    #[serde(default)]
    pub result: String,
    pub filed_on: String,
    #[serde(default)]
    pub accepted_on: String,
    #[serde(default)]
    pub court_due_on: String,
    #[serde(default)]
    pub decided_on: String,
    #[serde(default)]
    pub note: String,
}

/// Record a 行政复议 or 行政诉讼 about an application (table 四): filed (and for 行政复议
/// accepted), open until its end is recorded; an old case may be entered with its end at once.
pub async fn add_review_case(state: &AppState, actor: &Actor, id: i64, f: &ReviewCaseForm) -> Result<i64> {
    let row = load_for_staff(&state.db, actor, id).await?;
    let today = today();
    let mut errors = vec![];
    let kind = app::ReviewKind::from_code(&f.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择行政复议或行政诉讼的类别"));
    }
    let result = if f.result.trim().is_empty() {
        Some(app::ReviewResult::Pending)
    } else {
        app::ReviewResult::from_code(&f.result)
    };
    if result.is_none() {
        errors.push(FieldError::new("result", "请选择结果"));
    }
    let filed = parse_day("filed_on", &f.filed_on, "提起日期", &mut errors);
    if f.filed_on.trim().is_empty() {
        errors.push(FieldError::new("filed_on", "请填写提起日期"));
    }
    let accepted = parse_day("accepted_on", &f.accepted_on, "受理日期", &mut errors);
    let court_due = parse_day("court_due_on", &f.court_due_on, "法院确定的审理期限", &mut errors);
    let decided = parse_day("decided_on", &f.decided_on, "审结日期", &mut errors);
    let (Some(kind), Some(result), Some(filed)) = (kind, result, filed) else {
        return Err(AppError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut rec = file_case(kind, filed, accepted, court_due, today)?;
    if result != app::ReviewResult::Pending {
        let Some(on) = decided else {
            return Err(AppError::Invalid(vec![FieldError::new("decided_on", "已审结的案件请填写审结日期")]));
        };
        rec = rec.end(result, on, today).map_err(|e| review_error("decided_on", e))?;
    } else if decided.is_some() {
        return Err(AppError::Invalid(vec![FieldError::new("result", "填写了审结日期的案件请选择审结结果")]));
    }
    let text = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let (accepted_s, court_s, decided_s) = (text(rec.accepted_on), text(rec.court_due_on), text(rec.decided_on));
    let filed_s = rec.filed_on.to_string();
    let mut tx = state.db.begin().await?;
    let case_id = db::application::insert_review_case(
        &mut tx,
        &db::application::NewReviewCase {
            application_id: Some(id),
            unit_id: row.unit_id,
            kind: kind.code(),
            result: rec.result.code(),
            filed_on: &filed_s,
            decided_on: decided_s.as_deref(),
            accepted_on: accepted_s.as_deref(),
            court_due_on: court_s.as_deref(),
            note: f.note.trim(),
        },
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "review_case.create",
        "review_case",
        &case_id.to_string(),
        None,
        Some(&serde_json::json!({"application_id": id, "kind": kind.code(), "result": rec.result.code(),
            "filed_on": filed_s, "accepted_on": accepted_s, "court_due_on": court_s, "decided_on": decided_s})),
    )
    .await?;
    db::audit::feed(&mut tx, "review_case.created", "review_case", &case_id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(case_id)
}

fn file_case(
    kind: app::ReviewKind,
    filed: NaiveDate,
    accepted: Option<NaiveDate>,
    court_due: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<app::ReviewRecord> {
    app::ReviewRecord::file(kind, filed, accepted, court_due, today).map_err(|e| {
        let field = match e {
            app::ReviewError::NotAccepted | app::ReviewError::AcceptedBeforeFiled => "accepted_on",
            _ => "filed_on",
        };
        review_error(field, e)
    })
}

/// A case and the application it belongs to, if the actor may act on it (404 otherwise: a case
/// of another unit is not shown to exist).
async fn load_case(state: &AppState, actor: &Actor, case_id: i64) -> Result<(db::application::ReviewCaseRow, i64)> {
    let row = db::application::review_case(&state.db, case_id).await?.ok_or(AppError::NotFound)?;
    match row.application_id {
        Some(app_id) => {
            load_for_staff(&state.db, actor, app_id).await?;
            Ok((row, app_id))
        }
        None => Err(AppError::NotFound),
    }
}

/// Record the end of an open case: decided (维持 / 纠正 / 其他) or withdrawn. Once only.
pub async fn end_review_case(
    state: &AppState,
    actor: &Actor,
    case_id: i64,
    result: &str,
    decided_on: &str,
    note: &str,
) -> Result<i64> {
    let (row, app_id) = load_case(state, actor, case_id).await?;
    let mut errors = vec![];
    let result = app::ReviewResult::from_code(result);
    if result.is_none() {
        errors.push(FieldError::new("result", "请选择审结结果（维持、纠正、其他）或撤回"));
    }
    let on = parse_day("decided_on", decided_on, "审结日期", &mut errors);
    if decided_on.trim().is_empty() {
        errors.push(FieldError::new("decided_on", "请填写审结（撤回）日期"));
    }
    let (Some(result), Some(on), true) = (result, on, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let rec = review_record(&row)?;
    let ended = rec.end(result, on, today()).map_err(|e| review_error("decided_on", e))?;
    let mut tx = state.db.begin().await?;
    if db::application::end_review_case(&mut tx, case_id, result.code(), &on.to_string(), note.trim()).await? != 1 {
        return Err(review_error("result", app::ReviewError::Closed));
    }
    db::audit::record(
        &mut tx,
        actor,
        "review_case.end",
        "review_case",
        &case_id.to_string(),
        Some(&serde_json::json!({"result": row.result, "decided_on": row.decided_on})),
        Some(&serde_json::json!({"result": ended.result.code(), "decided_on": on.to_string(), "note": note.trim()})),
    )
    .await?;
    db::audit::feed(&mut tx, "review_case.ended", "review_case", &case_id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(app_id)
}

/// Extend an open 行政复议 by 30 days (once, before its deadline).
pub async fn extend_review_case(state: &AppState, actor: &Actor, case_id: i64) -> Result<i64> {
    let (row, app_id) = load_case(state, actor, case_id).await?;
    let cal = state.calendar();
    let today = today();
    let rec = review_record(&row)?;
    let before = rec.due_on(&cal).map(|d| d.due_on.to_string());
    let extended = rec.extend(today, &cal).map_err(|e| review_error("extend", e))?;
    let after = extended.due_on(&cal).map(|d| d.due_on.to_string());
    let mut tx = state.db.begin().await?;
    if db::application::extend_review_case(&mut tx, case_id, &today.to_string()).await? != 1 {
        return Err(review_error("extend", app::ReviewError::AlreadyExtended));
    }
    db::audit::record(
        &mut tx,
        actor,
        "review_case.extend",
        "review_case",
        &case_id.to_string(),
        Some(&serde_json::json!({"due_on": before})),
        Some(&serde_json::json!({"due_on": after, "extended_on": today.to_string()})),
    )
    .await?;
    db::audit::feed(&mut tx, "review_case.extended", "review_case", &case_id.to_string(), row.unit_id).await?;
    tx.commit().await?;
    Ok(app_id)
}

/// Table 三 for a year and a scope, folded by the domain from the records grouped by the
/// database: each group is one representative record with its count (the report over hundreds
/// of thousands of applications reads a few dozen rows). `statistics` gives the records too,
/// for drill-down.
pub async fn table3_fast(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    format: gongkai_domain::format::FormatVersion,
) -> Result<app::stats::Table3Counts> {
    let groups = db::application::stat_groups(db, unit_id, year).await?;
    let d = |m: u32, day: u32, y: i32| NaiveDate::from_ymd_opt(y, m, day).expect("valid date");
    let mut reps = Vec::with_capacity(groups.len());
    for g in &groups {
        let column = ApplicantKind::from_code(&g.applicant_kind)
            .map_err(|_| {
                AppError::Internal(anyhow::anyhow!("an application has an invalid applicant kind {}", g.applicant_kind))
            })?
            .column();
        let received_on = if g.received_in == 1 { d(1, 1, year) } else { d(12, 31, year - 1) };
        let finished_on = match g.finished_when {
            0 => Some(d(12, 31, year - 1)),
            1 => Some(d(12, 31, year)),
            2 => Some(d(1, 1, year + 1)),
            _ => None,
        };
        let finished = match (finished_on, &g.outcome) {
            (Some(f), Some(o)) => Some((
                f,
                Outcome::from_code(o).map_err(|_| AppError::Internal(anyhow::anyhow!("invalid outcome {o}")))?,
            )),
            _ => None,
        };
        reps.push((app::stats::ApplicationRecord { id: 0, received_on, column, finished }, g.n as u64));
    }
    Ok(app::stats::table3_weighted(reps.iter().map(|(r, n)| (r, *n)), year, format))
}

/// Table 三 and 四 for a year and a scope (a unit, or the government over all units), folded by
/// the domain from the records.
pub async fn statistics(
    db: &Db,
    unit_id: Option<i64>,
    year: i32,
    format: gongkai_domain::format::FormatVersion,
) -> Result<(app::stats::Table3Counts, [u64; 15], Vec<app::stats::ApplicationRecord>)> {
    let rows = db::application::stat_rows(db, unit_id, year).await?;
    let mut records = Vec::with_capacity(rows.len());
    for r in &rows {
        records.push(record_of(r)?);
    }
    let t3 = app::stats::table3(&records, year, format);
    let t4 = table4_for(db, unit_id, year).await?;
    Ok((t3, t4, records))
}

/// Table 四 for a year and a scope, from the 行政复议 and 行政诉讼 records.
pub async fn table4_for(db: &Db, unit_id: Option<i64>, year: i32) -> Result<[u64; 15]> {
    let mut cases = vec![];
    for r in db::application::review_cases(db, unit_id).await? {
        cases.push(review_record(&r)?.case());
    }
    Ok(app::review::table4(&cases, year))
}

pub fn record_of(r: &db::application::StatRow) -> Result<app::stats::ApplicationRecord> {
    let bad =
        |what: &str| AppError::Internal(anyhow::anyhow!("application {} has an invalid {what}", r.application_id));
    let received_on = NaiveDate::parse_from_str(&r.received_on, "%Y-%m-%d").map_err(|_| bad("received_on"))?;
    let column = ApplicantKind::from_code(&r.applicant_kind).map_err(|_| bad("applicant_kind"))?.column();
    let finished = match (&r.finished_on, &r.outcome) {
        (Some(d), Some(o)) => Some((
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad("finished_on"))?,
            Outcome::from_code(o).map_err(|_| bad("outcome"))?,
        )),
        _ => None,
    };
    Ok(app::stats::ApplicationRecord { id: r.application_id, received_on, column, finished })
}

/// A bulk action on the queue, previewed before it is carried out.
#[derive(Debug, Clone, Serialize)]
pub struct BulkLine {
    pub application_id: i64,
    pub tracking_code: String,
    pub what: String,
    pub allowed: bool,
}

pub enum BulkAction {
    Assign(i64),
    Remind,
}

/// What a bulk action would do to each selected application (nothing is changed).
pub async fn bulk_preview(state: &AppState, actor: &Actor, ids: &[i64], action: &BulkAction) -> Result<Vec<BulkLine>> {
    let mut out = vec![];
    let target = match action {
        BulkAction::Assign(u) => {
            Some(db::org::get_unit(&state.db, *u).await?.ok_or_else(|| AppError::BadRequest("单位不存在".into()))?.name)
        }
        BulkAction::Remind => None,
    };
    let cal = state.calendar();
    for id in ids {
        let Ok(row) = load_for_staff(&state.db, actor, *id).await else { continue };
        let finished = row.finished_on.is_some();
        let (what, allowed) = match (action, &target) {
            _ if finished => ("已办结，不做处理".to_string(), false),
            (BulkAction::Assign(_), Some(name)) if actor.is_office() => (format!("分办至{name}"), true),
            (BulkAction::Assign(_), _) => ("只有政务公开办可以分办".to_string(), false),
            (BulkAction::Remind, _) => match row.unit_id {
                Some(_) => {
                    let (_, clock) = parse_state(&row)?;
                    let left = clock
                        .working_days_left(today(), &cal)
                        .map(|d| format!("剩余{d}个工作日"))
                        .unwrap_or_else(|_| "暂停计时".into());
                    (format!("向办理单位发送提醒（{left}）"), true)
                }
                None => ("尚未分办，无法提醒单位".to_string(), false),
            },
        };
        out.push(BulkLine { application_id: row.application_id, tracking_code: row.tracking_code, what, allowed });
    }
    Ok(out)
}

/// Carry out a previewed bulk action; each application is its own transaction and audit record.
pub async fn bulk_apply(state: &AppState, actor: &Actor, ids: &[i64], action: &BulkAction) -> Result<usize> {
    let preview = bulk_preview(state, actor, ids, action).await?;
    let mut done = 0;
    for line in preview.iter().filter(|l| l.allowed) {
        match action {
            BulkAction::Assign(u) => route(state, actor, line.application_id, Some(*u), "批量分办").await?,
            BulkAction::Remind => {
                let row = load_for_staff(&state.db, actor, line.application_id).await?;
                let mut tx = state.db.begin().await?;
                let key = format!("app:{}:manual:{}", row.application_id, db::now_text());
                let message = format!(
                    "政务公开办提醒：申请 {} 请按期办理（答复期限 {}）",
                    row.tracking_code,
                    row.due_on.clone().unwrap_or_default()
                );
                db::application::notify_once(
                    &mut tx,
                    row.unit_id,
                    false,
                    &message,
                    &format!("/staff/applications/{}", row.application_id),
                    &key,
                )
                .await?;
                db::audit::record(
                    &mut tx,
                    actor,
                    "application.remind",
                    "application",
                    &row.application_id.to_string(),
                    None,
                    None,
                )
                .await?;
                tx.commit().await?;
            }
        }
        done += 1;
    }
    Ok(done)
}

/// The 信息处理费 for an application: by pages when given, else by count over the applicant's
/// applications of the calendar month (条例第四十二条, 国办函〔2020〕109号), with the
/// explanation the fee notice quotes.
pub async fn compute_fee(state: &AppState, actor: &Actor, id: i64, pages: Option<u32>) -> Result<app::Fee> {
    let row = load_for_staff(&state.db, actor, id).await?;
    let basis = match pages {
        Some(p) => app::FeeBasis::ByPages { pages: p },
        None => {
            let month = row.received_on.get(..7).unwrap_or("");
            let earlier = db::application::earlier_same_month(&state.db, &row.id_number, month, id).await?;
            app::FeeBasis::ByCount { earlier_this_month: earlier as u32, items: 1 }
        }
    };
    Ok(app::fee(basis))
}
