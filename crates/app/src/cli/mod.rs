//! The command line: one file per subcommand group. Every subcommand that touches the database
//! takes the same `--data-dir` / `--database-url`, so `gongkai report build --data-dir DIR`
//! reads what `gongkai serve --data-dir DIR` wrote.

mod backup;

mod calendar;
mod disclosure;
mod outbox;
mod portal;
mod report;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::state::Db;

#[derive(Parser, Debug)]
#[command(name = "gongkai", version, about = "公开 Gongkai — 政府信息公开平台 (open government information platform)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data is: shared by every subcommand that touches the database.
#[derive(Args, Debug, Clone, Default)]
pub struct DbArgs {
    /// Data directory (SQLite database, search index). Default: ./gongkai-data
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user@host:5432/db); default: SQLite in the data directory
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Configuration file (TOML). Default: DATA_DIR/gongkai.toml if present
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (portal, back office, API)
    Serve(serve::ServeArgs),
    /// Run the database migrations and exit
    Migrate(DbArgs),
    /// Staff accounts
    User(user::UserArgs),
    /// API tokens for automation
    Token(user::TokenArgs),
    /// Consistent copy of the data while the server runs (SQLite; for PostgreSQL use pg_dump)
    Backup(backup::BackupArgs),
    /// Restore a backup into an empty data directory
    Restore(backup::RestoreArgs),
    /// The working-day calendar (holidays and 调休)
    Calendar(calendar::CalendarArgs),
    /// Annual reports: build from the records, check published ones
    Report(report::ReportArgs),
    /// Rebuild the search index from the database (with the server stopped)
    Reindex(disclosure::ReindexArgs),
    /// Import records from files (legacy published items: `import items FILE.jsonl`)
    Import(disclosure::ImportArgs),
    /// The outbox of e-mails and text messages (notices, reminders): send what waits now
    Outbox(outbox::OutboxArgs),
    /// The portal the government runs elsewhere: columns, broken links, required elements
    Portal(portal::PortalArgs),
    /// Write an example configuration file to stdout
    ConfigExample,
    /// Every route with its method and access rule (public, staff, office, object:<kind>), one a
    /// line, or as JSON: the table the router is built from
    Routes {
        #[arg(long)]
        json: bool,
    },
    /// Speed figures for BENCHMARKS.md (run on a release build)
    #[command(hide = true)]
    Bench(crate::bench::BenchArgs),
    /// Internal: read an uploaded workbook from stdin, print its rows as JSON (the server runs
    /// this as a capped child process: see `sandbox.rs`)
    #[command(hide = true)]
    ReadSheet {
        #[arg(long)]
        name: String,
        /// Rows as they are (no header taken), merged cells filled
        #[arg(long)]
        grid: bool,
    },
}

impl DbArgs {
    /// The configuration in force: file, then environment, then these flags.
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut c = Config::load(self.config.as_deref(), self.data_dir.as_deref())?;
        if let Some(d) = &self.data_dir {
            c.data_dir = d.clone();
        }
        if let Some(u) = &self.database_url {
            c.database_url = Some(u.clone());
        }
        Ok(c)
    }

    /// Open (and migrate) the database the flags name. For SQLite the data directory is created
    /// if needed, and an unwritable one is a clear error.
    pub async fn open(&self) -> anyhow::Result<(Config, Db)> {
        let config = self.config()?;
        let db = open_db(&config).await?;
        Ok((config, db))
    }
}

pub use crate::state::open_db;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(a) => serve::run(a).await,
        Command::Migrate(a) => {
            let (config, _db) = a.open().await?;
            println!("database at {} is up to date", config.database_url_redacted());
            Ok(ExitCode::SUCCESS)
        }
        Command::User(a) => user::run(a).await,
        Command::Token(a) => user::run_token(a).await,
        Command::Backup(a) => backup::backup(a).await,
        Command::Restore(a) => backup::restore(a).await,
        Command::Calendar(a) => calendar::run(a).await,
        Command::Report(a) => report::run(a).await,
        Command::Bench(a) => crate::bench::run(a).await,
        Command::Routes { json } => {
            let rows = crate::web::routes::infos();
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in rows {
                    println!("{:6} {:55} {}", r.method, r.path, r.access);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex(a) => disclosure::reindex(a).await,
        Command::Import(a) => disclosure::import(a).await,
        Command::Portal(a) => portal::run_cli(a).await,
        Command::Outbox(a) => outbox::run(a).await,
        Command::ReadSheet { name, grid } => Ok(crate::sandbox::child(&name, grid)),
        Command::ConfigExample => {
            print!("{}", crate::config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
    }
}
