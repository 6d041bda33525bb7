//! The test harness: spawn the real `gongkai` binary on port 0 with a fresh database (SQLite in a
//! temporary directory, or a fresh PostgreSQL database when GONGKAI_TEST_DATABASE_URL is set),
//! and talk to it over real HTTP.

#![allow(dead_code)]

pub mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_gongkai");
pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const STAFF_PASSWORD: &str = "staff-password-123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A test (or part of one) that cannot run here because a tool or a folder is missing: it says
/// so and goes on — unless `GONGKAI_TEST_REQUIRE_ALL=1` (CI sets it), where a skip is a failure,
/// so that CI never passes on tests that did not run.
pub fn skip(reason: &str) {
    if std::env::var("GONGKAI_TEST_REQUIRE_ALL").as_deref() == Ok("1") {
        panic!("GONGKAI_TEST_REQUIRE_ALL=1, and this test would skip: {reason}");
    }
    eprintln!("SKIPPED: {reason}");
}

/// SQLite always; PostgreSQL too when its URL is given (CI sets it).
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if pg_admin_url().is_some() {
        v.push(Backend::Postgres);
    } else {
        skip("GONGKAI_TEST_DATABASE_URL is not set; the PostgreSQL variant of this test did not run");
    }
    v
}

pub fn pg_admin_url() -> Option<String> {
    std::env::var("GONGKAI_TEST_DATABASE_URL").ok().filter(|s| !s.is_empty())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{}", std::process::id(), n, nanos % 1_000_000)
}

/// A fresh place for data: a directory, and for PostgreSQL a new database in the cluster.
pub struct Store {
    pub backend: Backend,
    pub dir: PathBuf,
    pub database_url: Option<String>,
    pg_name: Option<String>,
}

