//! The monthly 通报 (.docx) and the annual assessment (.xlsx) open in LibreOffice.

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_monthly_bulletin_and_the_assessment_open_in_libreoffice() {
    let store = Store::new(Backend::Sqlite);
    assert!(store.cli(&["user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD]).status.success());
    let server = Server::start(&store, &[("GONGKAI_TODAY", "2026-06-15")]);
    let admin = login(&server, "admin", ADMIN_PASSWORD).await;
    let a = create_unit(&server, &admin, "汝州市民政局", 41).await;
    let _b = create_unit(&server, &admin, "汝州市财政局", 42).await;
    // Some records for the month: an application received and answered.
    let c = client();
    let body: serde_json::Value = c
        .post(server.url("/api/v1/applications"))
        .json(&application_json(41, None))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["tracking_code"].is_string());
    let queue: serde_json::Value = admin.get(&server, "/api/v1/staff/applications").await.json().await.unwrap();
    let id = queue[0]["application_id"].as_i64().unwrap();
    admin
        .post_form(&server, &format!("/staff/applications/{id}/route"), &[("unit_id", &a.to_string()), ("reason", "")])
        .await;
    admin
        .post_form(
            &server,
            &format!("/staff/applications/{id}/step"),
            &[("action", "answer"), ("date", "2026-06-15"), ("outcome", "disclosed")],
        )
        .await;
    let files = [
        ("/staff/monthly/report.docx?month=2026-06", "bulletin-2026-06.docx"),
        ("/staff/assessment/assessment.xlsx?year=2026", "assessment-2026.xlsx"),
    ];
    for (path, name) in files {
        let r = admin.get(&server, path).await;
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "{path} is an Office file");
        let file = store.dir.join(name);
        std::fs::write(&file, &bytes).unwrap();
        match libreoffice() {
            Some(bin) => assert!(converts_to_pdf(bin, &file), "LibreOffice opens {name}"),
            None => skip(&format!("LibreOffice is not installed; {name} was written but not opened")),
        }
    }
}
