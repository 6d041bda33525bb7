//! Databases for the data layer's own tests: SQLite always, PostgreSQL too where
//! `GONGKAI_TEST_DATABASE_URL` names one (a fresh database made beside it, dropped after). Without
//! it the PostgreSQL half is skipped, said on stderr — and under `GONGKAI_TEST_REQUIRE_ALL=1` (CI)
//! a skip fails, as in the integration tests (`tests/it/common`).

use super::Db;

/// A fresh database of each back end at hand, with its clean-up.
pub(crate) async fn databases(name: &str) -> Vec<(Db, Box<dyn FnOnce()>)> {
    let path = std::env::temp_dir().join(format!("db-test-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let sqlite = Db::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mut out: Vec<(Db, Box<dyn FnOnce()>)> = vec![(sqlite, Box::new(move || drop(std::fs::remove_file(path))))];
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
        out.push((pg, Box::new(drop_it)));
    }
    out
}
