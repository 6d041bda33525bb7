//! `gongkai bench load`: an open-loop load generator for the mixed traffic of BENCHMARKS.md.
//!
//! Requests leave at a constant rate whatever the server does (a request is due at start + k/rate
//! and its latency is counted from then, so a slow answer cannot hold the next request back and
//! hide itself — the closed loop of wrk does). The public is many people: each simulated citizen
//! has its own loopback address (127.1.0.1 …, real addresses, no X-Forwarded-For) and connection,
//! so the server's rate limits stay on at their defaults and count each citizen. Every answer is
//! checked: its status, and a marker in its body. Mix: 30% search API, 30% item pages, 30% other
//! public pages, 9% applications submitted through the API, 1% the staff queue (with a session).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gongkai_domain::supervision::SplitMix64;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

const PAGES: [&str; 8] =
    ["/", "/catalog", "/reports", "/guide", "/units", "/livelihood", "/interaction", "/applications/new"];
const QUERIES: [&str; 8] = ["民生资金", "行政许可", "信息公开", "财政预算", "低保", "规划", "招标", "教育"];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Search,
    Item,
    Page,
    Submit,
    Staff,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Search => "search API",
            Kind::Item => "item page",
            Kind::Page => "other public page",
            Kind::Submit => "application submitted",
            Kind::Staff => "staff queue",
        }
    }
}

/// One request to make: what, where, and what a good answer looks like.
struct Planned {
    kind: Kind,
    method: hyper::Method,
    path: String,
    body: Option<String>,
    cookie: Option<String>,
    ok_status: &'static [u16],
    marker: &'static str,
}

fn plan(g: &mut SplitMix64, run: u64, n: u64, items: &[i64], staff_cookie: Option<&str>) -> Planned {
    let r = g.below(100);
    let page = |kind, path: String, marker| Planned {
        kind,
        method: hyper::Method::GET,
        path,
        body: None,
        cookie: None,
        ok_status: &[200],
        marker,
    };
    match r {
        0..=8 => Planned {
            kind: Kind::Submit,
            method: hyper::Method::POST,
            path: "/api/v1/applications".into(),
            body: Some(format!(
                r#"{{"applicant_kind":"natural_person","applicant_name":"负载测试","id_doc_kind":"resident_id_card","id_number":"11010519491231002X","phone":"13900000000","subject":"负载测试申请：某项目的审批文件","delivery_form":"electronic","delivery_method":"online","idempotency_key":"load-{run}-{n}"}}"#
            )),
            cookie: None,
            ok_status: &[201],
            marker: "tracking_code",
        },
        9 if staff_cookie.is_some() => Planned {
            cookie: staff_cookie.map(str::to_string),
            ..page(Kind::Staff, "/staff/applications".into(), "</html>")
        },
        9..=39 => {
            let q = QUERIES[g.below(QUERIES.len() as u64) as usize];
            let q = serde_urlencoded::to_string([("q", q)]).unwrap_or_default();
            page(Kind::Search, format!("/api/v1/search?{q}"), "\"total\"")
        }
        40..=69 if !items.is_empty() => {
            page(Kind::Item, format!("/items/{}", items[g.below(items.len() as u64) as usize]), "</html>")
        }
        _ => page(Kind::Page, PAGES[g.below(PAGES.len() as u64) as usize].into(), "</html>"),
    }
}

/// A citizen: an address of its own and, once it has made a request, a kept-alive connection.
struct Citizen {
    addr: IpAddr,
    conn: tokio::sync::Mutex<Option<SendRequest<Full<Bytes>>>>,
}

fn citizen_addr(i: u32) -> IpAddr {
    // 127.1.0.1 upwards: every address in 127.0.0.0/8 is this machine's on Linux.
    let n = i + 1;
    IpAddr::V4(Ipv4Addr::new(127, 1 + (n >> 16) as u8, (n >> 8) as u8, n as u8))
}

async fn connect(from: IpAddr, to: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    let stream = socket.connect(to).await?;
    stream.set_nodelay(true)?;
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

/// What came of one request: its kind, its latency from when it was due, and the failure if any.
struct Outcome {
    kind: Kind,
    latency: Duration,
    failure: Option<String>,
}

async fn perform(c: &Citizen, to: SocketAddr, host: &str, p: &Planned) -> Result<(), String> {
    let mut conn = c.conn.lock().await;
    for attempt in 0..2 {
        if conn.as_ref().is_none_or(|s| s.is_closed()) {
            *conn = Some(connect(c.addr, to).await.map_err(|e| format!("connect: {e}"))?);
        }
        let send = conn.as_mut().expect("connected");
        let mut req = hyper::Request::builder().method(p.method.clone()).uri(&p.path).header("host", host);
        if let Some(cookie) = &p.cookie {
            req = req.header("cookie", cookie);
        }
        if p.body.is_some() {
            req = req.header("content-type", "application/json");
        }
        let req = req
            .body(Full::new(Bytes::from(p.body.clone().unwrap_or_default())))
            .map_err(|e| format!("request: {e}"))?;
        let sent = match send.ready().await {
            Ok(()) => send.send_request(req).await,
            Err(e) => Err(e),
        };
        let res = match sent {
            Ok(res) => res,
            // A kept-alive connection the server closed meanwhile: once more on a new one.
            Err(e) if attempt == 0 && (e.is_canceled() || e.is_closed() || e.is_incomplete_message()) => {
                *conn = None;
                continue;
            }
            Err(e) => return Err(format!("send: {e}")),
        };
        let status = res.status().as_u16();
        let body = res.into_body().collect().await.map_err(|e| format!("body: {e}"))?.to_bytes();
        if !p.ok_status.contains(&status) {
            return Err(format!("status {status}"));
        }
        if !body.windows(p.marker.len()).any(|w| w == p.marker.as_bytes()) {
            return Err(format!("status {status} without «{}»", p.marker));
        }
        return Ok(());
    }
    Err("connection closed twice".into())
}

/// The published items' ids, walked through the open-data API (the item pages to ask for).
async fn item_ids(to: SocketAddr, host: &str) -> anyhow::Result<Vec<i64>> {
    let mut send = connect(citizen_addr(1_000_000), to).await?;
    let (mut ids, mut cursor) = (vec![], String::new());
    loop {
        let req = hyper::Request::get(format!("/api/v1/items?limit=500&cursor={cursor}"))
            .header("host", host)
            .body(Full::new(Bytes::new()))?;
        send.ready().await?;
        let res = send.send_request(req).await?;
        anyhow::ensure!(res.status() == 200, "GET /api/v1/items: {}", res.status());
        let body = res.into_body().collect().await?.to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body)?;
        ids.extend(v["items"].as_array().into_iter().flatten().filter_map(|i| i["item_id"].as_i64()));
        match v["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => return Ok(ids),
        }
    }
}

