//! The 民生监督 demo: villages of four Ruzhou 乡镇, the five usual programs with budgets, a few
//! thousand generated disbursement rows (fake but valid-looking 身份证号, region 410482) imported
//! through the real upload → validate → accept path, with findings planted (a duplicate payment,
//! one ID under two names, an under-age 高龄津贴 recipient, a payment after death, an over-budget
//! total), a rejected and a pending batch, projects in progress, village disclosures with a few
//! villages late, and complaints in every state. Deterministic apart from "today".

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use gongkai_domain::livelihood::{ComplaintEvent, Rating, RedirectKind};
use gongkai_domain::org::complete_id_number;

use crate::db::{self, Db, livelihood as ldb};
use crate::flows::Actor;
use crate::flows::livelihood::{self as flow, ComplaintForm, DisclosureForm, ProjectForm};
use crate::state::AppState;
use crate::state::today;

const VILLAGES: [(&str, [&str; 3]); 4] = [
    ("温泉镇", ["温北村", "温南村", "大营村"]),
    ("临汝镇", ["东营村", "西营村", "临汝街社区"]),
    ("杨楼镇", ["杨楼村", "李渡口村", "河头村"]),
    ("寄料镇", ["寄料街村", "火庙村", "车渠村"]),
];

const SURNAMES: [&str; 16] =
    ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: [&str; 20] = [
    "建国", "秀英", "志强", "桂兰", "海军", "丽娟", "国庆", "红梅", "德明", "春花", "新民", "玉兰", "保安", "素珍",
    "全有", "凤英", "长松", "金花", "富贵", "爱莲",
];

struct Person {
    name: String,
    id: String,
    village: String,
    quantity: u32,
}

struct Ids {
    seen: HashSet<String>,
    n: usize,
}

impl Ids {
    /// A fresh fake ID number born between `from` and `from + span_days`.
    fn next(&mut self, from: NaiveDate, span_days: i64) -> String {
        loop {
            self.n += 1;
            let birth = from + Duration::days((self.n as i64 * 47) % span_days);
            let first17 = format!("410482{}{:03}", birth.format("%Y%m%d"), (self.n * 7) % 1000);
            let id = complete_id_number(&first17).expect("valid demo id").as_str().to_string();
            if self.seen.insert(id.clone()) {
                return id;
            }
        }
    }
}

fn name(n: usize) -> String {
    format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n / SURNAMES.len() + n * 3) % GIVEN.len()])
}

