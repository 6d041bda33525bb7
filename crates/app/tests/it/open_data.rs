//! The open-data API held to its own description (issue 20 §1): /api/v1/openapi.json validates as
//! OpenAPI 3.1, and every documented operation is asked on the demo's data — real units, items
//! with attachments, reports, interpretations, answered messages, the 民生 boards — and each
//! answer is validated against the schema the description gives for its status (by the Python
//! `openapi-spec-validator` and `jsonschema` packages, installed by scripts/install-test-deps.sh).
//! Then the paging promises: a cursor's pages do not shift when an item is published meanwhile,
//! and an unchanged answer is 304 to its ETag.

use std::process::Command;

use serde_json::{Value, json};

use crate::common::*;

fn validator() -> Option<String> {
    let home = std::env::var("HOME").ok()?;
    let py = format!("{home}/.cache/gongkai-test/venv/bin/python");
    Command::new(&py)
        .args(["-c", "import openapi_spec_validator, jsonschema"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| py)
}

struct Case {
    method: &'static str,
    path: &'static str,
    url: String,
}

#[tokio::test(flavor = "multi_thread")]
async fn every_documented_path_answers_as_its_openapi_description_says() {
    let Some(py) = validator() else {
        return skip("the Python validators are not installed (scripts/install-test-deps.sh)");
    };
    let demo = crate::support::start_demo(&[]);
    let base = demo.base.clone();
    let web = client();
    let get = |path: String| {
        let web = web.clone();
        let url = format!("{base}{path}");
        async move { web.get(url).send().await.unwrap() }
    };
    let spec = get("/api/v1/openapi.json".into()).await.text().await.unwrap();
    let doc: Value = serde_json::from_str(&spec).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));

    // Real objects to ask about.
    let units: Value = get("/api/v1/units".into()).await.json().await.unwrap();
    let unit =
        units.as_array().unwrap().iter().find(|u| u["name"] == "汝州市民政局").unwrap()["unit_id"].as_i64().unwrap();
    let page: Value = get(format!("/api/v1/items?unit={unit}&limit=5")).await.json().await.unwrap();
    let item = page["items"][0]["item_id"].as_i64().expect("民政局 has published items");
    let year = &page["items"][0]["published_on"].as_str().unwrap()[..4];
    let reports: Value = get("/api/v1/reports".into()).await.json().await.unwrap();
    let report = reports[0]["report_id"].as_i64().expect("the demo publishes reports");
    let submitted: Value = web
        .post(format!("{base}/api/v1/applications"))
        .json(&application_json(1, Some("open-data-test")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (code, secret) = (submitted["tracking_code"].as_str().unwrap(), submitted["secret"].as_str().unwrap());

    let cases = [
        Case { method: "GET", path: "/api/v1/units", url: "/api/v1/units".into() },
        Case { method: "GET", path: "/api/v1/catalog/{unit_id}", url: format!("/api/v1/catalog/{unit}") },
        Case { method: "GET", path: "/api/v1/catalog/{unit_id}", url: "/api/v1/catalog/999999".into() },
        Case { method: "GET", path: "/api/v1/items", url: format!("/api/v1/items?unit={unit}&limit=3") },
        Case { method: "GET", path: "/api/v1/items", url: "/api/v1/items?cursor=x".into() },
        Case { method: "GET", path: "/api/v1/items", url: "/api/v1/items?limit=501".into() },
        Case { method: "GET", path: "/api/v1/items/{id}", url: format!("/api/v1/items/{item}") },
        Case { method: "GET", path: "/api/v1/items/{id}", url: "/api/v1/items/999999".into() },
        Case { method: "GET", path: "/api/v1/items.csv", url: format!("/api/v1/items.csv?unit={unit}&year={year}") },
        Case {
            method: "GET",
            path: "/api/v1/items.jsonl",
            url: format!("/api/v1/items.jsonl?unit={unit}&year={year}"),
        },
        Case { method: "GET", path: "/api/v1/reports", url: "/api/v1/reports".into() },
        Case { method: "GET", path: "/api/v1/reports/{id}", url: format!("/api/v1/reports/{report}") },
        Case { method: "GET", path: "/api/v1/reports/{id}", url: "/api/v1/reports/999999".into() },
        Case { method: "GET", path: "/api/v1/interpretations", url: "/api/v1/interpretations".into() },
        Case { method: "GET", path: "/api/v1/messages", url: "/api/v1/messages".into() },
        Case { method: "GET", path: "/api/v1/search", url: "/api/v1/search?q=最低生活保障".into() },
        Case { method: "GET", path: "/api/v1/search", url: "/api/v1/search?q=x&page=0".into() },
        Case {
            method: "GET",
            path: "/api/v1/calendar/due",
            url: "/api/v1/calendar/due?date=2020-09-28&days=20".into(),
        },
        Case {
            method: "GET",
            path: "/api/v1/calendar/due",
            url: "/api/v1/calendar/due?date=2020-13-01&days=20".into(),
        },
        Case {
            method: "GET",
            path: "/api/v1/applications/{code}",
            url: format!("/api/v1/applications/{code}?secret={secret}"),
        },
        Case {
            method: "GET",
            path: "/api/v1/applications/{code}",
            url: format!("/api/v1/applications/{code}?secret=wrong"),
        },
        Case { method: "GET", path: "/api/v1/livelihood/funds", url: "/api/v1/livelihood/funds".into() },
        Case { method: "GET", path: "/api/v1/livelihood/projects", url: "/api/v1/livelihood/projects".into() },
    ];
    let mut answers = Vec::new();
    for c in &cases {
        let resp = get(c.url.clone()).await;
        let status = resp.status().as_u16();
        let ctype = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = resp.text().await.unwrap();
        answers.push(json!({ "method": c.method, "path": c.path, "url": c.url, "status": status, "content_type": ctype, "body": body }));
    }
    // The shapes that matter to a reader, beside the schema: nothing personal in messages, the
    // report JSON is the report, the CSV opens in Excel with its header.
    let by_url = |u: &str| answers.iter().find(|a| a["url"] == u).unwrap();
    let messages = by_url("/api/v1/messages")["body"].as_str().unwrap();
    assert!(
        !messages.contains("writer_name")
            && !messages.contains("writer_contact")
            && !messages.contains("tracking_code")
    );
    let report_json: Value =
        serde_json::from_str(by_url(&format!("/api/v1/reports/{report}"))["body"].as_str().unwrap()).unwrap();
    assert!(report_json["table3"].is_object() && report_json["year"].is_i64(), "{report_json}");
    let csv = by_url(&format!("/api/v1/items.csv?unit={unit}&year={year}"))["body"].as_str().unwrap().to_string();
    assert!(csv.starts_with("\u{feff}item_id,index_no,title"));
    assert!(csv.lines().count() > 1, "{unit} published items in {year}");

    let dir = std::env::temp_dir().join(format!("gongkai-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("spec.json"), &spec).unwrap();
    std::fs::write(dir.join("cases.json"), serde_json::to_string(&answers).unwrap()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/openapi_check.py");
    let out = Command::new(&py).arg(&script).arg(dir.join("spec.json")).arg(dir.join("cases.json")).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "answers that do not match their description:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A cursor's pages stay put while items are published: page 2 fetched after a new item is the
    // page 2 of before; the new item comes at the end.
    let p1: Value = get("/api/v1/items?limit=50".into()).await.json().await.unwrap();
    let cursor = p1["next_cursor"].as_str().unwrap().to_string();
    let p2_before = get(format!("/api/v1/items?limit=50&cursor={cursor}")).await.text().await.unwrap();
    let admin = {
        let c = client();
        let page = c.get(format!("{base}/staff/login")).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_in(&page);
        let r = c
            .post(format!("{base}/staff/login"))
            .form(&[("_csrf", csrf.as_str()), ("username", "admin"), ("password", demo.password.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        c
    };
    let me: Value = admin.get(format!("{base}/api/v1/me")).send().await.unwrap().json().await.unwrap();
    let csrf = me["csrf"].as_str().unwrap().to_string();
    let unit_s = unit.to_string();
    let resp = admin
        .post(format!("{base}/staff/items"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("unit_id", unit_s.as_str()),
            ("title", "开放数据接口测试：新发布的信息"),
            ("body", "本条信息用于检查分页。"),
            ("doc_no", ""),
            ("art20", ""),
            ("formed_on", "2026-11-02"),
            ("genre", "notice"),
            ("subject", "civil_affairs"),
            ("ch_website", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let loc = resp.headers()["location"].to_str().unwrap().to_string();
    let id: String = loc.rsplit('/').next().unwrap().chars().take_while(char::is_ascii_digit).collect();
    for step in ["submit", "approve"] {
        let r = admin
            .post(format!("{base}/staff/items/{id}/{step}"))
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{step}");
    }
    let p2_after = get(format!("/api/v1/items?limit=50&cursor={cursor}")).await.text().await.unwrap();
    assert_eq!(p2_before, p2_after, "page 2 did not shift");
    let detail: Value = get(format!("/api/v1/items/{id}")).await.json().await.unwrap();
    assert_eq!(detail["title"], "开放数据接口测试：新发布的信息");

    // ETag: the same answer again is 304 with no body; a changed list is 200 with a new tag.
    let first = get(format!("/api/v1/items/{item}")).await;
    let tag = first.headers()["etag"].to_str().unwrap().to_string();
    let again = web.get(format!("{base}/api/v1/items/{item}")).header("If-None-Match", &tag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert!(again.text().await.unwrap().is_empty());
    let stale = web
        .get(format!("{base}/api/v1/items?unit={unit}&limit=500"))
        .header("If-None-Match", "\"old\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 200);

    // The page for people lists every documented path.
    let page = get("/api".into()).await.text().await.unwrap();
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(page.contains(&path.replace('/', "&#x2f;")) || page.contains(path.as_str()), "/api lists {path}");
    }
}
