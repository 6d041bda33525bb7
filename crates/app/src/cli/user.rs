//! `gongkai user add|passwd|list` and `gongkai token create`.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gongkai_domain::org::Role;

use super::DbArgs;
use crate::error::AppError;
use crate::flows::{self, Actor};

#[derive(Args, Debug)]
pub struct UserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a staff account; the password is read from stdin (one line) or --password
    Add {
        username: String,
        /// admin (公开办管理员), reviewer (单位审核人) or clerk (单位经办人)
        #[arg(long)]
        role: String,
        /// Unit name (reviewers and clerks)
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a new password (read from stdin or --password); ends the user's sessions and revokes their API tokens
    Passwd {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// List staff accounts
    List,
    /// Deactivate an account (停用): its sessions end and its API tokens are revoked at once
    Deactivate { username: String },
    /// Reactivate an account
    Activate { username: String },
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user; printed once (send it as `Authorization: Bearer …`)
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Every token: number, user, name, created, expires, revoked
    List,
    /// Revoke a token by its number (from `token list`)
    Revoke { id: i64 },
}

fn read_password(given: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = given {
        return Ok(p);
    }
    eprintln!("password (one line on stdin):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => {
            anyhow::anyhow!("{}", fields.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

pub async fn run(args: UserArgs) -> anyhow::Result<ExitCode> {
    let (_config, db) = args.db.open().await?;
    let actor = Actor::system("cli");
    match args.command {
        UserCommand::Add { username, role, unit, name, password } => {
            let role = Role::parse(&role)
                .ok_or_else(|| anyhow::anyhow!("unknown role `{role}`: use admin, reviewer or clerk"))?;
            let unit_id = match unit {
                Some(u) => Some(
                    flows::org::unit_by_name(&db, &u)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no unit named `{u}`"))?
                        .unit_id,
                ),
                None => None,
            };
            let password = read_password(password)?;
            let id = flows::auth::add_user(
                &db,
                &actor,
                &username,
                name.as_deref().unwrap_or(&username),
                &password,
                role,
                unit_id,
            )
            .await
            .map_err(explain)?;
            println!("user {username} added (id {id})");
        }
        UserCommand::Passwd { username, password } => {
            let password = read_password(password)?;
            flows::auth::change_password(&db, &actor, &username, &password).await.map_err(explain)?;
            println!("password of {username} changed; their sessions were ended and their API tokens revoked");
        }
        UserCommand::Deactivate { username } => {
            let u = flows::auth::find_user(&db, &username).await.map_err(explain)?;
            flows::auth::set_active(&db, &actor, u.user_id, false).await.map_err(explain)?;
            println!("{username} deactivated; their sessions were ended and their API tokens revoked");
        }
        UserCommand::Activate { username } => {
            let u = flows::auth::find_user(&db, &username).await.map_err(explain)?;
            flows::auth::set_active(&db, &actor, u.user_id, true).await.map_err(explain)?;
            println!("{username} reactivated");
        }
        UserCommand::List => {
            let units = flows::org::units(&db).await?;
            for u in flows::auth::users(&db).await? {
                let unit = u
                    .unit_id
                    .and_then(|id| units.iter().find(|x| x.unit_id == id))
                    .map(|x| x.name.as_str())
                    .unwrap_or("-");
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.username,
                    u.display_name,
                    u.role,
                    unit,
                    if u.active == 1 { "active" } else { "disabled" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run_token(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let (_config, db) = args.db.open().await?;
    match args.command {
        TokenCommand::Create { user, name } => {
            let token = flows::auth::create_token(&db, &Actor::system("cli"), &user, &name).await.map_err(explain)?;
            println!("{token}");
        }
        TokenCommand::List => {
            for t in flows::auth::list_tokens(&db).await.map_err(explain)? {
                let state = match &t.revoked_at {
                    Some(r) => format!("revoked {r}"),
                    None => format!("expires {}", t.expires_at),
                };
                println!("{}\t{}\t{}\tcreated {}\t{state}", t.token_id, t.username, t.name, t.created_at);
            }
        }
        TokenCommand::Revoke { id } => {
            flows::auth::revoke_token(&db, &Actor::system("cli"), id).await.map_err(explain)?;
            println!("token {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
