//! The portal monitor: the government's own portal (on another vendor's CMS) checked as the
//! inspection indicators check the columns Gongkai hosts. A run fetches robots.txt, the home page
//! (required elements, navigation), every column page (its newest dated entry), then every link
//! found on those pages (错链断链) — politely: robots.txt obeyed, one request at a time with a pause
//! between, at most `max_pages` pages and `max_links` links, each request capped in time and size.
//!
//! Pages are fetched with `curl` (every server has it; it brings TLS, the intranet's proxy
//! settings, redirects, time and size limits — no TLS stack compiled into Gongkai). The domain
//! (`supervision::portal`) reads the pages and decides; the newest run of each site feeds the
//! column checks (`column_checks`), so its stale and blank columns count in the single-veto flags,
//! the monthly figures and the 通报 like hosted ones.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::NaiveDate;
use gongkai_domain::supervision::portal::{
    self as pm, Element, PortalColumn, Robots, guess_class, missing_elements, newest_date, parse_page, resolve,
    same_site,
};
use gongkai_domain::supervision::{self as sup, ColumnState, UpdateClass};
use serde::{Deserialize, Serialize};

use super::ColumnLine;
use crate::db::{self, Db};
use crate::error::{AppError, FieldError, Result};
use crate::flows::Actor;
use crate::state::AppState;

/// How far and how fast a run may go.
#[derive(Debug, Clone)]
pub struct MonitorOptions {
    /// Pages read for their content (home + columns).
    pub max_pages: usize,
    /// Links checked for an answer.
    pub max_links: usize,
    /// Pause between two requests.
    pub delay: Duration,
    /// Per request.
    pub timeout: Duration,
    /// The monitoring point: dates after it never make a column current.
    pub today: NaiveDate,
}

impl MonitorOptions {
    pub fn polite(today: NaiveDate) -> MonitorOptions {
        MonitorOptions {
            max_pages: 60,
            max_links: 400,
            delay: Duration::from_millis(500),
            timeout: Duration::from_secs(15),
            today,
        }
    }
}

/// One column as the run saw it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ColumnSeen {
    pub title: String,
    pub url: String,
    pub class: UpdateClass,
    /// The newest date on the column's page (None: none printed, or the page did not answer).
    pub newest: Option<NaiveDate>,
    /// Why the page could not be read, if it could not.
    pub error: Option<String>,
}

/// A link that does not answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    pub url: String,
    /// The page it was found on, and its text there.
    pub page: String,
    pub text: String,
    /// The HTTP status, or what went wrong (no answer, timeout …).
    pub problem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PortalReport {
    pub base_url: String,
    pub today: NaiveDate,
    pub home_title: String,
    /// The home page's answer problem, if it gave none.
    pub home_error: Option<String>,
    pub missing: Vec<String>,
    pub columns: Vec<ColumnSeen>,
    /// The columns were taken from the home page's navigation (none configured).
    pub columns_discovered: bool,
    pub broken: Vec<BrokenLink>,
    pub links_checked: usize,
    /// Links not checked: past `max_links`, or refused by robots.txt.
    pub links_over_limit: usize,
    pub links_refused_by_robots: usize,
}

impl PortalReport {
    /// Each column's state on `at` (the newest date judged on that day).
    pub fn column_states(&self, at: NaiveDate) -> Vec<(&ColumnSeen, ColumnState)> {
        self.columns.iter().map(|c| (c, sup::column_state(c.class, c.newest, at))).collect()
    }

    /// Problems on the run's own day: columns not current, links broken, elements missing.
    pub fn problem_count(&self) -> usize {
        self.column_states(self.today).iter().filter(|(_, s)| *s != ColumnState::Fresh).count()
            + self.broken.len()
            + self.missing.len()
            + usize::from(self.home_error.is_some())
    }
}

struct Fetched {
    status: u16,
    body: String,
}

