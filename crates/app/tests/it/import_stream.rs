//! Issue 19 §3: the legacy import streams and is resumable. Killed (SIGKILL) after its first
//! batches are stored, and run again on the same file, it continues: every line is stored once,
//! the second run says how many were there already, and search finds each item once (the index,
//! written as the first run went or not at all, catches up from the change feed).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

const ITEMS: usize = 6000;

/// One number from the database; 0 while it or its tables do not exist yet.
async fn count(url: &str, sql: &'static str) -> i64 {
    let Ok(pool) = sqlx::AnyPool::connect(url).await else { return 0 };
    let n = sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap_or(0);
    pool.close().await;
    n
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_halfway_continues_when_run_again_and_duplicates_nothing() {
    sqlx::any::install_default_drivers();
    for backend in backends() {
        let store = Store::new(backend);
        let corpus = store.dir.join("corpus.jsonl");
        let o = Command::new(BIN)
            .args(["bench", "corpus", "--items", &ITEMS.to_string(), "-o", corpus.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let url = store
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=ro", store.dir.join("gongkai.db").display()));

        let mut args = vec!["import".to_string(), "items".into(), corpus.display().to_string()];
        args.extend(store.args());
        let mut child = Command::new(BIN)
            .args(&args)
            .env("GONGKAI_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut stored = 0;
        while stored == 0 {
            assert!(started.elapsed() < Duration::from_secs(120), "no batch stored in 120 s");
            assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
            tokio::time::sleep(Duration::from_millis(20)).await;
            stored = count(&url, "SELECT COUNT(*) FROM item").await;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let at_kill = count(&url, "SELECT COUNT(*) FROM item").await;
        assert!(at_kill > 0 && (at_kill as usize) < ITEMS, "{backend:?}: killed with {at_kill} of {ITEMS} stored");

        let o = store.cli(&["import", "items", corpus.to_str().unwrap()]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
        let expect =
            format!("imported {} items; {at_kill} already present (same 索引号); 0 bad lines", ITEMS as i64 - at_kill);
        assert!(out.contains(&expect), "{backend:?}: {out}");
        assert!(out.contains("indexed for search"), "no server held the index: the import wrote it: {out}");
        assert_eq!(count(&url, "SELECT COUNT(*) FROM item").await, ITEMS as i64);
        assert_eq!(count(&url, "SELECT COUNT(DISTINCT index_no) FROM item").await, ITEMS as i64);

        // Search finds every item, once: nothing doubled in the index, nothing missing.
        let server = Server::start(&store, &[]);
        let v: serde_json::Value =
            client().get(server.url("/api/v1/search?q=")).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["total"], ITEMS, "{backend:?}: {v}");
        let some = corpus_title(&corpus, ITEMS / 2);
        let v: serde_json::Value = client()
            .get(server.url(&format!("/api/v1/search?{}", serde_urlencoded::to_string([("q", &some)]).unwrap())))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let hits = v["hits"].as_array().unwrap();
        let same: Vec<_> = hits.iter().filter(|h| h["title"].as_str() == Some(some.as_str())).collect();
        assert!(!same.is_empty(), "{backend:?}: «{some}» found: {v}");
    }
}

fn corpus_title(corpus: &std::path::Path, n: usize) -> String {
    let line = std::fs::read_to_string(corpus).unwrap().lines().nth(n).unwrap().to_string();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    v["title"].as_str().unwrap().to_string()
}
