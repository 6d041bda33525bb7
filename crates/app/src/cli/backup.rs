//! `gongkai backup DEST` and `gongkai restore SRC`. SQLite: `VACUUM INTO` gives a consistent
//! copy while the server keeps writing (a snapshot at one transaction). PostgreSQL: use
//! `pg_dump` / `pg_restore` — the tools made for it; this command says so.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::DbArgs;

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// File to write (must not exist)
    pub dest: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Backup file written by `gongkai backup`
    pub src: PathBuf,
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let (config, db) = args.db.open().await?;
    if db.is_postgres() {
        anyhow::bail!(
            "for PostgreSQL use pg_dump: pg_dump -Fc '{}' > {}",
            config.database_url_redacted(),
            args.dest.display()
        );
    }
    if args.dest.exists() {
        anyhow::bail!("{} already exists: choose a new file name", args.dest.display());
    }
    let dest = std::path::absolute(&args.dest)?;
    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{}'", dest.display().to_string().replace('\'', "''"))))
        .execute(&db.pool)
        .await
        .map_err(|e| anyhow::anyhow!("backup to {} failed: {e}", dest.display()))?;
    println!("backup written to {}", dest.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let config = args.db.config()?;
    if config.database_url.as_deref().is_some_and(|u| !u.is_empty()) {
        anyhow::bail!("for PostgreSQL use pg_restore: pg_restore -d DATABASE {}", args.src.display());
    }
    if !args.src.is_file() {
        anyhow::bail!("{} is not a backup file", args.src.display());
    }
    let target = config.data_dir.join("gongkai.db");
    if target.exists() {
        anyhow::bail!("{} already holds a database: restore into a new, empty --data-dir", config.data_dir.display());
    }
    std::fs::create_dir_all(&config.data_dir)?;
    std::fs::copy(&args.src, &target)?;
    // Open it once: checks it is a Gongkai database and brings its schema up to date.
    let db = super::open_db(&config).await.inspect_err(|_| {
        let _ = std::fs::remove_file(&target);
    })?;
    let units = crate::flows::org::count_units(&db).await?;
    println!("restored into {} ({units} units)", config.data_dir.display());
    Ok(ExitCode::SUCCESS)
}
