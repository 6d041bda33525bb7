//! Demo data for 监督考核 and 解读与互动 (called at the end of `demo::load`): the seed's 31 政务新媒体
//! accounts (16 微信, 6 微博, 2 客户端, 7 其他) with post histories in which a few fall silent, the six
//! spot checks of 2020 with findings, rectifications and published 通报, training records, monthly
//! reports for 2020 and the last twelve months, public messages in every state (some late, one over
//! three months), FAQ, 回应关切 and policy interpretations in every form. Deterministic.

use chrono::{Datelike, Duration, NaiveDate};

use crate::db::{self, Db};
use crate::flows::{self, Actor};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("demo date")
}

/// (unit index in demo.rs's list, platform, name)
const ACCOUNTS: [(usize, &str, &str); 31] = [
    (0, "wechat", "汝州发布"),
    (5, "wechat", "汝州民政"),
    (2, "wechat", "汝州教育体育"),
    (4, "wechat", "平安汝州"),
    (8, "wechat", "汝州人社"),
    (18, "wechat", "健康汝州"),
    (10, "wechat", "汝州生态环境"),
    (13, "wechat", "汝州交通"),
    (16, "wechat", "汝州农业农村"),
    (17, "wechat", "汝州文旅"),
    (22, "wechat", "汝州市场监管"),
    (24, "wechat", "汝州医保"),
    (28, "wechat", "汝州政务服务"),
    (40, "wechat", "煤山街道"),
    (47, "wechat", "临汝镇"),
    (51, "wechat", "蟒川镇"),
    (0, "weibo", "汝州发布"),
    (4, "weibo", "汝州公安"),
    (20, "weibo", "汝州应急管理"),
    (18, "weibo", "汝州卫健"),
    (12, "weibo", "汝州城管"),
    (6, "weibo", "汝州司法"),
    (28, "app", "汝州政务服务网移动端"),
    (0, "app", "掌上汝州"),
    (0, "other", "汝州发布（头条号）"),
    (4, "other", "汝州公安（抖音号）"),
    (17, "other", "汝州文旅（快手号）"),
    (37, "other", "汝瓷之都（头条号）"),
    (14, "other", "汝州水利（头条号）"),
    (21, "other", "汝州审计（百家号）"),
    (46, "other", "温泉镇（头条号）"),
];

const POST_TOPICS: [&str; 8] =
    ["工作动态", "政策解读", "便民提示", "通知公告", "会议精神", "典型案例", "办事指南", "民生实事"];

