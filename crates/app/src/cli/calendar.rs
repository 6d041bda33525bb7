//! `gongkai calendar due DATE N`, `show YEAR`, `import FILE.csv`, `import-notice FILE.txt`.

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
    /// Read the 国务院办公厅 notice's own text (as published) and show the days read; with --yes, import them
    ImportNotice {
        file: PathBuf,
        /// Save what was read (without it, only show it for checking)
        #[arg(long)]
        yes: bool,
    },
}

/// The calendar in force: the database's if there is one, else the shipped one.
async fn calendar(db: &DbArgs) -> anyhow::Result<Calendar> {
    let config = db.config()?;
    let has_db = config.database_url.is_some() || config.data_dir.join("gongkai.db").exists();
    if has_db {
        let db = super::open_db(&config).await?;
        Ok(crate::state::load_calendar(&db).await?)
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
            let provisional = cal.provisional_years(d, due);
            if provisional.is_empty() {
                println!("{due}");
            } else {
                let years: Vec<String> = provisional.iter().map(i32::to_string).collect();
                println!("{due} 暂定 (provisional: no holiday notice imported for {})", years.join(", "));
                eprintln!("{}", gongkai_domain::calendar::PROVISIONAL_NOTE);
            }
        }
        CalendarCommand::Show { year } => {
            let cal = calendar(&args.db).await?;
            if !cal.covers(year) {
                println!(
                    "# {year}: no notice imported (the calendar covers {}–{}); the statutory holidays of the 放假办法, provisional:",
                    cal.first_year(),
                    cal.last_year()
                );
                for d in cal.provisional_days(year) {
                    println!("{}\t{}\t{}", d.date, d.kind.label(), d.name);
                }
                return Ok(ExitCode::SUCCESS);
            }
            for d in cal.special_days(year) {
                println!("{}\t{}\t{}", d.date, d.kind.label(), d.name);
            }
        }
        CalendarCommand::Import { file } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let (config, db) = args.db.open().await?;
            let state = crate::state::AppState::new(db, config).await?;
            let report = flows::application::import_calendar(&state, &Actor::system("cli"), &text)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            print_import(&report);
        }
        CalendarCommand::ImportNotice { file, yes } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let notice = gongkai_domain::calendar::notice::parse_notice(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("# {} 年放假安排，读到 {} 天：", notice.year, notice.days.len());
            for d in &notice.days {
                println!("{}\t{}\t{}", d.date, d.kind.label(), d.name);
            }
            let missing = notice.missing_festivals();
            if !missing.is_empty() {
                println!(
                    "# WARNING: the notice does not mention {}: once imported, those days count as working days",
                    missing.join("、")
                );
            }
            if !yes {
                println!("# not saved: check the days above, then run again with --yes to import them");
                return Ok(ExitCode::SUCCESS);
            }
            let (config, db) = args.db.open().await?;
            let state = crate::state::AppState::new(db, config).await?;
            let report = flows::application::import_calendar(&state, &Actor::system("cli"), &notice.to_csv())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            print_import(&report);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_import(report: &flows::application::CalendarImport) {
    println!("imported {} days", report.imported);
    for c in &report.changed {
        println!("due date of {} changed: {} -> {}", c.tracking_code, c.before, c.after);
    }
}
