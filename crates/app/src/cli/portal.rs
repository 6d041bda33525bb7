//! `gongkai portal check URL`: the portal monitor run once from the command line, for a portal
//! the government runs elsewhere — columns' newest dates, broken links, required elements.
//! The server runs the same check daily for the portals the office registers (/staff/portal).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gongkai_domain::supervision::ColumnState;
use gongkai_domain::supervision::portal::parse_columns;

use crate::flows::supervision::portal::{MonitorOptions, run};

#[derive(Args, Debug)]
pub struct PortalArgs {
    #[command(subcommand)]
    pub command: PortalCommand,
}

#[derive(Subcommand, Debug)]
pub enum PortalCommand {
    /// Check a portal now: each column's newest date against its update class, every link on the
    /// home and column pages, the required elements. Exit 0: nothing found; 1: problems found;
    /// 2: the home page did not answer
    Check {
        /// The portal's home page (http:// or https://)
        url: String,
        /// The columns to check, one a line: `栏目名称 | 地址 | 类别` (动态/通知/其他/不更新);
        /// default: the links of the home page's navigation
        #[arg(long)]
        columns: Option<PathBuf>,
        /// Most pages read (home and columns)
        #[arg(long, default_value_t = 60)]
        max_pages: usize,
        /// Most links checked
        #[arg(long, default_value_t = 400)]
        max_links: usize,
        /// Pause between two requests, in milliseconds (be polite to the portal)
        #[arg(long, default_value_t = 500)]
        delay_ms: u64,
        /// Time allowed per request, in seconds
        #[arg(long, default_value_t = 15)]
        timeout: u64,
        /// The monitoring point (default: today)
        #[arg(long)]
        today: Option<NaiveDate>,
        /// The findings as one JSON object
        #[arg(long)]
        json: bool,
    },
}

pub async fn run_cli(args: PortalArgs) -> anyhow::Result<ExitCode> {
    let PortalCommand::Check { url, columns, max_pages, max_links, delay_ms, timeout, today, json } = args.command;
    let columns = match columns {
        Some(path) => {
            let text =
                std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            Some(parse_columns(&text, &url).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.join("; ")))?)
        }
        None => None,
    };
    let opts = MonitorOptions {
        max_pages,
        max_links,
        delay: Duration::from_millis(delay_ms),
        timeout: Duration::from_secs(timeout),
        today: today.unwrap_or_else(crate::state::today),
    };
    let report = run(&url, columns, &opts).await;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{} {}（{}）", report.base_url, report.home_title, report.today);
        if let Some(e) = &report.home_error {
            println!("  [错误] {e}");
        }
        for m in &report.missing {
            println!("  [缺少] 首页没有{m}");
        }
        for (c, state) in report.column_states(report.today) {
            let newest = c.newest.map_or("无日期".to_string(), |d| d.to_string());
            let verdict = match state {
                ColumnState::Fresh => "按期更新".to_string(),
                ColumnState::Stale { since } => format!("未按期更新（自 {since} 起）"),
                ColumnState::LongStale { since } => format!("长期未更新（自 {since} 起）"),
                ColumnState::Blank => "空白栏目".to_string(),
            };
            let note = c.error.as_ref().map(|e| format!("；{e}")).unwrap_or_default();
            println!("  [栏目] {} {} 最新 {newest}：{verdict}{note}", c.title, c.url);
        }
        for b in &report.broken {
            println!("  [断链] {} —— {}（见于 {}，链接文字“{}”）", b.url, b.problem, b.page, b.text);
        }
        println!(
            "  检查链接 {} 个；超出上限未查 {} 个；robots.txt 不允许 {} 个；发现问题 {} 处",
            report.links_checked,
            report.links_over_limit,
            report.links_refused_by_robots,
            report.problem_count()
        );
    }
    Ok(if report.home_error.is_some() {
        ExitCode::from(2)
    } else if report.problem_count() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
