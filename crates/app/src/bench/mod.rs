//! `gongkai bench …`: the speed figures of BENCHMARKS.md, each beside the bare library's figure
//! measured in the same run (this machine is shared and noisy: the ratio is what carries over).
//! Not a test: run it on a release build (`cargo run --release -p gongkai -- bench …`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use gongkai_domain::report;

use crate::config::Config;
use crate::db::{self, Db};
use crate::flows::{self, Actor};

mod corpus;
mod disclosure;
mod floor;
mod load;

#[derive(Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Render a unit's queue of N open applications (target: < 50 ms for 10,000)
    Queue {
        #[arg(long, default_value_t = 10_000)]
        open: usize,
    },
    /// Parse and validate published reports on one core (target: ≥ 1,000 files/s)
    Checker {
        /// Report files (default: the seed report in the repository)
        files: Vec<std::path::PathBuf>,
        #[arg(long, default_value_t = 3)]
        seconds: u64,
    },
    /// Compute the government-wide annual report over N applications and M disclosure records
    /// (target: < 1 s for 200,000 and 5,000,000)
    Report {
        #[arg(long, default_value_t = 200_000)]
        applications: usize,
        #[arg(long, default_value_t = 5_000_000)]
        items: usize,
    },
    /// Write a generated corpus of 主动公开 items (JSONL, the `gongkai import items` format)
    Corpus {
        #[arg(long, default_value_t = 100_000)]
        items: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(short = 'o', long)]
        out: std::path::PathBuf,
    },
    /// Import a corpus into a fresh data dir and build its index (target: ≥ 5,000 items/s)
    Import {
        corpus: std::path::PathBuf,
        #[arg(long)]
        data_dir: std::path::PathBuf,
        /// Skip the bare tantivy / SQLite figures
        #[arg(long)]
        no_bare: bool,
    },
    /// Search latency through the HTTP API of a server on DATA_DIR (target: p50 ≤ 5 ms, p99 ≤ 30 ms)
    Search {
        #[arg(long)]
        url: String,
        #[arg(long)]
        data_dir: std::path::PathBuf,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
    },
    /// Print the search benchmark's queries, one a line
    Queries,
    /// Open-loop mixed load at constant rates (each request's latency counted from when it was
    /// due); prints each rate's p50/p99 by kind and the highest rate with p99 within bound
    Load {
        #[arg(long)]
        url: String,
        /// Requests per second, one run each, in order (e.g. 400,800,1600)
        #[arg(long, value_delimiter = ',', default_value = "400,800,1200,1600,2000")]
        rates: Vec<f64>,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Simulated citizens, each with its own loopback address
        #[arg(long, default_value_t = 2000)]
        citizens: u32,
        /// A staff session cookie (`gk_session=…`) for the 1% staff requests
        #[arg(long)]
        staff_cookie: Option<String>,
        #[arg(long, default_value_t = 100.0)]
        p99_ms: f64,
    },
    /// The web framework alone: axum on the same runtime serving the files of DIR from memory,
    /// by path, with no middleware, no database, no session — the floor under any page Gongkai
    /// serves (reliability/bench-pages.sh runs wrk against it beside the real server and nginx)
    Static {
        #[arg(long)]
        listen: String,
        #[arg(long)]
        dir: std::path::PathBuf,
    },
    /// The libraries alone under an item page the cache does not hold: axum with no middleware
    /// answering /items/{id} by reading the item with the concrete SQLite driver (no `Any`) and
    /// rendering the same template with minijinja (reliability/bench-items.sh runs wrk against it
    /// beside the real server)
    ItemFloor {
        #[arg(long)]
        listen: String,
        #[arg(long)]
        data_dir: std::path::PathBuf,
    },
}

pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        BenchCommand::Queue { open } => queue(open).await?,
        BenchCommand::Checker { files, seconds } => checker(files, seconds)?,
        BenchCommand::Report { applications, items } => report_bench(applications, items).await?,
        BenchCommand::Corpus { items, seed, out } => corpus::corpus(items, seed, &out)?,
        BenchCommand::Import { corpus, data_dir, no_bare } => disclosure::import(&corpus, &data_dir, no_bare).await?,
        BenchCommand::Search { url, data_dir, rounds } => {
            tokio::task::spawn_blocking(move || disclosure::search(&url, &data_dir, rounds)).await??;
        }
        BenchCommand::Queries => disclosure::print_queries(),
        BenchCommand::Load { url, rates, seconds, citizens, staff_cookie, p99_ms } => {
            load::load(load::LoadArgs { url, rates, seconds, citizens, staff_cookie, p99_ms }).await?;
        }
        BenchCommand::Static { listen, dir } => floor::static_files(&listen, &dir).await?,
        BenchCommand::ItemFloor { listen, data_dir } => floor::item_floor(&listen, &data_dir).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn scratch_db() -> anyhow::Result<(tempdir::Dir, Db)> {
    let dir = tempdir::Dir::new()?;
    let config = Config { data_dir: dir.0.clone(), ..Config::default() };
    let db = crate::state::open_db(&config).await?;
    Ok((dir, db))
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> std::io::Result<Dir> {
            let p = std::env::temp_dir().join(format!(
                "gongkai-bench-{}-{}",
                std::process::id(),
                &crate::flows::auth::random_token()[..8]
            ));
            std::fs::create_dir_all(&p)?;
            Ok(Dir(p))
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Insert `n` applications for unit `unit_id` straight through SQL in one transaction (the data
/// generator), received over `year`, a share of them finished.
async fn generate(db: &Db, unit_id: i64, n: usize, year: i32, finished_share: f64) -> anyhow::Result<()> {
    use gongkai_domain::application::{Clock, Outcome, Status};
    let kinds = ["natural_person", "commercial", "research", "public_interest", "legal_service", "other_org"];
    let outcomes = [
        Outcome::Disclosed,
        Outcome::PartiallyDisclosed,
        Outcome::Unable(gongkai_domain::application::UnableReason::NotHeld),
    ];
    let mut tx = db.begin().await?;
    for i in 0..n {
        let received = chrono::NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i % 28) as u32).expect("date");
        let finished = (i as f64 / n as f64) < finished_share;
        let outcome = outcomes[i % 3];
        let status = if finished { Status::Answered { outcome } } else { Status::Received };
        let state =
            serde_json::to_string(&flows::application::StoredState { status, clock: Clock::received(received) })?;
        let finished_on = finished.then(|| (received + chrono::Duration::days(10)).to_string());
        sqlx::query(
            "INSERT INTO application (tracking_code, secret_hash, unit_id, channel, received_on, applicant_kind, applicant_name, id_doc_kind, id_number,
             phone, subject, delivery_form, delivery_method, status, outcome, finished_on, due_on, state_json, created_at, updated_at)
             VALUES ($1, 'x', $2, 'online', $3, $4, '测试', 'resident_id_card', '410482198501010011', '13900000000', '基准测试申请', 'electronic', 'online',
             $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(format!("BENCH-{i:08}"))
        .bind(unit_id)
        .bind(received.to_string())
        .bind(kinds[i % 6])
        .bind(if finished { "answered" } else { "received" })
        .bind(finished.then(|| outcome.code()))
        .bind(finished_on)
        .bind((received + chrono::Duration::days(28)).to_string())
        .bind(state)
        .bind(db::now_text())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn one_unit(db: &Db) -> anyhow::Result<i64> {
    let mut tx = db.begin().await?;
    let code = gongkai_domain::org::complete_credit_code("11410482000000001").expect("code");
    let id = db::org::insert_unit(
        &mut tx,
        &db::org::NewUnit {
            name: "基准测试单位".into(),
            kind: "department".into(),
            credit_code: code.as_str().into(),
            parent_id: None,
            sort_order: 0,
            address: String::new(),
            postcode: String::new(),
            phone: String::new(),
            email: String::new(),
            office_hours: String::new(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn queue(open: usize) -> anyhow::Result<()> {
    let (_dir, db) = scratch_db().await?;
    let unit = one_unit(&db).await?;
    generate(&db, unit, open, 2026, 0.0).await?;
    let state = crate::web::WebState::new(crate::state::AppState::new(db.clone(), Config::default()).await?);
    let ctx = crate::web::context::Ctx {
        user: Some(crate::web::context::CurrentUser {
            user_id: 1,
            username: "bench".into(),
            display_name: "bench".into(),
            role: gongkai_domain::org::Role::Clerk,
            unit_id: Some(unit),
            via_token: false,
        }),
        csrf: crate::web::context::Csrf::known("x".into()),
        ip: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        large_type: false,
        high_contrast: false,
    };
    // The bare library without sqlx's `Any` layer: a concrete SQLite pool on the same file,
    // the page's statement (every generated application has a due date), the same row type.
    let concrete = sqlx::SqlitePool::connect(&format!("sqlite://{}", _dir.0.join("gongkai.db").display())).await?;
    let sql = format!(
        "SELECT {} FROM application WHERE finished_on IS NULL AND unit_id = $1 AND due_on IS NOT NULL ORDER BY due_on, application_id LIMIT $2",
        db::application::QUEUE_COLUMNS
    );
    // And the counts the page heads with, as the same SQLite driver alone reads them (the
    // statement of `db::application::queue_counts`): the page shows them, so the bare page is the
    // rows plus the counts.
    let count_sql = db::application::queue_counts_sql(db::application::QueueScope::Unit(unit));
    let today = crate::state::today();
    let soon = (today + chrono::Duration::days(7)).to_string();
    let mut full = vec![];
    let mut bare = vec![];
    let mut sqlite = vec![];
    let mut sqlite_counts = vec![];
    let mut parts = vec![];
    for _ in 0..15 {
        let t = Instant::now();
        let rows: Vec<db::application::QueueRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(unit)
            .bind(crate::web::applications::QUEUE_PAGE)
            .fetch_all(&concrete)
            .await?;
        sqlite.push(t.elapsed());
        std::hint::black_box(rows);
        let t = Instant::now();
        let row: (i64, i64, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(count_sql.clone()))
            .bind(today.to_string())
            .bind(&soon)
            .fetch_one(&concrete)
            .await?;
        sqlite_counts.push(t.elapsed());
        assert_eq!(row.0, open as i64);
        // The page as the handler renders it: the most urgent page of the queue and the counts
        // of all of it. The bare figure: sqlx fetching the same page of rows.
        let page = crate::web::applications::QUEUE_PAGE;
        let t = Instant::now();
        let rows = db::application::queue(&db, db::application::QueueScope::Unit(unit), page).await?;
        bare.push(t.elapsed());
        assert_eq!(rows.len() as i64, page.min(open as i64));
        let t = Instant::now();
        let scope = db::application::QueueScope::Unit(unit);
        let lines = flows::application::queue(&state, scope, page).await?;
        let t_lines = t.elapsed();
        let counts = flows::application::counts(&state, scope, crate::state::today())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let t_counts = t.elapsed();
        let units = db::org::list_units(&db).await?;
        let html = crate::web::templates::render(&state, &ctx, "applications/queue.html", crate::page! { lines => lines, counts => counts, page_size => page, units => units, scope => None::<String> }).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        full.push(t.elapsed());
        parts.push((t_lines, t_counts - t_lines, t.elapsed() - t_counts));
        assert_eq!(counts.open, open as i64);
        assert!(html.0.contains(&open.to_string()));
    }
    let (f, b, c, cc) = (median(full), median(bare), median(sqlite), median(sqlite_counts));
    let part = |k: usize| median(parts.iter().map(|p: &(Duration, Duration, Duration)| [p.0, p.1, p.2][k]).collect());
    println!(
        "queue page of a unit with {open} open applications (the 200 most urgent, counts of all), rendered as HTML: median {:.2} ms; the same page of rows fetched by db::application::queue (through db::Direct, the back end's own driver) {:.2} ms, by the bench's own concrete SQLite pool {:.2} ms; ratio page / concrete fetch {:.1}×",
        ms(f),
        ms(b),
        ms(c),
        f.as_secs_f64() / c.as_secs_f64()
    );
    println!(
        "  of the page: the rows with each one's statutory clock {:.2} ms, the counts of all open {:.2} ms, the units and the template {:.2} ms",
        ms(part(0)),
        ms(part(1)),
        ms(part(2))
    );
    println!(
        "  the concrete SQLite driver reading the page's rows and its counts: {:.2} + {:.2} ms; ratio page / (rows + counts) {:.1}×",
        ms(c),
        ms(cc),
        f.as_secs_f64() / (c + cc).as_secs_f64()
    );
    concrete.close().await;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn checker(files: Vec<std::path::PathBuf>, seconds: u64) -> anyhow::Result<()> {
    let files = if files.is_empty() {
        vec![std::path::PathBuf::from("crates/domain/tests/fixtures/ruzhou-2020-annual-report.txt")]
    } else {
        files
    };
    let texts: Vec<String> = files
        .iter()
        .map(|f| crate::export::report_file_text(f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display())))
        .collect::<Result<_, _>>()?;
    let bytes: usize = texts.iter().map(String::len).sum();
    // Baseline: a pass over the same text that only counts lines and digits (the floor of any parser).
    let start = Instant::now();
    let mut n = 0u64;
    let mut sink = 0usize;
    while start.elapsed() < Duration::from_secs(seconds) {
        for t in &texts {
            sink += t.lines().filter(|l| l.chars().any(|c| c.is_ascii_digit())).count();
            n += 1;
        }
    }
    let floor = n as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut n = 0u64;
    let mut findings = 0usize;
    while start.elapsed() < Duration::from_secs(seconds) {
        for t in &texts {
            let parsed = report::parse(t).map_err(|e| anyhow::anyhow!("{e}"))?;
            findings += report::validate_read(&parsed).len();
            n += 1;
        }
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    println!(
        "checker: {rate:.0} files/s parsed and validated on one core ({} distinct files, {:.1} KB each on average); a bare line-scan of the same text: {floor:.0} files/s (ratio {:.1}×) [{findings} {sink}]",
        texts.len(),
        bytes as f64 / texts.len() as f64 / 1024.0,
        floor / rate
    );
    Ok(())
}

async fn report_bench(n: usize, items: usize) -> anyhow::Result<()> {
    let (_dir, db) = scratch_db().await?;
    let unit = one_unit(&db).await?;
    let t = Instant::now();
    generate(&db, unit, n, 2020, 0.97).await?;
    println!("generated {n} applications in {:.1} s", t.elapsed().as_secs_f64());
    // Disclosure records in one statement (a recursive CTE): 2014–2020, one in 400 a 规范性文件,
    // channels varied, all published.
    let t = Instant::now();
    sqlx::query(
        "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
         INSERT INTO item (unit_id, status, index_no, title, art20, genre, subject, mode, validity, validity_since, channels,
                           formed_on, written_on, due_on, published_on, created_by, created_at, updated_at)
         SELECT $2, 'published', NULL, '基准测试信息',
                CASE WHEN i % 400 = 0 THEN 'normative_document' WHEN i % 997 = 0 THEN 'rule' ELSE 'other' END,
                'notice', 'general', 'proactive', 'effective', '2014-01-01',
                CASE i % 3 WHEN 0 THEN 'website' WHEN 1 THEN 'website,weibo' ELSE 'website,wechat' END,
                d, d, d, d, 'bench', d, d
         FROM (SELECT i, printf('%04d-%02d-%02d', 2014 + i % 7, 1 + i % 12, 1 + i % 28) AS d FROM seq)",
    )
    .bind(items as i64)
    .bind(unit)
    .execute(&db.pool)
    .await?;
    println!("generated {items} disclosure records in {:.1} s", t.elapsed().as_secs_f64());
    let mut tx = db.begin().await?;
    db::org::put_setting(&mut tx, "gov_name", "汝州市").await?;
    tx.commit().await?;
    let _ = Actor::system("bench");
    let mut full = vec![];
    let mut bare = vec![];
    for _ in 0..5 {
        // The floor: SQLite alone counting the same rows (the year's applications, and the
        // year's items), no grouping, nothing returned to Rust.
        let t = Instant::now();
        let apps: i64 = sqlx::Row::try_get(
            &sqlx::query("SELECT COUNT(*) FROM application WHERE received_on <= '2020-12-31' AND (finished_on IS NULL OR finished_on >= '2020-01-01')").fetch_one(&db.pool).await?,
            0,
        )?;
        let _items: i64 = sqlx::Row::try_get(
            &sqlx::query("SELECT COUNT(*) FROM item WHERE status IN ('published', 'expired') AND published_on >= '2020-01-01' AND published_on <= '2020-12-31'").fetch_one(&db.pool).await?,
            0,
        )?;
        bare.push(t.elapsed());
        assert_eq!(apps as usize, n);
        let t = Instant::now();
        let r = flows::report::compute(&db, None, 2020).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        full.push(t.elapsed());
        assert_eq!(
            r.table3
                .value(gongkai_domain::format::Table3Row::NewThisYear, gongkai_domain::format::ApplicantColumn::Total),
            n as i64
        );
    }
    let (f, b) = (median(full), median(bare));
    println!(
        "government-wide report over {n} applications and {items} disclosure records: median {:.0} ms (SQLite alone counting the same rows: {:.0} ms; ratio {:.2}×)",
        ms(f),
        ms(b),
        f.as_secs_f64() / b.as_secs_f64()
    );
    Ok(())
}
