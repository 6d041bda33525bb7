//! Messages (咨询、建议、投诉): taken in, routed, answered on the deadline, published or kept
//! private by a reviewer; the writer tracks, rates or reopens them with the secret.

use super::*;

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
    if !idem.is_empty()
        && let Some(json) = db::application::idempotent_response(&state.db, &format!("msg:{idem}")).await?
        && let Ok(mut s) = serde_json::from_str::<SubmittedMessage>(&json)
    {
        s.repeated = true;
        return Ok(s);
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
            status: msg.status,
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
    let status = row.status;
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

/// What a member of staff does to a message: the action (`route`, `answer`, `publish`,
/// `private`, `reopen`), and what it needs — the unit routed to, the answer, the reason kept private.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessageStep<'a> {
    pub action: &'a str,
    pub to_unit: Option<i64>,
    pub text: &'a str,
    pub reason: &'a str,
}

/// A step on a message: route (office), answer (the unit), publish / keep private (a reviewer of
/// the unit or the office), reopen. The domain's table decides what is allowed.
pub async fn step(state: &AppState, actor: &Actor, id: i64, step: MessageStep<'_>, today: NaiveDate) -> Result<()> {
    let MessageStep { action, to_unit, text, reason } = step;
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
    let next = ia::message::apply(row.status, &event).map_err(|e| AppError::BadRequest(e.to_string()))?;
    if !db::interaction::update_message(
        &mut tx,
        id,
        row.status,
        next,
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
    let after = serde_json::json!({"status": next, "unit_id": unit_id, "private_reason": private_reason, "answer_len": answer.chars().count()});
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
    if action == "route"
        && let Some(u) = unit_id
    {
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
            if !matches!(v.row.status, MessageStatus::Published | MessageStatus::Private) {
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
                MessageStep { action: "reopen", to_unit: None, text: "", reason: "" },
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
                status: m.status,
            })
        })
        .collect();
    Ok((msgs.iter().filter(|m| m.is_overdue(today)).count(), ia::unanswered_for_veto(&msgs, today)))
}
