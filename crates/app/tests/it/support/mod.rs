//! Small helpers shared by the 民生监督, supervision, interaction and privacy tests (on top of
//! `common`, which other people own).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;

/// The id at the end of a redirect's Location (`/x/y/42` → 42), ignoring a query or fragment.
pub fn location_id(resp: &reqwest::Response) -> i64 {
    let loc = resp.headers().get("location").expect("a redirect").to_str().unwrap();
    let path = loc.split(['?', '#']).next().unwrap();
    path.rsplit('/').find_map(|s| s.parse().ok()).unwrap_or_else(|| panic!("no id in {loc}"))
}

/// The text after `start` up to `end`.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// A 乡镇/街道 unit, created through the admin page; returns its id.
pub async fn create_township(server: &Server, admin: &Staff, name: &str, n: usize) -> i64 {
    let cc = credit_code(n);
    let resp = admin
        .post_form(
            server,
            "/staff/units",
            &[("name", name), ("kind", "township"), ("credit_code", &cc), ("phone", "0375-6800000")],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303, "township {name} created");
    let units: serde_json::Value =
        admin.client.get(server.url("/api/v1/units")).send().await.unwrap().json().await.unwrap();
    units.as_array().unwrap().iter().find(|u| u["name"] == name).unwrap()["unit_id"].as_i64().unwrap()
}

/// An anonymous visitor with the CSRF cookie of a form page, and the token.
pub async fn visitor(server: &Server, form_page: &str) -> (reqwest::Client, String) {
    let c = client();
    let page = c.get(server.url(form_page)).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    (c, csrf)
}

/// A store with an admin and a server started with extra environment (e.g. GONGKAI_TODAY).
pub async fn setup_with(backend: Backend, env: &[(&str, &str)]) -> (Store, Server, Staff) {
    let store = Store::new(backend);
    let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&store, env);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    (store, server, admin)
}

/// The personal-data findings (ID numbers, mobiles, bank cards) of a text, as printable lines.
pub fn personal_data(text: &str) -> Vec<String> {
    use gongkai_domain::privacy::{FindingKind, scan};
    scan(text)
        .into_iter()
        .filter(|f| matches!(f.kind, FindingKind::IdNumber | FindingKind::Mobile | FindingKind::BankCard))
        .map(|f| {
            let lo = text.floor_char_boundary(f.start.saturating_sub(60));
            let hi = text.ceil_char_boundary((f.end + 60).min(text.len()));
            format!("{:?} “{}” in …{}…", f.kind, &text[f.start..f.end], text[lo..hi].replace('\n', " "))
        })
        .collect()
}

/// `gongkai serve --demo` on a fresh SQLite data directory, with its stderr kept; stopped and its
/// folder removed when dropped.
pub struct DemoServer {
    pub base: String,
    pub password: String,
    pub log: Arc<Mutex<Vec<String>>>,
    child: std::process::Child,
    _dir: tempdir::Dir,
}

/// A data directory kept after its server stopped; removed when dropped.
pub struct KeptDir(pub std::path::PathBuf);
impl Drop for KeptDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the demo with these extra environment variables (e.g. `GONGKAI_TODAY`).
pub fn start_demo(env: &[(&str, &str)]) -> DemoServer {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("gongkai-demo-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"]).arg(&dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .env("GONGKAI_LOG", "info")
        .env("NO_COLOR", "1")
        .env("GONGKAI_PUBLIC_SUBMISSIONS_PER_MINUTE", "100000")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn gongkai serve --demo");
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let keep = log.clone();
    std::thread::spawn(move || {
        let (mut password, mut sent) = (String::new(), false);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(p) = line.split("with password: ").nth(1) {
                password = p.trim().to_string();
            }
            if !sent && let Some(rest) = line.split("serving on http://").nth(1) {
                let addr: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == ':').collect();
                let _ = tx.send((addr, password.clone()));
                sent = true;
            }
            keep.lock().unwrap().push(line);
        }
    });
    let (addr, password) = rx.recv_timeout(Duration::from_secs(900)).expect("the demo server starts within 15 minutes");
    assert!(!password.is_empty(), "the demo prints the admin password");
    wait_ready(&addr);
    DemoServer { base: format!("http://{addr}"), password, log, child, _dir: tempdir::Dir(dir) }
}

impl DemoServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    /// Stop the server and keep its data directory (removed when the returned guard drops).
    pub fn stop_keeping_data(mut self) -> KeptDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        KeptDir(std::mem::take(&mut self._dir.0))
    }
    /// The demo's data directory (for the CLI beside the server).
    pub fn dir(&self) -> &std::path::Path {
        &self._dir.0
    }
}
