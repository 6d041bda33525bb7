//! Issue 19: a public page is kept while nothing public changes — from the second time it is
//! rendered, so a page asked for once (a crawler's sweep) is not copied into the cache. Applications received (most of
//! the change feed under load) leave the kept page in place; a change to what the page shows (a
//! unit renamed) replaces it at once. The cache says a page came from it (`x-page-cache: hit`).

use crate::common::*;

async fn units_page(server: &Server) -> (bool, String) {
    let r = client().get(server.url("/units")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let hit = r.headers().get("x-page-cache").is_some_and(|v| v == "hit");
    (hit, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn applications_leave_public_pages_kept_and_a_public_change_replaces_them() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        let unit = create_unit(&server, &admin, "汝州市档案馆", 31).await;
        let (hit, page) = units_page(&server).await;
        assert!(!hit && page.contains("汝州市档案馆"), "{backend:?}: first visit renders");
        let (hit, _) = units_page(&server).await;
        assert!(!hit, "{backend:?}: the second visit renders too, and keeps the page");
        let (hit, _) = units_page(&server).await;
        assert!(hit, "{backend:?}: the third visit is served from the cache");

        // Applications received: the change feed moves, no public page changes.
        for n in 0..3 {
            let r = client()
                .post(server.url("/api/v1/applications"))
                .json(&application_json(n, None))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201, "{backend:?}: {}", r.text().await.unwrap());
        }
        let (hit, page) = units_page(&server).await;
        assert!(hit && page.contains("汝州市档案馆"), "{backend:?}: still kept after applications");

        // The unit renamed: the next visit renders anew and shows the new name.
        let form = admin.get(&server, &format!("/staff/units/{unit}")).await.text().await.unwrap();
        assert!(form.contains("汝州市档案馆"), "{form}");
        let r = admin
            .post_form(
                &server,
                &format!("/staff/units/{unit}"),
                &[
                    ("name", "汝州市档案史志馆"),
                    ("kind", "department"),
                    ("credit_code", &credit_code(31)),
                    ("phone", "0375-6800000"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: renamed");
        let (hit, page) = units_page(&server).await;
        assert!(!hit && page.contains("汝州市档案史志馆"), "{backend:?}: the renamed unit shows at once");
    }
}

/// A change written by another process (as another node would: here the CLI importing an item into
/// the same database) reaches a kept page once the node's trust in the feed's head it read lapses
/// (`db::audit::HEAD_TTL`, 200 ms): the node no longer asks the database on every page.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_by_another_node_replaces_a_kept_page_within_the_heads_lifetime() {
    for backend in backends() {
        let (store, server, admin) = setup(backend).await;
        create_unit(&server, &admin, "汝州市档案馆", 900).await;
        let home = || async {
            let r = client().get(server.url("/")).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            let hit = r.headers().get("x-page-cache").is_some_and(|v| v == "hit");
            (hit, r.text().await.unwrap())
        };
        home().await;
        home().await;
        let (hit, page) = home().await;
        assert!(hit && !page.contains("档案开放日活动安排"), "{backend:?}: kept");

        let file = store.dir.join("one.jsonl");
        let line = serde_json::json!({
            "index_no": format!("{}/2026-00001", credit_code(900)),
            "title": "档案开放日活动安排",
            "publisher": "汝州市档案馆",
            "published": "2026-11-30",
            "body": "<p>档案馆开放日活动安排如下。</p>",
        });
        std::fs::write(&file, format!("{line}\n")).unwrap();
        let o = store.cli(&["import", "items", file.to_str().unwrap()]);
        assert!(o.status.success(), "{backend:?}: {}", String::from_utf8_lossy(&o.stderr));

        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let (hit, page) = home().await;
        assert!(!hit && page.contains("档案开放日活动安排"), "{backend:?}: the other node's item shows: {page}");
        let (hit, _) = home().await;
        assert!(hit, "{backend:?}: and is kept again");
    }
}

/// A page without a form makes no CSRF token: it sets no cookie, whether rendered or kept (the
/// kept page is served whole). A page with a form makes one, shows it in the form and sets it as
/// the visitor's cookie; with that cookie the next page shows the same token and sets none.
#[tokio::test(flavor = "multi_thread")]
async fn only_a_page_with_a_form_gives_the_visitor_a_csrf_token() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        create_unit(&server, &admin, "汝州市档案馆", 32).await;
        for round in ["rendered", "rendered and kept", "kept"] {
            let r = client().get(server.url("/units")).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
            assert_eq!(r.headers().get("x-page-cache").is_some(), round == "kept", "{backend:?}: {round}");
            assert!(r.headers().get("set-cookie").is_none(), "{backend:?}: {round}: {:?}", r.headers());
            let page = r.text().await.unwrap();
            assert!(page.contains("汝州市档案馆") && !page.contains("_csrf"), "{backend:?}: {round}");
        }

        let visitor = client();
        let r = visitor.get(server.url("/interaction/ask")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let cookies: Vec<String> =
            r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        let page = r.text().await.unwrap();
        let token = csrf_in(&page);
        assert_eq!(token.len(), 64, "{backend:?}: {page}");
        assert!(cookies.iter().any(|c| c.starts_with(&format!("gk_csrf={token};"))), "{backend:?}: {cookies:?}");
        let r = visitor.get(server.url("/interaction/ask")).send().await.unwrap();
        assert!(r.headers().get("set-cookie").is_none(), "{backend:?}: the cookie is set once");
        assert_eq!(csrf_in(&r.text().await.unwrap()), token, "{backend:?}: the same token");
    }
}
