//! The notices a step owes (issue 17 §4): 补正告知书, 延期答复告知书, 征求意见函, 收费通知书. Made in the
//! step's own transaction from the status machine's effects (so a notice exists exactly when the
//! law owes one, and never without its step), then delivered by the addressee's channel: e-mail
//! with the letter attached and text messages through the outbox, post by a clerk who prints the
//! letter with its envelope sheet and records the posting.

use gongkai_domain::application::{DeliveryMethod, Effect, Letter, NoticeChannel, NoticeInput, NoticeKind};

use super::*;
use crate::db::Tx;

/// Make and queue the notices of a transition's effects. `public_note` is the clerk's detail
/// (what to supplement, the extension's reason, the fee's basis); a 征求意见函 is addressed to
/// the party named on the first line of the internal note (never shown to the applicant).
#[allow(clippy::too_many_arguments)]
pub(super) async fn make_notices(
    tx: &mut Tx<'_>,
    state: &AppState,
    actor: &Actor,
    row: &ApplicationRow,
    effects: &[Effect],
    public_note: &str,
    internal_note: &str,
    on: NaiveDate,
) -> Result<usize> {
    // Most steps owe no notice: nothing to read for them.
    if !effects.iter().any(app::owes_notice) {
        return Ok(0);
    }
    let issuer = super::letters::issuer(state, row).await?;
    let received_on =
        NaiveDate::parse_from_str(&row.received_on, "%Y-%m-%d").map_err(|e| AppError::Internal(e.into()))?;
    let mut made = 0;
    for effect in effects {
        let consultation = matches!(effect, Effect::NotifyConsultee { .. });
        let party = internal_note.lines().next().unwrap_or("").trim();
        let input = NoticeInput {
            applicant_name: row.applicant_name.clone(),
            received_on,
            request: if row.subject.is_empty() { row.description.clone() } else { row.subject.clone() },
            tracking_code: row.tracking_code.clone(),
            detail: if consultation { party.to_string() } else { public_note.trim().to_string() },
            issuer: issuer.clone(),
            date: on,
        };
        let Some((kind, letter)) = app::notice_for(effect, &input) else { continue };
        // The applicant's chosen channel; a consulted party gets a letter by post.
        let channel = if consultation {
            NoticeChannel::Post
        } else {
            let method = DeliveryMethod::from_code(&row.delivery_method).unwrap_or(DeliveryMethod::Post);
            NoticeChannel::for_applicant(method, &row.email, &row.phone, &row.address)
        };
        let to_addr = match channel {
            NoticeChannel::Email => row.email.trim().to_string(),
            NoticeChannel::Sms => row.phone.trim().to_string(),
            NoticeChannel::Post if consultation => String::new(),
            NoticeChannel::Post => format!("{} {}", row.postcode.trim(), row.address.trim()).trim().to_string(),
        };
        let letter_json = serde_json::to_string(&letter).map_err(|e| AppError::Internal(e.into()))?;
        let addressee = letter.addressee.trim_end_matches('：').to_string();
        let id = db::application::insert_notice(
            tx,
            &db::application::NewNotice {
                application_id: row.application_id,
                kind: kind.code(),
                channel: channel.code(),
                addressee: &addressee,
                to_addr: &to_addr,
                letter_json: &letter_json,
                created_by: &actor.username,
            },
        )
        .await?;
        match channel {
            NoticeChannel::Email => {
                let subject = format!("{}（查询码{}）", kind.label(), row.tracking_code);
                db::application::enqueue_notice(tx, id, "email", &to_addr, &subject, &letter_text(&letter)).await?;
            }
            NoticeChannel::Sms => {
                let text = app::sms_text(kind, &letter, &issuer, &row.tracking_code);
                db::application::enqueue_notice(tx, id, "sms", &to_addr, kind.label(), &text).await?;
            }
            NoticeChannel::Post => {}
        }
        db::audit::record(
            tx,
            actor,
            "notice.made",
            "application",
            &row.application_id.to_string(),
            None,
            Some(&serde_json::json!({"notice_id": id, "kind": kind.code(), "channel": channel.code()})),
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

/// The letter as plain text (the e-mail's body; the .docx goes with it).
pub fn letter_text(l: &Letter) -> String {
    let mut out = format!("{}\n\n{}\n", l.title, l.addressee);
    for p in &l.paragraphs {
        out.push_str(&format!("    {p}\n"));
    }
    if !l.remedies.is_empty() {
        out.push_str(&format!("    {}\n", l.remedies));
    }
    out.push_str(&format!("\n{}\n{}\n", l.issuer, l.date));
    out
}

/// A notice with its delivery state, as the application's page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeView {
    pub notice_id: i64,
    pub kind: String,
    pub channel: String,
    pub addressee: String,
    pub to_addr: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub sent_by: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The notices of an application a staff member may see.
pub async fn notices(state: &AppState, actor: &Actor, id: i64) -> Result<Vec<NoticeView>> {
    load_for_staff(&state.db, actor, id).await?;
    let mut out = vec![];
    for n in db::application::notices_of(&state.db, id).await? {
        let (attempts, last_error) =
            db::application::notice_delivery(&state.db, n.notice_id).await?.unwrap_or((0, None));
        out.push(NoticeView {
            notice_id: n.notice_id,
            kind: NoticeKind::from_code(&n.kind).map(|k| k.label().to_string()).unwrap_or(n.kind),
            channel: NoticeChannel::from_code(&n.channel).map(|c| c.label().to_string()).unwrap_or(n.channel),
            addressee: n.addressee,
            to_addr: n.to_addr,
            created_at: n.created_at,
            sent_at: n.sent_at,
            sent_by: n.sent_by,
            attempts,
            last_error,
        });
    }
    Ok(out)
}

/// One notice's letter and its stored row, for a staff member who may see the application.
pub async fn notice_letter(
    state: &AppState,
    actor: &Actor,
    id: i64,
    notice_id: i64,
) -> Result<(db::application::NoticeRow, Letter)> {
    load_for_staff(&state.db, actor, id).await?;
    let n = db::application::get_notice(&state.db, notice_id)
        .await?
        .filter(|n| n.application_id == id)
        .ok_or(AppError::NotFound)?;
    let letter: Letter = serde_json::from_str(&n.letter_json).map_err(|e| AppError::Internal(e.into()))?;
    Ok((n, letter))
}

/// A clerk records that a notice went by post (once; audited).
pub async fn mark_posted(state: &AppState, actor: &Actor, id: i64, notice_id: i64) -> Result<()> {
    let (n, _) = notice_letter(state, actor, id, notice_id).await?;
    if n.channel != "post" {
        return Err(AppError::BadRequest("该告知书不是邮寄送达的，由系统发送".into()));
    }
    let mut tx = state.db.begin().await?;
    if !db::application::mark_notice_posted(&mut tx, notice_id, &actor.username).await? {
        return Err(AppError::Conflict("该告知书已登记寄出".into()));
    }
    db::audit::record(
        &mut tx,
        actor,
        "notice.posted",
        "application",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"notice_id": notice_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
