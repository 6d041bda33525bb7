//! The e-mail outbox: reminders are queued in the database in the same transaction as their
//! cause, then delivered here with retries, so nothing is lost while the SMTP relay is down.
//! Delivery speaks plain SMTP to a relay on the government's network (no TLS, no auth: a
//! relay for internal mail); without a relay configured, mail stays queued and reminders in-app.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::db;
use crate::state::AppState;

/// Send up to 50 waiting mails through the configured relay; returns how many went out. A mail
/// the relay refuses stays in the outbox with its error and is tried again (`mark_mail`); a
/// database error is returned.
pub async fn deliver(state: &AppState) -> crate::error::Result<usize> {
    let Some(relay) = state.config.smtp_relay.clone().filter(|r| !r.is_empty()) else { return Ok(0) };
    let batch = db::application::unsent_mail(&state.db, 50).await?;
    let mut sent = 0;
    for m in batch {
        let result = send(&relay, &state.config.smtp_from, &m.to_addr, &m.subject, &m.body).await;
        if let Err(e) = &result {
            tracing::warn!(outbox_id = m.outbox_id, error = %e, "mail not sent; it stays in the outbox");
        } else {
            sent += 1;
        }
        db::application::mark_mail(&state.db, m.outbox_id, result.as_ref().err().map(|e| e.as_str())).await?;
    }
    Ok(sent)
}

async fn send(relay: &str, from: &str, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let stream = tokio::time::timeout(std::time::Duration::from_secs(10), TcpStream::connect(relay))
        .await
        .map_err(|_| "timeout".to_string())?
        .map_err(|e| e.to_string())?;
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    let expect = async |code: &str, r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>| -> Result<(), String> {
        loop {
            let mut line = String::new();
            r.read_line(&mut line).await.map_err(|e| e.to_string())?;
            if line.is_empty() {
                return Err("connection closed".into());
            }
            if line.len() >= 4 && &line[3..4] == "-" {
                continue;
            }
            return if line.starts_with(code) { Ok(()) } else { Err(format!("SMTP: {}", line.trim())) };
        }
    };
    expect("220", &mut r).await?;
    let subject_b64 = base64_encode(subject.as_bytes());
    let body_b64 = base64_encode(body.as_bytes());
    let steps: [(String, &str); 5] = [
        ("HELO gongkai\r\n".into(), "250"),
        (format!("MAIL FROM:<{from}>\r\n"), "250"),
        (format!("RCPT TO:<{to}>\r\n"), "250"),
        ("DATA\r\n".into(), "354"),
        (
            format!(
                "From: <{from}>\r\nTo: <{to}>\r\nSubject: =?UTF-8?B?{subject_b64}?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{body_b64}\r\n.\r\n"
            ),
            "250",
        ),
    ];
    for (cmd, code) in steps {
        w.write_all(cmd.as_bytes()).await.map_err(|e| e.to_string())?;
        expect(code, &mut r).await?;
    }
    let _ = w.write_all(b"QUIT\r\n").await;
    Ok(())
}

fn base64_encode(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}
