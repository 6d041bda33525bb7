//! 政民互动 in a real browser: a citizen asks a question, staff route and answer it, and the
//! citizen finds it answered in the public list — with none of their personal data shown.

use crate::common::webdriver::Browser;
use crate::common::*;

fn first_between<'a>(s: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let i = s.find(before)? + before.len();
    let j = s[i..].find(after)? + i;
    Some(&s[i..j])
}

#[tokio::test(flavor = "multi_thread")]
async fn a_question_asked_in_the_browser_is_found_answered_in_the_public_list() {
    let browser = match Browser::start().await {
        Ok(b) => b,
        Err(why) => {
            skip(&why);
            return;
        }
    };
    let (_store, server, admin) = setup(Backend::Sqlite).await;
    let unit = create_unit(&server, &admin, "汝州市教育体育局", 31).await;
    browser.goto(&server.url("/interaction/ask")).await;
    browser.select("#to", &unit.to_string()).await;
    browser.type_into("#subject", "小学入学需要哪些材料").await;
    browser.type_into("#body", "孩子明年上小学，请问需要准备哪些材料？我的电话13812345678。").await;
    if browser.source().await.contains("id=\"writer_name\"") {
        browser.type_into("#writer_name", "李秀英").await;
    }
    browser.screenshot("interaction-ask-desktop").await;
    browser.click("form.stack button[type=submit]").await;
    browser.wait_for(".notice").await;
    let page = browser.source().await;
    let code = first_between(&page, "查询码：<strong>", "</strong>").expect("tracking code shown").to_string();
    assert!(page.contains("遮盖"), "the asker is told their phone number will be masked");
    // Staff: route, answer, publish (over HTTP).
    let queue = admin.get(&server, "/staff/messages").await.text().await.unwrap();
    let id: i64 = first_between(&queue, "/staff/messages/", "\"")
        .and_then(|s| s.parse().ok())
        .expect("the message is in the queue");
    for fields in [
        vec![("action", "route".to_string()), ("unit_id", unit.to_string())],
        vec![
            ("action", "answer".to_string()),
            ("text", "请携带户口簿、房产证明和儿童预防接种证，到学区学校报名。".to_string()),
        ],
        vec![("action", "publish".to_string())],
    ] {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = admin.post_form(&server, &format!("/staff/messages/{id}"), &f).await;
        assert_eq!(r.status().as_u16(), 303, "{:?}: {}", fields[0], r.text().await.unwrap());
    }
    // The citizen finds it answered in the public list, by searching.
    browser.goto(&server.url("/interaction?q=%E5%85%A5%E5%AD%A6")).await;
    browser.wait_for("main").await;
    let list = browser.source().await;
    assert!(list.contains("小学入学需要哪些材料"), "found in the public list");
    browser.click(&format!("a[href='/interaction/{id}']")).await;
    browser.wait_for("main").await;
    let answered = browser.source().await;
    assert!(answered.contains("户口簿"), "the answer is shown");
    assert!(!answered.contains("13812345678") && !answered.contains("李秀英"), "no personal data of the asker");
    let findings = gongkai_domain::privacy::scan(&answered);
    assert!(findings.iter().all(|f| f.kind != gongkai_domain::privacy::FindingKind::Mobile), "{findings:?}");
    browser.screenshot("interaction-answered-desktop").await;
    browser.set_width(390, 844).await;
    browser.screenshot("interaction-answered-phone").await;
    let _ = code;
    browser.quit().await;
}
