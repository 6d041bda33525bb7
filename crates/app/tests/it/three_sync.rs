//! 三同步 (issue 9's acceptance) over HTTP: a 规范性文件 is not published without an approved
//! interpretation linked to it; with a reviewer's reason and later date it is, and the missing
//! interpretation shows as late once that date has passed (a second server with a later
//! GONGKAI_TODAY on the same store). Linked interpretations come first on the policy's page, link
//! back, are published with it, and are found by search.

use std::time::{Duration, Instant};

use crate::common::*;

async fn start(store: &Store, today: &str) -> (Server, Staff) {
    let server = Server::start(store, &[("GONGKAI_TODAY", today)]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    (server, admin)
}

async fn draft_policy(server: &Server, admin: &Staff, unit: i64, title: &str, body: &str) -> i64 {
    let u = unit.to_string();
    let resp = admin
        .post_form(
            server,
            "/staff/items",
            &[
                ("unit_id", &u),
                ("title", title),
                ("body", body),
                ("art20", "normative_document"),
                ("genre", "measures"),
                ("subject", "general_affairs"),
                ("formed_on", "2026-02-27"),
                ("doc_no", "汝政〔2026〕4号"),
            ],
        )
        .await;
    assert_eq!(resp.status().as_u16(), 303, "{}", resp.text().await.unwrap_or_default());
    let id: i64 = resp.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(admin.post_form(server, &format!("/staff/items/{id}/submit"), &[]).await.status().as_u16(), 303);
    id
}

/// A 问答 interpretation drafted through the staff form, naming its policy by `policy` (an item id
/// or a reference); its id, read from the staff list (the first interpretation it offers to act on).
async fn draft_interpretation(
    server: &Server,
    admin: &Staff,
    policy: (&str, &str),
    title: &str,
    background: &str,
    content: &str,
) -> i64 {
    let fields = [policy, ("title", title), ("form", "qa"), ("s_Background", background), ("s_MainContent", content)];
    let r = admin.post_form(server, "/staff/interpretations", &fields).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap_or_default());
    let list = text(server, &admin.client, "/staff/interpretations").await;
    list.split("action=\"/staff/interpretations/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("a draft to approve")
}

async fn text(server: &Server, who: &reqwest::Client, path: &str) -> String {
    who.get(server.url(path)).send().await.unwrap().text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_normative_document_needs_its_interpretation_or_a_recorded_deferral_which_turns_late() {
    for backend in backends() {
        let store = Store::new(backend);
        assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
        let (server, admin) = start(&store, "2026-03-02").await;
        let unit = create_unit(&server, &admin, "汝州市住房和城乡建设局", 21).await;
        let policy = draft_policy(
            &server,
            &admin,
            unit,
            "汝州市城镇老旧小区改造资金管理办法",
            "<p>第一条 为规范城镇老旧小区改造资金管理，制定本办法。</p>",
        )
        .await;

        // Refused without an approved interpretation, with a clear message.
        let refused = admin.post_form(&server, &format!("/staff/items/{policy}/approve"), &[]).await;
        assert!(refused.status().is_client_error(), "{}", refused.status());
        let msg = refused.text().await.unwrap();
        assert!(msg.contains("三同步") && msg.contains("政策解读"), "{msg}");
        assert_eq!(client().get(server.url(&format!("/items/{policy}"))).send().await.unwrap().status().as_u16(), 404);
        let page = text(&server, &admin.client, &format!("/staff/items/{policy}")).await;
        assert!(
            page.contains("延期发布解读的理由") && page.contains("尚无关联的政策解读"),
            "the reviewer is offered the deferral"
        );
        // A deferral needs a reason and a date later than today.
        let r = admin
            .post_form(
                &server,
                &format!("/staff/items/{policy}/approve"),
                &[("deferral_reason", "图解材料制作中"), ("deferral_by", "2026-03-02")],
            )
            .await;
        assert!(r.status().is_client_error());
        let r = admin
            .post_form(
                &server,
                &format!("/staff/items/{policy}/approve"),
                &[("deferral_reason", ""), ("deferral_by", "2026-03-20")],
            )
            .await;
        assert!(r.status().is_client_error());
        // With a reason and a later date it publishes, and the deferral is tracked.
        let r = admin
            .post_form(
                &server,
                &format!("/staff/items/{policy}/approve"),
                &[("deferral_reason", "图解材料制作中"), ("deferral_by", "2026-03-20")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let public = text(&server, &client(), &format!("/items/{policy}")).await;
        assert!(public.contains("应于 2026-03-20 前发布") && !public.contains("已逾期"), "not late yet");
        let staff = text(&server, &admin.client, &format!("/staff/items/{policy}")).await;
        assert!(staff.contains("图解材料制作中") && !staff.contains("政策解读已逾期"));
        let audit = text(&server, &admin.client, "/staff/audit.csv").await;
        assert!(audit.contains("interpretation.defer"));

        // After that date (same store, a later today): late on the item, in the staff list, in public.
        drop(server);
        let (server, admin) = start(&store, "2026-03-23").await;
        let staff = text(&server, &admin.client, &format!("/staff/items/{policy}")).await;
        assert!(staff.contains("政策解读已逾期"), "flagged late after the date");
        let list = text(&server, &admin.client, "/staff/interpretations").await;
        assert!(list.contains("汝州市城镇老旧小区改造资金管理办法") && list.contains("已逾期"));
        let public = text(&server, &client(), &format!("/items/{policy}")).await;
        assert!(public.contains("已逾期"));

        // With an approved interpretation linked by item id: no deferral needed; published together.
        let policy2 = draft_policy(
            &server,
            &admin,
            unit,
            "汝州市既有住宅加装电梯实施办法",
            "<p>第一条 为方便群众出行，规范既有住宅加装电梯工作，制定本办法。</p>",
        )
        .await;
        let p2 = policy2.to_string();
        let iid = draft_interpretation(
            &server,
            &admin,
            ("policy_item_id", &p2),
            "一图读懂既有住宅加装电梯",
            "老旧住宅无电梯，老年人上下楼难。",
            "加装电梯须经本单元业主表决同意，财政给予每部电梯补助。",
        )
        .await;
        assert_eq!(
            admin
                .post_form(&server, &format!("/staff/interpretations/{iid}"), &[("action", "approve")])
                .await
                .status()
                .as_u16(),
            303
        );
        assert!(
            text(&server, &admin.client, &format!("/staff/items/{policy2}"))
                .await
                .contains("已审核，将随本文件同时发布")
        );
        assert_eq!(
            admin.post_form(&server, &format!("/staff/items/{policy2}/approve"), &[]).await.status().as_u16(),
            303
        );
        let public = text(&server, &client(), &format!("/items/{policy2}")).await;
        let link = public.find(&format!("/interpretations/{iid}")).expect("the policy page links its interpretation");
        assert!(
            link < public.find("<article").unwrap() && link < public.find("索引号").unwrap(),
            "interpretations first"
        );
        let back = text(&server, &client(), &format!("/interpretations/{iid}")).await;
        assert!(back.contains(&format!("href=\"/items/{policy2}\"")), "the interpretation links back");
        // Search finds both.
        let start = Instant::now();
        loop {
            let v: serde_json::Value = client()
                .get(server.url("/api/v1/search?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let urls: Vec<&str> = v["hits"].as_array().unwrap().iter().filter_map(|h| h["url"].as_str()).collect();
            if urls.contains(&format!("/items/{policy2}").as_str())
                && urls.contains(&format!("/interpretations/{iid}").as_str())
            {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "search finds the policy and its interpretation: {v}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
}

/// An interpretation naming its policy by the 索引号 alone (no item linked: a policy imported from the
/// old portal) shows on that policy's public page, and an item no interpretation names shows none.
/// The page asks for interpretations only when its item's row says one names it (by id or by
/// 索引号: `has_interpretations`, issue 19's one query an item page); this keeps that shortcut whole.
#[tokio::test(flavor = "multi_thread")]
async fn an_interpretation_naming_its_policy_by_index_number_shows_on_the_imported_policys_page() {
    for backend in backends() {
        let store = Store::new(backend);
        assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
        let corpus = store.corpus(2);
        let lines: Vec<serde_json::Value> =
            std::fs::read_to_string(&corpus).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(store.cli(&["import", "items", corpus.to_str().unwrap()]).status.success());
        let (server, admin) = start(&store, "2026-03-02").await;
        // Which id each line got, by its title on the public page.
        let mut ids = vec![];
        for line in &lines {
            let title = line["title"].as_str().unwrap();
            let mut found = None;
            for id in 1..=2 {
                if text(&server, &client(), &format!("/items/{id}")).await.contains(title) {
                    found = Some(id);
                }
            }
            ids.push(found.expect("each imported line is an item page"));
        }
        let no = lines[0]["index_no"].as_str().unwrap();
        let iid = draft_interpretation(
            &server,
            &admin,
            ("policy_ref", no),
            "一图读懂旧门户导入的政策",
            "该政策由原门户导入。",
            "本解读按索引号对应所解读的政策。",
        )
        .await;
        for action in ["approve", "publish"] {
            let r = admin.post_form(&server, &format!("/staff/interpretations/{iid}"), &[("action", action)]).await;
            assert_eq!(r.status().as_u16(), 303, "{action}");
        }
        let named = text(&server, &client(), &format!("/items/{}", ids[0])).await;
        assert!(
            named.contains(&format!("/interpretations/{iid}")),
            "{backend:?}: the policy named by its 索引号 links its interpretation"
        );
        let other = text(&server, &client(), &format!("/items/{}", ids[1])).await;
        assert!(!other.contains("/interpretations/"), "{backend:?}: an item no interpretation names shows none");
    }
}
