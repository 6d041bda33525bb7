//! `gongkai outbox send`: deliver the e-mails and text messages waiting in the outbox now (the
//! server's background loop does the same every minute) and say what happened.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::DbArgs;

#[derive(Args, Debug)]
pub struct OutboxArgs {
    #[command(subcommand)]
    command: OutboxCommand,
}

#[derive(Subcommand, Debug)]
enum OutboxCommand {
    /// Send what is due through the configured SMTP relay and SMS gateway. Exit 0 when nothing
    /// failed, 1 when a message failed (it stays queued and is retried after a pause)
    Send {
        #[command(flatten)]
        db: DbArgs,
        /// Also try the messages still waiting out the pause after a failed try
        #[arg(long)]
        all: bool,
    },
}

pub async fn run(args: OutboxArgs) -> anyhow::Result<ExitCode> {
    let OutboxCommand::Send { db, all } = args.command;
    let (config, db) = db.open().await?;
    if config.smtp_relay.as_deref().is_none_or(str::is_empty) {
        eprintln!("no smtp_relay configured (GONGKAI_SMTP_RELAY): e-mail stays queued");
    }
    let state = crate::state::AppState::new(db, config).await?;
    let mut total = crate::flows::mail::Delivered::default();
    // Rounds of 50 until a round sends nothing new.
    loop {
        let d = crate::flows::mail::deliver_now(&state, all).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        total.sent += d.sent;
        total.failed += d.failed;
        if d.sent == 0 || all {
            break;
        }
    }
    println!("sent {}, failed {} (failed messages stay queued and are retried)", total.sent, total.failed);
    Ok(if total.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
