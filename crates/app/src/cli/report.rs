//! `gongkai report build` (from the records) and `gongkai report check FILE…` (anyone's
//! published report: text, PDF-to-text, HTML, .docx, PDF with a text layer).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gongkai_domain::report::{self, Severity};
use indicatif::{ProgressBar, ProgressStyle};

use super::DbArgs;
use crate::flows::report_check::{Checked, check_text, pair_errors, pairs, summary_rows, verdict};

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
    /// Compute a year's report from the records (the government's, or one unit's with --unit); as JSON,
    /// {"report", "sources"}: every cell with its source (records and the rule, or entered by whom)
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
    /// Render a report kept as JSON (as `report build --to json` writes it, or the "report" of a
    /// line of `report check --json`) to any of the outputs, as the office publishes it
    Render {
        /// The JSON file
        file: PathBuf,
        #[arg(long, value_enum, default_value = "txt")]
        to: OutputFormat,
        /// Output file (default: stdout; required for docx and xlsx)
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Read published reports (files, or folders searched for .txt/.md/.html/.pdf/.docx), extract
    /// their tables, check every rule of the format, and chain reports of the same unit year by year
    /// (上年结转 against the previous year's 结转下年度, and a table of changes).
    /// Exit 0: clean; 1: errors found in what was read with confidence; 2: a file is not a report;
    /// 3: read, but too little to judge (the tables are named)
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// One JSON object per file (file, year, format, tables, findings), then one per pair of years
        #[arg(long)]
        json: bool,
        /// Also write a summary workbook: one row per report, grouped by unit and year
        #[arg(long)]
        summary: Option<PathBuf>,
    },
}

pub async fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ReportCommand::Build { db, year, unit, to, output } => build(db, year, unit, to, output).await,
        ReportCommand::Render { file, to, output } => render(&file, to, output),
        ReportCommand::Check { files, json, summary } => check(&files, json, summary.as_deref()),
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
            let units = crate::flows::org::units(&db).await?;
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
    if matches!(to, OutputFormat::Json) {
        // The report with the source of every cell: `records` (the rule that counted it, and the
        // staff page that lists the records) or `entered` (who and when). `report render` reads
        // the report back from "report".
        let sources =
            crate::flows::report_sources::sources(&db, unit_id, &r).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let value = serde_json::json!({ "report": r, "sources": sources });
        let text = serde_json::to_string_pretty(&value)? + "\n";
        return write_bytes(text.into_bytes(), to, output);
    }
    write_out(&r, to, output)
}

fn render(file: &Path, to: OutputFormat, output: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{} is not JSON: {e}", file.display()))?;
    // A line of `report check --json` holds the report under "report".
    let value = match value.get("report") {
        Some(inner) if inner.is_object() => inner.clone(),
        _ => value,
    };
    let r: report::AnnualReport = serde_json::from_value(value).map_err(|e| {
        anyhow::anyhow!("{} is not a report as `report build --to json` writes it: {e}", file.display())
    })?;
    write_out(&r, to, output)
}

