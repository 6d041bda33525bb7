//! Reliability, short form (CI): the server is killed with SIGKILL at random moments while the
//! public submits applications and 民生 complaints and staff publish items; after each restart
//! every acknowledged submission and publication is there exactly once, and the audit trail and
//! change feed agree with the data.
//! The long form: `reliability/crash-loop.sh` (more kills, longer load).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::common::*;
use crate::support::between;

/// Who got a 2xx answer for what, across all rounds.
#[derive(Default)]
struct Acked {
    applications: Vec<String>,
    /// (查询码, 查询密码) of complaints answered 201.
    complaints: Vec<(String, String)>,
    /// Items whose approval (publication) was answered 303.
    items: Vec<i64>,
}

/// Staff publishing: draft, submit, approve, until `stop`; every step tolerates the server dying
/// under it.
async fn publish_until(
    staff: (reqwest::Client, String),
    base: String,
    unit: i64,
    round: usize,
    acked: Arc<Mutex<Acked>>,
    stop: Arc<AtomicBool>,
) {
    // The session was opened before the first round: sessions live in the database, so a
    // restarted server still knows it.
    let (c, csrf) = staff;
    let unit = unit.to_string();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let title = format!("崩溃测试第{round}轮第{i}号通知");
        let form = [
            ("_csrf", csrf.as_str()),
            ("unit_id", unit.as_str()),
            ("title", title.as_str()),
            ("body", "<p>关于做好有关工作的通知正文。</p>"),
            ("formed_on", "2026-05-29"),
            ("genre", "notice"),
            ("subject", "general_affairs"),
            ("ch_website", "1"),
        ];
        let Ok(r) = c.post(format!("{base}/staff/items")).form(&form).send().await else { return };
        let Some(id) = r
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.rsplit('/').next()?.parse::<i64>().ok())
        else {
            return;
        };
        let step =
            |what: &str| c.post(format!("{base}/staff/items/{id}/{what}")).form(&[("_csrf", csrf.as_str())]).send();
        if !step("submit").await.is_ok_and(|r| r.status().as_u16() == 303) {
            return;
        }
        if step("approve").await.is_ok_and(|r| r.status().as_u16() == 303) {
            acked.lock().unwrap().items.push(id);
        }
        let _ = c.get(format!("{base}/staff/applications")).send().await;
    }
}

/// A citizen filing 民生 complaints (the public form, with its CSRF token) until `stop`.
async fn complain_until(base: String, round: usize, acked: Arc<Mutex<Acked>>, stop: Arc<AtomicBool>) {
    let c = client();
    let Ok(page) = c.get(format!("{base}/livelihood/complaints/new")).send().await else { return };
    let Ok(page) = page.text().await else { return };
    let csrf = csrf_in(&page);
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let title = format!("第{round}轮第{i}件：高龄津贴未按时发放");
        let form = [
            ("_csrf", csrf.as_str()),
            ("anonymous", "1"),
            ("subject_kind", "fund"),
            ("title", title.as_str()),
            ("content", "本村高龄津贴九月份至今没有发到老人手里，请核查。"),
        ];
        let Ok(r) = c.post(format!("{base}/livelihood/complaints")).form(&form).send().await else { return };
        if r.status().as_u16() != 201 {
            continue;
        }
        let Ok(page) = r.text().await else { return };
        if let (Some(code), Some(secret)) =
            (between(&page, "查询码：<strong>", "</strong>"), between(&page, "查询密码：<strong>", "</strong>"))
        {
            acked.lock().unwrap().complaints.push((code.to_string(), secret.to_string()));
        }
    }
}

/// Rows of the audit CSV with this action: their object ids.
fn audit_ids(csv: &str, action: &str) -> Vec<String> {
    let quoted = format!("\"{action}\"");
    csv.lines()
        .filter(|l| l.contains(&quoted))
        .map(|l| {
            // audit_id,created_at,username,unit_id,ip,action,object_type,object_id,…: all quoted.
            let cells: Vec<&str> = l.splitn(9, "\",\"").collect();
            cells[7].to_string()
        })
        .collect()
}

