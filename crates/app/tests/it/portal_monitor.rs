//! The portal monitor against a site the test serves: a county portal on "another CMS" with
//! columns fresh, stale, long stale and blank, dead links on the home page and on a column page,
//! a link robots.txt forbids, and one required element missing. It must report every planted
//! problem and nothing else — from the command line, and from the office's page, where the
//! portal's columns then count in the month's column check like hosted ones.

use std::process::Command;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use serde_json::Value;

use crate::common::*;

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{title}</title></head><body>{body}</body></html>"
    ))
}

fn list(entries: &[(&str, &str)]) -> String {
    entries.iter().map(|(t, d)| format!("<li><a href=\"/zwgk/\">{t}</a><span>{d}</span></li>")).collect()
}

/// The planted site, on a port of its own; its address.
async fn planted_site() -> String {
    let home = page(
        "某县人民政府门户网站",
        "<div class=\"main-nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/gzdt/\">工作动态</a></li>\
         <li><a href=\"/bmdt/\">部门动态</a></li><li><a href=\"/tzgg/\">通知公告</a></li>\
         <li><a href=\"/zcwj/\">政策文件</a></li><li><a href=\"/ztzl/\">专题专栏</a></li></ul></div>\
         <form action=\"/search\"><input type=\"text\" name=\"q\"><button>搜索</button></form>\
         <p><a href=\"/zwgk/\">政府信息公开</a> <a href=\"/old/page.html\">旧版网站</a>\
         <a href=\"http://127.0.0.1:1/x\">合作单位</a> <a href=\"/private/secret.html\">内部</a>\
         <a href=\"mailto:zfb@example.gov.cn\">信箱</a> <a href=\"#top\">返回顶部</a></p>\
         <footer>主办：某县人民政府办公室 网站标识码：4104820001 豫ICP备05018341号 版权所有 2026</footer>",
    );
    let app = Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nDisallow: /private/\n" }))
        .route("/", get(move || async move { home.clone() }))
        .route("/gzdt/", get(|| async { page("工作动态", &list(&[("县长调研", "2026-11-25"), ("旧闻", "2026-10-01")])) }))
        .route("/bmdt/", get(|| async { page("部门动态", &list(&[("部门会议", "2026-11-10")])) }))
        .route(
            "/tzgg/",
            get(|| async {
                page(
                    "通知公告",
                    &format!(
                        "{}<a href=\"/tzgg/2026-03-01.html\">关于春季防火的通知</a><a href=\"/tzgg/missing.html\">已删除的公告</a>",
                        list(&[("关于春季防火的通知", "2026-03-01")])
                    ),
                )
            }),
        )
        .route("/tzgg/2026-03-01.html", get(|| async { page("关于春季防火的通知", "<p>2026-03-01</p>") }))
        .route("/zcwj/", get(|| async { page("政策文件", &list(&[("某县规范性文件", "2026-10-15")])) }))
        .route("/ztzl/", get(|| async { page("专题专栏", "<p>建设中</p>") }))
        .route("/zwgk/", get(|| async { page("政府信息公开", "<p>公开目录</p>") }))
        .route("/search", get(|| async { page("搜索", "") }))
        .route("/private/secret.html", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "must never be fetched").into_response() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/")
}