/// One GET through curl: redirects followed (at most 5), time and size capped, our agent named.
async fn fetch(url: &str, timeout: Duration) -> std::result::Result<Fetched, String> {
    let secs = timeout.as_secs().max(1).to_string();
    let child = tokio::process::Command::new("curl")
        .args(["-sS", "-L", "--max-redirs", "5", "--max-time", &secs, "--max-filesize", "5000000"])
        .args(["--proto", "=http,https", "-A", &format!("{}/1.0 (+政务公开检查)", Robots::AGENT)])
        .args(["-w", "\n%{http_code}", "-o", "-"])
        .arg("--")
        .arg(url)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(
            ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"]
                .iter()
                .filter_map(|k| std::env::var(k).ok().map(|v| (*k, v))),
        )
        .stdin(std::process::Stdio::null())
        .output();
    let out = match tokio::time::timeout(timeout + Duration::from_secs(5), child).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return Err(format!("curl 无法运行（{e}）")),
        Err(_) => return Err("超时未响应".into()),
    };
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", text.as_str()));
    let status: u16 = code.trim().parse().unwrap_or(0);
    if status == 0 {
        let why = String::from_utf8_lossy(&out.stderr).trim().trim_start_matches("curl: ").to_string();
        return Err(if why.is_empty() { "无响应".into() } else { format!("无法访问（{why}）") });
    }
    Ok(Fetched { status, body: body.to_string() })
}

/// Run the monitor over one portal. `columns` None: found from the home page's navigation.
pub async fn run(base_url: &str, columns: Option<Vec<PortalColumn>>, opts: &MonitorOptions) -> PortalReport {
    let mut report = PortalReport {
        base_url: base_url.to_string(),
        today: opts.today,
        home_title: String::new(),
        home_error: None,
        missing: vec![],
        columns: vec![],
        columns_discovered: columns.is_none(),
        broken: vec![],
        links_checked: 0,
        links_over_limit: 0,
        links_refused_by_robots: 0,
    };
    let mut first = true;
    let pause = |first: &mut bool| {
        let wait = if *first { Duration::ZERO } else { opts.delay };
        *first = false;
        tokio::time::sleep(wait)
    };

    // robots.txt: absent or unreadable means no rules.
    let robots = match resolve(base_url, "/robots.txt") {
        Some(u) => {
            pause(&mut first).await;
            match fetch(&u, opts.timeout).await {
                Ok(f) if f.status == 200 => Robots::parse(&f.body),
                _ => Robots::default(),
            }
        }
        None => Robots::default(),
    };
    let allowed = |u: &str| match url_path(u) {
        Some(p) if same_site(u, base_url) => robots.allows(&p),
        _ => true,
    };

    // The home page.
    let mut found: Vec<(String, String, String)> = Vec::new(); // (link, page, text)
    pause(&mut first).await;
    let home = match fetch(base_url, opts.timeout).await {
        Ok(f) if f.status < 400 => Some(parse_page(&f.body)),
        Ok(f) => {
            report.home_error = Some(format!("首页返回 HTTP {}", f.status));
            None
        }
        Err(e) => {
            report.home_error = Some(format!("首页{e}"));
            None
        }
    };
    let columns = match (columns, &home) {
        (Some(c), _) => c,
        (None, Some(h)) => {
            let mut seen = BTreeSet::new();
            h.nav_links
                .iter()
                .filter_map(|l| {
                    let url = resolve(base_url, &l.href)?;
                    let title = l.text.trim();
                    let keep = same_site(&url, base_url)
                        && !title.is_empty()
                        && !matches!(title, "首页" | "网站首页" | "主页")
                        && url.trim_end_matches('/') != base_url.trim_end_matches('/')
                        && seen.insert(url.clone());
                    keep.then(|| PortalColumn { title: title.to_string(), url, class: guess_class(title) })
                })
                .collect()
        }
        (None, None) => vec![],
    };
    if let Some(h) = &home {
        report.home_title = h.title.clone();
        report.missing = missing_elements(h).into_iter().map(Element::label).map(str::to_string).collect();
        for l in &h.links {
            if let Some(u) = resolve(base_url, &l.href) {
                found.push((u, base_url.to_string(), l.text.clone()));
            }
        }
    }

    // The columns, each for its newest date and its links.
    let mut pages = 1;
    for c in columns {
        if pages >= opts.max_pages {
            report.columns.push(ColumnSeen {
                error: Some("超出本次检查的页面数上限，未检查".into()),
                newest: None,
                ..seen(&c)
            });
            continue;
        }
        if !allowed(&c.url) {
            report.columns.push(ColumnSeen {
                error: Some("robots.txt 不允许抓取，未检查".into()),
                newest: None,
                ..seen(&c)
            });
            continue;
        }
        pages += 1;
        pause(&mut first).await;
        match fetch(&c.url, opts.timeout).await {
            Ok(f) if f.status < 400 => {
                let page = parse_page(&f.body);
                for l in &page.links {
                    if let Some(u) = resolve(&c.url, &l.href) {
                        found.push((u, c.url.clone(), l.text.clone()));
                    }
                }
                report.columns.push(ColumnSeen {
                    newest: newest_date(&page.text, opts.today),
                    error: None,
                    ..seen(&c)
                });
            }
            Ok(f) => {
                let problem = format!("HTTP {}", f.status);
                report.broken.push(BrokenLink {
                    url: c.url.clone(),
                    page: "栏目".into(),
                    text: c.title.clone(),
                    problem: problem.clone(),
                });
                report.columns.push(ColumnSeen { newest: None, error: Some(problem), ..seen(&c) });
            }
            Err(e) => {
                report.broken.push(BrokenLink {
                    url: c.url.clone(),
                    page: "栏目".into(),
                    text: c.title.clone(),
                    problem: e.clone(),
                });
                report.columns.push(ColumnSeen { newest: None, error: Some(e), ..seen(&c) });
            }
        }
    }

    // Every link found, once: does it answer?
    let fetched: BTreeSet<String> =
        std::iter::once(base_url.to_string()).chain(report.columns.iter().map(|c| c.url.clone())).collect();
    let mut checked = BTreeSet::new();
    for (u, page, text) in found {
        if fetched.contains(&u) || !checked.insert(u.clone()) {
            continue;
        }
        if !allowed(&u) {
            report.links_refused_by_robots += 1;
            continue;
        }
        if report.links_checked >= opts.max_links {
            report.links_over_limit += 1;
            continue;
        }
        report.links_checked += 1;
        pause(&mut first).await;
        let problem = match fetch(&u, opts.timeout).await {
            Ok(f) if f.status < 400 => None,
            Ok(f) => Some(format!("HTTP {}", f.status)),
            Err(e) => Some(e),
        };
        if let Some(problem) = problem {
            report.broken.push(BrokenLink { url: u, page, text, problem });
        }
    }
    report.broken.sort();
    report
}