fn csv(rows: &[(String, String, String, String, Option<u32>)]) -> Vec<u8> {
    let mut s = String::from("序号,村（社区）,姓名,身份证号码,数量,发放金额（元）\n");
    for (i, (village, name, id, amount, qty)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "{},{},{},{},{},{}\n",
            i + 1,
            village,
            name,
            id,
            qty.map(|q| q.to_string()).unwrap_or_default(),
            amount
        ));
    }
    s.into_bytes()
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let state = AppState::new(db.clone(), crate::config::Config::default()).await?;
    let office = Actor::system("demo");
    let err = |what: &'static str| move |e: crate::error::AppError| anyhow::anyhow!("demo livelihood {what}: {e}");
    let units = db::org::list_units(db).await?;
    let unit = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.unit_id).expect("demo unit");
    let year = today().year() - 1;

    // Villages.
    let mut townships = vec![];
    for (t, vs) in VILLAGES {
        let tid = unit(t);
        townships.push((tid, t));
        for v in vs {
            flow::add_village(&state, &office, tid, v, if v.ends_with("社区") { "社区" } else { "村" })
                .await
                .map_err(err("village"))?;
        }
    }

    // Programs (民生政策) and budgets.
    let programs = [
        (
            "dibao",
            "城乡居民最低生活保障",
            "person",
            600,
            None,
            "汝州市民政局",
            "中央和省级财政补助资金、市级配套",
            "《社会救助暂行办法》；《河南省最低生活保障审核确认办法》",
            "共同生活的家庭成员人均收入低于当地最低生活保障标准，且财产状况符合规定的城乡居民",
            1,
        ),
        (
            "tekun",
            "特困人员救助供养",
            "person",
            800,
            None,
            "汝州市民政局",
            "中央和省级财政补助资金、市级配套",
            "《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）",
            "无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其义务人无履行能力的老年人、残疾人和未成年人",
            1,
        ),
        (
            "gengdi",
            "耕地地力保护补贴",
            "mu",
            120,
            None,
            "汝州市农业农村局",
            "中央财政农业相关转移支付",
            "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》（财农〔2016〕26号）",
            "拥有耕地承包权的种地农民，按确权面积补贴",
            0,
        ),
        (
            "canji",
            "残疾人两项补贴",
            "person",
            100,
            None,
            "汝州市残疾人联合会",
            "省、市财政",
            "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
            "低保家庭中的残疾人；残疾等级为一级、二级且需要长期照护的重度残疾人",
            0,
        ),
        (
            "gaoling",
            "高龄津贴",
            "person",
            100,
            Some(80),
            "汝州市民政局",
            "市级财政",
            "《河南省老年人权益保障条例》；汝州市高龄津贴发放实施办法",
            "具有本市户籍、年满80周岁的老年人",
            0,
        ),
    ];
    let mut program_ids = std::collections::BTreeMap::new();
    for (code, name, basis, yuan, min_age, u, source, basis_doc, elig, poverty) in programs {
        let mut tx = db.begin().await?;
        let id = ldb::insert_program(
            &mut tx,
            &ldb::NewProgram {
                code: code.into(),
                name: name.into(),
                basis: basis.into(),
                standard_fen: yuan * 100,
                min_age,
                unit_id: Some(unit(u)),
                source: source.into(),
                policy_basis: basis_doc.into(),
                eligibility: elig.into(),
                valid_from: "2020-01-01".into(),
                valid_to: String::new(),
                poverty,
            },
        )
        .await?;
        db::audit::record(
            &mut tx,
            &office,
            "fund_program.create",
            "fund_program",
            &id.to_string(),
            None,
            Some(&serde_json::json!({"code": code})),
        )
        .await?;
        tx.commit().await?;
        program_ids.insert(code, id);
    }

    // Recipients per village and program.
    let mut ids = Ids { seen: HashSet::new(), n: 0 };
    let mut n = 0usize;
    let mut people: std::collections::BTreeMap<(&str, usize), Vec<Person>> = Default::default();
    for (ti, (_, vs)) in VILLAGES.iter().enumerate() {
        for v in vs {
            for (code, count, from, span) in [
                ("dibao", 20, NaiveDate::from_ymd_opt(1945, 1, 1).expect("d"), 20_000),
                ("tekun", 5, NaiveDate::from_ymd_opt(1940, 1, 1).expect("d"), 12_000),
                ("canji", 8, NaiveDate::from_ymd_opt(1955, 1, 1).expect("d"), 15_000),
                ("gaoling", 12, NaiveDate::from_ymd_opt(1926, 1, 1).expect("d"), 6_500),
                ("gengdi", 30, NaiveDate::from_ymd_opt(1950, 1, 1).expect("d"), 18_000),
            ] {
                for _ in 0..count {
                    n += 1;
                    people.entry((code, ti)).or_default().push(Person {
                        name: name(n),
                        id: ids.next(from, span),
                        village: v.to_string(),
                        quantity: 2 + (n % 9) as u32,
                    });
                }
            }
        }
    }
    // Planted: a 高龄津贴 recipient of 72 (under age) in 温泉镇.
    let young = ids.next(NaiveDate::from_ymd_opt(year - 72, 3, 1).expect("d"), 200);
    people.get_mut(&("gaoling", 0)).expect("p").push(Person {
        name: "赵长林".into(),
        id: young,
        village: "温北村".into(),
        quantity: 1,
    });
    // Planted: a 低保 recipient recorded as deceased in February.
    let dead = people[&("dibao", 1)][3].id.clone();
    {
        let mut tx = db.begin().await?;
        ldb::put_death(&mut tx, &dead, &format!("{year}-02-15"), "公安户籍注销信息").await?;
        tx.commit().await?;
    }

    // Budgets: 残疾人两项补贴 set just under what is paid, so the last batch is over budget.
    let months = 1..=6u32;
    let amount = |code: &str, i: usize, p: &Person| -> (String, Option<u32>) {
        match code {
            "dibao" => (format!("{}", 300 + (i % 4) * 100), None),
            "tekun" => ("800".into(), None),
            "canji" => (if i.is_multiple_of(3) { "50".into() } else { "100".into() }, None),
            "gaoling" => ("100".into(), None),
            _ => (format!("{}", 120 * p.quantity), Some(p.quantity)),
        }
    };
    let canji_total: i64 = (0..4)
        .map(|t| {
            people[&("canji", t)]
                .iter()
                .enumerate()
                .map(|(i, p)| amount("canji", i, p).0.parse::<i64>().unwrap_or(0) * 100)
                .sum::<i64>()
        })
        .sum::<i64>()
        * 6;
    for (code, budget_fen) in [
        ("dibao", 100_000_000),
        ("tekun", 40_000_000),
        ("gengdi", 30_000_000),
        ("canji", canji_total - 5_000),
        ("gaoling", 10_000_000),
    ] {
        for y in [year, year + 1] {
            flow::set_budget(
                &state,
                &office,
                program_ids[code],
                i64::from(y),
                &format!("{}.{:02}", budget_fen / 100, budget_fen % 100),
                "年初预算",
            )
            .await
            .map_err(err("budget"))?;
        }
    }

    // Batches: monthly programs for six months, 耕地地力保护补贴 for the year.
    let mut batches: Vec<(&str, usize, String, Vec<u8>)> = vec![];
    for m in months {
        for code in ["dibao", "tekun", "canji", "gaoling"] {
            for t in 0..4 {
                let mut rows: Vec<(String, String, String, String, Option<u32>)> = people[&(code, t)]
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let (a, q) = amount(code, i, p);
                        (p.village.clone(), p.name.clone(), p.id.clone(), a, q)
                    })
                    .collect();
                if code == "dibao" && t == 2 && m == 3 {
                    // Planted: the same person paid twice in one month.
                    let again = rows[5].clone();
                    rows.push(again);
                }
                if code == "tekun" && t == 3 && m == 4 {
                    // Planted: one ID number under two names.
                    let mut other = rows[1].clone();
                    other.1 = "郭玉芳".into();
                    rows.push(other);
                }
                batches.push((code, t, format!("{year}-{m:02}"), csv(&rows)));
            }
        }
    }
    for t in 0..4 {
        let rows: Vec<_> = people[&("gengdi", t)]
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (a, q) = amount("gengdi", i, p);
                (p.village.clone(), p.name.clone(), p.id.clone(), a, q)
            })
            .collect();
        batches.push(("gengdi", t, year.to_string(), csv(&rows)));
    }
    // The canji batches last, so that only the final one goes over the budget.
    batches.sort_by_key(|(code, _, _, _)| *code == "canji");
    for (code, t, period, bytes) in batches {
        let r = flow::upload_batch(
            &state,
            &office,
            program_ids[code],
            townships[t].0,
            &period,
            &format!("{}{}{}发放名册.csv", townships[t].1, period, code),
            &bytes,
        )
        .await
        .map_err(err("upload"))?;
        anyhow::ensure!(
            r.status == gongkai_domain::livelihood::BatchStatus::Pending,
            "demo batch {code} {period} rejected: {:?}",
            r.errors
        );
        flow::accept_batch(&state, &office, r.batch_id).await.map_err(err("accept"))?;
    }
    // A rejected batch (bad ID number, amount above the standard, text amount) and a pending one.
    let p = &people[&("dibao", 0)];
    let mut bad_id = p[0].id.clone();
    let last = bad_id.pop().expect("id");
    bad_id.push(if last == '0' { '1' } else { '0' });
    let rows = vec![
        (p[0].village.clone(), p[0].name.clone(), bad_id, "400".into(), None),
        (p[1].village.clone(), p[1].name.clone(), p[1].id.clone(), "900".into(), None),
        (p[2].village.clone(), p[2].name.clone(), p[2].id.clone(), "四百".into(), None),
        (p[3].village.clone(), p[3].name.clone(), p[3].id.clone(), "400".into(), None),
    ];
    flow::upload_batch(
        &state,
        &office,
        program_ids["dibao"],
        townships[0].0,
        &format!("{year}-07"),
        "温泉镇7月低保名册（有误）.csv",
        &csv(&rows),
    )
    .await
    .map_err(err("rejected"))?;
    let rows: Vec<_> = p
        .iter()
        .enumerate()
        .map(|(i, x)| (x.village.clone(), x.name.clone(), x.id.clone(), amount("dibao", i, x).0, None))
        .collect();
    flow::upload_batch(
        &state,
        &office,
        program_ids["dibao"],
        townships[0].0,
        &format!("{year}-07"),
        "温泉镇7月低保名册.csv",
        &csv(&rows),
    )
    .await
    .map_err(err("pending"))?;

    // Projects.
    let villages = ldb::villages(db).await?;
    let vid = |name: &str| villages.iter().find(|v| v.name == name).map(|v| v.village_id.to_string()).expect("village");
    let t = today();
    let d = |days: i64| (t + Duration::days(days)).to_string();
    let projects = [
        (
            "温北村道路硬化工程",
            "温北村",
            "860000",
            "财政衔接推进乡村振兴补助资金",
            "汝州市宏达路桥工程有限公司",
            -200,
            60,
            "1",
            55,
            false,
        ),
        (
            "大营村安全饮水提升工程",
            "大营村",
            "420000",
            "中央财政衔接资金",
            "河南汝水建设有限公司",
            -300,
            -30,
            "1",
            80,
            false,
        ),
        ("东营村文化广场建设", "东营村", "350000", "市级财政", "汝州市城建工程有限公司", -400, -120, "", 100, true),
        (
            "李渡口村高标准农田建设",
            "李渡口村",
            "1500000",
            "高标准农田建设补助资金",
            "平顶山农建集团有限公司",
            -150,
            120,
            "",
            30,
            false,
        ),
        (
            "火庙村光伏扶贫电站运维",
            "火庙村",
            "280000",
            "光伏扶贫收益",
            "汝州市新能源服务有限公司",
            -500,
            -200,
            "1",
            100,
            false,
        ),
        (
            "河头村危房改造",
            "河头村",
            "240000",
            "农村危房改造补助资金",
            "汝州市安居建筑有限公司",
            -100,
            -10,
            "1",
            70,
            false,
        ),
        (
            "临汝街社区养老服务中心",
            "临汝街社区",
            "980000",
            "福彩公益金、市级财政",
            "河南康宁建设有限公司",
            -30,
            240,
            "",
            0,
            false,
        ),
        (
            "车渠村产业路建设",
            "车渠村",
            "560000",
            "财政衔接推进乡村振兴补助资金",
            "汝州市宏达路桥工程有限公司",
            -260,
            -60,
            "1",
            100,
            true,
        ),
    ];
    for (name, village, budget, source, contractor, start, end, poverty, progress, accepted) in projects {
        let id = flow::create_project(
            &state,
            &office,
            &ProjectForm {
                name: name.into(),
                village_id: vid(village),
                budget: budget.into(),
                source: source.into(),
                contractor: contractor.into(),
                planned_start: d(start),
                planned_end: d(end),
                poverty: poverty.into(),
                description: format!("{name}，由{contractor}承建，资金来源为{source}。"),
            },
        )
        .await
        .map_err(err("project"))?;
        let steps: Vec<i64> = [10, 30, 55, 80, 100].into_iter().filter(|p| *p <= progress).collect();
        for (i, p) in steps.iter().enumerate() {
            let day = t + Duration::days(start + 10 + i as i64 * 25).min(Duration::days(-1));
            let note = match *p {
                10 => "开工，完成场地清理和放线",
                30 => "基础工程完成",
                55 => "主体工程完成过半",
                80 => "主体工程基本完成，进行附属工程",
                _ => "全部完工，待验收",
            };
            flow::project_progress(
                &state,
                &office,
                id,
                flow::ProgressUpdate { progress: *p, note, photo: None, accept: false, day: Some(day) },
            )
            .await
            .map_err(err("progress"))?;
        }
        if accepted {
            flow::project_progress(
                &state,
                &office,
                id,
                flow::ProgressUpdate {
                    progress: 100,
                    note: "经市乡村振兴局、财政局联合验收合格",
                    photo: None,
                    accept: true,
                    day: Some(t - Duration::days(5)),
                },
            )
            .await
            .map_err(err("accept project"))?;
        }
    }

    // Village disclosures: the last two periods; three villages late with the latest.
    let quarterly = flow::quarterly(&state);
    let due = flow::due_period(t, quarterly);
    let before = flow::due_period(
        if quarterly { t - Duration::days(92) } else { t.with_day(1).expect("d") - Duration::days(1) },
        quarterly,
    );
    for (i, v) in villages.iter().enumerate() {
        for (board, cat, title, content) in [
            (
                "sanzi",
                "funds",
                "村集体资金收支情况",
                "本期集体经营性收入、上级转移支付收入和各项支出明细，经村务监督委员会审核。",
            ),
            ("sanzi", "assets", "村集体资产台账", "村委会办公楼、文化广场、光伏电站等集体资产的使用和出租情况。"),
            ("sanwu", "village", "村务公开", "本期村民代表会议决议事项、低保评议结果、惠农补贴发放情况。"),
            ("sanwu", "finance", "财务公开", "本期村级财务收支明细、债权债务和招待费用。"),
        ] {
            for period in [&before, &due] {
                if period == &due && (i == 2 || i == 7 || (i == 10 && board == "sanwu")) {
                    continue;
                }
                let f = DisclosureForm {
                    village_id: v.village_id.to_string(),
                    board: board.into(),
                    category: cat.into(),
                    period: period.clone(),
                    title: format!("{}{}{}", v.name, flow::period_label(period), title),
                    content: content.into(),
                    ..Default::default()
                };
                flow::add_disclosure(&state, &office, &f, None).await.map_err(err("disclosure"))?;
            }
        }
    }

    // Complaints in every state.
    let mzj = unit("汝州市民政局");
    let submit = |title: &str, content: &str, kind: &str, village: &str, days_ago: i64, anonymous: bool| {
        let f = ComplaintForm {
            anonymous: if anonymous { "1".into() } else { String::new() },
            name: if anonymous { String::new() } else { "王建民".into() },
            phone: if anonymous { String::new() } else { "13837512345".into() },
            subject_kind: kind.into(),
            village_id: vid(village),
            title: title.into(),
            content: content.into(),
            ..Default::default()
        };
        (f, t - Duration::days(days_ago))
    };
    let cases = [
        (
            "低保评议不公开",
            "我村今年低保评议没有召开村民代表会议，名单也没有张贴公示，请核查。",
            "fund",
            "温北村",
            2,
            false,
            vec![],
        ),
        (
            "高龄津贴少发两个月",
            "我父亲今年满八十周岁，高龄津贴只发了四个月，少发两个月，请核实。",
            "fund",
            "东营村",
            10,
            true,
            vec!["assign"],
        ),
        (
            "道路硬化工程质量差",
            "村里新修的道路不到半年就出现裂缝，怀疑偷工减料，请派人检查。",
            "project",
            "温北村",
            40,
            true,
            vec!["assign"],
        ),
        (
            "危房改造补助发放情况",
            "我家危房改造补助申请已经一年，一直没有结果，请问进展。",
            "fund",
            "河头村",
            30,
            false,
            vec!["assign", "reply"],
        ),
        (
            "安全饮水工程停水",
            "大营村安全饮水工程施工期间经常停水，没有提前通知。",
            "project",
            "大营村",
            35,
            true,
            vec!["assign", "reply", "rate"],
        ),
        (
            "耕地补贴面积不对",
            "我家确权面积是六亩，耕地地力保护补贴只按四亩发放。",
            "fund",
            "李渡口村",
            45,
            false,
            vec!["assign", "reply", "reopen"],
        ),
        (
            "光伏收益分配",
            "光伏电站收益如何分配给村里，希望公开。",
            "village",
            "火庙村",
            60,
            true,
            vec!["assign", "reply", "close"],
        ),
        (
            "申请公开低保资金文件",
            "请公开我镇2025年低保资金分配的文件和依据，申请公开相关文件。",
            "fund",
            "杨楼村",
            20,
            false,
            vec!["redirect"],
        ),
    ];
    for (title, content, kind, village, days_ago, anonymous, steps) in cases {
        let (f, day) = submit(title, content, kind, village, days_ago, anonymous);
        let s = flow::submit_complaint(&state, &Actor::public("127.0.0.1"), &f, Some(day))
            .await
            .map_err(err("complaint"))?;
        let mut d = day;
        for step in steps {
            d = (d + Duration::days(3)).min(t);
            let c = ldb::complaint(db, s.complaint_id).await?.expect("complaint");
            let (event, unit_id, note) = match step {
                "assign" => (ComplaintEvent::Assign, Some(mzj), ""),
                "reply" => {
                    (ComplaintEvent::Reply, None, "经核查，已责成所在乡镇于十个工作日内整改，并将结果向村民公开。")
                }
                "rate" => (ComplaintEvent::Rate(Rating::Satisfied), None, ""),
                "reopen" => (ComplaintEvent::Reopen, None, "投诉人对答复不满意"),
                "close" => (ComplaintEvent::CloseUnrated, None, ""),
                _ => (ComplaintEvent::Redirect(RedirectKind::InformationRequest), None, "属于政府信息公开申请"),
            };
            flow::complaint_step(&state, &office, c, event, unit_id, note, Some(d))
                .await
                .map_err(err("complaint step"))?;
        }
    }
    Ok(())
}