pub async fn load(db: &Db, unit_ids: &[i64]) -> anyhow::Result<()> {
    let state = crate::state::AppState::new(db.clone(), crate::config::Config::default()).await?;
    let system = Actor::system("demo");
    let today = crate::state::today();
    let unit = |i: usize| unit_ids[i.min(unit_ids.len() - 1)];

    // --- 政务新媒体: 31 accounts, posts since 2020 ---
    let mut tx = db.begin().await?;
    for (n, (ui, platform, name)) in ACCOUNTS.iter().enumerate() {
        let opened = d(2018, 1 + (n % 12) as u32, 1 + (n % 27) as u32);
        let id = db::supervision::insert_account(
            &mut tx,
            &db::supervision::NewAccount {
                unit_id: unit(*ui),
                platform,
                name,
                manager: &format!("{}{}", ["王", "李", "张", "刘", "陈"][n % 5], ["主任", "科长", "干事"][n % 3]),
                opened_on: &opened.to_string(),
            },
        )
        .await?;
        // Who falls silent: n=6 stopped 20 days ago (休眠), n=15 100 days ago (僵尸), n=19 11 days
        // ago (周提醒), n=29 stopped 40 days ago (休眠); n=3 and n=25 were silent in spring 2020.
        let stop = match n {
            6 => Some(today - Duration::days(20)),
            15 => Some(today - Duration::days(100)),
            19 => Some(today - Duration::days(11)),
            29 => Some(today - Duration::days(40)),
            _ => None,
        };
        let mut day = d(2020, 1, 2);
        let mut k = 0usize;
        while day <= today {
            let gap2020 = (n == 3 || n == 25) && day >= d(2020, 3, 5) && day <= d(2020, 4, 20);
            let gap_quiet = day > d(2020, 12, 31) && day < d(2025, 11, 1) && !k.is_multiple_of(3); // fewer rows for the quiet years
            if !gap2020 && !gap_quiet && stop.is_none_or(|s| day <= s) {
                let title = format!("{}：{}（{}）", name, POST_TOPICS[(n + k) % 8], day.format("%-m月%-d日"));
                db::supervision::insert_post(
                    &mut tx,
                    id,
                    &day.to_string(),
                    &title,
                    "",
                    if k.is_multiple_of(5) { "api" } else { "manual" },
                )
                .await?;
            }
            day += Duration::days(1 + ((n * 7 + k * 3) % 5) as i64);
            k += 1;
        }
    }
    tx.commit().await?;

    // --- six spot checks of 2020, with findings and rectification, and published 通报 ---
    let checks = [
        (d(2020, 3, 18), "第一次政务公开实地抽查", "市直单位政府信息公开专栏"),
        (d(2020, 5, 20), "第二次政务公开实地抽查", "乡镇（街道）政务公开专栏及便民服务中心"),
        (d(2020, 7, 15), "政务新媒体突击检查", "全市政务新媒体账号"),
        (d(2020, 9, 16), "第三次政务公开实地抽查", "市直单位及乡镇（街道）"),
        (d(2020, 10, 28), "基层政务公开标准化规范化突击检查", "26个试点领域标准目录"),
        (d(2020, 12, 9), "第四次政务公开实地抽查", "市直单位政府信息公开专栏"),
    ];
    let rules = [
        ("动态类栏目两周未更新", "“工作动态”栏目最近一条信息发布已超过两周"),
        ("空白栏目", "“政策解读”栏目无任何信息"),
        ("政务新媒体两周未更新", "账号检查点前两周内无更新"),
        ("依申请公开答复不规范", "答复书未告知救济途径"),
        ("公开指南未更新", "政府信息公开指南仍为2019年版本"),
        ("主动公开不及时", "规范性文件印发后超过20个工作日公开"),
    ];
    let cal = state.calendar();
    for (ci, (on, title, scope)) in checks.iter().enumerate() {
        let id = flows::supervision::create_spot_check(
            &state,
            &system,
            &flows::supervision::SpotCheckForm {
                checked_on: on.to_string(),
                title: title.to_string(),
                scope: scope.to_string(),
                inspectors: "市政务公开办 李明、赵华；市政府督查室 孙伟".into(),
                draw_count: "8".into(),
                draw_seed: format!("{}", on.format("%Y%m%d")),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo spot check: {e}"))?;
        let drawn: Vec<i64> = db::supervision::spot_check(db, id)
            .await?
            .and_then(|c| c.draw_result_json)
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        for (fi, u) in drawn.iter().take(2 + ci % 3).enumerate() {
            let (rule, desc) = rules[(ci + fi) % rules.len()];
            let fid = flows::supervision::add_finding(
                &state,
                &system,
                id,
                &flows::supervision::FindingForm {
                    unit_id: u.to_string(),
                    rule: rule.into(),
                    description: desc.into(),
                    working_days: "10".into(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo finding: {e}"))?;
            // Rectified within the deadline, except one each in checks 2 and 5 (late).
            let late = fi == 1 && (ci == 1 || ci == 4);
            let submitted = cal.add_working_days(*on, if late { 14 } else { 5 + fi as u32 }).unwrap_or(*on);
            let closed = cal.add_working_days(submitted, 2).unwrap_or(submitted);
            let mut tx = db.begin().await?;
            db::supervision::update_finding(
                &mut tx,
                fid,
                gongkai_domain::supervision::RectificationStatus::Open,
                gongkai_domain::supervision::RectificationStatus::Accepted,
                "已整改：栏目已补充更新，并建立定期更新台账（附整改前后截图）",
                Some(&submitted.to_string()),
                "",
                Some(&closed.to_string()),
            )
            .await?;
            db::audit::record(
                &mut tx,
                &system,
                "finding.accept",
                "finding",
                &fid.to_string(),
                None,
                Some(&serde_json::json!({"demo": true})),
            )
            .await?;
            tx.commit().await?;
        }
        let check = db::supervision::spot_check(db, id).await?.expect("just made");
        let views: Vec<_> = db::supervision::findings(db, Some(id), None)
            .await?
            .into_iter()
            .map(|f| flows::supervision::finding_view(f, today))
            .collect();
        let text = flows::supervision::draft_bulletin(&check, &views);
        flows::supervision::publish_bulletin(&state, &system, id, &text, cal.add_working_days(*on, 3).unwrap_or(*on))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    // A recent check with open work: one finding overdue, one submitted, one accepted.
    let recent_on = cal.add_working_days(today - Duration::days(40), 0).unwrap_or(today - Duration::days(40));
    let rid = flows::supervision::create_spot_check(
        &state,
        &system,
        &flows::supervision::SpotCheckForm {
            checked_on: recent_on.to_string(),
            title: "政务公开第四季度突击检查".into(),
            scope: "市直单位及乡镇（街道）政府信息公开专栏".into(),
            inspectors: "市政务公开办 李明、周静".into(),
            draw_count: "6".into(),
            draw_seed: "20261019".into(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (i, (unit_index, rule, desc)) in [
        (5usize, "动态类栏目两周未更新", "“工作动态”栏目已21天未更新"),
        (44, "空白栏目", "“财政资金”栏目为空白"),
        (9, "公开指南未更新", "公开指南未按新条例修订"),
    ]
    .iter()
    .enumerate()
    {
        let fid = flows::supervision::add_finding(
            &state,
            &system,
            rid,
            &flows::supervision::FindingForm {
                unit_id: unit(*unit_index).to_string(),
                rule: rule.to_string(),
                description: desc.to_string(),
                working_days: "10".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut tx = db.begin().await?;
        match i {
            1 => {
                db::supervision::update_finding(
                    &mut tx,
                    fid,
                    gongkai_domain::supervision::RectificationStatus::Open,
                    gongkai_domain::supervision::RectificationStatus::Submitted,
                    "已在栏目补充发布2026年财政资金信息3条",
                    Some(&(today - Duration::days(2)).to_string()),
                    "",
                    None,
                )
                .await?;
            }
            2 => {
                db::supervision::update_finding(
                    &mut tx,
                    fid,
                    gongkai_domain::supervision::RectificationStatus::Open,
                    gongkai_domain::supervision::RectificationStatus::Accepted,
                    "已按新条例修订公开指南并发布",
                    Some(&(recent_on + Duration::days(7)).to_string()),
                    "",
                    Some(&(recent_on + Duration::days(9)).to_string()),
                )
                .await?;
            }
            _ => {}
        }
        tx.commit().await?;
    }

    // --- training, symposiums and field visits of 2020 ---
    let trainings = [
        ("rotation", d(2020, 4, 23), "新修订《政府信息公开条例》及年度报告格式轮训", "各市直单位、乡镇（街道）", 126),
        ("rotation", d(2020, 8, 27), "基层政务公开标准化规范化业务轮训", "26个试点领域主管部门、各乡镇（街道）", 98),
        ("symposium", d(2020, 6, 11), "政务公开工作座谈会", "市直重点单位", 35),
        ("field_visit", d(2020, 9, 24), "乡镇政务公开专区建设实地调研", "寄料镇、温泉镇、小屯镇", 12),
        ("field_visit", d(2020, 11, 19), "村级“三务公开”实地调研", "陵头镇、米庙镇", 10),
    ];
    for (kind, on, topic, units, n) in trainings {
        flows::supervision::add_training(
            db,
            &system,
            &flows::supervision::TrainingForm {
                kind: kind.into(),
                held_on: on.to_string(),
                topic: topic.into(),
                units: units.into(),
                participants: n.to_string(),
                note: String::new(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }

    interaction(&state, &system, unit_ids, today).await?;

    // --- monthly reports: 2020, and the last twelve closed months ---
    let mut months: Vec<(i32, u32)> = (1..=12).map(|m| (2020, m)).collect();
    let mut ym = (today.year(), today.month());
    for _ in 0..12 {
        ym = if ym.1 == 1 { (ym.0 - 1, 12) } else { (ym.0, ym.1 - 1) };
        months.push(ym);
    }
    for (y, m) in months {
        let ym = gongkai_domain::supervision::YearMonth::new(y, m)?;
        flows::supervision::issue_month(&state, &system, ym, None, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo monthly {y}-{m}: {e}"))?;
    }
    Ok(())
}

const QUESTIONS: [(&str, &str, &str); 12] = [
    ("consultation", "城乡居民医保缴费时间", "请问2026年度城乡居民医疗保险什么时候开始缴费？可以通过哪些渠道缴纳？"),
    ("consultation", "灵活就业人员社保补贴申请", "本人是灵活就业人员，想了解社保补贴的申请条件和需要的材料。"),
    ("consultation", "新生儿落户办理", "孩子出生后办理户口需要带哪些材料，能否网上办理？"),
    ("suggestion", "建议增设公交线路", "建议在城南新区增设一条公交线路，方便居民到市人民医院就医。"),
    ("consultation", "公积金提取条件", "租房提取住房公积金需要满足什么条件？每年可以提取几次？"),
    ("suggestion", "老旧小区加装电梯", "我们小区是2000年建的六层住宅，建议纳入老旧小区改造加装电梯。"),
    ("consultation", "低保申请流程", "家中老人无固定收入，想咨询最低生活保障的申请流程。"),
    ("complaint", "夜间施工噪音扰民", "小区旁工地连续多日夜间施工到凌晨，严重影响休息。"),
    ("consultation", "汝瓷非遗传承人申报", "想了解汝瓷烧制技艺代表性传承人的申报条件和时间。"),
    ("suggestion", "增加便民停车位", "建议在中心医院周边增加临时停车位，缓解就医停车难。"),
    ("consultation", "营业执照网上办理", "个体工商户营业执照能否全程网上办理？需要多长时间？"),
    ("consultation", "农村危房改造补助标准", "请问2026年农村危房改造的补助标准是多少，如何申请？"),
];

const ANSWER: &str = "您好！您反映的问题已收悉。经核实，相关政策及办理流程如下：请携带有效证件到市民之家相应窗口办理，也可登录河南政务服务网在线办理。如有疑问，请在工作日拨打本单位公开电话咨询。感谢您的关注！";

async fn interaction(
    state: &crate::state::AppState,
    system: &Actor,
    unit_ids: &[i64],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let db = &state.db;
    let err = |e: crate::error::AppError| anyhow::anyhow!("demo interaction: {e}");
    let cal = state.calendar();
    // A few hundred messages over the last year: most answered and published; some private; some
    // still open (a few late); one consultation unanswered for over three months.
    for i in 0..260usize {
        let (kind, subject, body) = QUESTIONS[i % QUESTIONS.len()];
        let back = (i * 37 % 360) as i64 + 1;
        let on = cal.add_working_days(today - Duration::days(back), 0).unwrap_or(today - Duration::days(back));
        let on = if on > today { today } else { on };
        let to = if i % 9 == 0 {
            "leader".to_string()
        } else {
            unit_ids[[5, 8, 24, 4, 30, 11, 5, 12, 37, 13, 28, 16][i % 12]].to_string()
        };
        let body = if i % 17 == 0 {
            format!("{body}我的电话是1380375{:04}，请回电。", 1000 + i)
        } else {
            body.to_string()
        };
        let form = flows::interaction::MessageForm {
            kind: kind.into(),
            to,
            anonymous: (i % 4 == 0).then(|| "1".to_string()),
            writer_name: if i % 4 == 0 {
                String::new()
            } else {
                format!("{}先生", ["王", "李", "张", "刘", "陈", "杨"][i % 6])
            },
            writer_contact: String::new(),
            wants_private: (i % 23 == 0).then(|| "1".to_string()),
            subject: subject.into(),
            body,
            idempotency_key: format!("demo-msg-{i}"),
        };
        let s = flows::interaction::submit(state, &Actor::public("127.0.0.1"), &form, on).await.map_err(err)?;
        let id =
            db::interaction::message_by_code(db, &s.tracking_code).await?.map(|m| m.message_id).expect("just made");
        if i % 9 == 0 {
            flows::interaction::step(
                state,
                system,
                id,
                flows::interaction::MessageStep { action: "route", to_unit: Some(unit_ids[0]), ..Default::default() },
                on,
            )
            .await
            .map_err(err)?;
        }
        // Leave open: the most recent ones, a few late ones (i % 29 == 0), and i == 7 (old; over three months).
        let keep_open = back <= 4 || (i % 29 == 0 && back < 40) || (i == 7 && back > 95);
        if keep_open {
            continue;
        }
        let answered_on = cal.add_working_days(on, 1 + (i % 4) as u32).unwrap_or(on).min(today);
        flows::interaction::step(
            state,
            system,
            id,
            flows::interaction::MessageStep { action: "answer", text: ANSWER, ..Default::default() },
            answered_on,
        )
        .await
        .map_err(err)?;
        let action = if form.wants_private.is_some() || i % 11 == 0 { "private" } else { "publish" };
        let reason = if form.wants_private.is_some() { "writer_asked" } else { "not_public_interest" };
        flows::interaction::step(
            state,
            system,
            id,
            flows::interaction::MessageStep { action, reason, ..Default::default() },
            answered_on,
        )
        .await
        .map_err(err)?;
    }
    // One consultation unanswered for over three months (互动回应差).
    let old = cal.add_working_days(today - Duration::days(110), 0).unwrap_or(today - Duration::days(110));
    flows::interaction::submit(
        state,
        &Actor::public("127.0.0.1"),
        &flows::interaction::MessageForm {
            kind: "consultation".into(),
            to: unit_ids[15].to_string(),
            anonymous: Some("1".into()),
            subject: "高标准农田建设补贴何时发放".into(),
            body: "去年参加高标准农田建设的补贴何时发放到户？".into(),
            idempotency_key: "demo-msg-veto".into(),
            ..Default::default()
        },
        old,
    )
    .await
    .map_err(err)?;

    for (q, a) in [
        (
            "如何查询我的留言办理进度？",
            "提交留言后会得到查询码和查询密码，在“查询我的留言”页面输入即可查看办理进度和答复。",
        ),
        ("咨询多长时间内答复？", "咨询类留言在5个工作日内答复，建议类留言在15个工作日内答复。"),
        (
            "申请获取政府信息也通过留言吗？",
            "不是。申请获取政府信息请通过“依申请公开”栏目提出，按照《政府信息公开条例》办理。",
        ),
    ] {
        flows::interaction::add_faq(db, system, q, a, None).await.map_err(err)?;
    }

    for (kind, on, title, summary) in [
        (
            "press_conference",
            d(2020, 2, 6),
            "汝州市新冠肺炎疫情防控工作新闻发布会",
            "通报疫情防控进展，回应群众关切的复工复产问题",
        ),
        ("press_conference", d(2020, 6, 18), "汝州市优化营商环境新闻发布会", "介绍“一网通办”改革举措"),
        ("opinion_response", d(2020, 8, 3), "关于城区集中供暖价格调整的回应", "回应网民关于供暖价格的疑问"),
        ("press_qa", d(2020, 11, 12), "市医保局负责人就城乡居民医保缴费答记者问", "解读2021年度缴费标准与渠道"),
        ("press_conference", today - Duration::days(30), "汝州市冬季供暖保障新闻发布会", "通报供暖保障措施与热线"),
    ] {
        flows::interaction::add_concern(
            db,
            system,
            &flows::interaction::ConcernForm {
                kind: kind.into(),
                held_on: on.to_string(),
                title: title.into(),
                link: String::new(),
                unit_id: String::new(),
                summary: summary.into(),
            },
        )
        .await
        .map_err(err)?;
    }

    // Interpretations of demo 规范性文件, in every form; one deferred and late, one deferred and not yet due.
    let policies = [
        ("410482-2020-00031", "汝州市城乡居民最低生活保障实施办法", 5usize),
        ("410482-2020-00047", "汝州市农村危房改造补助资金管理办法", 11),
        ("410482-2020-00058", "汝州市住房公积金提取管理办法", 30),
        ("410482-2020-00066", "汝州市优化营商环境若干措施", 28),
        ("410482-2020-00072", "汝州市城区集中供热管理办法", 12),
        ("410482-2020-00080", "汝州市汝瓷产业发展扶持办法", 37),
    ];
    let forms = ["text", "graphic", "qa", "expert", "video", "press"];
    for (pi, (pref, ptitle, ui)) in policies.iter().enumerate() {
        let mut sections = std::collections::BTreeMap::new();
        for (code, text) in [
            ("Background", format!("为贯彻落实上级有关文件精神，结合我市实际，制定《{ptitle}》。")),
            ("Objectives", "进一步规范工作程序，切实保障群众合法权益。".to_string()),
            (
                "MainContent",
                "办法共六章三十条，明确了适用对象、申请条件、办理程序、资金管理和监督检查等内容。".to_string(),
            ),
            ("Scope", "适用于本市行政区域内的相关工作。".to_string()),
            ("Standards", "按照办法规定的标准和程序执行，自印发之日起施行。".to_string()),
        ] {
            sections.insert(format!("s_{code}"), text);
        }
        for (fi, form) in forms.iter().enumerate().filter(|(fi, _)| (fi + pi) % 3 == 0 || *fi == 0) {
            let input = flows::interaction::InterpretationInput {
                policy_item_id: String::new(),
                policy_ref: pref.to_string(),
                policy_title: ptitle.to_string(),
                title: format!(
                    "《{ptitle}》{}",
                    match *form {
                        "text" => "政策解读",
                        "graphic" => "图解",
                        "qa" => "问答",
                        "expert" => "专家解读",
                        "video" => "视频解读",
                        _ => "新闻发布会实录",
                    }
                ),
                form: form.to_string(),
                link: if matches!(*form, "video" | "graphic") {
                    format!("https://www.ruzhou.gov.cn/interpretation/{pref}-{fi}")
                } else {
                    String::new()
                },
                is_revision: None,
                unit_id: unit_ids[*ui].to_string(),
                sections: sections.clone(),
            };
            let id = flows::interaction::create_interpretation(db, system, &input).await.map_err(err)?;
            if pi < 4 {
                flows::interaction::set_interpretation(db, system, id, "approve", today).await.map_err(err)?;
                flows::interaction::set_interpretation(db, system, id, "publish", d(2020, 3 + pi as u32 * 2, 10))
                    .await
                    .map_err(err)?;
            }
        }
    }
    // 三同步 deferrals: one late (date passed, nothing published), one not yet due.
    let mut tx = db.begin().await?;
    db::interaction::record_deferral(
        &mut tx,
        "410482-2026-00112",
        "汝州市城市更新行动实施方案",
        "专家解读稿待专家审定",
        &(today - Duration::days(12)).to_string(),
        &(today - Duration::days(30)).to_string(),
        Some(unit_ids[11]),
        None,
    )
    .await?;
    db::interaction::record_deferral(
        &mut tx,
        "410482-2026-00118",
        "汝州市养老服务补贴管理办法",
        "图解材料制作中",
        &(today + Duration::days(10)).to_string(),
        &(today - Duration::days(3)).to_string(),
        Some(unit_ids[5]),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
