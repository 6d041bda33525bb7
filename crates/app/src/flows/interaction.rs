//! 解读与互动 use cases: the public's messages (咨询、建议、投诉 to a unit or the 领导信箱) routed,
//! answered on a working-day deadline and published or kept private by a reviewer; ratings and
//! reopening; 常见问题; the 回应关切 log; policy interpretations and the 三同步 check that the
//! disclosure capability calls before it publishes a policy. The domain
//! (`gongkai_domain::interaction`) holds the status machine, deadlines and the 三同步 rule.

use chrono::NaiveDate;
use gongkai_domain::interaction::{
    self as ia, DeadlineConfig, Deferral, InterpretationForm, Message, MessageEvent, MessageKind, MessageStatus,
    PrivateReason, Recipient, Section,
};
use gongkai_domain::supervision::UnitId;
use serde::{Deserialize, Serialize};

use super::Actor;
use crate::db::{self, Db, Tx, interaction::MessageRow};
use crate::error::{AppError, FieldError, Result};
use crate::state::AppState;

pub const DEADLINES_KEY: &str = "interaction.deadline_days";
pub const CATEGORIES_KEY: &str = "interaction.interpretation_categories";
pub const MAX_SUBJECT: usize = 100;
pub const MAX_BODY: usize = 5000;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s).trim(), "%Y-%m-%d").ok()
}

pub const KINDS: [(&str, MessageKind); 3] = [
    ("consultation", MessageKind::Consultation),
    ("suggestion", MessageKind::Suggestion),
    ("complaint", MessageKind::Complaint),
];

pub fn kind(code: &str) -> Option<MessageKind> {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, k)| *k)
}

pub fn kind_choices() -> Vec<super::Choice> {
    KINDS.iter().map(|(c, k)| super::Choice { code: c.to_string(), label: k.label() }).collect()
}

pub fn status_of(code: &str) -> MessageStatus {
    match code {
        "routed" => MessageStatus::Routed,
        "answered" => MessageStatus::Answered,
        "published" => MessageStatus::Published,
        "private" => MessageStatus::Private,
        "reopened" => MessageStatus::Reopened,
        _ => MessageStatus::Submitted,
    }
}

pub fn status_code(s: MessageStatus) -> &'static str {
    match s {
        MessageStatus::Submitted => "submitted",
        MessageStatus::Routed => "routed",
        MessageStatus::Answered => "answered",
        MessageStatus::Published => "published",
        MessageStatus::Private => "private",
        MessageStatus::Reopened => "reopened",
    }
}

pub const PRIVATE_REASONS: [(&str, PrivateReason, &str); 3] = [
    ("writer_asked", PrivateReason::WriterAsked, "留言人要求不公开"),
    ("personal_data", PrivateReason::PersonalData, "涉及个人信息"),
    ("not_public_interest", PrivateReason::NotOfPublicInterest, "不具有普遍性"),
];

/// Deadlines per kind in working days: the setting "咨询,建议,投诉" (e.g. "5,15,15"), the domain's default otherwise.
pub fn deadlines(state: &AppState) -> DeadlineConfig {
    let v: Vec<u32> = state.setting(DEADLINES_KEY).split(',').filter_map(|s| s.trim().parse().ok()).collect();
    match v.as_slice() {
        [a, b, c] => DeadlineConfig::new(*a, *b, *c).unwrap_or_default(),
        _ => DeadlineConfig::default(),
    }
}

/// Plain text only: tags dropped, control characters removed (templates escape what remains).
pub fn plain_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.replace("\r\n", "\n").trim().to_string()
}

