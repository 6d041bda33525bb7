//! The demo's years 2021–2025 built only from records (issue 17 §6), in the 2021 format: the
//! decisions and fees the units' systems of record export (imported as a unit imports them), a few
//! applications a year — one carried over a year end — with their notices, review cases (one filed
//! in November 2023 and decided in February 2024), and the government's report of each year
//! computed with no typed figure and published. 2020 stays as Ruzhou published it (typed figures,
//! with its error); the lists begin in 2021, so they do not speak for 2020.

use chrono::NaiveDate;
use gongkai_domain::application::{Event, Outcome, UnableReason};
use gongkai_domain::supervision::SplitMix64;

use crate::db::{self, Db};
use crate::flows::{self, Actor};

/// Indexes into the demo's units (demo.rs): 公安局, 自然资源和规划局, 市场监督管理局, 行政审批和政务信息管理局.
const POLICE: usize = 4;
const LAND: usize = 9;
const MARKET: usize = 22;
const PERMITS: usize = 28;

/// A day of `year`, drawn.
fn day_of(g: &mut SplitMix64, year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).expect("date") + chrono::Days::new(g.below(365))
}

/// Whether "today" is past the demo's last year (a demo run with an earlier `GONGKAI_TODAY` has
/// no 2021–2025 records, rather than records from its future).
fn years_are_past() -> bool {
    crate::state::today() >= NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
}

pub async fn load(db: &Db, unit_ids: &[i64]) -> anyhow::Result<()> {
    if !years_are_past() {
        return Ok(());
    }
    decisions_and_fees(db, unit_ids).await?;
    applications(db, unit_ids).await?;
    oversight(db, unit_ids).await?;
    Ok(())
}

/// Each year's 社会评议 (a questionnaire in spring, a 座谈会 in autumn) and a 责任追究 case in 2022
/// and 2024, as section 一 of those years' reports states them.
async fn oversight(db: &Db, unit_ids: &[i64]) -> anyhow::Result<()> {
    let office = Actor::system("demo");
    for year in 2021..=2025 {
        let k = i64::from(year - 2021);
        for (held, method, evaluators, people, score, issues) in [
            (
                "04-18",
                "questionnaire",
                "群众代表、企业代表",
                300 + 40 * k,
                format!("{}.{}", 88 + k, k * 2 % 10),
                "政策解读不够通俗\n部分办事指南更新不及时",
            ),
            (
                "10-22",
                "symposium",
                "人大代表、政协委员、群众代表",
                20 + k,
                format!("{}", 90 + k),
                "基层公开栏内容更新慢",
            ),
        ] {
            let f = flows::supervision::EvaluationForm {
                unit_id: String::new(),
                held_on: format!("{year}-{held}"),
                evaluators: evaluators.into(),
                method: method.into(),
                participants: people.to_string(),
                score,
                issues: issues.into(),
            };
            flows::supervision::add_evaluation(db, &office, &f)
                .await
                .map_err(|e| anyhow::anyhow!("demo evaluation {year}: {e}"))?;
        }
    }
    for (unit, on, reason, action) in [
        (MARKET, "2022-09-15", "政府信息公开申请逾期未答复", "criticism"),
        (PERMITS, "2024-06-20", "办事指南长期未更新，经抽查两次未整改", "interview"),
    ] {
        let f = flows::supervision::AccountabilityForm {
            unit_id: unit_ids[unit].to_string(),
            decided_on: on.into(),
            reason: reason.into(),
            action: action.into(),
        };
        flows::supervision::add_accountability(db, &office, &f)
            .await
            .map_err(|e| anyhow::anyhow!("demo accountability {on}: {e}"))?;
    }
    Ok(())
}

