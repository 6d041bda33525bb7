//! Real-browser tests: Debian's headless Chromium through chromedriver. Screenshots at desktop and
//! phone width are saved in test-artifacts/. Skipped, saying so, where Chromium is absent.

use crate::common::webdriver::Browser;
use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_citizen_applies_in_the_browser_and_tracks_the_application() {
    let browser = match Browser::start().await {
        Ok(b) => b,
        Err(why) => {
            skip(&why);
            return;
        }
    };
    let (_store, server, _admin) = setup(Backend::Sqlite).await;
    browser.goto(&server.url("/")).await;
    browser.screenshot("home-desktop").await;
    browser.click("a.button[href='/applications/new']").await;
    browser.type_into("#applicant_name", "王建国").await;
    browser.type_into("#id_number", &id_number(3)).await;
    browser.type_into("#phone", "13912345678").await;
    browser.type_into("#subject", "2025年度耕地地力保护补贴发放名单").await;
    browser.screenshot("apply-form-desktop").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("#tracking-code").await;
    let code = browser.text("#tracking-code").await;
    let secret = browser.text("#secret").await;
    assert!(code.starts_with("YSQ"), "tracking code shown: {code}");
    browser.screenshot("apply-submitted").await;
    browser.goto(&server.url("/applications/track")).await;
    browser.type_into("#code", &code).await;
    browser.type_into("#secret", &secret).await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for("table").await;
    let page = browser.source().await;
    assert!(page.contains("办理中") && !page.contains("王建国") && !page.contains("13912345678"));
    browser.set_width(390, 844).await;
    browser.screenshot("track-phone").await;
    browser.goto(&server.url("/")).await;
    browser.screenshot("home-phone").await;
    browser.quit().await;
}
