//! Issue 19: the staff queue is read from an index of the open applications in the page's order
//! (migration 0022). The order and the counts it must keep: soonest due first, applications of
//! the same due date by number, paused ones (no due date) last; a unit sees only its own; the
//! office's scopes — every unit, one unit, the unassigned — each with their own counts.

use crate::common::*;

fn position(page: &str, code: &str) -> Option<usize> {
    page.find(&format!(">{code}</a>"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_queue_is_soonest_due_first_paused_last_and_scoped() {
    for backend in backends() {
        // A day inside the calendar's data: the steps below reach weeks ahead.
        let (_store, server, admin) = crate::support::setup_with(backend, &[("GONGKAI_TODAY", "2026-06-01")]).await;
        let a = create_unit(&server, &admin, "汝州市财政局", 4).await;
        let b = create_unit(&server, &admin, "汝州市民政局", 5).await;
        create_user(&server, &admin, "cz-reviewer", "reviewer", a).await;
        let mut codes = vec![];
        for n in 0..5 {
            let r = client()
                .post(server.url("/api/v1/applications"))
                .json(&application_json(60 + n, None))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201, "{backend:?}");
            let body: serde_json::Value = r.json().await.unwrap();
            codes.push(body["tracking_code"].as_str().unwrap().to_string());
        }
        let all: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let id = |code: &str| {
            all.as_array().unwrap().iter().find(|l| l["tracking_code"] == code).unwrap()["application_id"]
                .as_i64()
                .unwrap()
        };
        let ids: Vec<i64> = codes.iter().map(|c| id(c)).collect();
        // 0, 1, 2 to 财政局; 3 to 民政局; 4 stays unassigned.
        for (k, unit) in [(0, a), (1, a), (2, a), (3, b)] {
            let r = admin
                .post_form(
                    &server,
                    &format!("/staff/applications/{}/route", ids[k]),
                    &[("unit_id", &unit.to_string()), ("reason", "")],
                )
                .await;
            assert_eq!(r.status().as_u16(), 303, "{backend:?}: route {k}");
        }
        let reviewer = login(&server, "cz-reviewer", STAFF_PASSWORD).await;
        // 0 is paused (补正: the clock stops, no due date); 1 is extended (due later than the rest).
        let r = reviewer
            .post_form(
                &server,
                &format!("/staff/applications/{}/step", ids[0]),
                &[
                    ("action", "clarify"),
                    ("date", "2026-06-01"),
                    ("deadline", "2026-07-01"),
                    ("public_note", "请补充所需信息的年度"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: clarify: {}", r.text().await.unwrap());
        let r = admin
            .post_form(
                &server,
                &format!("/staff/applications/{}/step", ids[1]),
                &[("action", "extend"), ("date", "2026-06-01"), ("days", "10"), ("approver", "公开办主任")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{backend:?}: extend: {}", r.text().await.unwrap());

        // The unit's own queue, through the API: 2 (due first), 1 (extended), 0 (paused); no other unit's.
        let mine: serde_json::Value = reviewer.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let order: Vec<&str> = mine.as_array().unwrap().iter().map(|l| l["tracking_code"].as_str().unwrap()).collect();
        assert_eq!(order, vec![codes[2].as_str(), codes[1].as_str(), codes[0].as_str()], "{backend:?}: {mine}");
        assert!(mine[2]["due_on"].is_null() && mine[0]["due_on"].as_str() < mine[1]["due_on"].as_str(), "{mine}");

        // The office's page of every unit: 2, 3, 4 (same due date, by number), then 1, then 0.
        let page = admin.get(&server, "/staff/applications").await.text().await.unwrap();
        let at: Vec<usize> = [2, 3, 4, 1, 0].iter().map(|&k| position(&page, &codes[k]).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{backend:?}: every unit's queue in due order: {at:?}");
        assert!(page.contains("办理中 <strong>5</strong>") && page.contains("待分办 1 件"), "{backend:?}: {page}");

        // One unit's scope: its three, in order, and its own counts.
        let page = admin.get(&server, &format!("/staff/applications?scope={a}")).await.text().await.unwrap();
        let at: Vec<usize> = [2, 1, 0].iter().map(|&k| position(&page, &codes[k]).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{backend:?}: {at:?}");
        assert!(position(&page, &codes[3]).is_none() && position(&page, &codes[4]).is_none(), "{backend:?}");
        assert!(page.contains("办理中 <strong>3</strong>") && !page.contains("待分办 1 件"), "{backend:?}");

        // The unassigned scope: the one not routed, counted as such.
        let page = admin.get(&server, "/staff/applications?scope=unassigned").await.text().await.unwrap();
        assert!(position(&page, &codes[4]).is_some(), "{backend:?}");
        assert!((0..4).all(|k| position(&page, &codes[k]).is_none()), "{backend:?}");
        assert!(page.contains("办理中 <strong>1</strong>") && page.contains("待分办 1 件"), "{backend:?}");
    }
}

/// A queue line reads only what the queue shows (`db::application::QueueRow`): where the subject is
/// empty, the description's first 40 characters, cut by the database (characters, not bytes, on both
/// back ends), on the API's line and on the page; the API's line names neither the applicant nor
/// the ID number.
#[tokio::test(flavor = "multi_thread")]
async fn a_queue_line_without_a_subject_shows_the_first_forty_characters_of_its_description() {
    for backend in backends() {
        let (_store, server, admin) = crate::support::setup_with(backend, &[("GONGKAI_TODAY", "2026-06-01")]).await;
        let description = "请公开汝州市二〇二五年度城乡居民最低生活保障资金的发放明细及其审核程序".repeat(2);
        let mut body = application_json(70, None);
        body["subject"] = "".into();
        body["description"] = description.clone().into();
        let r = client().post(server.url("/api/v1/applications")).json(&body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201, "{backend:?}: {}", r.text().await.unwrap());
        let all: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let line = &all.as_array().unwrap()[0];
        let expected: String = description.chars().take(40).collect();
        assert_eq!(line["subject"].as_str(), Some(expected.as_str()), "{backend:?}: {line}");
        let text = line.to_string();
        assert!(!text.contains(&id_number(70)) && !text.contains("张测试70"), "{backend:?}: {text}");
        let page = admin.get(&server, "/staff/applications").await.text().await.unwrap();
        assert!(page.contains(&expected), "{backend:?}: the page shows the same start");
    }
}
