//! Accessibility, proven in a browser (GB/T 37668-2019; WCAG 2.1 A/AA as axe-core checks it): every
//! public page type of the Ruzhou demo, in the standard, large-type and high-contrast modes, is run
//! through axe-core in Debian's headless Chromium — no serious or critical violation — and the
//! public forms (apply, track, complain, ask) are walked with the keyboard alone: the skip link
//! comes first, every field and the submit button are reached by Tab, each shows its focus, and the
//! tracking form is filled and sent with the keyboard only.
//!
//! axe-core is the test's own tool, fetched from the npm registry by `scripts/install-test-deps.sh`
//! into `~/.cache/gongkai-test/` (or named by `GONGKAI_AXE_JS`); where absent the test skips, saying so.

use serde_json::{Value, json};

use crate::common::webdriver::{Browser, ENTER, TAB};
use crate::common::*;
use crate::support::*;

const AXE_VERSION: &str = "4.10.3";

fn axe_source() -> Option<String> {
    let path = std::env::var("GONGKAI_AXE_JS").map(std::path::PathBuf::from).unwrap_or_else(|_| {
        std::path::Path::new(&std::env::var("HOME").unwrap_or_default())
            .join(format!(".cache/gongkai-test/axe-core-{AXE_VERSION}/axe.min.js"))
    });
    std::fs::read_to_string(path).ok()
}

/// The first link of `page` whose path starts with `prefix` and continues with digits.
async fn first_link(base: &str, page: &str, prefix: &str) -> Option<String> {
    let body = client().get(format!("{base}{page}")).send().await.ok()?.text().await.ok()?;
    body.split("href=\"").skip(1).filter_map(|s| s.split('"').next()).find_map(|h| {
        let rest = h.strip_prefix(prefix)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty() && rest.len() == digits.len()).then(|| h.to_string())
    })
}

