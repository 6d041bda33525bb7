//! Databases for the data layer's own tests: SQLite always, PostgreSQL too where
//! `GONGKAI_TEST_DATABASE_URL` names one (a fresh database made beside it, dropped after). Without
//! it the PostgreSQL half is skipped, said on stderr — and under `GONGKAI_TEST_REQUIRE_ALL=1` (CI)
//! a skip fails, as in the integration tests (`tests/it/common`).

use super::Db;

/// Removes a test's database when dropped: at the test's end, and on its panic too (a failed
/// assertion used to leave its PostgreSQL database behind).
pub(crate) struct CleanUp(Option<Box<dyn FnOnce()>>);

impl Drop for CleanUp {
    fn drop(&mut self) {
        if let Some(f) = self.0.take() {
            f();
        }
    }
}

/// A fresh database of each back end at hand, with its clean-up (drop it after closing the pool).
pub(crate) async fn databases(name: &str) -> Vec<(Db, CleanUp)> {
    let path = std::env::temp_dir().join(format!("db-test-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let sqlite = Db::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mut out = vec![(sqlite, CleanUp(Some(Box::new(move || drop(std::fs::remove_file(path))))))];
    let admin = std::env::var("GONGKAI_TEST_DATABASE_URL").ok().filter(|s| !s.is_empty());
    if admin.is_none() {
        let why = "GONGKAI_TEST_DATABASE_URL is not set; the PostgreSQL half of this test did not run";
        assert!(
            std::env::var("GONGKAI_TEST_REQUIRE_ALL").as_deref() != Ok("1"),
            "GONGKAI_TEST_REQUIRE_ALL=1, and {why}"
        );
        eprintln!("skipped: {why}");
    }
    if let Some(admin) = admin {
        let db_name = format!("gk_db_{name}_{}", std::process::id());
        let admin_pool = sqlx::AnyPool::connect(&admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db_name}")))
            .execute(&admin_pool)
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}"))).execute(&admin_pool).await.unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        let pg = Db::connect(&format!("{base}/{db_name}")).await.unwrap();
        let drop_it = move || {
            let _ = std::process::Command::new("psql")
                .args([admin.as_str(), "-q", "-c", &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")])
                .output();
        };
        out.push((pg, CleanUp(Some(Box::new(drop_it)))));
    }
    out
}
