//! `gongkai reindex` (rebuild the search index from the database) and `gongkai import items
//! FILE.jsonl` (migrate a legacy site's published items; the 索引号 is the key, so a second run
//! adds nothing).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::DbArgs;
use crate::flows::disclosure as flow;

#[derive(Args, Debug)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: ImportWhat,
}

#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// Published items, one JSON object per line: index_no, title, publisher, category, doc_no,
    /// published, body (optional: summary, validity, written, attachments)
    Items {
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// The records behind table 二 of the annual report, from a system of record's export (.xlsx or
    /// CSV): powers (权力清单: 事项类别, 事项名称, 生效日期, 取消日期), decisions (事项类别, 决定文号,
    /// 决定日期), fees (收费编号, 收费日期, 金额（元）), procurement (项目编号, 签订日期, 金额（元）).
    /// Any bad row: nothing imported, every bad row named. The same file twice changes nothing
    Records {
        /// powers, decisions, fees or procurement
        kind: String,
        file: PathBuf,
        /// Unit name or 统一社会信用代码
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!("{what} {{bar:40}} {{pos}}/{{len}} ({{per_sec}}, {{eta}})"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

pub async fn reindex(args: ReindexArgs) -> anyhow::Result<ExitCode> {
    let (config, db) = args.db.open().await?;
    let index = crate::search::open(&config.data_dir)?;
    let total = flow::count_public_items(&db).await? as u64;
    let pb = bar(total, "索引");
    let n = index.rebuild(&db, |done, _| pb.set_position(done)).await?;
    pb.finish();
    index.close_writer();
    println!("search index rebuilt: {n} published items in {}", index.dir.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (file, dbargs) = match args.what {
        ImportWhat::Items { file, db } => (file, db),
        ImportWhat::Records { kind, file, unit, db } => return import_records(&kind, &file, &unit, db).await,
    };
    let (config, db) = dbargs.open().await?;
    let input = std::fs::File::open(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let size = input.metadata()?.len();
    // Indexed as it goes when no server holds the index; else the server indexes from the feed.
    let index = crate::search::open(&config.data_dir)?;
    let index = index.claim_writer()?.then_some(index);
    let pb = ProgressBar::new(size);
    pb.set_style(
        ProgressStyle::with_template("导入 {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = flow::import_items(
        &db,
        index.clone(),
        std::io::BufReader::with_capacity(1 << 20, input),
        size,
        file.parent().unwrap_or(Path::new(".")),
        &mut |done, total| {
            pb.set_position(done);
            // The rows are stored before the search index has taken them all in (it runs behind).
            if done >= total && index.is_some() {
                pb.set_message("已写入数据库，检索索引建立中…");
            }
        },
    )
    .await?;
    if let Some(index) = index {
        index.close_writer();
    }
    pb.finish();
    for u in &report.new_units {
        eprintln!("新建单位：{u}（导入文件中的发布机构，原无此单位；请在 /staff/units 补全其统一社会信用代码等信息）");
    }
    for (line, msg) in &report.held {
        eprintln!("第{line}行：{msg}");
    }
    for (line, msg) in &report.bad {
        eprintln!("第{line}行：{msg}");
    }
    if report.bad_unlisted > 0 {
        eprintln!("……另有{}行有误，未逐行列出", report.bad_unlisted);
    }
    if let Some(took) = report.indexes_built_after {
        eprintln!("the item table's indexes built after its rows in {:.1} s", took.as_secs_f64());
    }
    println!(
        "imported {} items; {} already present (same 索引号); {} bad lines; {}",
        report.imported,
        report.skipped,
        report.bad_lines(),
        if report.indexed { "indexed for search" } else { "the running server indexes them for search" }
    );
    Ok(if report.bad_lines() == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

async fn import_records(kind: &str, file: &Path, unit: &str, dbargs: DbArgs) -> anyhow::Result<ExitCode> {
    use gongkai_domain::report::records::RecordFile;
    let kind = RecordFile::from_code(kind)
        .ok_or_else(|| anyhow::anyhow!("`{kind}` is not a kind of record: powers, decisions, fees or procurement"))?;
    let (config, db) = dbargs.open().await?;
    let units = crate::flows::org::units(&db).await?;
    let u = units
        .iter()
        .find(|x| x.name == unit || x.credit_code == unit)
        .ok_or_else(|| anyhow::anyhow!("no unit named `{unit}` (give its name or 统一社会信用代码)"))?;
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let state = crate::state::AppState::new(db, config).await?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("records");
    let actor = crate::flows::Actor::system("import");
    match crate::flows::report_records::import(&state, &actor, u.unit_id, kind, name, &bytes).await {
        Ok(n) => {
            println!("imported {n} {} records for {}", kind.code(), u.name);
            Ok(ExitCode::SUCCESS)
        }
        Err(crate::error::AppError::BadRequest(m)) => {
            eprintln!("{m}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}