/// What the units' systems export, 2021–2025: 行政许可 decisions of the 行政审批局, 行政处罚 of
/// the 市场监管局 and the 公安局, 行政强制 of the 公安局, and the 行政事业性收费 the 自然资源局 collects.
async fn decisions_and_fees(db: &Db, unit_ids: &[i64]) -> anyhow::Result<()> {
    let system = Actor::system("demo");
    let mut g = SplitMix64::new(20_210_101);
    let mut tx = db.begin().await?;
    let plan: [(usize, &str, &str, u64); 4] = [
        (PERMITS, "licensing", "汝审批许", 260),
        (MARKET, "penalty", "汝市监罚", 140),
        (POLICE, "penalty", "汝公罚", 90),
        (POLICE, "coercion", "汝公强", 6),
    ];
    for (unit, kind, prefix, per_year) in plan {
        let mut n = 0;
        for year in 2021..=2025 {
            let count = per_year + g.below(per_year / 3 + 1);
            for i in 0..count {
                let on = day_of(&mut g, year);
                let reference = format!("{prefix}〔{year}〕{}号", i + 1);
                db::records::upsert_decision(&mut tx, unit_ids[unit], kind, &reference, &on.to_string()).await?;
                n += 1;
            }
        }
        db::records::record_import(&mut tx, unit_ids[unit], "decisions", "处理决定（2021-2025）.xlsx", n, "demo")
            .await?;
    }
    let mut n = 0;
    for year in 2021..=2025 {
        for i in 0..(40 + g.below(20)) {
            let on = day_of(&mut g, year);
            // 不动产登记费 and the like: 80 to 550 yuan, in fen.
            let fen = 8_000 + 50 * i64::try_from(g.below(9_400)).unwrap_or(0);
            db::records::upsert_payment(
                &mut tx,
                unit_ids[LAND],
                "fees",
                &format!("汝自然收〔{year}〕{}号", i + 1),
                &on.to_string(),
                fen,
            )
            .await?;
            n += 1;
        }
    }
    db::records::record_import(&mut tx, unit_ids[LAND], "fees", "行政事业性收费（2021-2025）.xlsx", n, "demo").await?;
    db::audit::record(&mut tx, &system, "records.import", "demo", "2021-2025", None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// A few applications a year, answered through the statutory steps (their notices made as any
/// step makes them), one received in late December and answered in January, and the review cases.
async fn applications(db: &Db, unit_ids: &[i64]) -> anyhow::Result<()> {
    let state = crate::state::AppState::new(db.clone(), crate::config::Config::default()).await?;
    let office = Actor::system("demo");
    let subjects = [
        ("{y}年城区老旧小区改造项目清单", MARKET),
        ("{y}年度行政事业性收费项目及标准", LAND),
        ("{y}年某路段交通违法处罚情况", POLICE),
        ("{y}年建设用地规划许可证核发情况", LAND),
        ("{y}年食品生产许可证核发名单", PERMITS),
    ];
    let mut answered_ids = vec![];
    for year in 2021..=2024 {
        for (i, (subject, unit)) in subjects.iter().enumerate() {
            // Late December for the last one of each year: it is carried over into the next.
            let received = if i == 4 {
                NaiveDate::from_ymd_opt(year, 12, 22).expect("date")
            } else {
                NaiveDate::from_ymd_opt(year, 2 + 2 * i as u32, 10).expect("date")
            };
            let received = super::working_day_near(&state, received);
            let n = usize::try_from(year).unwrap_or(0) * 10 + i;
            let form = flows::application::ApplicationForm {
                applicant_kind: if i == 1 { "commercial".into() } else { "natural_person".into() },
                applicant_name: if i == 1 {
                    "河南汝州某置业有限公司".into()
                } else {
                    format!("{}{}", super::SURNAMES[n % 12], super::GIVEN[(n * 5) % 12])
                },
                id_doc_kind: "resident_id_card".into(),
                id_number: super::demo_id(300 + n % 1000),
                credit_code: if i == 1 {
                    gongkai_domain::org::complete_credit_code(&format!("9141048200{:07}", 2_000_000 + n)[..17])
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                contact_person: if i == 1 { "刘经理".into() } else { String::new() },
                phone: format!("137{:08}", 30_000_000 + n),
                email: if i % 2 == 0 { format!("applicant{n}@example.cn") } else { String::new() },
                address: "河南省汝州市丹阳中路".into(),
                subject: subject.replace("{y}", &(year - 1).to_string()),
                delivery_form: "electronic".into(),
                delivery_method: if i % 2 == 0 { "email".into() } else { "online".into() },
                channel: "online".into(),
                event_date: received.to_string(),
                unit_id: unit_ids[*unit].to_string(),
                idempotency_key: format!("demo-{year}-{i}"),
                ..Default::default()
            };
            let s = flows::application::submit(&state, &office, &form, vec![], true)
                .await
                .map_err(|e| anyhow::anyhow!("demo application {year}-{i}: {e}"))?;
            let id = s.application_id;
            let cal = state.calendar();
            let wd = |k: u32| cal.add_working_days(received, k).expect("calendar covers 2021-2025");
            let step = |event: Event, note: &'static str| {
                let state = state.clone();
                let office = office.clone();
                async move {
                    let r = db::application::get(&state.db, id).await?.expect("exists");
                    let on = event.date();
                    flows::application::step_row(&state, &office, r, event, note, "", on)
                        .await
                        .map_err(|e| anyhow::anyhow!("demo step for {id}: {e}"))
                }
            };
            let outcome = match i {
                0 => Outcome::Disclosed,
                1 => Outcome::PartiallyDisclosed,
                2 => Outcome::Unable(UnableReason::NotHeld),
                _ => Outcome::Disclosed,
            };
            if i == 3 {
                step(Event::RequestClarification { sent_on: wd(2), deadline: wd(12) }, "请写明所需许可证的年份和地块")
                    .await?;
                step(Event::Supplement { received_on: wd(5) }, "").await?;
            }
            if i == 1 {
                step(
                    Event::Extend { approved_on: wd(15), days: 10, approver: "市政务公开办主任".into() },
                    "需征询多个科室",
                )
                .await?;
            }
            step(Event::Answer { on: wd(if i == 1 { 24 } else { 12 }), outcome }, "").await?;
            if i == 2 {
                answered_ids.push((year, id));
            }
        }
    }
    // Review cases: a 行政复议 filed in November 2023 and decided (纠正) in February 2024; one filed
    // and decided (维持) in 2022; a 行政诉讼 filed in 2024 and decided in 2025.
    let case = |app_year: i32, kind: &'static str, filed: &'static str, accepted: &'static str, due: &'static str| {
        let id = answered_ids.iter().find(|(y, _)| *y == app_year).map(|(_, id)| *id).expect("answered");
        let form = flows::application::ReviewCaseForm {
            kind: kind.into(),
            result: String::new(),
            filed_on: filed.into(),
            accepted_on: accepted.into(),
            court_due_on: due.into(),
            decided_on: String::new(),
            note: String::new(),
        };
        (id, form)
    };
    for (app_year, kind, filed, accepted, due, result, decided) in [
        (2023, "reconsideration", "2023-11-20", "2023-11-22", "", "corrected", "2024-02-06"),
        (2022, "reconsideration", "2022-06-08", "2022-06-10", "", "upheld", "2022-07-29"),
        (2024, "litigation_direct", "2024-10-15", "", "2025-04-15", "upheld", "2025-03-20"),
    ] {
        let (id, form) = case(app_year, kind, filed, accepted, due);
        let case_id = flows::application::add_review_case(&state, &office, id, &form)
            .await
            .map_err(|e| anyhow::anyhow!("demo review case {filed}: {e}"))?;
        flows::application::end_review_case(&state, &office, case_id, result, decided, "")
            .await
            .map_err(|e| anyhow::anyhow!("demo review case end {decided}: {e}"))?;
    }
    Ok(())
}

/// The government's reports of 2021–2025, computed from the records alone, reviewed and published.
pub async fn reports(db: &Db) -> anyhow::Result<()> {
    if !years_are_past() {
        return Ok(());
    }
    let actor = Actor::system("demo");
    for year in 2021..=2025 {
        let id = flows::report::create_draft(db, &actor, None, year).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let draft = flows::report::body(&db::report::get(db, id).await?.ok_or_else(|| anyhow::anyhow!("draft"))?)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let problems = format!(
            "{year}年，我市政务公开工作仍存在基层公开标准化规范化水平不均衡、政策解读形式较单一等问题。下一步将加强业务培训，丰富解读形式。"
        );
        flows::report::edit_draft(db, &actor, id, &draft.sections.overview, &problems, &draft.sections.other, false)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let row = db::report::get(db, id).await?.ok_or_else(|| anyhow::anyhow!("draft vanished"))?;
        let body = flows::report::body(&row).map_err(|e| anyhow::anyhow!("{e}"))?;
        let check = flows::report::check_with_previous(db, &row, &body).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        if !check.errors.is_empty() {
            anyhow::bail!("the demo's {year} report, computed from records, does not check clean: {:?}", check.errors);
        }
        flows::report::mark_reviewed(db, &actor, id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        flows::report::publish(db, &actor, id, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}
