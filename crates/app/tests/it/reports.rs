//! The annual report's lifecycle over HTTP, as the domain's table (`report::apply`) decides it, on
//! both back ends: draft → reviewed → published; an edit sends a reviewed report back to draft; a
//! published version is never edited but corrected by a new version, whose publication marks the
//! one before superseded (still public). Every refusal is a clear sentence and changes nothing.

use crate::common::*;
use crate::support::location_id;

async fn body(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_goes_draft_reviewed_published_and_a_correction_supersedes_it() {
    for backend in backends() {
        let (_store, server, admin) = setup(backend).await;
        let resp = admin.post_form(&server, "/staff/reports", &[("year", "2025"), ("unit_id", "")]).await;
        assert_eq!(resp.status().as_u16(), 303, "{backend:?}");
        let id = location_id(&resp);
        let edit = |text: &'static str| {
            [("overview", text), ("problems", "存在的问题。"), ("other", "其他需要报告的事项。"), ("recompute", "")]
        };

        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "x")]).await)
                .await;
        assert_eq!(s, 422, "{backend:?}");
        assert!(page.contains("年报须先审核，才能发布"), "{backend:?}");

        assert_eq!(
            admin.post_form(&server, &format!("/staff/reports/{id}"), &edit("总体情况。")).await.status().as_u16(),
            303
        );
        assert_eq!(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await.status().as_u16(), 303);
        let (s, page) = body(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("只有草稿可以审核"));

        // An edit after the review sends it back to draft: the review covered the old text.
        assert_eq!(
            admin
                .post_form(&server, &format!("/staff/reports/{id}"), &edit("总体情况（改）。"))
                .await
                .status()
                .as_u16(),
            303
        );
        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "x")]).await)
                .await;
        assert_eq!(s, 422);
        assert!(page.contains("年报须先审核，才能发布"));
        assert_eq!(admin.post_form(&server, &format!("/staff/reports/{id}/review"), &[]).await.status().as_u16(), 303);

        // Published: with its errors accepted by a reason where the checker finds any.
        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "")]).await)
                .await;
        if s != 303 {
            assert_eq!(s, 422, "{page}");
            assert!(page.contains("处错误，不能发布"), "{page}");
            let r = admin
                .post_form(&server, &format!("/staff/reports/{id}/publish"), &[("override_reason", "测试：按原样发布")])
                .await;
            assert_eq!(r.status().as_u16(), 303);
        }
        assert_eq!(client().get(server.url(&format!("/reports/{id}"))).send().await.unwrap().status().as_u16(), 200);

        let (s, page) = body(admin.post_form(&server, &format!("/staff/reports/{id}"), &edit("偷改。")).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("已发布的年报不能修改"));
        let public = client().get(server.url(&format!("/reports/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(!public.contains("偷改"), "a refused edit changes nothing");

        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/correct"), &[("reason", " ")]).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("请说明更正的理由"));
        let r = admin.post_form(&server, &format!("/staff/reports/{id}/correct"), &[("reason", "表三数字更正")]).await;
        assert_eq!(r.status().as_u16(), 303);
        let fixed = location_id(&r);
        assert_ne!(fixed, id);
        assert_eq!(
            admin.post_form(&server, &format!("/staff/reports/{fixed}/review"), &[]).await.status().as_u16(),
            303
        );
        let r = admin
            .post_form(&server, &format!("/staff/reports/{fixed}/publish"), &[("override_reason", "测试：按原样发布")])
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let old = client().get(server.url(&format!("/reports/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(old.contains("本版本已被更正版本取代"), "{backend:?}: the first version is marked superseded");
        let (s, page) =
            body(admin.post_form(&server, &format!("/staff/reports/{id}/correct"), &[("reason", "再改")]).await).await;
        assert_eq!(s, 422);
        assert!(page.contains("只能更正已发布的现行版本"));

        let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
        for action in ["report.review", "report.correction"] {
            assert!(audit.contains(action), "{backend:?}: {action} audited");
        }
        assert!(audit.contains("report.publish"), "{backend:?}");
    }
}
