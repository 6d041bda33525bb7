//! Acceptance tests of issue 6 and issue 9 against a real (SQLite) database: fixtures go in
//! through the flows, figures come out of the flows, and are compared with figures counted here.

use chrono::{Duration, NaiveDate};
use gongkai_domain::application::{Event, Outcome};
use gongkai_domain::supervision::{Evidence, RectificationEvent, YearMonth};

use crate::db::{self, Db, org::NewUnit};
use crate::flows::{self, Actor};
use crate::state::AppState;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

async fn setup(name: &str) -> (AppState, Vec<i64>) {
    let path = std::env::temp_dir().join(format!("supervision2-test-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let db = Db::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let mut ids = vec![];
    for (i, n) in ["甲局", "乙局", "丙镇"].iter().enumerate() {
        let u = NewUnit {
            name: n.to_string(),
            kind: "department".into(),
            credit_code: format!("TEST{i}"),
            parent_id: None,
            sort_order: i as i64,
            address: String::new(),
            postcode: String::new(),
            phone: String::new(),
            email: format!("u{i}@example.gov.cn"),
            office_hours: String::new(),
        };
        ids.push(db::org::insert_unit(&mut tx, &u).await.unwrap());
    }
    tx.commit().await.unwrap();
    (AppState::new(db, crate::config::Config::default()).await.unwrap(), ids)
}

fn office() -> Actor {
    Actor::system("test")
}

async fn account(state: &AppState, unit: i64, name: &str, last_post: NaiveDate) -> i64 {
    let form = flows::supervision::AccountForm {
        unit_id: unit.to_string(),
        platform: "wechat".into(),
        name: name.into(),
        manager: "王".into(),
        opened_on: "2019-01-01".into(),
    };
    let id = flows::supervision::create_account(&state.db, &office(), &form).await.unwrap();
    flows::supervision::log_post(
        state,
        &office(),
        id,
        flows::supervision::NewPost { posted_on: &last_post.to_string(), title: "一条", url: "", source: "manual" },
        last_post,
    )
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn an_account_silent_fifteen_days_is_dormant_and_reminded_once_a_week() {
    let (state, units) = setup("nm").await;
    let today = d(2020, 3, 20);
    let id = account(&state, units[0], "十五天", today - Duration::days(15)).await;
    account(&state, units[1], "三天", today - Duration::days(3)).await;
    let a = flows::supervision::account(&state, &office(), id, today).await.unwrap();
    assert_eq!(a.status_label, "休眠");
    assert_eq!(flows::supervision::weekly_reminders(&state, today).await.unwrap(), 1);
    assert_eq!(
        flows::supervision::weekly_reminders(&state, today + Duration::days(1)).await.unwrap(),
        0,
        "same week: no second reminder"
    );
    let notes = db::application::notifications(&state.db, Some(units[0]), false, 10).await.unwrap();
    assert!(notes.iter().any(|n| n.message.contains("十五天") && n.message.contains("15天")));
    assert!(db::application::notifications(&state.db, Some(units[1]), false, 10).await.unwrap().is_empty());
    assert_eq!(db::application::unsent_mail(&state.db, 10, &db::now_text(), true).await.unwrap().len(), 1);
}

#[tokio::test]
async fn csv_import_reports_bad_rows_and_imports_the_rest() {
    let (state, units) = setup("csv").await;
    let today = d(2020, 3, 20);
    account(&state, units[0], "汝州民政", d(2020, 1, 1)).await;
    let csv = "账号,发布日期,标题,链接\n汝州民政,2020-03-01,一,\n没有这个号,2020-03-01,二,\n汝州民政,2020-02-30,三,\n汝州民政,2020-03-02,四,https://a.cn/x\n";
    let r = flows::supervision::import_posts(&state, &office(), csv, today).await.unwrap();
    assert_eq!(r.imported, 2);
    assert_eq!(r.errors.iter().map(|e| e.0).collect::<Vec<_>>(), vec![3, 4]);
}

async fn application(state: &AppState, unit: i64, n: usize, received: NaiveDate, answered: Option<NaiveDate>) {
    let id_number =
        gongkai_domain::org::complete_id_number(&format!("41048219800101{n:03}")).unwrap().as_str().to_string();
    let form = flows::application::ApplicationForm {
        applicant_kind: "natural_person".into(),
        applicant_name: "测试".into(),
        id_doc_kind: "resident_id_card".into(),
        id_number,
        phone: "13800000000".into(),
        address: "汝州".into(),
        subject: format!("信息{n}"),
        delivery_form: "electronic".into(),
        delivery_method: "online".into(),
        channel: "online".into(),
        event_date: received.to_string(),
        unit_id: unit.to_string(),
        idempotency_key: format!("t-{n}"),
        ..Default::default()
    };
    let s = flows::application::submit(state, &office(), &form, vec![], true).await.unwrap();
    if let Some(on) = answered {
        let row = db::application::get(&state.db, s.application_id).await.unwrap().unwrap();
        flows::application::step_row(
            state,
            &office(),
            row,
            Event::Answer { on, outcome: Outcome::Disclosed },
            "",
            "",
            on,
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_monthly_report_matches_the_records_and_weights_reorder_the_ranking() {
    let (state, units) = setup("month").await;
    let today = d(2020, 7, 10);
    // Unit 0: 3 received in June, 2 answered on time, 1 open and overdue by 30 June (received in May).
    application(&state, units[0], 1, d(2020, 6, 2), Some(d(2020, 6, 10))).await;
    application(&state, units[0], 2, d(2020, 6, 3), Some(d(2020, 6, 12))).await;
    application(&state, units[0], 3, d(2020, 6, 22), None).await;
    application(&state, units[0], 4, d(2020, 5, 6), None).await;
    // Unit 1: a silent account at 30 June; unit 2: an overdue rectification.
    account(&state, units[1], "沉默号", d(2020, 6, 1)).await;
    let check = flows::supervision::create_spot_check(
        &state,
        &office(),
        &flows::supervision::SpotCheckForm {
            checked_on: "2020-06-01".into(),
            title: "抽查".into(),
            scope: "全部".into(),
            inspectors: "甲".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    flows::supervision::add_finding(
        &state,
        &office(),
        check,
        &flows::supervision::FindingForm {
            unit_id: units[2].to_string(),
            rule: "空白栏目".into(),
            description: "x".into(),
            working_days: "5".into(),
        },
    )
    .await
    .unwrap();

    let ym = YearMonth::new(2020, 6).unwrap();
    let f = flows::supervision::compute_month(&state, ym, today).await.unwrap();
    let m0 = &f[&units[0].to_string()].month;
    assert_eq!((m0.applications_received, m0.applications_answered, m0.applications_answered_on_time), (3, 2, 2));
    assert_eq!((m0.applications_overdue, m0.applications_carried), (1, 1));
    assert_eq!(f[&units[1].to_string()].month.silent_accounts, 1);
    assert_eq!(f[&units[2].to_string()].month.open_rectifications, 1);

    // Issued once; unchanged recomputation issues nothing; a changed one needs a reason.
    assert!(flows::supervision::issue_month(&state, &office(), ym, None, today).await.unwrap().is_some());
    assert!(flows::supervision::issue_month(&state, &office(), ym, None, today).await.unwrap().is_none());
    application(&state, units[1], 5, d(2020, 6, 15), Some(d(2020, 6, 20))).await; // a late correction
    assert!(flows::supervision::issue_month(&state, &office(), ym, None, today).await.is_err());
    assert!(
        flows::supervision::issue_month(&state, &office(), ym, Some("补录6月15日申请"), today).await.unwrap().is_some()
    );
    let v = flows::supervision::month_view(&state, ym, None, today).await.unwrap();
    assert_eq!((v.version, v.reason.as_deref()), (Some(2), Some("补录6月15日申请")));

    // Weights: silent accounts weigh heavily → unit 1 ranks below unit 2; and the other way round.
    let pos = |lines: &[flows::supervision::RankLine], u: i64| lines.iter().position(|l| l.unit_id == u).unwrap();
    let weights = |silent: &str, rect: &str| {
        vec![
            ("SilentAccounts".to_string(), silent.to_string()),
            ("OpenRectifications".to_string(), rect.to_string()),
            ("ApplicationsOverdue".to_string(), "1".to_string()),
        ]
    };
    let c = flows::supervision::save_scoring(&state, &office(), &weights("10", "1"), "3").await.unwrap();
    let lines = flows::supervision::rank_month(&f, &c);
    assert!(pos(&lines, units[1]) > pos(&lines, units[2]));
    let c = flows::supervision::save_scoring(&state, &office(), &weights("1", "10"), "3").await.unwrap();
    let lines = flows::supervision::rank_month(&f, &c);
    assert!(pos(&lines, units[1]) < pos(&lines, units[2]));
    assert!(
        flows::supervision::save_scoring(&state, &office(), &weights("-1", "1"), "3").await.is_err(),
        "negative weight refused"
    );
}

#[tokio::test]
async fn an_overdue_rectification_shows_on_the_dashboard_and_acceptance_closes_it_audited() {
    let (state, units) = setup("rect").await;
    let check = flows::supervision::create_spot_check(
        &state,
        &office(),
        &flows::supervision::SpotCheckForm {
            checked_on: "2020-09-01".into(),
            title: "抽查".into(),
            scope: "全部".into(),
            inspectors: "甲".into(),
            draw_count: "2".into(),
            draw_seed: "42".into(),
        },
    )
    .await
    .unwrap();
    let c = db::supervision::spot_check(&state.db, check).await.unwrap().unwrap();
    assert_eq!(c.draw_seed.as_deref(), Some("42"));
    let fid = flows::supervision::add_finding(
        &state,
        &office(),
        check,
        &flows::supervision::FindingForm {
            unit_id: units[0].to_string(),
            rule: "空白栏目".into(),
            description: "x".into(),
            working_days: "10".into(),
        },
    )
    .await
    .unwrap();
    let late = d(2020, 10, 30);
    assert_eq!(flows::supervision::card(&state, None, late).await.unwrap().overdue_rectifications, 1);
    assert_eq!(flows::supervision::card(&state, Some(units[1]), late).await.unwrap().overdue_rectifications, 0);
    flows::supervision::rectify(
        &state,
        &office(),
        fid,
        RectificationEvent::Submit(Evidence::parse("已补充").unwrap()),
        late,
    )
    .await
    .unwrap();
    flows::supervision::rectify(&state, &office(), fid, RectificationEvent::Accept, late).await.unwrap();
    let card = flows::supervision::card(&state, None, late).await.unwrap();
    assert_eq!((card.overdue_rectifications, card.open_rectifications), (0, 0));
    let audit = db::audit::list(&state.db, &Default::default()).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "finding.accept" && a.object_id == fid.to_string()));
}

#[tokio::test]
async fn a_message_goes_submit_route_answer_publish_without_personal_data_and_late_ones_are_flagged() {
    let (state, units) = setup("msg").await;
    let on = d(2020, 6, 1);
    let form = flows::interaction::MessageForm {
        kind: "consultation".into(),
        to: "leader".into(),
        writer_name: "张三".into(),
        subject: "<b>咨询</b>低保".into(),
        body: "我的手机13812345678，能否办理？<script>x</script>".into(),
        idempotency_key: "k1".into(),
        ..Default::default()
    };
    let s = flows::interaction::submit(&state, &Actor::public("1.2.3.4"), &form, on).await.unwrap();
    assert!(s.masked);
    assert!(flows::interaction::submit(&state, &Actor::public("1.2.3.4"), &form, on).await.unwrap().repeated);
    let id = db::interaction::message_by_code(&state.db, &s.tracking_code).await.unwrap().unwrap().message_id;
    // Past its 5-working-day deadline and unanswered: overdue; after three months: the veto.
    assert_eq!(flows::interaction::unanswered_counts(&state, None, d(2020, 6, 15)).await.unwrap(), (1, 0));
    assert_eq!(flows::interaction::unanswered_counts(&state, None, d(2020, 9, 2)).await.unwrap(), (1, 1));
    for (action, unit, text) in
        [("route", Some(units[0]), ""), ("answer", None, "可以办理，请携带身份证到窗口"), ("publish", None, "")]
    {
        flows::interaction::step(
            &state,
            &office(),
            id,
            flows::interaction::MessageStep { action, to_unit: unit, text, reason: "" },
            on + Duration::days(2),
        )
        .await
        .unwrap();
    }
    let public = flows::interaction::public_list(&state, "低保", on).await.unwrap();
    assert_eq!(public.len(), 1);
    let p = &public[0];
    assert!(!p.row.public_body.contains('<') && !p.row.public_subject.contains('<'));
    for text in [&p.row.public_subject, &p.row.public_body, &p.public_answer, &p.public_writer] {
        assert!(gongkai_domain::privacy::scan(text).is_empty(), "personal data on the public page: {text}");
        assert!(!text.contains("张三"));
    }
    assert_eq!(flows::interaction::unanswered_counts(&state, None, d(2020, 9, 2)).await.unwrap(), (0, 0));
}

#[tokio::test]
async fn a_policy_without_an_approved_interpretation_is_refused_unless_deferred_then_late() {
    let (state, units) = setup("sync").await;
    let today = d(2021, 3, 1);
    let mut tx = state.db.begin().await.unwrap();
    let refused = flows::interaction::check_three_sync(
        &mut tx,
        &office(),
        "410482-2021-001",
        "某办法",
        true,
        None,
        Some(units[0]),
        today,
    )
    .await;
    assert!(refused.unwrap_err().to_string().contains("三同步"));
    flows::interaction::check_three_sync(
        &mut tx,
        &office(),
        "410482-2021-001",
        "某办法",
        true,
        Some(("专家解读待审定", d(2021, 3, 10))),
        Some(units[0]),
        today,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let before = flows::interaction::interpretations(&state.db, Some("410482-2021-001"), d(2021, 3, 10)).await.unwrap();
    assert!(!before[0].late);
    let after = flows::interaction::interpretations(&state.db, Some("410482-2021-001"), d(2021, 3, 11)).await.unwrap();
    assert!(after[0].late);
    let f = flows::supervision::compute_month(&state, YearMonth::new(2021, 3).unwrap(), d(2021, 4, 5)).await.unwrap();
    assert_eq!(f[&units[0].to_string()].month.late_interpretations, 1);
}