pub struct LoadArgs {
    pub url: String,
    pub rates: Vec<f64>,
    pub seconds: u64,
    pub citizens: u32,
    pub staff_cookie: Option<String>,
    pub p99_ms: f64,
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort();
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

/// One run at `rate` requests/s for `seconds`; prints its table and answers (p99 ms, failures).
async fn run_at(
    args: &LoadArgs,
    to: SocketAddr,
    host: &str,
    citizens: &Arc<Vec<Citizen>>,
    items: &Arc<Vec<i64>>,
    rate: f64,
) -> anyhow::Result<(f64, usize)> {
    let total = (rate * args.seconds as f64) as u64;
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let mut g = SplitMix64::new(rate as u64);
    // Each run's submissions are new applications (their idempotency keys never seen before).
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..total {
        let due = start + Duration::from_secs_f64(k as f64 / rate);
        tokio::time::sleep_until(due).await;
        let p = plan(&mut g, run, k, items, args.staff_cookie.as_deref());
        let who = g.below(citizens.len() as u64) as usize;
        let (citizens, outcomes, host) = (citizens.clone(), outcomes.clone(), host.to_string());
        tasks.spawn(async move {
            let result = perform(&citizens[who], to, &host, &p).await;
            let o = Outcome { kind: p.kind, latency: due.elapsed(), failure: result.err() };
            outcomes.lock().expect("outcomes").push(o);
        });
        while tasks.try_join_next().is_some() {}
    }
    let sent_in = start.elapsed();
    while tasks.join_next().await.is_some() {}
    let all_in = start.elapsed();
    let outcomes = std::mem::take(&mut *outcomes.lock().expect("outcomes"));
    let mut by_kind: BTreeMap<Kind, Vec<Duration>> = BTreeMap::new();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let mut all = Vec::with_capacity(outcomes.len());
    for o in &outcomes {
        by_kind.entry(o.kind).or_default().push(o.latency);
        all.push(o.latency);
        if let Some(f) = &o.failure {
            *failures.entry(format!("{}: {f}", o.kind.name())).or_default() += 1;
        }
    }
    let failed: usize = failures.values().sum();
    let p99 = pct(&mut all, 0.99);
    println!(
        "rate {rate:.0}/s for {} s: {} requests sent in {:.1} s, all answered in {:.1} s; p50 {:.1} ms, p90 {:.1} ms, p99 {p99:.1} ms, max {:.1} ms; {failed} failed",
        args.seconds,
        outcomes.len(),
        sent_in.as_secs_f64(),
        all_in.as_secs_f64(),
        pct(&mut all, 0.50),
        pct(&mut all, 0.90),
        pct(&mut all, 1.0),
    );
    for (kind, mut v) in by_kind {
        println!(
            "  {:<22} {:>7} requests  p50 {:>7.1} ms  p99 {:>7.1} ms",
            kind.name(),
            v.len(),
            pct(&mut v, 0.5),
            pct(&mut v, 0.99)
        );
    }
    for (f, n) in &failures {
        println!("  FAILED {n}× {f}");
    }
    Ok((p99, failed))
}

/// Run each rate in turn; report the highest at which p99 stayed within the bound with nothing failed.
pub async fn load(args: LoadArgs) -> anyhow::Result<()> {
    let rest = args.url.strip_prefix("http://").ok_or_else(|| anyhow::anyhow!("--url must be http://HOST:PORT"))?;
    let host = rest.trim_end_matches('/').to_string();
    let to: SocketAddr =
        tokio::net::lookup_host(&host).await?.next().ok_or_else(|| anyhow::anyhow!("{host}: no address"))?;
    let items = Arc::new(item_ids(to, &host).await?);
    let citizens: Arc<Vec<Citizen>> = Arc::new(
        (0..args.citizens).map(|i| Citizen { addr: citizen_addr(i), conn: tokio::sync::Mutex::new(None) }).collect(),
    );
    println!(
        "open-loop mixed load on {}: {} citizens (each its own address, rate limits on), {} published items, staff queue {}",
        args.url,
        args.citizens,
        items.len(),
        if args.staff_cookie.is_some() { "with a session" } else { "left out (no --staff-cookie)" }
    );
    let mut best = None;
    for &rate in &args.rates {
        let (p99, failed) = run_at(&args, to, &host, &citizens, &items, rate).await?;
        if p99 <= args.p99_ms && failed == 0 {
            best = Some(rate);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    match best {
        Some(rate) => {
            println!("highest rate with p99 ≤ {} ms and every answer right: {rate:.0} requests/s", args.p99_ms);
        }
        None => println!("no rate kept p99 ≤ {} ms with every answer right", args.p99_ms),
    }
    Ok(())
}