fn check(base: &str) -> (Option<i32>, Value) {
    let o = Command::new(BIN)
        .args(["portal", "check", base, "--delay-ms", "0", "--timeout", "5", "--today", "2026-12-01", "--json"])
        .env("GONGKAI_LOG", "warn")
        .output()
        .unwrap();
    let v = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    (o.status.code(), v)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_monitor_reports_every_planted_problem_of_a_portal_and_nothing_else() {
    if Command::new("curl").arg("--version").output().is_err() {
        return skip("curl is not installed: the portal monitor fetches with it");
    }
    let base = planted_site().await;
    let b = base.clone();
    let (code, v) = tokio::task::spawn_blocking(move || check(&b)).await.unwrap();
    assert_eq!(code, Some(1), "problems found: {v:#}");
    assert_eq!(v["home_title"], "某县人民政府门户网站");
    assert_eq!(v["columns_discovered"], true);
    assert_eq!(v["missing"], serde_json::json!(["公安机关备案标识"]), "the one element planted missing");
    // Columns from the navigation (首页 left out), each with its newest date.
    let cols: Vec<(String, Value)> = v["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["title"].as_str().unwrap().to_string(), c["newest"].clone()))
        .collect();
    assert_eq!(
        cols,
        [
            ("工作动态".to_string(), Value::from("2026-11-25")),
            ("部门动态".to_string(), Value::from("2026-11-10")),
            ("通知公告".to_string(), Value::from("2026-03-01")),
            ("政策文件".to_string(), Value::from("2026-10-15")),
            ("专题专栏".to_string(), Value::Null),
        ]
    );
    // The dead links, and only they: the robots-forbidden one is neither fetched nor reported;
    // mail and in-page links are not links to check.
    let broken: Vec<(String, String)> = v["broken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["url"].as_str().unwrap().replace(&base, "/"), b["problem"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(broken.len(), 3, "{broken:#?}");
    assert!(broken.contains(&("/old/page.html".into(), "HTTP 404".into())), "{broken:?}");
    assert!(broken.contains(&("/tzgg/missing.html".into(), "HTTP 404".into())), "found on a column page: {broken:?}");
    assert!(broken.iter().any(|(u, p)| u == "http://127.0.0.1:1/x" && p.starts_with("无法访问")), "{broken:?}");
    assert_eq!(v["links_refused_by_robots"], 1);
    assert_eq!(v["links_over_limit"], 0);

    // The text form says the same, with each column's verdict on the day.
    let o = Command::new(BIN)
        .args(["portal", "check", &base, "--delay-ms", "0", "--today", "2026-12-01"])
        .env("GONGKAI_LOG", "warn")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("工作动态") && text.contains("按期更新"), "{text}");
    assert!(text.contains("部门动态") && text.contains("未按期更新（自 2026-11-25 起）"), "{text}");
    assert!(text.contains("通知公告") && text.contains("长期未更新（自 2026-09-02 起）"), "{text}");
    assert!(text.contains("专题专栏") && text.contains("空白栏目"), "{text}");
    assert!(text.contains("[缺少] 首页没有公安机关备案标识"), "{text}");
    assert_eq!(text.matches("[断链]").count(), 3, "{text}");

    // Bounded: with at most 2 links to check, the rest are counted, not checked.
    let b = base.clone();
    let o = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["portal", "check", &b, "--delay-ms", "0", "--max-links", "2", "--today", "2026-12-01", "--json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let bounded: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(bounded["links_checked"], 2);
    assert!(bounded["links_over_limit"].as_u64().unwrap() >= 3, "{bounded:#}");

    // The office registers the portal for a unit; a run from the page; its columns count in the
    // month's column check with the hosted ones.
    let store = Store::new(Backend::Sqlite);
    let out = store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]);
    assert!(out.status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-12-01")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let unit = create_unit(&server, &admin, "某县人民政府办公室", 1).await.to_string();
    let bad = admin
        .post_form(&server, "/staff/portal", &[("unit_id", &unit), ("base_url", "not an address"), ("columns", "")])
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad.text().await.unwrap().contains("请填写门户网站首页地址"));
    let resp =
        admin.post_form(&server, "/staff/portal", &[("unit_id", &unit), ("base_url", &base), ("columns", "")]).await;
    assert_eq!(resp.status().as_u16(), 303);
    let page = admin.get(&server, "/staff/portal").await.text().await.unwrap();
    let (_, after) = page.split_once("/staff/portal/").expect("the run button");
    let site: String = after.chars().take_while(char::is_ascii_digit).collect();
    let resp = admin.post_form(&server, &format!("/staff/portal/{site}/run"), &[]).await;
    assert_eq!(resp.status().as_u16(), 303);
    // The run is polite (0.5 s between requests): about ten requests.
    let mut page = String::new();
    for _ in 0..60 {
        page = admin.get(&server, "/staff/portal").await.text().await.unwrap();
        if page.contains("最近一次检查") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(page.contains("最近一次检查"), "{page}");
    assert!(page.contains("缺少公安机关备案标识"));
    assert!(page.contains("长期未更新") && page.contains("空白栏目") && page.contains("missing.html"), "{page}");
    // The month's column check: the office's totals count the portal's columns; the unit sees them
    // among its own columns not kept up to date.
    let month = admin.get(&server, "/staff/monthly?month=2026-11").await.text().await.unwrap();
    assert!(month.contains("月末未按期更新栏目 2 个，空白栏目 1 个"), "{month}");
    create_user(&server, &admin, "clerk", "clerk", unit.parse().unwrap()).await;
    let clerk = login(&server, "clerk", STAFF_PASSWORD).await;
    let own = clerk.get(&server, "/staff/monthly?month=2026-11").await.text().await.unwrap();
    assert!(
        own.contains("门户网站：部门动态") && own.contains("门户网站：通知公告") && own.contains("门户网站：专题专栏"),
        "{own}"
    );
    assert!(!own.contains("门户网站：工作动态"), "a fresh column is not a problem");
    let audit = admin.get(&server, "/staff/audit").await.text().await.unwrap();
    assert!(audit.contains("portal.site_saved") && audit.contains("portal.run"));
    // Not for unit staff.
    assert_eq!(clerk.get(&server, "/staff/portal").await.status().as_u16(), 403);
}
