//! `gongkai calendar due DATE N`, `show YEAR`, `import FILE.csv`.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gongkai_domain::calendar::Calendar;

use super::DbArgs;
use crate::flows::{self, Actor};

#[derive(Args, Debug)]
pub struct CalendarArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: CalendarCommand,
}

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// The N-th working day after DATE (the day of receipt is not counted)
    Due { date: String, days: u32 },
    /// The year's holidays and make-up working days
    Show { year: i32 },
    /// Import next year's holidays (CSV: date,kind,name); open applications' due dates are recomputed
    Import { file: PathBuf },
}

/// The calendar in force: the database's if there is one, else the shipped one.
async fn calendar(db: &DbArgs) -> anyhow::Result<Calendar> {
    let config = db.config()?;
    let has_db = config.database_url.is_some() || config.data_dir.join("gongkai.db").exists();
    if has_db {
        let db = super::open_db(&config).await?;
        Ok(flows::application::load_calendar(&db).await?)
    } else {
        Ok(Calendar::builtin())
    }
}

pub async fn run(args: CalendarArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        CalendarCommand::Due { date, days } => {
            let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .map_err(|_| anyhow::anyhow!("`{date}` is not a date: write YYYY-MM-DD"))?;
            let cal = calendar(&args.db).await?;
            let due = cal.add_working_days(d, days).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{due}");
        }
        CalendarCommand::Show { year } => {
            let cal = calendar(&args.db).await?;
            if year < cal.first_year() || year > cal.last_year() {
                anyhow::bail!(
                    "no holiday data for {year}: the calendar covers {}–{}; import it with `gongkai calendar import FILE.csv`",
                    cal.first_year(),
                    cal.last_year()
                );
            }
            for d in cal.special_days(year) {
                println!("{}\t{}\t{}", d.date, d.kind.label(), d.name);
            }
        }
        CalendarCommand::Import { file } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let (config, db) = args.db.open().await?;
            let state = crate::web::AppState::new(db, config).await?;
            let report = flows::application::import_calendar(&state, &Actor::system("cli"), &text)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("imported {} days", report.imported);
            for c in &report.changed {
                println!("due date of {} changed: {} -> {}", c.tracking_code, c.before, c.after);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