impl Store {
    pub fn new(backend: Backend) -> Store {
        let dir = std::env::temp_dir().join(unique("gongkai-test"));
        std::fs::create_dir_all(&dir).unwrap();
        let (database_url, pg_name) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let admin = pg_admin_url().expect("postgres url");
                let name = unique("gk");
                psql(&admin, &format!("CREATE DATABASE {name}"));
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
                (Some(format!("{base}/{name}")), Some(name))
            }
        };
        Store { backend, dir, database_url, pg_name }
    }

    /// The `--data-dir` / `--database-url` arguments for the CLI.
    pub fn args(&self) -> Vec<String> {
        let mut a = vec!["--data-dir".to_string(), self.dir.display().to_string()];
        if let Some(u) = &self.database_url {
            a.push("--database-url".into());
            a.push(u.clone());
        }
        a
    }

    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(self.args());
        Command::new(BIN).args(&all).env("GONGKAI_LOG", "warn").output().expect("run gongkai")
    }

    /// A generated corpus of `items` legacy items (`gongkai bench corpus`, the import's JSONL) in
    /// this store's folder.
    pub fn corpus(&self, items: usize) -> std::path::PathBuf {
        let corpus = self.dir.join("corpus.jsonl");
        let o = Command::new(BIN)
            .args(["bench", "corpus", "--items", &items.to_string(), "-o", corpus.to_str().unwrap()])
            .output()
            .expect("run gongkai bench corpus");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        corpus
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let (Some(name), Some(admin)) = (&self.pg_name, pg_admin_url()) {
            psql(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Run one SQL statement against the cluster (creating and dropping test databases).
fn psql(admin_url: &str, sql: &str) {
    let out = Command::new("psql")
        .arg(admin_url)
        .arg("-v")
        .arg("ON_ERROR_STOP=1")
        .arg("-c")
        .arg(sql)
        .output()
        .expect("psql is installed with PostgreSQL");
    assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A running server.
pub struct Server {
    pub base: String,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Wait (up to 60 s) until the server at `addr` answers /readyz with 200: its search index has
/// caught up (until then a search answers 503, not "nothing").
pub fn wait_ready(addr: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let ready = std::net::TcpStream::connect(addr).ok().and_then(|mut c| {
            use std::io::{Read, Write};
            c.write_all(b"GET /readyz HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
            let mut head = [0u8; 12];
            c.read_exact(&mut head).ok()?;
            Some(head.ends_with(b"200"))
        });
        if ready == Some(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Server {
    /// Start `gongkai serve` on the store, with extra environment.
    pub fn start(store: &Store, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve").arg("--listen").arg("127.0.0.1:0").args(store.args());
        cmd.env("GONGKAI_LOG", "warn").env("GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE", "100000");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("spawn gongkai serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if !sent {
                    if let Some(rest) = line.split("serving on http://").nth(1) {
                        let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                        let _ = tx.send(Ok(addr));
                        sent = true;
                        continue;
                    }
                    if line.starts_with("gongkai:") {
                        let _ = tx.send(Err(line.clone()));
                        sent = true;
                    }
                }
                eprintln!("[server] {line}");
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => panic!("server failed to start: {e}"),
            Err(_) => panic!("server did not start within 120 s"),
        };
        wait_ready(&addr);
        Server { base: format!("http://{addr}"), child }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no graceful shutdown.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// The `_csrf` value in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let key = "_csrf";
    let i = html
        .find(&format!("name=\"{key}\" value=\""))
        .map(|i| i + key.len() + 15)
        .or_else(|| html.find("_csrf=").map(|i| i + 6))
        .expect("page has a CSRF token");
    html[i..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

/// A signed-in staff client and its CSRF token.
pub struct Staff {
    pub client: reqwest::Client,
    pub csrf: String,
}

pub async fn login(server: &Server, username: &str, password: &str) -> Staff {
    let client = client();
    let page = client.get(server.url("/staff/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let resp = client
        .post(server.url("/staff/login"))
        .form(&[("_csrf", csrf.as_str()), ("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303, "login of {username} should succeed");
    let me: serde_json::Value = client.get(server.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    Staff { client, csrf: me["csrf"].as_str().unwrap().to_string() }
}

impl Staff {
    pub async fn post_form(&self, server: &Server, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client.post(server.url(path)).form(&all).send().await.unwrap()
    }
    pub async fn get(&self, server: &Server, path: &str) -> reqwest::Response {
        self.client.get(server.url(path)).send().await.unwrap()
    }
}

/// A valid 统一社会信用代码 for test unit `n`.
pub fn credit_code(n: usize) -> String {
    gongkai_domain::org::complete_credit_code(&format!("114104829{:08}", 10_000_000 + n)[..17])
        .unwrap()
        .as_str()
        .to_string()
}

/// A valid 身份证号 for test applicant `n`.
pub fn id_number(n: usize) -> String {
    gongkai_domain::org::complete_id_number(&format!("41048219850101{:03}", n % 1000)).unwrap().as_str().to_string()
}

/// A store with an admin, and a started server; returns the admin's client too.
pub async fn setup(backend: Backend) -> (Store, Server, Staff) {
    let store = Store::new(backend);
    let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&store, &[]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    (store, server, admin)
}

/// Create a unit through the admin page; returns its id.
pub async fn create_unit(server: &Server, admin: &Staff, name: &str, n: usize) -> i64 {
    let cc = credit_code(n);
    let resp = admin
        .post_form(
            server,
            "/staff/units",
            &[("name", name), ("kind", "department"), ("credit_code", &cc), ("phone", "0375-6800000")],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303, "unit {name} created");
    let units: serde_json::Value =
        admin.client.get(server.url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
    units.as_array().unwrap().iter().find(|u| u["name"] == name).unwrap()["unit_id"].as_i64().unwrap()
}

/// Create a staff user through the admin page.
pub async fn create_user(server: &Server, admin: &Staff, username: &str, role: &str, unit_id: i64) {
    let unit = unit_id.to_string();
    let resp = admin
        .post_form(
            server,
            "/staff/users",
            &[
                ("username", username),
                ("display_name", username),
                ("password", STAFF_PASSWORD),
                ("role", role),
                ("unit_id", &unit),
            ],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303, "user {username} created");
}

/// A valid application as the JSON API takes it.
pub fn application_json(n: usize, key: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "applicant_kind": "natural_person",
        "applicant_name": format!("张测试{n}"),
        "id_doc_kind": "resident_id_card",
        "id_number": id_number(n),
        "phone": format!("139{:08}", 10_000_000 + n),
        "subject": format!("2025年度城乡居民最低生活保障资金发放情况 {n}"),
        "delivery_form": "electronic",
        "delivery_method": "online",
        "idempotency_key": key.unwrap_or(""),
    })
}

/// Is LibreOffice here? Tests that need it skip, saying so, where it is absent.
pub fn libreoffice() -> Option<&'static str> {
    ["libreoffice", "soffice"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Convert an office file to PDF with LibreOffice; true if it produced a non-empty PDF.
pub fn converts_to_pdf(bin: &str, file: &std::path::Path) -> bool {
    let outdir = file.parent().unwrap().join("pdf");
    std::fs::create_dir_all(&outdir).unwrap();
    let profile = file.parent().unwrap().join("lo-profile");
    let status = Command::new(bin)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&outdir)
        .arg(file)
        .output()
        .unwrap();
    let pdf = outdir.join(file.file_stem().unwrap()).with_extension("pdf");
    status.status.success() && std::fs::metadata(&pdf).is_ok_and(|m| m.len() > 500)
}