fn write_out(r: &report::AnnualReport, to: OutputFormat, output: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let bytes: Vec<u8> = match to {
        OutputFormat::Html => report::render_html(r).into_bytes(),
        OutputFormat::Txt => report::render_text(r).into_bytes(),
        OutputFormat::Md => report::render_markdown(r).into_bytes(),
        OutputFormat::Json => report::render_json(r).into_bytes(),
        OutputFormat::Docx => crate::export::report_docx(r).map_err(|e| anyhow::anyhow!("{e}"))?,
        OutputFormat::Xlsx => crate::export::report_xlsx(r).map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    write_bytes(bytes, to, output)
}

fn write_bytes(bytes: Vec<u8>, to: OutputFormat, output: Option<PathBuf>) -> anyhow::Result<ExitCode> {
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

fn check_one(path: &Path) -> Checked {
    check_text(path.display().to_string(), crate::export::report_file_text(path))
}

/// The files to check: each file given, and every report-like file under each folder given.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    const EXTENSIONS: [&str; 7] = ["txt", "md", "html", "htm", "pdf", "docx", "json"];
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir(p)
                .into_iter()
                .filter(|f| {
                    // A folder's README describes the reports; it is not one.
                    let readme =
                        f.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.eq_ignore_ascii_case("readme"));
                    !readme
                        && f.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}

pub fn check(paths: &[PathBuf], json: bool, summary: Option<&Path>) -> anyhow::Result<ExitCode> {
    let files = expand(paths);
    if files.is_empty() {
        anyhow::bail!("no report files found in the folders given (.txt .md .html .pdf .docx)");
    }
    let pb = if files.len() > 1 && std::io::stderr().is_terminal() {
        let pb = ProgressBar::new(files.len() as u64);
        pb.set_style(
            ProgressStyle::with_template("核对 {bar:40} {pos}/{len} ({per_sec}, {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let checked: Vec<Checked> = files
        .iter()
        .map(|f| {
            let c = check_one(f);
            pb.inc(1);
            c
        })
        .collect();
    pb.finish_and_clear();
    let pairs = pairs(&checked);
    let pair_errors = |i: usize| pair_errors(&pairs, i);

    let (mut any_error, mut any_unreadable, mut any_unjudged) = (false, false, false);
    for (i, c) in checked.iter().enumerate() {
        match &c.result {
            Err(why) => {
                any_unreadable = true;
                if json {
                    println!("{}", serde_json::json!({"file": c.file, "error": why, "verdict": verdict(c, 0)}));
                } else {
                    println!("{}: 不是可识别的政府信息公开工作年度报告：{why}", c.file);
                }
            }
            Ok((parsed, findings)) => {
                let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
                let unjudged = parsed.unjudged_tables();
                any_error |= errors + pair_errors(i) > 0;
                any_unjudged |= !unjudged.is_empty();
                if json {
                    println!(
                        "{}",
                        serde_json::json!({
                            "file": c.file,
                            "year": parsed.report.year,
                            "format": parsed.report.format.code(),
                            "organ": parsed.report.organ,
                            "verdict": verdict(c, pair_errors(i)),
                            "report": parsed.report,
                            "notes": parsed.notes,
                            "unsure": parsed.unsure,
                            "sources": parsed.sources,
                            "unjudged_tables": unjudged,
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
                    if !unjudged.is_empty() && errors == 0 {
                        println!("  [无法判断] {}读取不足，未作判断", unjudged.join("、"));
                    }
                }
            }
        }
    }

    // Year on year.
    for p in &pairs {
        let (a, b) = (&checked[p.previous], &checked[p.this]);
        let (Ok((pa, _)), Ok((pb_, _))) = (&a.result, &b.result) else { continue };
        if json {
            println!(
                "{}",
                serde_json::json!({
                    "pair": [a.file, b.file],
                    "organ": pb_.report.organ,
                    "years": [pa.report.year, pb_.report.year],
                    "findings": p.findings,
                    "changes": p.changes,
                })
            );
            continue;
        }
        println!();
        println!("{} {}年度 → {}年度（{} → {}）", pb_.report.organ, pa.report.year, pb_.report.year, a.file, b.file);
        let carry = p.findings.iter().filter(|f| f.rule == report::Rule::PreviousCarryOver).count();
        if carry == 0 {
            println!("  [核对] 上年结转与{}年度报告的结转下年度继续办理逐列一致", pa.report.year);
        }
        for f in &p.findings {
            let sev = if f.severity == Severity::Error { "错误" } else { "提示" };
            println!("  [{sev}] {} {}（{} 与 {}）", f.rule.code(), f.message, a.file, b.file);
        }
        let shown = |v: Option<i64>| v.map_or("?".to_string(), |v| v.to_string());
        for c in p.changes.iter().filter(|c| c.previous != c.this) {
            let delta = match (c.previous, c.this) {
                (Some(x), Some(y)) => format!("{:+}", y - x),
                _ => "?".into(),
            };
            println!("  [变化] {} {} → {}（{delta}）", c.figure, shown(c.previous), shown(c.this));
        }
    }

    if !json && checked.len() > 1 {
        println!();
        println!("{:<48} {:>6} {:>6} {:>6} {:>6}  结论", "文件", "年度", "格式", "错误", "提示");
        for (i, c) in checked.iter().enumerate() {
            match &c.result {
                Ok((p, f)) => {
                    let e = f.iter().filter(|x| x.severity == Severity::Error).count() + pair_errors(i);
                    println!(
                        "{:<48} {:>6} {:>6} {:>6} {:>6}  {}",
                        c.file,
                        p.report.year,
                        p.report.format.code(),
                        e,
                        f.len() - f.iter().filter(|x| x.severity == Severity::Error).count(),
                        verdict(c, pair_errors(i))
                    );
                }
                Err(_) => println!("{:<48} {:>6} {:>6} {:>6} {:>6}  {}", c.file, "-", "-", "-", "-", verdict(c, 0)),
            }
        }
    }

    if let Some(out) = summary {
        let rows = summary_rows(&checked, &pairs);
        let bytes = crate::export::check_summary_xlsx(rows).map_err(|e| anyhow::anyhow!("{e}"))?;
        std::fs::write(out, bytes).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }

    Ok(if any_unreadable {
        ExitCode::from(2)
    } else if any_error {
        ExitCode::from(1)
    } else if any_unjudged {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
