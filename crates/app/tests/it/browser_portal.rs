//! The public portal in a real browser (Debian's headless Chromium through chromedriver): search
//! from the home page, open an item, open its catalog node and the node's QR table sign.
//! Screenshots at desktop (1280) and phone (390) width go to test-artifacts/. Skipped, saying so,
//! where Chromium is absent.

use std::time::{Duration, Instant};

use crate::common::webdriver::Browser;
use crate::common::*;

/// A node of the unit's catalog (the first real option of the item form's 所属栏目).
async fn first_node(server: &Server, admin: &Staff, unit: i64) -> String {
    let form = admin.get(server, &format!("/staff/items/new?unit={unit}")).await.text().await.unwrap();
    let select = &form[form.find("name=\"catalog_node_id\"").expect("node select")..];
    select.split("<option value=\"").nth(2).and_then(|s| s.split('"').next()).expect("a catalog node").to_string()
}

async fn publish(server: &Server, admin: &Staff, unit: i64, node: &str, title: &str, body: &str) -> i64 {
    let u = unit.to_string();
    let resp = admin
        .post_form(
            server,
            "/staff/items",
            &[
                ("unit_id", &u),
                ("catalog_node_id", node),
                ("title", title),
                ("body", body),
                ("formed_on", "2020-03-02"),
                ("genre", "notice"),
                ("subject", "general_affairs"),
            ],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303);
    let id: i64 = resp.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    admin.post_form(server, &format!("/staff/items/{id}/submit"), &[]).await;
    assert_eq!(admin.post_form(server, &format!("/staff/items/{id}/approve"), &[]).await.status().as_u16(), 303);
    id
}

/// Wait for the navigation a click started (chromedriver may return before the new page loads).
async fn wait_url(browser: &Browser, part: &str) {
    let start = Instant::now();
    while !browser.current_url().await.contains(part) {
        assert!(start.elapsed() < Duration::from_secs(10), "did not reach {part}: {}", browser.current_url().await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_searches_from_the_home_page_opens_an_item_its_catalog_node_and_the_qr_sign() {
    let browser = match Browser::start().await {
        Ok(b) => b,
        Err(why) => {
            skip(&why);
            return;
        }
    };
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let unit = create_unit(&server, &admin, "汝州市财政局", 11).await;
    let node = first_node(&server, &admin, unit).await;
    let id = publish(
        &server,
        &admin,
        unit,
        &node,
        "关于下达2020年第一批民生资金的通知",
        "<p>现将2020年第一批民生资金下达你们，请按规定用途使用，专款专用。</p>",
    )
    .await;
    publish(&server, &admin, unit, &node, "关于做好春季农业生产工作的通知", "<p>各乡镇做好春耕备耕。</p>").await;
    // The index follows the change feed: wait until the item is findable.
    let start = Instant::now();
    loop {
        let v: serde_json::Value = client()
            .get(server.url("/api/v1/search?q=%E6%B0%91%E7%94%9F%E8%B5%84%E9%87%91"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if v["total"].as_u64() == Some(1) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "indexed: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    for (width, height, suffix) in [(1280, 900, "desktop"), (390, 844, "phone")] {
        browser.set_width(width, height).await;
        browser.goto(&server.url("/")).await;
        browser.screenshot(&format!("portal-home-{suffix}")).await;
        browser.type_into("form[role=search] input[name=q]", "民生资金").await;
        browser.click("form[role=search] button[type=submit]").await;
        wait_url(&browser, "/search?").await;
        let first = browser.text("ol li h2 a, ul li h2 a").await;
        assert!(first.contains("民生资金"), "the right item first: {first}");
        assert!(
            browser.source().await.contains("<b>民生</b>") || browser.source().await.contains("<b>民生资金</b>"),
            "highlighted"
        );
        browser.screenshot(&format!("portal-search-{suffix}")).await;

        browser.click(&format!("a[href='/items/{id}']")).await;
        wait_url(&browser, &format!("/items/{id}")).await;
        let page = browser.source().await;
        assert!(page.contains("索引号") && page.contains("汝州市财政局") && page.contains("专款专用"));
        browser.screenshot(&format!("portal-item-{suffix}")).await;

        browser.click(&format!("nav a[href='/catalog/{node}']")).await;
        wait_url(&browser, &format!("/catalog/{node}")).await;
        assert!(browser.source().await.contains(&format!("/items/{id}")), "the node lists the item");
        browser.screenshot(&format!("portal-catalog-node-{suffix}")).await;

        browser.click(&format!("a[href='/catalog/{node}/sign']")).await;
        wait_url(&browser, "/sign").await;
        assert!(browser.source().await.contains("汝州市财政局"));
        let qr_loaded = browser.text(".sign-url").await;
        assert!(qr_loaded.contains(&format!("/catalog/{node}")), "the sign carries the node's URL: {qr_loaded}");
        browser.screenshot(&format!("portal-qr-sign-{suffix}")).await;
    }
    // The code itself is served as SVG and PNG.
    let svg = client().get(server.url(&format!("/catalog/{node}/qr.svg"))).send().await.unwrap();
    assert!(svg.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));
    let png = client().get(server.url(&format!("/catalog/{node}/qr.png"))).send().await.unwrap().bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    browser.quit().await;
}