fn seen(c: &PortalColumn) -> ColumnSeen {
    ColumnSeen { title: c.title.clone(), url: c.url.clone(), class: c.class, newest: None, error: None }
}

fn url_path(u: &str) -> Option<String> {
    let rest = u.split_once("://")?.1;
    Some(rest.find('/').map_or("/".to_string(), |i| rest[i..].to_string()))
}

// ---------------------------------------------------------------------------------------------
// Sites kept in the platform, their runs, and what the column checks take from them.

#[derive(Debug, Clone, Deserialize)]
pub struct SiteForm {
    pub unit_id: i64,
    pub base_url: String,
    #[serde(default)]
    pub columns: String,
}

/// The office registers (or changes) a unit's portal. Audited.
pub async fn save_site(state: &AppState, actor: &Actor, f: &SiteForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::NotFound);
    }
    let base = f.base_url.trim();
    let mut errors = vec![];
    let base_ok = resolve(base, base).filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    if base_ok.is_none() {
        errors.push(FieldError::new("base_url", "请填写门户网站首页地址，以 http:// 或 https:// 开头"));
    }
    if db::org::get_unit(&state.db, f.unit_id).await?.is_none() {
        errors.push(FieldError::new("unit_id", "请选择单位"));
    }
    if let Some(b) = &base_ok
        && let Err(lines) = pm::parse_columns(&f.columns, b)
    {
        errors.push(FieldError::new("columns", lines.join("；")));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = state.db.begin().await?;
    let id = db::portal::upsert_site(&mut tx, f.unit_id, base, f.columns.trim(), &actor.username).await?;
    db::audit::record(
        &mut tx,
        actor,
        "portal.site_saved",
        "portal_site",
        &id.to_string(),
        None,
        Some(&serde_json::json!({ "unit_id": f.unit_id, "base_url": base, "columns": f.columns.trim() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Run the monitor over one registered site and keep the run.
pub async fn run_site(db: &Db, site_id: i64, opts: &MonitorOptions) -> Result<PortalReport> {
    let site = db::portal::site(db, site_id).await?.ok_or(AppError::NotFound)?;
    let columns = if site.columns_text.trim().is_empty() {
        None
    } else {
        Some(pm::parse_columns(&site.columns_text, &site.base_url).map_err(|e| AppError::BadRequest(e.join("；")))?)
    };
    let started = db::now_text();
    let report = run(&site.base_url, columns, opts).await;
    let json = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    db::portal::insert_run(&mut tx, site_id, &started, &json).await?;
    db::audit::record(
        &mut tx,
        &Actor::system("portal_monitor"),
        "portal.run",
        "portal_site",
        &site_id.to_string(),
        None,
        Some(&serde_json::json!({ "problems": report.problem_count(), "broken": report.broken.len(), "columns": report.columns.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The office asks for a run now: it runs in the background (a portal of hundreds of links takes
/// minutes at a polite pace); the page shows it when it is done.
pub async fn start_run(state: &AppState, actor: &Actor, site_id: i64, today: NaiveDate) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::NotFound);
    }
    db::portal::site(&state.db, site_id).await?.ok_or(AppError::NotFound)?;
    let db = state.db.clone();
    tokio::spawn(async move {
        if let Err(e) = run_site(&db, site_id, &MonitorOptions::polite(today)).await {
            tracing::warn!(site_id, "portal monitor run failed: {e}");
        }
    });
    Ok(())
}

/// A registered site with its newest run.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub site: db::portal::PortalSite,
    pub run: Option<RunView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub finished_at: String,
    pub report: PortalReport,
    /// (column, state label, since) judged on the page's day.
    pub columns: Vec<(ColumnSeen, &'static str, String)>,
}

fn state_label(s: ColumnState) -> (&'static str, String) {
    match s {
        ColumnState::Fresh => ("按期更新", String::new()),
        ColumnState::Stale { since } => ("未按期更新", since.to_string()),
        ColumnState::LongStale { since } => ("长期未更新", since.to_string()),
        ColumnState::Blank => ("空白栏目", String::new()),
    }
}

pub async fn sites(state: &AppState, actor: &Actor, at: NaiveDate) -> Result<Vec<SiteView>> {
    if !actor.is_office() {
        return Err(AppError::NotFound);
    }
    let runs = db::portal::latest_runs(&state.db).await?;
    let mut out = vec![];
    for site in db::portal::sites(&state.db).await? {
        let run = runs.iter().find(|r| r.portal_site_id == site.portal_site_id).and_then(|r| {
            let report: PortalReport = serde_json::from_str(&r.report_json).ok()?;
            let columns = report
                .column_states(at)
                .into_iter()
                .map(|(c, s)| {
                    let (label, since) = state_label(s);
                    (c.clone(), label, since)
                })
                .collect();
            Some(RunView { finished_at: r.finished_at.clone(), report, columns })
        });
        out.push(SiteView { site, run });
    }
    Ok(out)
}

/// The columns of each unit's portal, from its newest run, as column-check lines judged on `at`.
pub async fn portal_column_lines(db: &Db, unit: Option<i64>, at: NaiveDate) -> Result<Vec<(i64, ColumnLine)>> {
    let runs = db::portal::latest_runs(db).await?;
    let mut out = vec![];
    for site in db::portal::sites(db).await? {
        if unit.is_some_and(|u| u != site.unit_id) {
            continue;
        }
        let Some(r) = runs.iter().find(|r| r.portal_site_id == site.portal_site_id) else { continue };
        let Ok(report) = serde_json::from_str::<PortalReport>(&r.report_json) else { continue };
        for (c, state) in report.column_states(at) {
            let (code, since) = match state {
                ColumnState::Fresh => ("fresh", None),
                ColumnState::Stale { since } => ("stale", Some(since.to_string())),
                ColumnState::LongStale { since } => ("long_stale", Some(since.to_string())),
                ColumnState::Blank => ("blank", None),
            };
            out.push((
                site.unit_id,
                ColumnLine {
                    catalog_node_id: 0,
                    code: "portal".into(),
                    class_label: class_label(c.class),
                    last_update: c.newest.map(|d| d.to_string()),
                    state: code,
                    since,
                    portal_url: Some(c.url.clone()),
                    check: sup::ColumnCheck { name: format!("门户网站：{}", c.title), class: c.class, state },
                },
            ));
        }
    }
    Ok(out)
}

fn class_label(c: UpdateClass) -> &'static str {
    match c {
        UpdateClass::News => "动态、要闻类（2周）",
        UpdateClass::Notice => "通知公告、政策文件类（6个月）",
        UpdateClass::Other { .. } => "其他栏目（6个月）",
        UpdateClass::NoUpdate => "无需定期更新",
    }
}

/// The daily run of every registered site whose newest run is a day old or more.
pub async fn run_due(state: &AppState, today: NaiveDate) -> Result<()> {
    let runs = db::portal::latest_runs(&state.db).await?;
    let day_ago = (chrono::Utc::now() - chrono::Duration::hours(23)).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    for site in db::portal::sites(&state.db).await? {
        let due = runs.iter().find(|r| r.portal_site_id == site.portal_site_id).is_none_or(|r| r.started_at < day_ago);
        if due {
            run_site(&state.db, site.portal_site_id, &MonitorOptions::polite(today)).await?;
        }
    }
    Ok(())
}
