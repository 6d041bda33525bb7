//! `gongkai bench corpus|import|search`: the 主动公开 and search figures of BENCHMARKS.md.
//! The corpus is generated (deterministic by seed) from real government phrasing; each figure is
//! printed beside the bare library's (tantivy + jieba alone, sqlx + SQLite alone) measured in the
//! same run, and the ratio. `reliability/bench-disclosure.sh` runs the whole chain.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument, Term};
use tantivy_jieba::JiebaTokenizer;

use crate::config::Config;

use super::corpus::queries;

fn jieba_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::new()).filter(LowerCaser).build()
}

fn strip_p(body: &str) -> String {
    body.replace("</p><p>", "\n").replace("<p>", "").replace("</p>", "")
}

/// The corpus's lines as JSON values, read as a stream (a million items do not fit in memory twice).
fn corpus_lines(corpus: &Path) -> anyhow::Result<impl Iterator<Item = anyhow::Result<serde_json::Value>>> {
    let f = std::fs::File::open(corpus).map_err(|e| anyhow::anyhow!("{}: {e}", corpus.display()))?;
    Ok(BufReader::with_capacity(1 << 20, f)
        .lines()
        .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .map(|l| Ok(serde_json::from_str(&l?)?)))
}

/// A memory figure of this process from /proc/self/status (MB): `VmHWM` (peak resident, which
/// counts the index files' pages mapped while tantivy merges) or `RssAnon` (its own memory now).
fn status_mb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}

/// CPU seconds the process has used so far, every thread, user and system (`/proc/self/stat`
/// fields 14 and 15, in clock ticks of 1/100 s — Linux's USER_HZ).
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0)).collect();
    // After ')' come field 3 (state) onwards: utime is field 14, stime 15 → indexes 11 and 12.
    (f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)) as f64 / 100.0
}

fn peak_rss_mb() -> Option<u64> {
    status_mb("VmHWM:")
}

/// The bare libraries on the corpus: (tantivy + jieba with one indexing thread, with one a core,
/// sqlx + SQLite), each (seconds, CPU seconds).
type Bare = ((f64, f64), (f64, f64), (f64, f64));

