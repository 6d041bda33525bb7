//! Attachments: checked, their text extracted and scanned (or held for a reviewer's check by hand),
//! masked copies made.

use super::*;

/// Attach a file to a draft (PDF, Word, Excel, images), with its SHA-256.
pub async fn add_attachment(db: &Db, actor: &Actor, item_id: i64, filename: &str, bytes: &[u8]) -> Result<i64> {
    let (name, kind) = check_file(filename, bytes).map_err(|m| AppError::Invalid(vec![FieldError::new("file", m)]))?;
    // Who may attach is checked first; the text is extracted outside the write transaction (a slow
    // PDF must never hold the single writer) and with a time limit.
    load_for_staff(db, actor, item_id).await?;
    let text = extract_text(kind, &name, bytes).await;
    let mut tx = db.begin().await?;
    let r = load_tx(&mut tx, actor, item_id).await?;
    apply(r.status, ItemEvent::Edit).map_err(domain_err)?;
    let sha = crate::flows::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
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
    let dir = std::env::temp_dir().join(format!(
        "gongkai-pdf-{}-{}",
        std::process::id(),
        &crate::flows::auth::random_token()[..12]
    ));
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
    let (meta, _) = crate::flows::access::staff_file(db, actor, attachment_id).await?;
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
    // The file is public from now on: the item's page and its search document change.
    db::audit::feed(&mut tx, "item.changed", "item", &meta.owner_id.to_string(), Some(r.unit_id)).await?;
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
    if !matches!(r.status, ItemStatus::Draft | ItemStatus::PendingReview | ItemStatus::Published) {
        return Err(AppError::BadRequest("该信息当前状态下不能处理附件".into()));
    }
    if t.findings == 0 || t.staff_only == 1 {
        return Err(AppError::BadRequest("该附件无须遮盖，或已生成遮盖版".into()));
    }
    let stem = t.filename.rsplit_once('.').map(|(a, _)| a).unwrap_or(&t.filename);
    let name = format!("{stem}（遮盖版）.docx");
    let bytes = text_docx(&privacy::mask_all(stem).0, &t.masked_text)?;
    let sha = crate::flows::auth::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
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
    let clean = crate::flows::clean_filename(name);
    if bytes.is_empty() {
        return Err(format!("附件“{clean}”是空文件"));
    }
    if bytes.len() > 20 * 1024 * 1024 {
        return Err(format!("附件“{clean}”超过20MB"));
    }
    let ext = std::path::Path::new(&clean).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let kind = if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"GIF8") {
        "image/gif"
    } else if bytes.starts_with(b"PK\x03\x04") && ext == "docx" {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else if bytes.starts_with(b"PK\x03\x04") && ext == "xlsx" {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && ext == "doc" {
        "application/msword"
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && ext == "xls" {
        "application/vnd.ms-excel"
    } else {
        return Err(format!("附件“{clean}”的类型不受支持：请上传 PDF、Word、Excel 或图片文件"));
    };
    Ok((clean, kind))
}