fn kills() -> usize {
    std::env::var("GONGKAI_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

async fn crash_loop(backend: Backend) {
    let store = Store::new(backend);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let (unit, staff) = {
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        (create_unit(&server, &admin, "汝州市档案馆", 7).await, (admin.client, admin.csrf))
    };
    let acked: Arc<Mutex<Acked>> = Arc::default();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let n = kills();
    for round in 0..n {
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
        let base = server.base.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let mut workers = vec![];
        for w in 0..4 {
            let base = base.clone();
            let acked = acked.clone();
            let stop = stop.clone();
            workers.push(tokio::spawn(async move {
                let c = client();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let key = format!("r{round}-w{w}-{i}");
                    let body = application_json(round * 10_000 + w * 1000 + i, Some(&key));
                    match c.post(format!("{base}/api/v1/applications")).json(&body).send().await {
                        Ok(r) if r.status().is_success() => {
                            if let Ok(v) = r.json::<serde_json::Value>().await {
                                let code = v["tracking_code"].as_str().unwrap_or_default().to_string();
                                acked.lock().unwrap().applications.push(code);
                            }
                        }
                        _ => {}
                    }
                }
            }));
        }
        workers.push(tokio::spawn(complain_until(base.clone(), round, acked.clone(), stop.clone())));
        // Staff work at the same time: publishing items (draft → submit → approve), reading the queue.
        workers.push(tokio::spawn(publish_until(
            staff.clone(),
            base.clone(),
            unit,
            round,
            acked.clone(),
            stop.clone(),
        )));
        let wait = 150 + rand() % 600;
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        server.kill(); // SIGKILL mid-load
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            let _ = w.await;
        }
    }
    // After the last crash: restart and check.
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    let audit = admin.get(&server, "/staff/audit.csv?limit=10000000").await.text().await.unwrap();
    let feed = admin.get(&server, "/api/v1/feed?limit=1000000").await;
    assert_eq!(feed.status().as_u16(), 200);
    let feed: Vec<serde_json::Value> = feed.json().await.unwrap();
    let feed_ids = |kind: &str| -> Vec<String> {
        feed.iter().filter(|f| f["kind"] == kind).map(|f| f["object_id"].as_str().unwrap().to_string()).collect()
    };

    // Applications: every acknowledged one stored once; one audit record and one feed entry each.
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let stored: Vec<String> =
        queue.as_array().unwrap().iter().map(|l| l["tracking_code"].as_str().unwrap().to_string()).collect();
    let stored_set: HashSet<&String> = stored.iter().collect();
    assert_eq!(stored.len(), stored_set.len(), "no application stored twice");
    assert!(!acked.applications.is_empty());
    for code in &acked.applications {
        assert!(stored_set.contains(code), "{backend:?}: acknowledged {code} lost after {n} kills");
    }
    assert_eq!(audit_ids(&audit, "application.submit").len(), stored.len(), "{backend:?}: one audit record each");
    assert_eq!(feed_ids("application.received").len(), stored.len(), "{backend:?}: one feed entry each");

    // Complaints: every acknowledged one tracks with its code and secret; audit records, feed entries
    // and stored complaints are the same set, once each.
    let submits = audit_ids(&audit, "complaint.submit");
    let mut received = feed_ids("complaint.received");
    let mut sorted = submits.clone();
    sorted.sort();
    received.sort();
    assert_eq!(sorted, received, "{backend:?}: one feed entry per complaint audit record");
    assert_eq!(sorted.iter().collect::<HashSet<_>>().len(), sorted.len(), "{backend:?}: no complaint twice");
    for id in &submits {
        let r = admin.get(&server, &format!("/staff/livelihood/complaints/{id}")).await;
        assert_eq!(r.status().as_u16(), 200, "{backend:?}: audited complaint {id} is stored");
    }
    assert!(!acked.complaints.is_empty(), "{backend:?}: some complaints were acknowledged");
    let submit_lines: Vec<&str> = audit.lines().filter(|l| l.contains("\"complaint.submit\"")).collect();
    for (i, (code, secret)) in acked.complaints.iter().enumerate() {
        let quoted = format!("\"\"tracking_code\"\":\"\"{code}\"\"");
        let n = submit_lines.iter().filter(|l| l.contains(&quoted)).count();
        assert_eq!(n, 1, "{backend:?}: acknowledged complaint {code} stored (and audited) exactly once");
        // The public side too, for the first few (tracking is rate-limited per address).
        if i < 20 {
            let r = client()
                .get(server.url(&format!("/livelihood/complaints/track?code={code}&secret={secret}")))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let page = r.text().await.unwrap();
            assert!(status == 200 && page.contains(code.as_str()), "{backend:?}: complaint {code} tracks: {status}");
        }
    }

    // Publications: every acknowledged one is public; each approval audited once, and every
    // published item has one 索引号 no other item has.
    let approvals = audit_ids(&audit, "item.approve");
    assert_eq!(approvals.iter().collect::<HashSet<_>>().len(), approvals.len(), "{backend:?}: approved once each");
    assert!(!acked.items.is_empty(), "{backend:?}: some publications were acknowledged");
    for id in &acked.items {
        assert!(approvals.contains(&id.to_string()), "{backend:?}: acknowledged publication {id} audited");
    }
    let mut index_nos: HashMap<String, String> = HashMap::new();
    for id in &approvals {
        let r = client().get(server.url(&format!("/items/{id}"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{backend:?}: approved item {id} is public");
        let page = r.text().await.unwrap();
        let no = between(&page, "<th scope=\"row\">索引号</th><td>", "</td>").unwrap_or_default().to_string();
        assert!(no.len() > 20, "{backend:?}: item {id} shows its 索引号: {no}");
        if let Some(other) = index_nos.insert(no.clone(), id.clone()) {
            panic!("{backend:?}: items {other} and {id} share the 索引号 {no}");
        }
    }
    let item_feed: HashSet<String> = feed_ids("item.changed").into_iter().collect();
    assert!(approvals.iter().all(|id| item_feed.contains(id)), "{backend:?}: every publication in the feed");
    eprintln!(
        "{backend:?}: {n} SIGKILLs survived; acknowledged/stored: {}/{} applications, {}/{} complaints, {}/{} \
         publications; none lost, none duplicated",
        acked.applications.len(),
        stored.len(),
        acked.complaints.len(),
        submits.len(),
        acked.items.len(),
        approvals.len(),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_acknowledged_is_lost_across_sigkills_on_sqlite() {
    crash_loop(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_acknowledged_is_lost_across_sigkills_on_postgres() {
    if pg_admin_url().is_none() {
        skip("GONGKAI_TEST_DATABASE_URL not set; the PostgreSQL crash test needs it");
        return;
    }
    crash_loop(Backend::Postgres).await;
}
