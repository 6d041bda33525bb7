//! Issue 14: the statutory clock past the holiday data. From early December 2026 every application
//! whose 20-working-day deadline reaches 2027 was refused ("无法计算答复期限"), because the 2027
//! notice was not in the calendar. Now it is accepted on a provisional deadline (暂定), shown as
//! such, and settled when the notice is imported.

use crate::common::*;
use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;

fn provisional_due(received: &str) -> String {
    let d = NaiveDate::parse_from_str(received, "%Y-%m-%d").unwrap();
    Calendar::builtin().add_working_days(d, 20).unwrap().to_string()
}

async fn submit_api(server: &Server, n: usize) -> serde_json::Value {
    let r = client().post(server.url("/api/v1/applications")).json(&application_json(n, None)).send().await.unwrap();
    let status = r.status().as_u16();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

async fn submit_form(server: &Server, n: usize) -> String {
    let c = client();
    let page = c.get(server.url("/applications/new")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_in(&page);
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in application_json(n, None).as_object().unwrap() {
        form = form.text(k.clone(), v.as_str().unwrap_or("").to_string());
    }
    let r = c.post(server.url(&format!("/applications?_csrf={csrf}"))).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    let html = r.text().await.unwrap();
    assert!(status == 201 || status == 303, "public form: {status}\n{html}");
    html
}

#[tokio::test(flavor = "multi_thread")]
async fn on_15_december_2026_applications_are_accepted_on_a_provisional_date_settled_by_the_notice() {
    let (_store, server, admin) = crate::support::setup_with(Backend::Sqlite, &[("GONGKAI_TODAY", "2026-12-15")]).await;
    create_unit(&server, &admin, "汝州市民政局", 1).await;
    // The JSON API: 201 with a provisional due date.
    let body = submit_api(&server, 1).await;
    assert_eq!(body["due_on"], "2027-01-13", "{body}");
    assert_eq!(body["due_on"].as_str().unwrap(), provisional_due("2026-12-15"));
    assert_eq!(body["due_on_provisional"], true);
    assert!(body["due_note"].as_str().unwrap().contains("放假办法"));
    // The public form: accepted, the receipt says 暂定.
    let receipt = submit_form(&server, 2).await;
    assert!(receipt.contains("暂定") && receipt.contains("2027年1月13日"), "{receipt}");
    // The tracking page and the staff queue say so too.
    let (code, secret) = (body["tracking_code"].as_str().unwrap(), body["secret"].as_str().unwrap());
    let track: serde_json::Value = client()
        .get(server.url(&format!("/api/v1/applications/{code}?secret={secret}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(track["due_on_provisional"], true);
    let queue = admin.get(&server, "/staff/applications").await.text().await.unwrap();
    assert!(queue.contains("暂定"), "the staff queue marks provisional dates");
    // The office's dashboard says next year's notice is missing.
    let dash = admin.get(&server, "/staff").await.text().await.unwrap();
    assert!(
        dash.contains("放假通知未导入") && dash.contains("2027年的国务院办公厅部分节假日安排通知尚未导入"),
        "dashboard warns"
    );

    // The notice comes (a made-up 2027 arrangement that moves the date by a day: 1月4日 off too).
    let notice = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至4日（周一）放假，共4天。";
    let r = admin.post_form(&server, "/staff/calendar/notice", &[("text", notice)]).await;
    let preview = r.text().await.unwrap();
    assert!(preview.contains("2027-01-04") && preview.contains("确认导入"), "shown for confirmation first");
    let still = admin.get(&server, "/staff/calendar?year=2027").await.text().await.unwrap();
    assert!(still.contains("尚未导入"), "nothing saved by the preview");
    let csv = "date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-03,holiday,元旦\n2027-01-04,holiday,元旦\n";
    assert!(preview.contains("2027-01-04,holiday,元旦"), "the confirmation carries what was read");
    let r = admin.post_form(&server, "/staff/calendar", &[("csv", csv)]).await;
    let report = r.text().await.unwrap();
    assert!(
        report.contains(code) && report.contains("2027-01-13") && report.contains("2027-01-14"),
        "moves listed: {report}"
    );
    // Settled: the tracking page shows the new date, no longer provisional, and why it moved.
    let track: serde_json::Value = client()
        .get(server.url(&format!("/api/v1/applications/{code}?secret={secret}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(track["due_on"], "2027-01-14");
    assert_eq!(track["due_on_provisional"], false);
    assert!(track["events"].to_string().contains("重新核定"), "{track}");
    let audit = admin.get(&server, "/staff/audit.csv").await.text().await.unwrap();
    assert!(audit.contains("application.due_recomputed") && audit.contains("calendar.import"));
    let dash = admin.get(&server, "/staff").await.text().await.unwrap();
    assert!(!dash.contains("放假通知未导入"), "the warning is gone");
}

/// At every month end of the shipped data's last year and on the first of each month of the next:
/// intake (API and form), the reminders and the answer all work. Nothing is refused.
#[tokio::test(flavor = "multi_thread")]
async fn from_the_last_data_year_into_the_next_nothing_is_refused() {
    let mut days: Vec<NaiveDate> = (1..=12)
        .map(|m| {
            let first_next =
                if m == 12 { NaiveDate::from_ymd_opt(2027, 1, 1) } else { NaiveDate::from_ymd_opt(2026, m + 1, 1) };
            first_next.unwrap().pred_opt().unwrap()
        })
        .collect();
    days.extend((1..=12).map(|m| NaiveDate::from_ymd_opt(2027, m, 1).unwrap()));
    days.push(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
    for (k, today) in days.iter().enumerate() {
        let t = today.to_string();
        let (_store, server, admin) = crate::support::setup_with(Backend::Sqlite, &[("GONGKAI_TODAY", &t)]).await;
        let unit = create_unit(&server, &admin, "汝州市民政局", 1).await;
        create_user(&server, &admin, "reviewer", "reviewer", unit).await;
        let body = submit_api(&server, 3 * k + 1).await;
        assert_eq!(body["due_on"].as_str().unwrap(), provisional_due(&t), "{t}");
        assert_eq!(body["due_on_provisional"].as_bool().unwrap(), provisional_due(&t).as_str() >= "2027-01-01", "{t}");
        submit_form(&server, 3 * k + 2).await;
        // The reminders run without an error on provisional dates.
        let health = client().get(server.url("/healthz")).send().await.unwrap().status().as_u16();
        assert_eq!(health, 200);
        // The answer: routed, answered, tracked.
        let code = body["tracking_code"].as_str().unwrap();
        let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
        let id = queue.as_array().unwrap().iter().find(|l| l["tracking_code"] == code).unwrap()["application_id"]
            .as_i64()
            .unwrap();
        let u = unit.to_string();
        let r = admin
            .post_form(&server, &format!("/staff/applications/{id}/route"), &[("unit_id", &u), ("reason", "")])
            .await;
        assert_eq!(r.status().as_u16(), 303, "{t}: route");
        let reviewer = login(&server, "reviewer", STAFF_PASSWORD).await;
        let r = reviewer
            .post_form(
                &server,
                &format!("/staff/applications/{id}/step"),
                &[("action", "answer"), ("date", &t), ("outcome", "disclosed"), ("public_note", "请查收")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{t}: answer: {}", r.text().await.unwrap());
    }
}
