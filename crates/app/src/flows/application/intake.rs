//! Taking in an application (条例第二十九条, 第三十一条): the form validated, files checked, the receipt and its tracking code.

use super::*;

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
                    errors.push(FieldError::new("credit_code", format!("{e}（法人或其他组织须填写统一社会信用代码）")));
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
    let postcode_ok =
        f.postcode.is_empty() || (f.postcode.len() == 6 && f.postcode.bytes().all(|b| b.is_ascii_digit()));
    if !postcode_ok {
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
            errors.push(FieldError::new("address", "选择邮寄的，请填写通信地址"));
        }
        Ok(DeliveryMethod::Email) if f.email.is_empty() => {
            errors.push(FieldError::new("email", "选择电子邮件的，请填写电子邮箱"));
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
    let clean = crate::flows::clean_filename(name);
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
    if let Some(key) = &idem
        && let Some(resp) = db::application::idempotent_response(&state.db, key).await?
    {
        let mut s: Submitted = serde_json::from_str(&resp).map_err(|e| AppError::Internal(e.into()))?;
        s.repeated = true;
        return Ok(s);
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
    let secret = crate::flows::auth::random_token()[..16].to_string();
    let f = &v.form;
    let stored = StoredState { status: Status::Received, clock };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let code = tracking_code(v.received_on);
        let new = db::application::NewApplication {
            tracking_code: code.clone(),
            secret_hash: crate::flows::auth::digest(&secret),
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
            let sha = crate::flows::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
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