/// `gongkai import items` (in-process, the same function: streamed, indexing as it goes) into a
/// fresh data dir; beside it tantivy + jieba alone and sqlx + SQLite alone on the same texts.
/// The bare libraries run first: the import lowers the priority of the process's threads but
/// the index writer's for good (`search::priority`), and the bare runs must not share that.
pub async fn import(corpus: &Path, data_dir: &Path, skip_bare: bool) -> anyhow::Result<()> {
    if data_dir.join("gongkai.db").exists() {
        anyhow::bail!("{} already holds a database: give a fresh --data-dir", data_dir.display());
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bare = if skip_bare { None } else { Some(bare_libraries(corpus, data_dir, cores).await?) };
    // The peak resident size from here on is the import's (Linux: "5" resets VmHWM).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let input = std::fs::File::open(corpus).map_err(|e| anyhow::anyhow!("{}: {e}", corpus.display()))?;
    let size = input.metadata()?.len();
    let config = Config { data_dir: data_dir.to_path_buf(), ..Config::default() };
    let db = crate::state::open_db(&config).await?;
    let index = crate::search::open(data_dir)?;
    anyhow::ensure!(index.claim_writer()?, "the search index of {} is in use", data_dir.display());
    let t = Instant::now();
    let cpu0 = cpu_s();
    let mut last_report = Instant::now();
    let mut peak_anon = 0;
    let report = crate::flows::disclosure::import_items(
        &db,
        Some(index.clone()),
        BufReader::with_capacity(1 << 20, input),
        size,
        corpus.parent().unwrap_or(Path::new(".")),
        &mut |done, total| {
            peak_anon = peak_anon.max(status_mb("RssAnon:").unwrap_or(0));
            if last_report.elapsed() > Duration::from_secs(30) {
                last_report = Instant::now();
                eprintln!(
                    "  … {:.0}% of the file after {:.0} s; own memory (RssAnon) now {} MB, peak resident (VmHWM) {} MB",
                    done as f64 * 100.0 / total.max(1) as f64,
                    t.elapsed().as_secs_f64(),
                    status_mb("RssAnon:").unwrap_or(0),
                    peak_rss_mb().unwrap_or(0)
                );
            }
        },
    )
    .await?;
    index.close_writer();
    let import_s = t.elapsed().as_secs_f64();
    let import_cpu = cpu_s() - cpu0;
    let n = report.imported;
    anyhow::ensure!(report.bad.is_empty(), "bad lines: {:?}", &report.bad[..report.bad.len().min(5)]);
    let indexed = index.doc_count()?;
    anyhow::ensure!(indexed as usize == n, "indexed {indexed} of {n}");
    db.pool.close().await;
    println!(
        "import of {n} items: {:.0} items/s including indexing ({import_s:.1} s, streamed: SQLite and the index written together); own memory (RssAnon, after each batch) at most {peak_anon} MB; peak resident (VmHWM, with the index files mapped by merges) {} MB",
        n as f64 / import_s,
        peak_rss_mb().unwrap_or(0)
    );
    println!(
        "  CPU: {import_cpu:.1} s on {cores} cores ({:.2} ms an item; the cores {:.0}% busy)",
        import_cpu * 1000.0 / n.max(1) as f64,
        import_cpu * 100.0 / (import_s * cores as f64)
    );
    if let Some(took) = report.indexes_built_after {
        println!("  of which the item table's indexes, built after its rows: {:.1} s", took.as_secs_f64());
    }
    let Some(((tantivy_s, tantivy_cpu), (all_s, _), (sqlite_s, sqlite_cpu))) = bare else { return Ok(()) };
    println!(
        "  bare: tantivy + jieba alone {:.0} items/s ({tantivy_s:.1} s); sqlx + SQLite insert alone {:.0} items/s ({sqlite_s:.1} s)",
        n as f64 / tantivy_s,
        n as f64 / sqlite_s
    );
    println!(
        "  ratio: the import runs at {:.2}× bare tantivy + jieba's indexing rate (goal ≥ 0.8×)",
        tantivy_s / import_s
    );
    println!(
        "  bare tantivy + jieba with {cores} indexing threads: {:.0} items/s ({all_s:.1} s); the import at {:.2}× that",
        n as f64 / all_s,
        all_s / import_s
    );
    let per = |cpu: f64| cpu * 1000.0 / n.max(1) as f64;
    println!(
        "  CPU an item: the import {:.2} ms; bare tantivy + jieba {:.2} ms, bare SQLite insert {:.2} ms (both {:.2} ms); the rest (the law's checks, the feed, the audit, the pipeline) {:.2} ms",
        per(import_cpu),
        per(tantivy_cpu),
        per(sqlite_cpu),
        per(tantivy_cpu + sqlite_cpu),
        per(import_cpu - tantivy_cpu - sqlite_cpu)
    );
    Ok(())
}

/// The bare libraries' runs of `import`, each on the whole corpus.
async fn bare_libraries(corpus: &Path, data_dir: &Path, cores: usize) -> anyhow::Result<Bare> {
    // Bare tantivy + jieba: the same title and body, the same writer settings (1 thread, 50 MB).
    let (tantivy_s, tantivy_cpu) = bare_tantivy(corpus, &data_dir.join("bare-tantivy"), 1)?;
    // And as many indexing threads as cores (tantivy's default), the same 50 MB in all: what the
    // bare library does when it, too, segments on every core.
    let (all_s, all_cpu) = bare_tantivy(corpus, &data_dir.join("bare-tantivy-all"), cores)?;
    // Bare sqlx + SQLite: the same rows into one plain table, 1,000 per transaction (like the import).
    let bare_dir = data_dir.join("bare-sqlite");
    std::fs::create_dir_all(&bare_dir)?;
    let bconfig = Config { data_dir: bare_dir.clone(), ..Config::default() };
    let bdb = crate::db::Db::connect(&bconfig.database_url()).await?;
    sqlx::query("CREATE TABLE bare_item (id INTEGER PRIMARY KEY, index_no TEXT NOT NULL UNIQUE, title TEXT, publisher TEXT, category TEXT, doc_no TEXT, published TEXT, body TEXT)")
        .execute(&bdb.pool)
        .await?;
    let t = Instant::now();
    let cpu0 = cpu_s();
    let mut lines = corpus_lines(corpus)?.peekable();
    while lines.peek().is_some() {
        let mut tx = bdb.begin().await?;
        for l in lines.by_ref().take(1000) {
            let l = l?;
            let s = |k: &str| l[k].as_str().unwrap_or("").to_string();
            sqlx::query("INSERT INTO bare_item (index_no, title, publisher, category, doc_no, published, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(s("index_no"))
                .bind(s("title"))
                .bind(s("publisher"))
                .bind(s("category"))
                .bind(s("doc_no"))
                .bind(s("published"))
                .bind(s("body"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    let sqlite = (t.elapsed().as_secs_f64(), cpu_s() - cpu0);
    bdb.pool.close().await;
    let _ = std::fs::remove_dir_all(&bare_dir);
    Ok(((tantivy_s, tantivy_cpu), (all_s, all_cpu), sqlite))
}

/// Bare tantivy + jieba indexing the corpus's titles and bodies into `dir` with `threads`
/// indexing threads sharing 50 MB, to the end of its merges: (seconds, CPU seconds).
fn bare_tantivy(corpus: &Path, dir: &Path, threads: usize) -> anyhow::Result<(f64, f64)> {
    std::fs::create_dir_all(dir)?;
    let mut b = Schema::builder();
    let opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("jieba")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let title = b.add_text_field("title", opts.clone());
    let body = b.add_text_field("body", opts);
    let id = b.add_u64_field("id", STORED | tantivy::schema::INDEXED);
    let bidx = Index::create_in_dir(dir, b.build())?;
    bidx.tokenizers().register("jieba", jieba_analyzer());
    let t = Instant::now();
    let cpu0 = cpu_s();
    let mut w: tantivy::IndexWriter = bidx.writer_with_num_threads(threads, 50_000_000)?;
    for (i, l) in corpus_lines(corpus)?.enumerate() {
        let l = l?;
        let mut d = TantivyDocument::default();
        d.add_u64(id, i as u64);
        d.add_text(title, l["title"].as_str().unwrap_or(""));
        d.add_text(body, strip_p(l["body"].as_str().unwrap_or("")));
        w.add_document(d)?;
    }
    w.commit()?;
    w.wait_merging_threads()?;
    let out = (t.elapsed().as_secs_f64(), cpu_s() - cpu0);
    let _ = std::fs::remove_dir_all(dir);
    Ok(out)
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

/// A keep-alive HTTP/1.1 GET client (Content-Length bodies), one connection.
struct Client {
    addr: String,
    r: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: &str) -> anyhow::Result<Client> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        Ok(Client { addr: addr.to_string(), r: BufReader::new(s) })
    }
    fn get(&mut self, path: &str, forwarded_for: &str) -> anyhow::Result<(u16, Vec<u8>)> {
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nX-Forwarded-For: {forwarded_for}\r\nAccept: application/json\r\n\r\n",
            self.addr
        );
        self.r.get_mut().write_all(req.as_bytes())?;
        let mut line = String::new();
        self.r.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("bad status line {line:?}"))?;
        let mut len = None;
        loop {
            line.clear();
            self.r.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse::<usize>().ok();
            }
        }
        let len = len.ok_or_else(|| anyhow::anyhow!("no Content-Length"))?;
        let mut body = vec![0; len];
        self.r.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// The bare tantivy query: every jieba word of the query must occur in the title or the body;
/// top 10 by BM25 with the count, the 10 stored documents read.
fn bare_query(index: &Index, q: &str) -> Box<dyn Query> {
    let schema = index.schema();
    let (title, body) = (schema.get_field("title").expect("title"), schema.get_field("body").expect("body"));
    let mut tok = JiebaTokenizer::new();
    let mut stream = tok.token_stream(q);
    let mut musts: Vec<(Occur, Box<dyn Query>)> = vec![];
    while stream.advance() {
        let w = stream.token().text.trim().to_lowercase();
        if !w.chars().any(char::is_alphanumeric) {
            continue;
        }
        let either: Vec<(Occur, Box<dyn Query>)> = [title, body]
            .into_iter()
            .map(|f| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(Term::from_field_text(f, &w), IndexRecordOption::WithFreqs))
                        as Box<dyn Query>,
                )
            })
            .collect();
        musts.push((Occur::Must, Box::new(BooleanQuery::new(either))));
    }
    Box::new(BooleanQuery::new(musts))
}

/// Search latency: through the HTTP API of a running server (`url`), in-process through
/// Gongkai's search module, and bare tantivy, over the same index and queries.
pub fn search(url: &str, data_dir: &Path, rounds: usize) -> anyhow::Result<()> {
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let qs = queries();
    // HTTP, one client on loopback; each request from its own address (behind the proxy) so the
    // per-address limit of the search API (600/min) does not bite.
    let mut client = Client::connect(&addr)?;
    let mut http = vec![];
    let mut zero = 0;
    let mut k = 0u32;
    for round in 0..=rounds {
        for q in &qs {
            k += 1;
            let ip = format!("10.{}.{}.{}", (k >> 16) & 255, (k >> 8) & 255, k & 255);
            let t = Instant::now();
            let (status, body) = client.get(&format!("/api/v1/search?q={}", crate::web::percent_encode(q)), &ip)?;
            let d = t.elapsed();
            anyhow::ensure!(status == 200, "{q}: HTTP {status}: {}", String::from_utf8_lossy(&body));
            if round == 0 {
                let v: serde_json::Value = serde_json::from_slice(&body)?;
                if v["total"].as_u64() == Some(0) {
                    zero += 1;
                }
            } else {
                http.push(d);
            }
        }
    }
    // In-process, Gongkai's search module (query building, snippets) without HTTP.
    let module = crate::search::open(data_dir)?;
    let mut inproc = vec![];
    let mut per_query: Vec<(Duration, usize, &str)> = vec![(Duration::ZERO, 0, ""); qs.len()];
    for round in 0..=rounds {
        for (i, q) in qs.iter().enumerate() {
            let t = Instant::now();
            let r = module.search(&crate::search::SearchQuery { q: q.to_string(), ..Default::default() })?;
            if round > 0 {
                inproc.push(t.elapsed());
                per_query[i] = (per_query[i].0 + t.elapsed(), r.total, q);
            }
            std::hint::black_box(r);
        }
    }
    per_query.sort_by_key(|q| std::cmp::Reverse(q.0));
    let slowest: Vec<String> = per_query
        .iter()
        .take(5)
        .map(|(d, n, q)| format!("{q} {:.2} ms ({n} matches)", d.as_secs_f64() * 1000.0 / rounds.max(1) as f64))
        .collect();
    println!("  in-process, the slowest queries (mean): {}", slowest.join("; "));
    // Bare tantivy over the same index files.
    let index = Index::open_in_dir(data_dir.join("search-index"))?;
    index.tokenizers().register("jieba", jieba_analyzer());
    let reader = index.reader()?;
    let mut bare = vec![];
    for round in 0..=rounds {
        for q in &qs {
            let t = Instant::now();
            let searcher = reader.searcher();
            let query = bare_query(&index, q);
            let (count, top) = searcher.search(&query, &(Count, TopDocs::with_limit(10).order_by_score()))?;
            for (_, a) in &top {
                let d: TantivyDocument = searcher.doc(*a)?;
                std::hint::black_box(d);
            }
            if round > 0 {
                bare.push(t.elapsed());
            }
            std::hint::black_box(count);
        }
    }
    // Bare tantivy running Gongkai's own query (sub-word alternatives, exact numbers): what the
    // query costs the library, without the module's snippets and result building.
    let mut same = vec![];
    for round in 0..=rounds {
        for q in &qs {
            let t = Instant::now();
            let searcher = reader.searcher();
            let query = module.query_of(q);
            let (count, top) = searcher.search(&query, &(Count, TopDocs::with_limit(10).order_by_score()))?;
            for (_, a) in &top {
                let d: TantivyDocument = searcher.doc(*a)?;
                std::hint::black_box(d);
            }
            if round > 0 {
                same.push(t.elapsed());
            }
            std::hint::black_box(count);
        }
    }
    let (s50, s99) = (pct(&mut same, 0.5), pct(&mut same, 0.99));
    let n = qs.len();
    let (h50, h99) = (pct(&mut http, 0.5), pct(&mut http, 0.99));
    let (i50, i99) = (pct(&mut inproc, 0.5), pct(&mut inproc, 0.99));
    let (b50, b99) = (pct(&mut bare, 0.5), pct(&mut bare, 0.99));
    println!(
        "search, {n} queries × {rounds} rounds ({zero} of them without hits), {} documents:",
        reader.searcher().num_docs()
    );
    println!("  HTTP API (GET /api/v1/search, loopback, keep-alive): p50 {h50:.2} ms, p99 {h99:.2} ms");
    println!("  in-process search module (no HTTP): p50 {i50:.2} ms, p99 {i99:.2} ms");
    println!("  bare tantivy + jieba (AND of the words, top 10, count): p50 {b50:.2} ms, p99 {b99:.2} ms");
    println!(
        "  bare tantivy running Gongkai's query (the same top 10 and count, no snippets): p50 {s50:.2} ms, p99 {s99:.2} ms"
    );
    println!("  ratio HTTP / bare tantivy: p50 {:.1}×, p99 {:.1}×", h50 / b50, h99 / b99);
    println!("  ratio HTTP / bare tantivy running the same query: p50 {:.1}×, p99 {:.1}×", h50 / s50, h99 / s99);
    Ok(())
}

/// Print the benchmark queries (for the FTS5 comparison script).
pub fn print_queries() {
    for q in queries() {
        println!("{q}");
    }
}
