//! The demo: Ruzhou City (汝州市, 410482) as its 2020 annual report describes it — the
//! government, its 市直单位 and its 21 乡镇/街道, staff accounts, the 29 applications of 2020
//! behind the report's table 三, applications of 2025–2026 in every state, and the figures of
//! table 二 that come from other systems. Loaded only into an empty database.

use chrono::{Datelike, NaiveDate};
use gongkai_domain::application::{Event, NotProcessedReason, OtherReason, Outcome, UnableReason};
use gongkai_domain::org::{Role, complete_credit_code};

mod basic_catalog;
mod disclosure;
mod livelihood;
mod records;
mod supervision;

use crate::db::{self, Db, org::NewUnit};
use crate::flows::{self, Actor};

/// Ruzhou's units: 市直单位 first, then the 21 乡镇/街道 (real names).
const DEPARTMENTS: [&str; 40] = [
    "汝州市人民政府办公室",
    "汝州市发展和改革委员会",
    "汝州市教育体育局",
    "汝州市科学技术和工业信息化局",
    "汝州市公安局",
    "汝州市民政局",
    "汝州市司法局",
    "汝州市财政局",
    "汝州市人力资源和社会保障局",
    "汝州市自然资源和规划局",
    "汝州市生态环境局",
    "汝州市住房和城乡建设局",
    "汝州市城市管理局",
    "汝州市交通运输局",
    "汝州市水利局",
    "汝州市农业农村局",
    "汝州市商务局",
    "汝州市文化广电和旅游局",
    "汝州市卫生健康委员会",
    "汝州市退役军人事务局",
    "汝州市应急管理局",
    "汝州市审计局",
    "汝州市市场监督管理局",
    "汝州市统计局",
    "汝州市医疗保障局",
    "汝州市乡村振兴局",
    "汝州市林业局",
    "汝州市信访局",
    "汝州市行政审批和政务信息管理局",
    "汝州市机关事务管理局",
    "汝州市住房公积金管理中心",
    "汝州市税务局",
    "汝州市供销合作社",
    "汝州市残疾人联合会",
    "汝州市地方史志办公室",
    "汝州市档案馆",
    "汝州市投资促进中心",
    "汝州市汝瓷产业发展中心",
    "汝州市粮食和物资储备中心",
    "汝州市城乡一体化示范区管理委员会",
];

const TOWNSHIPS: [&str; 21] = [
    "煤山街道",
    "风穴路街道",
    "钟楼街道",
    "洗耳河街道",
    "汝南街道",
    "紫云路街道",
    "寄料镇",
    "温泉镇",
    "临汝镇",
    "小屯镇",
    "杨楼镇",
    "蟒川镇",
    "庙下镇",
    "陵头镇",
    "米庙镇",
    "纸坊镇",
    "大峪镇",
    "夏店镇",
    "焦村镇",
    "王寨乡",
    "骑岭乡",
];

