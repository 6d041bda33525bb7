//! Issue 19 §3: the legacy import streams and is resumable. Killed (SIGKILL) after its first
//! batches are stored, and run again on the same file, it continues: every line is stored once,
//! the second run says how many were there already, and search finds each item once (the index,
//! written as the first run went or not at all, catches up from the change feed). On SQLite the
//! import builds the item table's indexes after its rows: the kill leaves them missing, the run
//! again builds them.

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

/// The item table's indexes besides its key and unique 索引号 (`db::item::DEFERRED_INDEXES`).
const SQLITE_ITEM_INDEXES: &str =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' AND sql IS NOT NULL";
const PG_ITEM_INDEXES: &str = "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'item' \
                               AND indexname NOT IN ('item_pkey', 'item_index_no_key')";

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_halfway_continues_when_run_again_and_duplicates_nothing() {
    sqlx::any::install_default_drivers();
    for backend in backends() {
        let store = Store::new(backend);
        let corpus = store.corpus(ITEMS);
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
        // Alone with an empty SQLite database, the import built the item table's six indexes after
        // its rows: killed before that, they are missing (PostgreSQL keeps them throughout).
        let indexes = if store.database_url.is_some() { PG_ITEM_INDEXES } else { SQLITE_ITEM_INDEXES };
        let put_off = if store.database_url.is_some() { 6 } else { 0 };
        assert_eq!(count(&url, indexes).await, put_off, "{backend:?}: the item table's indexes at the kill");

        let o = store.cli(&["import", "items", corpus.to_str().unwrap()]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
        let expect =
            format!("imported {} items; {at_kill} already present (same 索引号); 0 bad lines", ITEMS as i64 - at_kill);
        assert!(out.contains(&expect), "{backend:?}: {out}");
        assert!(out.contains("indexed for search"), "no server held the index: the import wrote it: {out}");
        assert_eq!(count(&url, "SELECT COUNT(*) FROM item").await, ITEMS as i64);
        assert_eq!(count(&url, "SELECT COUNT(DISTINCT index_no) FROM item").await, ITEMS as i64);
        assert_eq!(count(&url, indexes).await, 6, "{backend:?}: the run again built the indexes");
        // PostgreSQL has the imported table's statistics and visibility map at once (not when
        // autovacuum comes by).
        if store.database_url.is_some() {
            let tidied = "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'item' \
                          AND last_analyze IS NOT NULL AND last_vacuum IS NOT NULL";
            assert_eq!(count(&url, tidied).await, 1, "{backend:?}: the import left item unanalysed or unvacuumed");
        }

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

/// A 索引号 the file repeats is a bad line wherever the repeat falls — in the same batch as the
/// first (lines 1 and 2) or in a later one (lines 10 and 1,500; a batch is 1,000 lines) — while
/// one already stored before the import is skipped as present. The batch's 索引号 are looked up in
/// one statement (`db::item::items_with_index_nos`), so this is what keeps the rule whole.
#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_index_number_is_a_bad_line_in_its_batch_or_a_later_one() {
    sqlx::any::install_default_drivers();
    for backend in backends() {
        let store = Store::new(backend);
        let corpus = store.corpus(1600);
        let mut lines: Vec<serde_json::Value> =
            std::fs::read_to_string(&corpus).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        // One line stored first, by an import of its own.
        let first = store.dir.join("first.jsonl");
        std::fs::write(&first, format!("{}\n", lines[99])).unwrap();
        assert!(store.cli(&["import", "items", first.to_str().unwrap()]).status.success());
        // Line 2 repeats line 1's 索引号; line 1,500 repeats line 10's.
        lines[1]["index_no"] = lines[0]["index_no"].clone();
        lines[1499]["index_no"] = lines[9]["index_no"].clone();
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&corpus, text).unwrap();

        let o = store.cli(&["import", "items", corpus.to_str().unwrap()]);
        let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.status.code(), Some(2), "bad lines: exit 2\n{out}\n{err}");
        assert!(
            out.contains("imported 1597 items; 1 already present (same 索引号); 2 bad lines"),
            "{backend:?}: {out}"
        );
        for (line, of) in [(2, 0), (1500, 9)] {
            let no = lines[of]["index_no"].as_str().unwrap();
            assert!(err.contains(&format!("第{line}行：索引号“{no}”在文件中重复")), "{backend:?}: line {line}: {err}");
        }
        let url = store
            .database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=ro", store.dir.join("gongkai.db").display()));
        assert_eq!(count(&url, "SELECT COUNT(*) FROM item").await, 1598, "{backend:?}");
        assert_eq!(count(&url, "SELECT COUNT(DISTINCT index_no) FROM item").await, 1598, "{backend:?}");
    }
}