/// axe-core's serious and critical violations on the page now loaded: (rule, impact, help, targets).
async fn violations(browser: &Browser, axe: &str) -> Vec<Value> {
    let loaded = browser.execute("return typeof axe !== 'undefined';", json!([])).await;
    if loaded != json!(true) {
        browser.execute(&format!("{axe};\nreturn true;"), json!([])).await;
    }
    let found = browser
        .execute(
            "return axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
               .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})));",
            json!([]),
        )
        .await;
    found.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_public_page_type_passes_axe_and_the_public_forms_work_by_keyboard_alone() {
    let Some(axe) = axe_source() else {
        skip("axe-core is not installed (bash scripts/install-test-deps.sh); the accessibility test did not run");
        return;
    };
    let browser = match Browser::start().await {
        Ok(b) => b,
        Err(e) => {
            skip(&format!("no browser: {e}"));
            return;
        }
    };
    let demo = start_demo(&[]);
    let base = demo.base.clone();

    let mut pages: Vec<String> = [
        "/",
        "/units",
        "/catalog",
        "/search?q=补贴",
        "/applications/new",
        "/applications/track",
        "/guide",
        "/reports",
        "/interaction",
        "/interaction/ask",
        "/interaction/track",
        "/interpretations",
        "/concerns",
        "/special",
        "/livelihood",
        "/livelihood/funds",
        "/livelihood/funds/mine",
        "/livelihood/policies",
        "/livelihood/poverty",
        "/livelihood/projects",
        "/livelihood/sanwu",
        "/livelihood/sanzi",
        "/livelihood/complaints",
        "/livelihood/complaints/new",
        "/livelihood/complaints/track",
        "/supervision/bulletins",
        "/me",
        "/calendar/due",
        "/no/such/page",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    let unit = first_link(&base, "/catalog", "/units/").await.expect("the demo's catalog lists its units");
    pages.push(unit.clone());
    for (list, prefix) in [
        (unit.as_str(), "/catalog/"),
        ("/search?q=公告", "/items/"),
        ("/reports", "/reports/"),
        ("/interaction", "/interaction/"),
        ("/interpretations", "/interpretations/"),
        ("/livelihood/projects", "/livelihood/projects/"),
        ("/supervision/bulletins", "/supervision/bulletins/"),
    ] {
        let link = first_link(&base, list, prefix).await;
        assert!(link.is_some(), "the demo's {list} links to a {prefix}… page");
        pages.extend(link);
    }
    if let Some(item) = pages.iter().find(|p| p.starts_with("/items/")).cloned() {
        pages.push(format!("{item}/print"));
    }
    if let Some(node) = pages.iter().find(|p| p.starts_with("/catalog/")).cloned() {
        pages.push(format!("{node}/sign"));
    }

    let mut failures = vec![];
    let mut checked = 0;
    for mode in ["standard", "large", "contrast"] {
        // The modes are cookies set by plain links (no JavaScript): follow the link once.
        if mode != "standard" {
            browser.goto(&format!("{base}/a11y/{mode}")).await;
        }
        let list: Vec<&String> =
            if mode == "standard" { pages.iter().collect() } else { pages.iter().take(6).collect() };
        for page in list {
            browser.goto(&format!("{base}{page}")).await;
            checked += 1;
            for v in violations(&browser, &axe).await {
                let impact = v["impact"].as_str().unwrap_or("");
                println!("{mode} {page}: {impact} {} — {} {}", v["id"], v["help"], v["targets"]);
                if impact == "serious" || impact == "critical" {
                    failures.push(format!("{mode} {page}: {} ({impact}) {}", v["id"], v["targets"]));
                }
            }
        }
        if mode != "standard" {
            browser.goto(&format!("{base}/a11y/{mode}")).await; // back to the standard mode
        }
    }
    println!("axe-core {AXE_VERSION}: {checked} page loads checked ({} page types)", pages.len());
    // The checker itself: an image without alt text planted on a page is found.
    browser.goto(&format!("{base}/")).await;
    browser
        .execute(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">'); return true;",
            json!([]),
        )
        .await;
    let planted = violations(&browser, &axe).await;
    assert!(planted.iter().any(|v| v["id"] == "image-alt"), "axe finds a planted image without alt: {planted:?}");
    assert!(failures.is_empty(), "serious or critical accessibility violations:\n{}", failures.join("\n"));

    // The keyboard alone: from the top of each form page, Tab reaches the skip link first, then
    // every field of the form and its submit button, each with a visible focus.
    for page in ["/applications/new", "/applications/track", "/livelihood/complaints/new", "/interaction/ask"] {
        browser.goto(&format!("{base}{page}")).await;
        let fields: Vec<String> = browser
            .execute(
                "const f = document.querySelector('main form');
                 return Array.from(f.elements).filter(e => e.type !== 'hidden' && !e.disabled && e.tagName !== 'FIELDSET' && e.tagName !== 'OUTPUT')
                   .map(e => e.name || e.type);",
                json!([]),
            )
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or("").to_string())
            .collect();
        assert!(!fields.is_empty(), "{page} has a form");
        let mut reached = vec![];
        for step in 0..200 {
            browser.keys(TAB).await;
            let focus = browser
                .execute(
                    "const e = document.activeElement; const s = getComputedStyle(e);
                     return {inForm: !!e.closest('main form'), name: e.name || e.type || '', cls: e.className || '',
                             outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                             submit: e.type === 'submit'};",
                    json!([]),
                )
                .await;
            if step == 0 {
                assert_eq!(focus["cls"], "skip", "{page}: the first Tab lands on 跳到正文");
            }
            assert!(focus["outline"] == json!(true), "{page}: the focused element shows its focus: {focus}");
            if focus["inForm"] == json!(true) {
                reached.push(focus["name"].as_str().unwrap_or("").to_string());
                if focus["submit"] == json!(true) {
                    break;
                }
            }
        }
        let missing: Vec<&String> = fields.iter().filter(|f| !reached.contains(f)).collect();
        assert!(missing.is_empty(), "{page}: Tab never reached {missing:?} (reached {reached:?})");
    }

    // Track an application by keyboard only: Tab to the code, type it, Tab to the secret, type it,
    // Enter — and the tracking page answers.
    let resp =
        client().post(format!("{base}/api/v1/applications")).json(&application_json(77, None)).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let created: Value = resp.json().await.unwrap();
    let (code, secret) = (created["tracking_code"].as_str().unwrap(), created["secret"].as_str().unwrap());
    browser.goto(&format!("{base}/applications/track")).await;
    for _ in 0..60 {
        browser.keys(TAB).await;
        let name = browser.execute("return document.activeElement.name || '';", json!([])).await;
        match name.as_str().unwrap_or("") {
            "code" | "tracking_code" => browser.keys(code).await,
            "secret" => {
                browser.keys(secret).await;
                browser.keys(ENTER).await;
                break;
            }
            _ => {}
        }
    }
    browser.wait_for("main h2").await;
    let page = browser.source().await;
    assert!(page.contains(&format!("申请 {code}")), "the tracking page of {code} opened by keyboard alone");
    browser.quit().await;
    drop(demo);
}