/// Load the demo into an empty database. Returns the admin password (shown once), or None if
/// the database already has units.
pub async fn load(db: &Db) -> anyhow::Result<Option<String>> {
    if db::org::count_units(db).await? > 0 {
        return Ok(None);
    }
    let system = Actor::system("demo");
    let mut tx = db.begin().await?;
    for (k, v) in [
        ("gov_name", "汝州市"),
        ("gov_code", "410482"),
        ("site_name", "汝州市人民政府 政府信息公开"),
        ("host_org", "汝州市人民政府办公室"),
        ("address", "河南省汝州市丹阳中路"),
        ("postcode", "467599"),
        ("site_code", "4104820001"),
        ("icp", "豫ICP备05015253号"),
        ("police_record", "豫公网安备 41048202000123号"),
    ] {
        db::org::put_setting(&mut tx, k, v).await?;
    }
    let mut unit_ids = vec![];
    for (i, name) in DEPARTMENTS.iter().chain(TOWNSHIPS.iter()).enumerate() {
        let kind = if i == 0 {
            "office"
        } else if i < DEPARTMENTS.len() {
            "department"
        } else {
            "township"
        };
        // Demo codes: 11 (机关) + 410482 + an 8-digit serial + the GB 32100 check character.
        let code = complete_credit_code(&format!("11410482{:08}{}", 5_557_000 + i, 0)[..17]).expect("valid demo code");
        let id = db::org::insert_unit(
            &mut tx,
            &NewUnit {
                name: name.to_string(),
                kind: kind.into(),
                credit_code: code.as_str().into(),
                parent_id: None,
                sort_order: i as i64,
                address: format!("河南省汝州市{}", if i < DEPARTMENTS.len() { "丹阳中路" } else { name }),
                postcode: "467500".into(),
                phone: format!("0375-68{:05}", 10000 + i * 37),
                email: String::new(),
                office_hours: "工作日 8:30–12:00，14:30–18:00".into(),
            },
        )
        .await?;
        unit_ids.push(id);
    }
    db::audit::record(
        &mut tx,
        &system,
        "demo.load",
        "unit",
        "all",
        None,
        Some(&serde_json::json!({"units": unit_ids.len()})),
    )
    .await?;
    tx.commit().await?;

    let password = crate::flows::auth::random_token()[..16].to_string();
    flows::auth::add_user(db, &system, "admin", "公开办管理员", &password, Role::Admin, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (prefix, unit_index) in [("zfb", 0usize), ("mzj", 5), ("czj", 7), ("rsj", 8), ("mss", 40)] {
        let unit = unit_ids[unit_index];
        flows::auth::add_user(
            db,
            &system,
            &format!("{prefix}-clerk"),
            &format!("{prefix}经办人"),
            &password,
            Role::Clerk,
            Some(unit),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        flows::auth::add_user(
            db,
            &system,
            &format!("{prefix}-reviewer"),
            &format!("{prefix}审核人"),
            &password,
            Role::Reviewer,
            Some(unit),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    applications(db, &unit_ids).await?;
    figures(db).await?;
    disclosure::load(db).await?;
    basic_catalog::load(db).await?;
    annual_report_2020(db).await?;
    records::load(db, &unit_ids).await?;
    livelihood::load(db).await?;
    supervision::load(db, &unit_ids).await?;
    link_interpretations(db).await?;
    records::reports(db).await?;
    Ok(Some(password))
}

/// A fake but valid-looking 身份证号 for demo applicants (汝州 region code).
fn demo_id(n: usize) -> String {
    let birth =
        NaiveDate::from_ymd_opt(1960 + (n % 40) as i32, 1 + (n % 12) as u32, 1 + (n % 28) as u32).expect("date");
    gongkai_domain::org::complete_id_number(&format!("410482{}{:03}", birth.format("%Y%m%d"), n % 1000))
        .expect("valid")
        .as_str()
        .to_string()
}

const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const GIVEN: [&str; 12] =
    ["建国", "秀英", "志强", "桂兰", "海军", "丽娟", "国庆", "红梅", "德明", "春花", "新民", "玉兰"];

const REQUESTS_2020: [(&str, usize); 29] = [
    ("2019年度城乡居民最低生活保障资金发放明细", 5),
    ("汝州市城市总体规划（2015—2035）批复文件", 9),
    ("温泉镇某村土地征收补偿安置方案", 9),
    ("2020年城区道路改造工程招标文件", 11),
    ("汝州市棚户区改造项目房屋征收决定", 11),
    ("2019年财政预算执行情况报告", 7),
    ("市区集中供暖价格核定依据", 1),
    ("本人养老保险缴费记录的政策依据", 8),
    ("某企业环境影响评价批复", 10),
    ("2020年教师招聘考试成绩公示", 2),
    ("杨楼镇危房改造补助名单", 5),
    ("农村土地承包经营权确权登记资料", 15),
    ("医疗保障基金使用情况", 24),
    ("某路段交通信号灯设置依据", 13),
    ("市场监管部门对某超市的抽检结果", 22),
    ("某小区规划许可证", 9),
    ("汝瓷文化产业园建设项目立项文件", 1),
    ("退役军人安置政策执行情况", 19),
    ("2020年防汛应急预案", 20),
    ("城市管理行政处罚决定书", 12),
    ("某村集体资产清产核资结果", 15),
    ("小屯镇基础设施建设项目资金使用情况", 1),
    ("住房公积金提取政策文件", 30),
    ("统计公报中人口数据来源", 23),
    ("信访事项处理意见书", 27),
    ("某项目建设用地审批文件", 9),
    ("城乡居民基本医疗保险缴费标准依据", 24),
    ("2020年度财政预算公开资料", 7),
    ("某企业营业执照登记资料", 22),
];

/// The 29 applications of 2020 behind the seed's table 三: 12 予以公开, 1 部分公开, 5 本机关不掌握,
/// 2 重复申请, 9 其他处理 (here: withdrawn, or ended for no supplement); all from 自然人; none carried.
async fn applications(db: &Db, unit_ids: &[i64]) -> anyhow::Result<()> {
    let state = crate::state::AppState::new(db.clone(), crate::config::Config::default()).await?;
    let office = Actor::system("demo");
    let mut outcomes: Vec<Option<Outcome>> = vec![];
    outcomes.extend(std::iter::repeat_n(Some(Outcome::Disclosed), 12));
    outcomes.push(Some(Outcome::PartiallyDisclosed));
    outcomes.extend(std::iter::repeat_n(Some(Outcome::Unable(UnableReason::NotHeld)), 5));
    outcomes.extend(std::iter::repeat_n(Some(Outcome::NotProcessed(NotProcessedReason::Repeated)), 2));
    outcomes.extend(std::iter::repeat_n(None, 9)); // 其他处理
    for (i, ((subject, unit_index), outcome)) in REQUESTS_2020.iter().zip(outcomes).enumerate() {
        // Spread over 2020 on working days; late-year ones answered well before 31 December.
        let received = working_day_near(
            &state,
            NaiveDate::from_ymd_opt(2020, 1 + (i % 11) as u32, 3 + (i * 7 % 22) as u32).expect("date"),
        );
        let form = flows::application::ApplicationForm {
            applicant_kind: "natural_person".into(),
            applicant_name: format!("{}{}", SURNAMES[i % 12], GIVEN[(i * 5) % 12]),
            id_doc_kind: "resident_id_card".into(),
            id_number: demo_id(i),
            phone: format!("1{}{:09}", 3 + i % 7, 100_000_000 + i * 7_654_321 % 899_999_999),
            address: format!("河南省汝州市{}", TOWNSHIPS[i % 21]),
            subject: subject.to_string(),
            delivery_form: if i % 3 == 0 { "paper".into() } else { "electronic".into() },
            delivery_method: if i % 3 == 0 { "post".into() } else { "online".into() },
            channel: if i % 4 == 0 { "letter".into() } else { "online".into() },
            event_date: received.to_string(),
            unit_id: unit_ids[*unit_index].to_string(),
            idempotency_key: format!("demo-2020-{i}"),
            ..Default::default()
        };
        let s = flows::application::submit(&state, &office, &form, vec![], true)
            .await
            .map_err(|e| anyhow::anyhow!("demo application {i}: {e}"))?;
        let id = s.application_id;
        let cal = state.calendar();
        let wd = |n: u32| cal.add_working_days(received, n).expect("calendar covers 2020");
        let row = || async { db::application::get(db, id).await.map(|r| r.expect("just inserted")) };
        let step = |event: Event, note: &'static str| {
            let state = state.clone();
            let office = office.clone();
            async move {
                let r = db::application::get(&state.db, id).await?.expect("exists");
                let today = event.date();
                flows::application::step_row(&state, &office, r, event, note, "", today)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo step for {id}: {e}"))
            }
        };
        let _ = row;
        match outcome {
            Some(outcome) => {
                if i == 3 {
                    step(
                        Event::RequestClarification { sent_on: wd(3), deadline: wd(13) },
                        "请补充所需信息的具体路段名称",
                    )
                    .await?;
                    step(Event::Supplement { received_on: wd(6) }, "").await?;
                }
                if i == 5 {
                    step(
                        Event::Extend { approved_on: wd(18), days: 10, approver: "市政务公开办主任".into() },
                        "需调取历年档案",
                    )
                    .await?;
                }
                let answered = if i == 3 {
                    wd(20)
                } else if i == 5 {
                    wd(25)
                } else {
                    wd(8 + (i % 10) as u32)
                };
                step(Event::Answer { on: answered, outcome }, "").await?;
            }
            None if i % 2 == 0 => {
                step(Event::RequestClarification { sent_on: wd(2), deadline: wd(12) }, "请明确所需信息的内容").await?;
                step(Event::ClarificationLapsed { on: wd(13) }, "申请人逾期未补正").await?;
            }
            None => {
                step(Event::Withdraw { on: wd(4) }, "申请人主动撤回申请").await?;
            }
        }
    }
    // 2025–2026: applications in every state, so the queues and reminders have life in them.
    let today = crate::state::today();
    let states = [
        "open",
        "open",
        "open",
        "clarify",
        "consult",
        "extended",
        "answered",
        "answered",
        "withdrawn",
        "open",
        "open",
        "due-soon",
    ];
    for (i, kind) in states.iter().cycle().take(36).enumerate() {
        let back = match *kind {
            "due-soon" => 17,
            "open" => 3 + (i as i64 % 15),
            "extended" => 19,
            _ => 5 + (i as i64 % 20),
        };
        let mut received = today - chrono::Duration::days(back * 7 / 5);
        if i % 9 == 0 {
            received = today - chrono::Duration::days(40); // overdue ones
        }
        let received = working_day_near(&state, received);
        if received.year() < 2025 {
            continue;
        }
        let unit_index = [0usize, 5, 7, 8, 40, 9, 11][i % 7];
        let org = i % 5 == 4;
        let form = flows::application::ApplicationForm {
            applicant_kind: if org {
                ["commercial", "legal_service", "public_interest", "research", "other_org"][i % 5].into()
            } else {
                "natural_person".into()
            },
            applicant_name: if org {
                format!("河南汝州某{}有限公司", ["商贸", "建设", "律师事务", "研究", "农业"][i % 5])
            } else {
                format!("{}{}", SURNAMES[(i + 3) % 12], GIVEN[(i * 7) % 12])
            },
            id_doc_kind: "resident_id_card".into(),
            id_number: demo_id(100 + i),
            credit_code: if org {
                complete_credit_code(&format!("9141048200{:07}", 1_000_000 + i)[..17]).expect("code").as_str().into()
            } else {
                String::new()
            },
            contact_person: if org { "赵经理".into() } else { String::new() },
            phone: format!("1{}{:09}", 5 + i % 4, 200_000_000 + i * 1_234_567 % 799_999_999),
            address: format!("河南省汝州市{}", TOWNSHIPS[(i + 2) % 21]),
            subject: REQUESTS_2020[(i * 7) % 29].0.replace("2019", "2025").replace("2020", "2025"),
            delivery_form: "electronic".into(),
            delivery_method: "online".into(),
            channel: "online".into(),
            event_date: received.to_string(),
            unit_id: if i % 11 == 10 { String::new() } else { unit_ids[unit_index].to_string() },
            idempotency_key: format!("demo-recent-{i}"),
            ..Default::default()
        };
        let s = flows::application::submit(&state, &office, &form, vec![], true)
            .await
            .map_err(|e| anyhow::anyhow!("demo application recent {i}: {e}"))?;
        let id = s.application_id;
        let cal = state.calendar();
        if cal.add_working_days(received, 1).is_err() {
            continue;
        }
        let at = |n: u32| cal.add_working_days(received, n).ok().filter(|d| *d <= today);
        let event = match *kind {
            "clarify" => at(2).map(|d| Event::RequestClarification {
                sent_on: d,
                deadline: cal.add_working_days(d, 10).expect("cal"),
            }),
            "consult" => {
                at(3).map(|d| Event::Consult { party: gongkai_domain::application::Consultee::ThirdParty, sent_on: d })
            }
            "extended" => {
                at(15).map(|d| Event::Extend { approved_on: d, days: 15, approver: "市政务公开办主任".into() })
            }
            "answered" => at(6).map(|d| Event::Answer {
                on: d,
                outcome: if i % 2 == 0 { Outcome::Disclosed } else { Outcome::Unable(UnableReason::NotHeld) },
            }),
            "withdrawn" => at(2).map(|d| Event::Withdraw { on: d }),
            _ => None,
        };
        if let Some(e) = event {
            let r = db::application::get(db, id).await?.expect("exists");
            let day = e.date();
            flows::application::step_row(&state, &office, r, e, "", "", day)
                .await
                .map_err(|e| anyhow::anyhow!("demo step recent {i}: {e}"))?;
        }
        let _ = OtherReason::Other;
    }
    Ok(())
}

fn working_day_near(state: &crate::state::AppState, d: NaiveDate) -> NaiveDate {
    let cal = state.calendar();
    let mut day = d;
    for _ in 0..15 {
        if cal.is_working_day(day).unwrap_or(true) {
            return day;
        }
        day = day.succ_opt().expect("date");
    }
    d
}

/// Table 二's figures that come from other systems, and the channel counts, as the seed prints
/// them for 2020 (so that `report check` of the built report finds the seed's one error).
async fn figures(db: &Db) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let entries: [(&str, &str); 19] = [
        ("rules.new_made", "0"),
        ("rules.new_published", "0"),
        ("rules.total_published", "0"),
        ("normative_documents.new_made", "1"),
        ("normative_documents.new_published", "1"),
        ("normative_documents.total_published", "1"),
        ("licensing.previous_count", "268"),
        ("licensing.change", "2303"),
        ("licensing.decisions", "6025"),
        ("other_services.previous_count", "96"),
        ("other_services.change", "-36"),
        ("other_services.decisions", "1996"),
        ("penalty.previous_count", "340"),
        ("penalty.change", "498"),
        ("penalty.decisions", "9403"),
        ("coercion.previous_count", "5"),
        ("coercion.change", "-7"),
        ("coercion.decisions", "0"),
        ("fees.previous_count", "33"),
    ];
    let entries: Vec<(&str, &str)> = entries
        .into_iter()
        .chain([("fees.change", "0"), ("procurement.projects", "526"), ("procurement.amount", "85637.6331")])
        .collect();
    for (k, v) in entries {
        flows::report::enter_figure(db, &actor, None, 2020, k, v)
            .await
            .map_err(|e| anyhow::anyhow!("demo figure {k}: {e}"))?;
    }
    for (k, v) in [("channel.政府网站", "11917"), ("channel.政务微博", "2604"), ("channel.政务微信", "3064")]
    {
        flows::report::enter_figure(db, &actor, None, 2020, k, v)
            .await
            .map_err(|e| anyhow::anyhow!("demo figure {k}: {e}"))?;
    }
    Ok(())
}

/// The government's 2020 report, computed from the demo's records and published as Ruzhou did —
/// with the seed's one error accepted by an audited override, so the portal shows both the
/// report and how an accepted error is disclosed.
async fn annual_report_2020(db: &Db) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let seed = gongkai_domain::report::parse(include_str!("../../domain/tests/fixtures/ruzhou-2020-annual-report.txt"))
        .map_err(|e| anyhow::anyhow!("seed report: {e}"))?
        .report;
    let id = flows::report::create_draft(db, &actor, None, 2020).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let row = db::report::get(db, id).await?.ok_or_else(|| anyhow::anyhow!("draft vanished"))?;
    let draft = flows::report::body(&row).map_err(|e| anyhow::anyhow!("{e}"))?;
    flows::report::edit_draft(
        db,
        &actor,
        id,
        &draft.sections.overview,
        &seed.sections.problems,
        &seed.sections.other,
        false,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    flows::report::mark_reviewed(db, &actor, id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    flows::report::publish(
        db,
        &actor,
        id,
        Some("行政强制项目数据取自原执法系统，与2021年已公开的原报告一致；数据核实后以更正版本发布"),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// The demo's interpretations each interpret one of the demo's published 规范性文件, so that the
/// policy pages show their interpretations first (三同步) and the interpretations link back.
async fn link_interpretations(db: &Db) -> anyhow::Result<()> {
    let policies = db::item::published_of_category(db, "normative_document", 200).await?;
    if policies.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (i, id) in db::interaction::unlinked_interpretations(db).await?.into_iter().enumerate() {
        let (item_id, index_no, title) = &policies[i % policies.len()];
        db::interaction::link_interpretation(&mut tx, id, *item_id, index_no, title).await?;
    }
    tx.commit().await?;
    Ok(())
}