fn tracking_code(on: NaiveDate) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).expect("random");
    let suffix: String = b.iter().map(|x| ALPHABET[(*x as usize) % ALPHABET.len()] as char).collect();
    format!("LY{}-{suffix}", on.format("%Y%m%d"))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct MessageForm {
    #[serde(default)]
    pub kind: String,
    /// A unit id, or "leader" for the 领导信箱.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub anonymous: Option<String>,
    #[serde(default)]
    pub writer_name: String,
    #[serde(default)]
    pub writer_contact: String,
    #[serde(default)]
    pub wants_private: Option<String>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub idempotency_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmittedMessage {
    pub tracking_code: String,
    pub secret: String,
    pub due_on: String,
    /// Personal data was found in the text and will be masked in anything published.
    pub masked: bool,
    pub masked_kinds: Vec<String>,
    pub repeated: bool,
}

/// Take in a message. Validated first; the text stored plain; personal data found by the scanner
/// masked in the publishable copy (the writer is told). A repeat with the same key returns the first answer.
pub async fn submit(state: &AppState, actor: &Actor, f: &MessageForm, today: NaiveDate) -> Result<SubmittedMessage> {
    let idem = f.idempotency_key.trim();
    if !idem.is_empty() {
        if let Some(json) = db::application::idempotent_response(&state.db, &format!("msg:{idem}")).await? {
            if let Ok(mut s) = serde_json::from_str::<SubmittedMessage>(&json) {
                s.repeated = true;
                return Ok(s);
            }
        }
    }
    let mut errors = vec![];
    let k = kind(&f.kind);
    if k.is_none() {
        errors.push(FieldError::new("kind", "请选择留言类型"));
    }
    let to_leader = f.to == "leader";
    let unit_id: Option<i64> = if to_leader { None } else { f.to.trim().parse().ok() };
    if !to_leader && unit_id.is_none() {
        errors.push(FieldError::new("to", "请选择留言对象（单位或领导信箱）"));
    }
    let anonymous = f.anonymous.is_some();
    let name = plain_text(&f.writer_name);
    let contact = plain_text(&f.writer_contact);
    if !anonymous && name.is_empty() {
        errors.push(FieldError::new("writer_name", "请填写姓名，或选择匿名留言"));
    }
    if name.chars().count() > 50 || contact.chars().count() > 100 {
        errors.push(FieldError::new("writer_contact", "姓名不超过50字，联系方式不超过100字"));
    }
    let subject = plain_text(&f.subject);
    let body = plain_text(&f.body);
    if subject.is_empty() || subject.chars().count() > MAX_SUBJECT {
        errors.push(FieldError::new("subject", format!("请填写标题（{MAX_SUBJECT}字以内）")));
    }
    if body.is_empty() || body.chars().count() > MAX_BODY {
        errors.push(FieldError::new("body", format!("请填写留言内容（{MAX_BODY}字以内）")));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let k = k.expect("checked");
    if let Some(u) = unit_id {
        db::org::get_unit(&state.db, u)
            .await?
            .ok_or_else(|| AppError::Invalid(vec![FieldError::new("to", "单位不存在")]))?;
    }
    let cal = state.calendar();
    let recipient = match unit_id {
        Some(u) => Recipient::Unit(UnitId(u.to_string())),
        None => Recipient::LeaderMailbox,
    };
    let mut msg = Message::new(k, recipient.clone(), today, &deadlines(state), &|d, n| cal.add_working_days(d, n).ok())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    // Addressed to a unit: it goes straight to that unit (the office may re-route it).
    if unit_id.is_some() {
        msg.status = ia::message::apply(msg.status, &MessageEvent::Route(recipient))
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
    }
    let (public_subject, f1) = gongkai_domain::privacy::mask_all(&subject);
    let (public_body, f2) = gongkai_domain::privacy::mask_all(&body);
    let mut masked_kinds: Vec<String> = f1.iter().chain(f2.iter()).map(|x| x.kind.label().to_string()).collect();
    masked_kinds.sort();
    masked_kinds.dedup();
    let code = tracking_code(today);
    let secret = crate::flows::auth::random_token()[..16].to_string();
    let out = SubmittedMessage {
        tracking_code: code.clone(),
        secret: secret.clone(),
        due_on: msg.due.to_string(),
        masked: !masked_kinds.is_empty(),
        masked_kinds,
        repeated: false,
    };
    let mut tx = state.db.begin().await?;
    let id = db::interaction::insert_message(
        &mut tx,
        &db::interaction::NewMessage {
            tracking_code: &code,
            secret_hash: &crate::flows::auth::digest(&secret),
            idempotency_key: (!idem.is_empty()).then_some(idem),
            kind: &f.kind,
            to_leader,
            unit_id,
            writer_name: if anonymous { "" } else { &name },
            writer_contact: &contact,
            wants_private: f.wants_private.is_some(),
            subject: &subject,
            body: &body,
            public_subject: &public_subject,
            public_body: &public_body,
            masked: out.masked,
            status: status_code(msg.status),
            submitted_on: &today.to_string(),
            due_on: &msg.due.to_string(),
        },
    )
    .await?;
    if !idem.is_empty() {
        let json = serde_json::to_string(&out).map_err(|e| AppError::Internal(e.into()))?;
        db::application::put_idempotent(&mut tx, &format!("msg:{idem}"), "message", &id.to_string(), &json).await?;
    }
    let after = serde_json::json!({"tracking_code": code, "kind": f.kind, "unit_id": unit_id, "to_leader": to_leader, "masked": out.masked});
    db::audit::record(&mut tx, actor, "message.submit", "message", &id.to_string(), None, Some(&after)).await?;
    db::audit::feed(&mut tx, "message.changed", "message", &id.to_string(), unit_id).await?;
    let note = format!("新{}：{}（{}前答复）", k.label(), public_subject, msg.due);
    db::application::notify_once(
        &mut tx,
        unit_id,
        unit_id.is_none(),
        &note,
        &format!("/staff/messages/{id}"),
        &format!("message:{id}:new"),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    #[serde(flatten)]
    pub row: MessageRow,
    pub kind_label: &'static str,
    pub status_label: &'static str,
    pub overdue: bool,
    pub over_three_months: bool,
    /// What the public page shows of the writer: never the name.
    pub public_writer: String,
    /// The answer with any personal data masked (for public pages).
    pub public_answer: String,
}

pub fn message_view(row: MessageRow, today: NaiveDate) -> MessageView {
    let status = status_of(&row.status);
    let k = kind(&row.kind).unwrap_or(MessageKind::Consultation);
    let due = date(&row.due_on);
    let submitted = date(&row.submitted_on);
    let awaiting = status.awaits_answer();
    MessageView {
        kind_label: k.label(),
        status_label: status.label(),
        overdue: awaiting && due.is_some_and(|d| today > d),
        over_three_months: awaiting
            && k.counts_for_veto()
            && submitted.is_some_and(|s| ia::unanswered_over_three_months(s, today)),
        public_writer: if row.writer_name.is_empty() { "匿名网友".into() } else { "网友".into() },
        public_answer: gongkai_domain::privacy::mask_all(&row.answer).0,
        row,
    }
}

pub async fn queue(state: &AppState, actor: &Actor, today: NaiveDate) -> Result<Vec<MessageView>> {
    let scope = if actor.is_office() { None } else { Some(actor.unit_id.ok_or(AppError::Forbidden)?) };
    Ok(db::interaction::messages(&state.db, scope, 2000).await?.into_iter().map(|r| message_view(r, today)).collect())
}

pub async fn load_for_staff(db: &Db, actor: &Actor, id: i64) -> Result<MessageRow> {
    let row = db::interaction::message(db, id).await?.ok_or(AppError::NotFound)?;
    let ok = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !ok {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// A step on a message: route (office), answer (the unit), publish / keep private (a reviewer of
/// the unit or the office), reopen. The domain's table decides what is allowed.
pub async fn step(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: &str,
    to_unit: Option<i64>,
    text: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    let row = db::interaction::message_tx(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let ok = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_access_unit(u));
    if !ok {
        return Err(AppError::NotFound);
    }
    let (mut unit_id, mut to_leader, mut answer, mut answered_on, mut private_reason) =
        (row.unit_id, row.to_leader != 0, row.answer.clone(), row.answered_on.clone(), row.private_reason.clone());
    let event = match action {
        "route" => {
            if !actor.is_office() {
                return Err(AppError::Forbidden);
            }
            let u = to_unit.ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "请选择承办单位")]))?;
            db::org::get_unit_tx(&mut tx, u).await?.ok_or(AppError::NotFound)?;
            unit_id = Some(u);
            to_leader = false;
            MessageEvent::Route(Recipient::Unit(UnitId(u.to_string())))
        }
        "answer" => {
            let t = plain_text(text);
            if t.is_empty() || t.chars().count() > MAX_BODY {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "answer",
                    format!("请填写答复内容（{MAX_BODY}字以内）"),
                )]));
            }
            answer = t;
            answered_on = Some(today.to_string());
            MessageEvent::Answer
        }
        "publish" | "private" => {
            let may = actor.is_office() || row.unit_id.is_some_and(|u| actor.may_approve_for(u));
            if !may {
                return Err(AppError::Forbidden);
            }
            if action == "publish" {
                if row.wants_private != 0 {
                    return Err(AppError::BadRequest("留言人要求不公开，不能公开此留言".into()));
                }
                MessageEvent::Publish
            } else {
                let (code, r, _) = PRIVATE_REASONS
                    .iter()
                    .find(|(c, _, _)| *c == reason)
                    .ok_or_else(|| AppError::Invalid(vec![FieldError::new("reason", "请选择不公开的理由")]))?;
                private_reason = Some(code.to_string());
                MessageEvent::KeepPrivate(*r)
            }
        }
        "reopen" => MessageEvent::Reopen,
        _ => return Err(AppError::BadRequest("未知操作".into())),
    };
    let next = ia::message::apply(status_of(&row.status), &event).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if !db::interaction::update_message(
        &mut tx,
        id,
        &row.status,
        status_code(next),
        unit_id,
        to_leader,
        &answer,
        answered_on.as_deref(),
        private_reason.as_deref(),
    )
    .await?
    {
        return Err(AppError::Conflict("该留言已被他人处理，请刷新后重试".into()));
    }
    let before = serde_json::json!({"status": row.status, "unit_id": row.unit_id});
    let after = serde_json::json!({"status": status_code(next), "unit_id": unit_id, "private_reason": private_reason, "answer_len": answer.chars().count()});
    db::audit::record(
        &mut tx,
        actor,
        &format!("message.{action}"),
        "message",
        &id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    db::audit::feed(&mut tx, "message.changed", "message", &id.to_string(), unit_id).await?;
    if action == "route" {
        if let Some(u) = unit_id {
            db::application::notify_once(
                &mut tx,
                Some(u),
                false,
                &format!("转办留言：{}（{}前答复）", row.public_subject, row.due_on),
                &format!("/staff/messages/{id}"),
                &format!("message:{id}:route:{u}:{}", db::now_text()),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The writer's view, by tracking code and secret: status, the answer once given.
pub async fn track(state: &AppState, code: &str, secret: &str, today: NaiveDate) -> Result<MessageView> {
    let row = db::interaction::message_by_code(&state.db, code.trim()).await?.ok_or(AppError::NotFound)?;
    if row.secret_hash != crate::flows::auth::digest(secret.trim()) {
        return Err(AppError::NotFound);
    }
    Ok(message_view(row, today))
}

/// The writer rates the answer (1–5) or asks again (reopen), proving it is theirs with the secret.
pub async fn writer_action(
    state: &AppState,
    actor: &Actor,
    code: &str,
    secret: &str,
    action: &str,
    rating: &str,
    today: NaiveDate,
) -> Result<()> {
    let v = track(state, code, secret, today).await?;
    let id = v.row.message_id;
    match action {
        "rate" => {
            if !matches!(status_of(&v.row.status), MessageStatus::Published | MessageStatus::Private) {
                return Err(AppError::BadRequest("留言答复后才能评价".into()));
            }
            let r: i64 = rating
                .trim()
                .parse()
                .ok()
                .filter(|r| (1..=5).contains(r))
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("rating", "评价应为1至5分")]))?;
            let mut tx = state.db.begin().await?;
            db::interaction::rate_message(&mut tx, id, r).await?;
            db::audit::record(
                &mut tx,
                actor,
                "message.rate",
                "message",
                &id.to_string(),
                None,
                Some(&serde_json::json!({"rating": r})),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        "reopen" => {
            step(
                state,
                &Actor { role: Some(gongkai_domain::org::Role::Admin), ..actor.clone() },
                id,
                "reopen",
                None,
                "",
                "",
                today,
            )
            .await
        }
        _ => Err(AppError::BadRequest("未知操作".into())),
    }
}

/// Published questions and answers, searchable (public: masked text only).
pub async fn public_list(state: &AppState, q: &str, today: NaiveDate) -> Result<Vec<MessageView>> {
    Ok(db::interaction::published(&state.db, q.trim(), 200)
        .await?
        .into_iter()
        .map(|r| message_view(r, today))
        .collect())
}

/// (overdue, unanswered over three months for the veto) for a unit or all.
pub async fn unanswered_counts(state: &AppState, unit: Option<i64>, today: NaiveDate) -> Result<(usize, usize)> {
    let msgs: Vec<Message> = db::interaction::message_dates(&state.db)
        .await?
        .into_iter()
        .filter(|m| unit.is_none() || m.unit_id == unit)
        .filter_map(|m| {
            Some(Message {
                kind: kind(&m.kind)?,
                recipient: match m.unit_id {
                    Some(u) => Recipient::Unit(UnitId(u.to_string())),
                    None => Recipient::LeaderMailbox,
                },
                submitted_on: date(&m.submitted_on)?,
                due: date(&m.due_on)?,
                status: status_of(&m.status),
            })
        })
        .collect();
    Ok((msgs.iter().filter(|m| m.is_overdue(today)).count(), ia::unanswered_for_veto(&msgs, today)))
}

// --- FAQ and 回应关切 ---

pub async fn add_faq(db: &Db, actor: &Actor, question: &str, answer: &str, message_id: Option<i64>) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let (q, a) = (plain_text(question), plain_text(answer));
    if q.is_empty() || a.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("question", "问题和答案都不能为空")]));
    }
    let (q, _) = gongkai_domain::privacy::mask_all(&q);
    let (a, _) = gongkai_domain::privacy::mask_all(&a);
    let mut tx = db.begin().await?;
    let id = db::interaction::insert_faq(&mut tx, &q, &a, message_id, 0).await?;
    db::audit::record(
        &mut tx,
        actor,
        "faq.create",
        "faq",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"question": q, "message_id": message_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_faq(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    if db::interaction::delete_faq(&mut tx, id).await? == 0 {
        return Err(AppError::NotFound);
    }
    db::audit::record(&mut tx, actor, "faq.delete", "faq", &id.to_string(), None, None).await?;
    tx.commit().await?;
    Ok(())
}

pub const CONCERN_KINDS: [(&str, &str); 3] =
    [("press_conference", "新闻发布会"), ("opinion_response", "舆情回应"), ("press_qa", "答记者问")];

pub fn concern_label(code: &str) -> &'static str {
    CONCERN_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("其他")
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ConcernForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub summary: String,
}

