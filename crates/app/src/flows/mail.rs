//! The outbox: reminders and notices are queued in the database in the same transaction as their
//! cause, then delivered here, so nothing is lost while the SMTP relay or the SMS gateway is down.
//! E-mail goes through the relay on the government's network with lettre (plain SMTP, no TLS, no
//! auth: a relay for internal mail), a notice's letter attached as .docx; text messages go to the
//! configured gateway as a JSON POST. A failed try is kept with its error and retried after a pause
//! that grows (`application::retry_pause_minutes`); without a relay or gateway, messages wait.

use std::time::Duration;

use gongkai_domain::application::{self as app, Letter};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::db;
use crate::state::AppState;

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

/// Send what is due (up to 50 messages); `all` also tries those still waiting out a pause after a
/// failure (`gongkai outbox send --all`). A message without its relay or gateway configured stays
/// queued untouched; a database error is returned.
pub async fn deliver_now(state: &AppState, all: bool) -> crate::error::Result<Delivered> {
    let relay = state.config.smtp_relay.clone().filter(|r| !r.is_empty());
    let gateway = state.config.sms_gateway.clone().filter(|r| !r.is_empty());
    let now = db::now_text();
    let batch = db::application::unsent_mail(&state.db, 50, &now, all).await?;
    let mut done = Delivered::default();
    for m in batch {
        let result = match m.channel.as_str() {
            "sms" => match &gateway {
                Some(url) => send_sms(url, &m.to_addr, &m.body).await,
                None => continue,
            },
            _ => match &relay {
                Some(relay) => send_mail(state, relay, &m).await,
                None => continue,
            },
        };
        match &result {
            Ok(()) => done.sent += 1,
            Err(e) => {
                done.failed += 1;
                tracing::warn!(outbox_id = m.outbox_id, error = %e, "message not sent; it stays in the outbox");
            }
        }
        let pause = app::retry_pause_minutes(m.attempts + 1);
        let next = (chrono::Utc::now() + chrono::Duration::minutes(pause)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
        db::application::mark_mail(&state.db, &m, result.as_ref().copied().map_err(|e| (e.as_str(), next.as_str())))
            .await?;
    }
    Ok(done)
}

/// The background loop's round: what is due.
pub async fn deliver(state: &AppState) -> crate::error::Result<usize> {
    Ok(deliver_now(state, false).await?.sent)
}

async fn send_mail(state: &AppState, relay: &str, m: &db::application::MailRow) -> Result<(), String> {
    let from: Mailbox = state.config.smtp_from.parse().map_err(|e| format!("发件地址无效（{e}）"))?;
    let to: Mailbox = m.to_addr.trim().parse().map_err(|e| format!("收件地址无效（{e}）"))?;
    let builder = Message::builder().from(from).to(to).subject(m.subject.clone());
    let attachment = match m.notice_id {
        Some(id) => notice_docx(state, id).await?,
        None => None,
    };
    let message = match attachment {
        Some((filename, bytes)) => builder.multipart(
            MultiPart::mixed().singlepart(SinglePart::plain(m.body.clone())).singlepart(
                Attachment::new(filename).body(
                    bytes,
                    ContentType::parse("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                        .map_err(|e| e.to_string())?,
                ),
            ),
        ),
        None => builder.singlepart(SinglePart::plain(m.body.clone())),
    }
    .map_err(|e| format!("邮件无法组成（{e}）"))?;
    let (host, port) = match relay.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| format!("SMTP 中继地址无效：{relay}"))?),
        None => (relay.to_string(), 25),
    };
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(Duration::from_secs(20)))
        .build();
    transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
}

/// The letter of a notice as Word, with the file name it is attached under.
async fn notice_docx(state: &AppState, notice_id: i64) -> Result<Option<(String, Vec<u8>)>, String> {
    let Some(n) = db::application::get_notice(&state.db, notice_id).await.map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let letter: Letter = serde_json::from_str(&n.letter_json).map_err(|e| e.to_string())?;
    let bytes = crate::export::letter_docx(&letter).map_err(|e| e.to_string())?;
    Ok(Some((format!("{}.docx", letter.title), bytes)))
}

/// POST `{"to", "text"}` to the SMS gateway with curl (already a dependency of the portal
/// monitor); a 2xx answer is delivery to the gateway.
async fn send_sms(url: &str, to: &str, text: &str) -> Result<(), String> {
    let body = serde_json::json!({ "to": to, "text": text }).to_string();
    let child = tokio::process::Command::new("curl")
        .args(["-sS", "--fail", "--max-time", "20", "--proto", "=http,https", "-X", "POST"])
        .args(["-H", "Content-Type: application/json", "--data-binary", "@-", "-o", "/dev/null", "--"])
        .arg(url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("curl 无法运行（{e}）"))?;
    let mut child = child;
    if let Some(mut stdin) = child.stdin.take() {
        use tokio::io::AsyncWriteExt;
        stdin.write_all(body.as_bytes()).await.map_err(|e| e.to_string())?;
    }
    let out = tokio::time::timeout(Duration::from_secs(25), child.wait_with_output())
        .await
        .map_err(|_| "短信网关超时未响应".to_string())?
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("短信网关：{}", String::from_utf8_lossy(&out.stderr).trim()))
    }
}
