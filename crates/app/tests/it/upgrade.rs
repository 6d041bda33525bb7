//! Upgrades keep the data: the fixture database of every release (tests/fixtures/releases/*.db,
//! written by that release with `make_release_fixture`) is opened by the current binary, which
//! migrates it, and every record the fixture was made with is read back.

use crate::common::*;

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/releases");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "db")).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn every_release_fixture_upgrades_with_nothing_lost() {
    let all = fixtures();
    assert!(!all.is_empty(), "at least the first release's fixture is kept");
    for fixture in all {
        let store = Store::new(Backend::Sqlite);
        std::fs::copy(&fixture, store.dir.join("gongkai.db")).unwrap();
        let out = store.cli(&["migrate"]);
        assert!(out.status.success(), "{}: {}", fixture.display(), String::from_utf8_lossy(&out.stderr));
        let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
        let admin = login(&server, "admin", ADMIN_PASSWORD).await;
        let units: serde_json::Value = admin.get(&server, "/api/v1/units").await.json().await.unwrap();
        assert!(units.as_array().unwrap().iter().any(|u| u["name"] == "升级测试单位"), "{}", fixture.display());
        let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        assert_eq!(queue.as_array().unwrap().len(), 2, "{}: open applications", fixture.display());
        let reports = client().get(server.url("/reports")).send().await.unwrap().text().await.unwrap();
        assert!(reports.contains("升级测试单位2025年"), "{}: the published report", fixture.display());
        let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
        assert!(audit.contains("application.answer") && audit.contains("report.publish"));
    }
}

/// Writes this release's fixture: `cargo test -p gongkai --test it -- --ignored upgrade::make_release_fixture`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "writes a release fixture: run by hand when a version is released"]
async fn make_release_fixture() {
    let version = env!("CARGO_PKG_VERSION");
    let store = Store::new(Backend::Sqlite);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let unit = create_unit(&server, &admin, "升级测试单位", 77).await;
    let c = client();
    let mut ids = vec![];
    for i in 0..3 {
        let body: serde_json::Value = c
            .post(server.url("/api/v1/applications"))
            .json(&application_json(700 + i, None))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(body["tracking_code"].as_str().unwrap().to_string());
    }
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let first = queue[0]["application_id"].as_i64().unwrap();
    admin
        .post_form(
            &server,
            &format!("/staff/applications/{first}/route"),
            &[("unit_id", &unit.to_string()), ("reason", "")],
        )
        .await;
    let r = admin
        .post_form(
            &server,
            &format!("/staff/applications/{first}/step"),
            &[("action", "answer"), ("date", "2026-06-01"), ("outcome", "disclosed")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = admin.post_form(&server, "/staff/reports", &[("year", "2025"), ("unit_id", &unit.to_string())]).await;
    let report: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    admin.post_form(&server, &format!("/staff/reports/{report}/review"), &[]).await;
    let r = admin.post_form(&server, &format!("/staff/reports/{report}/publish"), &[("override_reason", "")]).await;
    assert_eq!(r.status().as_u16(), 303);
    let dest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/releases/{version}.db"));
    let _ = std::fs::remove_file(&dest);
    let out = store.cli(&["backup", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("wrote {}", dest.display());
}
