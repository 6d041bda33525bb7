//! Taking in an application (条例第二十九条, 第三十一条): the form validated, files checked, the receipt and its tracking code.

use super::*;

pub use gongkai_domain::application::intake::{ApplicationForm, validate};

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
