//! `gongkai report build` (from the records) and `gongkai report check FILE…` (anyone's
//! published report: text, PDF-to-text, HTML, .docx, PDF with a text layer).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gongkai_domain::report::{self, Severity};

use super::DbArgs;

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Html,
    Txt,
    Md,
    Docx,
    Xlsx,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Compute a year's report from the records (the government's, or one unit's with --unit)
    Build {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        year: i32,
        /// Unit name or 统一社会信用代码 (default: the government as a whole)
        #[arg(long)]
        unit: Option<String>,
        #[arg(long, value_enum, default_value = "txt")]
        to: OutputFormat,
        /// Output file (default: stdout; required for docx and xlsx)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Read published reports, extract their tables and check every rule of the format.
    /// Exit 0: no errors; 1: a file has an error-severity finding; 2: a file is not a report
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file: file, year, format, tables, findings
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ReportCommand::Build { db, year, unit, to, output } => build(db, year, unit, to, output).await,
        ReportCommand::Check { files, json } => Ok(check(&files, json)),
    }
}

async fn build(
    db: DbArgs,
    year: i32,
    unit: Option<String>,
    to: OutputFormat,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (_config, db) = db.open().await?;
    let unit_id = match unit {
        None => None,
        Some(u) => {
            let units = crate::db::org::list_units(&db).await?;
            Some(
                units
                    .iter()
                    .find(|x| x.name == u || x.credit_code == u)
                    .ok_or_else(|| anyhow::anyhow!("no unit named `{u}` (give its name or 统一社会信用代码)"))?
                    .unit_id,
            )
        }
    };
    let r = crate::flows::report::compute(&db, unit_id, year).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes: Vec<u8> = match to {
        OutputFormat::Html => report::render_html(&r).into_bytes(),
        OutputFormat::Txt => report::render_text(&r).into_bytes(),
        OutputFormat::Md => report::render_markdown(&r).into_bytes(),
        OutputFormat::Json => report::render_json(&r).into_bytes(),
        OutputFormat::Docx => crate::export::report_docx(&r).map_err(|e| anyhow::anyhow!("{e}"))?,
        OutputFormat::Xlsx => crate::export::report_xlsx(&r).map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None if matches!(to, OutputFormat::Docx | OutputFormat::Xlsx) => {
            anyhow::bail!("a .docx or .xlsx needs a file: add -o FILE")
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

struct Checked {
    file: String,
    result: Result<(report::ParsedReport, Vec<report::Finding>), String>,
}

fn check_one(path: &std::path::Path) -> Checked {
    let file = path.display().to_string();
    let text = match crate::export::report_file_text(path) {
        Ok(t) => t,
        Err(e) => return Checked { file, result: Err(e) },
    };
    let result = match report::parse(&text) {
        Ok(parsed) => {
            let findings = report::validate(&parsed.report);
            Ok((parsed, findings))
        }
        Err(e) => Err(e.to_string()),
    };
    Checked { file, result }
}

pub fn check(files: &[PathBuf], json: bool) -> ExitCode {
    let checked: Vec<Checked> = files.iter().map(|f| check_one(f)).collect();
    let mut any_error = false;
    let mut any_unreadable = false;
    for c in &checked {
        match &c.result {
            Err(why) => {
                any_unreadable = true;
                if json {
                    println!("{}", serde_json::json!({"file": c.file, "error": why}));
                } else {
                    println!("{}: 不是可识别的政府信息公开工作年度报告：{why}", c.file);
                }
            }
            Ok((parsed, findings)) => {
                let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
                any_error |= errors > 0;
                if json {
                    println!(
                        "{}",
                        serde_json::json!({
                            "file": c.file,
                            "year": parsed.report.year,
                            "format": parsed.report.format.code(),
                            "organ": parsed.report.organ,
                            "report": parsed.report,
                            "notes": parsed.notes,
                            "findings": findings,
                        })
                    );
                } else {
                    println!(
                        "{}: {}年度报告，格式 {}（{}）；错误 {} 处，提示 {} 处",
                        c.file,
                        parsed.report.year,
                        parsed.report.format.code(),
                        parsed.report.format.document(),
                        errors,
                        findings.len() - errors
                    );
                    let cross = report::cross_check(&parsed.report);
                    if cross.agreed > 0 {
                        println!("  [核对] 第一部分正文所述数字有{}处与表格一致", cross.agreed);
                    }
                    for f in findings {
                        let sev = if f.severity == Severity::Error { "错误" } else { "提示" };
                        println!("  [{sev}] {} {}", f.rule.code(), f.message);
                    }
                    for n in &parsed.notes {
                        println!("  [说明] {n}");
                    }
                }
            }
        }
    }
    if !json && checked.len() > 1 {
        println!();
        println!("{:<48} {:>6} {:>6} {:>6} {:>6}", "文件", "年度", "格式", "错误", "提示");
        for c in &checked {
            match &c.result {
                Ok((p, f)) => {
                    let e = f.iter().filter(|x| x.severity == Severity::Error).count();
                    println!(
                        "{:<48} {:>6} {:>6} {:>6} {:>6}",
                        c.file,
                        p.report.year,
                        p.report.format.code(),
                        e,
                        f.len() - e
                    );
                }
                Err(_) => println!("{:<48} {:>6} {:>6} {:>6} {:>6}", c.file, "-", "-", "无法识别", "-"),
            }
        }
    }
    if any_unreadable {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