pub async fn add_concern(db: &Db, actor: &Actor, f: &ConcernForm) -> Result<i64> {
    if actor.staff().is_none() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    if !CONCERN_KINDS.iter().any(|(c, _)| *c == f.kind) {
        errors.push(FieldError::new("kind", "请选择类型"));
    }
    let d = date(&f.held_on);
    if d.is_none() {
        errors.push(FieldError::new("held_on", "日期应为 YYYY-MM-DD"));
    }
    if f.title.trim().is_empty() {
        errors.push(FieldError::new("title", "请填写标题"));
    }
    let link = f.link.trim();
    if !link.is_empty() && !(link.starts_with("http://") || link.starts_with("https://") || link.starts_with('/')) {
        errors.push(FieldError::new("link", "链接应以 http://、https:// 或 / 开头"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let unit_id = f.unit_id.trim().parse::<i64>().ok().or(actor.unit_id);
    if let Some(u) = unit_id {
        if !actor.is_office() && !actor.may_access_unit(u) {
            return Err(AppError::Forbidden);
        }
    }
    let mut tx = db.begin().await?;
    let id = db::interaction::insert_concern(
        &mut tx,
        &f.kind,
        &d.map(|d| d.to_string()).unwrap_or_default(),
        &plain_text(&f.title),
        link,
        unit_id,
        &plain_text(&f.summary),
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "concern.create",
        "concern_response",
        &id.to_string(),
        None,
        serde_json::to_value(f).ok().as_ref(),
    )
    .await?;
    db::audit::feed(&mut tx, "concern.changed", "concern_response", &id.to_string(), unit_id).await?;
    tx.commit().await?;
    Ok(id)
}

// --- 政策解读 ---

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

pub fn form_choices() -> Vec<super::Choice> {
    FORMS.iter().map(|(c, f)| super::Choice { code: c.to_string(), label: f.label() }).collect()
}

pub fn section_code(s: Section) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn section_choices() -> Vec<super::Choice> {
    Section::ALL.iter().map(|s| super::Choice { code: section_code(*s).to_string(), label: s.label() }).collect()
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
                Some(it) if actor.may_access_unit(it.unit_id) || it.status == "published" => Some(it),
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
            status: "draft",
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
    let (status, published) = match (row.status.as_str(), action) {
        ("draft", "approve") => ("approved", None),
        ("approved", "publish") => ("published", Some(today.to_string())),
        (s, a) => return Err(AppError::BadRequest(format!("解读处于“{s}”状态，不能执行“{a}”"))),
    };
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
    existing.retain(|i| i.status != "deferred");
    if let Some(id) = item_id {
        for i in db::interaction::interpretations_for_item_tx(tx, id).await? {
            if !existing.iter().any(|e| e.interpretation_id == i.interpretation_id) {
                existing.push(i);
            }
        }
    }
    let approved: Vec<_> = existing.iter().filter(|i| i.status == "approved" || i.status == "published").collect();
    let deferral = match deferral {
        Some((reason, by)) => Some(
            Deferral::new(reason, by)
                .map_err(|e| AppError::Invalid(vec![FieldError::new("deferral_reason", e.to_string())]))?,
        ),
        None => None,
    };
    ia::may_publish_policy(requires_interpretation, !approved.is_empty(), deferral.as_ref())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    for i in approved.iter().filter(|i| i.status == "approved") {
        db::interaction::set_interpretation_status(tx, i.interpretation_id, "published", Some(&today.to_string()))
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
    if approved.is_empty() {
        if let Some(d) = deferral.filter(|_| requires_interpretation) {
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

fn views(rows: Vec<db::interaction::InterpretationRow>, today: NaiveDate) -> Vec<InterpretationView> {
    let published_on = |p: &str| -> Option<NaiveDate> {
        rows.iter()
            .filter(|r| policy_key(r) == p && r.status == "published")
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
            let late = r.status == "deferred"
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
        if v.late {
            if let Some(u) = v.row.unit_id {
                *out.entry(u).or_insert(0) += 1;
            }
        }
    }
    Ok(out)
}
