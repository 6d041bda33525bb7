//! Demo 主动公开 data: a few thousand generated, deterministic items across Ruzhou's units and
//! catalogs, 2020 to 2026 — 规范性文件 with 发文字号, 行政许可 results, budgets, 民生资金
//! disbursements, the 基层政务公开标准化规范化 special column and its areas — with channels
//! (政府网站 always, some 政务微博 / 政务微信). Stored a few hundred items per transaction.

use chrono::{Datelike, Duration, NaiveDate};
use gongkai_domain::disclosure::{Art20Category, Channel, basic_areas};

use crate::db::{self, Db, item::NewItem};
use crate::flows::Actor;
use crate::flows::disclosure::{self as flow, DirectItem, channels_text};

/// A small deterministic generator (xorshift), so every demo is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const TOPICS: [&str; 24] = [
    "城乡居民最低生活保障",
    "农村危房改造",
    "政府投资项目",
    "行政事业性收费",
    "住房公积金",
    "城市道路占用挖掘",
    "建筑垃圾处置",
    "养老服务",
    "义务教育学校招生",
    "就业创业补贴",
    "耕地地力保护补贴",
    "城乡居民医疗保险",
    "安全生产责任",
    "食品安全监督抽检",
    "扬尘污染防治",
    "汝瓷产业发展",
    "乡村振兴衔接资金",
    "农村饮水安全",
    "公共文化服务",
    "残疾人两项补贴",
    "特困人员救助供养",
    "城市供水价格",
    "营商环境优化",
    "政务服务“一网通办”",
];

const COMPANIES: [&str; 12] = [
    "汝州市天瑞建材有限公司",
    "汝州市鑫源汝瓷有限公司",
    "河南汝州东风农业开发有限公司",
    "汝州市宏达物流有限公司",
    "汝州市金鼎餐饮管理有限公司",
    "汝州市康宁大药房有限公司",
    "汝州市绿源生态农业专业合作社",
    "汝州市城投建设有限公司",
    "汝州市华兴混凝土有限公司",
    "汝州市鼎盛商贸有限公司",
    "汝州市中原水务有限公司",
    "汝州市安康养老服务中心",
];

const PERMITS: [&str; 8] = [
    "食品经营许可",
    "建设工程规划许可",
    "取水许可",
    "药品零售许可",
    "道路运输经营许可",
    "排污许可",
    "建筑工程施工许可",
    "公共场所卫生许可",
];

/// The short form of a unit's name in its 发文字号 (汝财〔2020〕5号, 寄政〔2020〕3号).
fn doc_prefix(unit: &str) -> String {
    if unit == "汝州市人民政府办公室" {
        return "汝政办".into();
    }
    if let Some(rest) = unit.strip_prefix("汝州市") {
        let first: String = rest.chars().take(1).collect();
        return format!("汝{first}");
    }
    let first: String = unit.chars().take(2).collect();
    if unit.ends_with("街道") { format!("{first}办") } else { format!("{first}政") }
}

fn sentence_pool(topic: &str, unit: &str, year: i32) -> Vec<String> {
    vec![
        format!("为进一步做好{topic}工作，根据国家、省、市有关规定，结合我市实际，{unit}制定本文件。"),
        format!("{year}年，{unit}坚持以人民为中心的发展思想，认真落实{topic}各项政策措施，取得了明显成效。"),
        format!("各乡镇（街道）、市直各有关单位要提高认识，加强领导，明确责任分工，确保{topic}工作落到实处。"),
        "本文件所称政府信息，是指行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息。".into(),
        format!("{topic}资金实行专账管理、专款专用，任何单位和个人不得截留、挤占、挪用。"),
        "对工作中发现的问题，要建立台账，限期整改，整改结果向社会公开，接受群众监督。".into(),
        format!("联系单位：{unit}，联系电话见本单位政府信息公开指南。"),
        "本办法自发布之日起施行，有效期五年。此前有关规定与本办法不一致的，以本办法为准。".into(),
        format!("请各单位于每季度末将{topic}工作进展情况报送市政府办公室。"),
    ]
}

fn body(rng: &mut Rng, topic: &str, unit: &str, year: i32, extra: &str) -> String {
    let pool = sentence_pool(topic, unit, year);
    let mut out = String::new();
    if !extra.is_empty() {
        out.push_str(&format!("<p>{extra}</p>"));
    }
    for _ in 0..(3 + rng.below(4)) {
        let mut p = String::new();
        for _ in 0..(2 + rng.below(3)) {
            p.push_str(&pool[rng.below(pool.len())]);
        }
        out.push_str(&format!("<p>{p}</p>"));
    }
    out
}

struct Gen {
    unit_id: i64,
    code: String,
    node: String,
    title: String,
    summary: String,
    body: String,
    doc_no: String,
    art20: Option<Art20Category>,
    genre: &'static str,
    subject: &'static str,
    published: NaiveDate,
    validity: &'static str,
    validity_end: Option<NaiveDate>,
}

fn art20_for(node: &str) -> Option<Art20Category> {
    use Art20Category::*;
    Some(match node {
        "policy_normative" => NormativeDocument,
        "enforcement_permits" => Permit,
        "enforcement_penalties" => Penalty,
        "finance_budget" => Budget,
        "finance_fees" => Fee,
        "finance_procurement" => Procurement,
        "planning" => Plan,
        "statistics" => Statistics,
        "key_livelihood" => Livelihood,
        "organization" => Organization,
        "personnel" => CivilServiceRecruitment,
        "key_emergency" => Emergency,
        "key_inspection" => SupervisionInspection,
        "key_projects" => MajorProject,
        _ => return None,
    })
}

/// One generated item of a unit in a catalog node.
fn generate(
    rng: &mut Rng,
    unit: &str,
    node: &str,
    published: NaiveDate,
    serial: &mut u32,
) -> (String, String, String, &'static str, &'static str, String) {
    let topic = rng.pick(&TOPICS);
    let year = published.year();
    let month = published.month();
    let prefix = doc_prefix(unit);
    let mut docno = || {
        *serial += 1;
        format!("{prefix}〔{year}〕{}号", *serial)
    };
    let (title, doc_no, genre, subject, extra): (String, String, &str, &str, String) = match node {
        "policy_normative" => {
            let t = if rng.chance(50) {
                format!("关于印发《汝州市{topic}管理办法》的通知")
            } else {
                format!("{unit}关于进一步规范{topic}工作的实施意见")
            };
            (
                t,
                docno(),
                if rng.chance(50) { "notice" } else { "opinion" },
                "general_affairs",
                "本文件为行政规范性文件，经合法性审核和集体讨论决定。".into(),
            )
        }
        "policy_other" => {
            (format!("{unit}关于做好{year}年{topic}工作的通知"), docno(), "notice", "general_affairs", String::new())
        }
        "policy_interpretation" => (
            format!("《汝州市{topic}管理办法》政策解读"),
            String::new(),
            "other",
            "general_affairs",
            format!("一、出台背景。二、主要内容。三、{topic}政策的适用范围。"),
        ),
        "planning" => {
            (format!("汝州市{topic}“十四五”专项规划"), String::new(), "plan", "economic_management", String::new())
        }
        "statistics" => (
            format!("{year}年{month}月{unit}主要统计数据"),
            String::new(),
            "other",
            "economic_management",
            String::new(),
        ),
        "finance_budget" => {
            if rng.chance(40) {
                (
                    format!("{year}年第{}季度民生资金发放情况公示", (month - 1) / 3 + 1),
                    String::new(),
                    "public_notice",
                    "finance_audit",
                    format!("本季度共发放{topic}等民生资金，资金发放明细已在民生监督平台公示，个人信息已作遮盖处理。"),
                )
            } else if rng.chance(50) {
                (
                    format!("{unit}{year}年部门预算公开"),
                    String::new(),
                    "other",
                    "finance_audit",
                    "部门收支总体情况、财政拨款收支情况、“三公”经费支出情况。".into(),
                )
            } else {
                (
                    format!("{unit}{}年部门决算公开", year - 1),
                    String::new(),
                    "other",
                    "finance_audit",
                    "部门决算收支情况说明及“三公”经费支出情况。".into(),
                )
            }
        }
        "finance_fees" => {
            (format!("{unit}行政事业性收费项目及标准目录"), String::new(), "other", "finance_audit", String::new())
        }
        "finance_procurement" => {
            let t = if rng.chance(50) {
                format!("{unit}{topic}服务项目公开招标公告")
            } else {
                format!("{unit}{topic}服务项目中标结果公告")
            };
            (t, String::new(), "announcement", "finance_audit", format!("采购人：{unit}；采购方式：公开招标。"))
        }
        "personnel" => (
            format!("{unit}{year}年公开招聘工作人员公告"),
            String::new(),
            "announcement",
            "labour_personnel",
            String::new(),
        ),
        "enforcement_permits" => {
            let c = rng.pick(&COMPANIES);
            let p = rng.pick(&PERMITS);
            if rng.chance(50) {
                (
                    format!("{unit}{year}年{month}月行政许可事项办理结果公示"),
                    String::new(),
                    "public_notice",
                    "market_safety",
                    format!("本月共办理{p}等行政许可事项，办理结果如下：{c}，准予许可。"),
                )
            } else {
                (
                    format!("关于准予{c}{p}的行政许可决定"),
                    docno(),
                    "decision",
                    "market_safety",
                    format!(
                        "申请单位{c}提交的{p}申请材料齐全、符合法定形式，依据《中华人民共和国行政许可法》第三十八条，决定准予行政许可。"
                    ),
                )
            }
        }
        "enforcement_penalties" => {
            let c = rng.pick(&COMPANIES);
            (
                format!("{unit}行政处罚决定书（{c}）"),
                docno(),
                "decision",
                "market_safety",
                format!("当事人{c}违反{topic}有关规定，依法给予警告并处罚款。"),
            )
        }
        "key_livelihood" => (
            format!("{year}年{month}月城乡居民最低生活保障及民生资金发放情况"),
            String::new(),
            "public_notice",
            "civil_affairs",
            "民生资金发放严格执行“一卡通”制度，资金直达受益群众。".into(),
        ),
        "key_emergency" => {
            (format!("汝州市{topic}突发事件应急预案"), docno(), "programme", "public_security_justice", String::new())
        }
        "key_inspection" => {
            (format!("{year}年{topic}监督检查情况通报"), String::new(), "circular", "market_safety", String::new())
        }
        "key_projects" => (
            format!("汝州市{topic}重大建设项目批准和实施情况"),
            String::new(),
            "other",
            "construction_environment",
            String::new(),
        ),
        "organization" => (
            format!("{unit}机构职能与领导分工"),
            String::new(),
            "other",
            "general_affairs",
            "主要职责、内设机构、办公地址、办公时间、联系方式。".into(),
        ),
        "notices" => (
            format!("{unit}关于{topic}有关事项的公告"),
            String::new(),
            "announcement",
            "general_affairs",
            String::new(),
        ),
        "news" => {
            (format!("{unit}召开{year}年{topic}工作推进会"), String::new(), "other", "general_affairs", String::new())
        }
        "basic_policy" => (
            format!("{unit}全面推进基层政务公开标准化规范化工作实施方案"),
            docno(),
            "programme",
            "general_affairs",
            "依据国办发〔2019〕54号，编制基层政务公开标准目录，2020年底前完成。".into(),
        ),
        "basic_progress" => (
            format!("{unit}召开基层政务公开标准化规范化工作推进会"),
            String::new(),
            "other",
            "general_affairs",
            String::new(),
        ),
        "basic_township" => (
            format!("{unit}乡镇级基层政务公开标准目录（{year}年版）"),
            String::new(),
            "other",
            "general_affairs",
            "涵盖乡镇政府职责范围内的公开事项、公开依据、公开时限、公开主体和公开渠道。".into(),
        ),
        n if n.starts_with("area_") => {
            let area =
                basic_areas().iter().find(|a| format!("area_{}", a.code) == n).map(|a| a.title).unwrap_or("政务公开");
            let t = if rng.chance(40) {
                format!("{unit}{area}领域基层政务公开标准目录")
            } else {
                format!("{unit}{year}年{area}领域信息公开")
            };
            (
                t,
                String::new(),
                "other",
                "general_affairs",
                format!("{area}领域的公开事项、公开内容、公开依据、公开时限、公开主体、公开渠道和载体。"),
            )
        }
        _ => (format!("{unit}关于{topic}的通知"), String::new(), "notice", "general_affairs", String::new()),
    };
    let b = body(rng, topic, unit, year, &extra);
    let summary = if extra.is_empty() { String::new() } else { extra.chars().take(120).collect() };
    (title, doc_no, b, genre, subject, summary)
}

/// Fill the demo with items. Called at the end of `demo::load()`.
pub async fn load(db: &Db) -> anyhow::Result<usize> {
    let units = db::org::list_units(db).await?;
    let mut rng = Rng(0x2020_1231_4104_8200);
    let start = NaiveDate::from_ymd_opt(2020, 1, 2).expect("date");
    let span = (NaiveDate::from_ymd_opt(2026, 11, 20).expect("date") - start).num_days();
    let mut gens: Vec<Gen> = vec![];
    const DEPT_NODES: [(&str, u32); 20] = [
        ("policy_normative", 5),
        ("policy_other", 5),
        ("policy_interpretation", 2),
        ("planning", 1),
        ("statistics", 2),
        ("finance_budget", 6),
        ("finance_fees", 1),
        ("finance_procurement", 4),
        ("personnel", 1),
        ("enforcement_permits", 6),
        ("enforcement_penalties", 3),
        ("key_livelihood", 2),
        ("key_emergency", 1),
        ("key_inspection", 2),
        ("key_projects", 1),
        ("organization", 1),
        ("notices", 4),
        ("news", 6),
        ("basic_progress", 1),
        ("basic_policy", 0),
    ];
    const TOWN_NODES: [(&str, u32); 8] = [
        ("notices", 4),
        ("news", 6),
        ("finance_budget", 3),
        ("key_livelihood", 4),
        ("basic_township", 2),
        ("basic_progress", 2),
        ("organization", 1),
        ("policy_other", 2),
    ];
    let areas: Vec<String> = basic_areas().iter().map(|a| format!("area_{}", a.code)).collect();
    for (ui, u) in units.iter().enumerate() {
        let township = u.kind == "township";
        let mut serial = 0u32;
        let mut nodes: Vec<(String, u32)> = if township {
            TOWN_NODES.iter().map(|(n, c)| (n.to_string(), *c)).collect()
        } else {
            DEPT_NODES.iter().map(|(n, c)| (n.to_string(), *c)).collect()
        };
        // Each unit fills two or three of the 26 areas; the office the special column's policies.
        for k in 0..(2 + ui % 2) {
            nodes.push((areas[(ui * 3 + k * 7) % areas.len()].clone(), 3));
        }
        if u.kind == "office" {
            nodes.push(("basic_policy".into(), 6));
        }
        for (node, count) in nodes {
            for _ in 0..count {
                let published = start + Duration::days((rng.next() % span as u64) as i64);
                let (title, doc_no, body, genre, subject, summary) =
                    generate(&mut rng, &u.name, &node, published, &mut serial);
                let (validity, validity_end) =
                    if node == "policy_normative" && published.year() < 2023 && rng.chance(20) {
                        let end = published + Duration::days(700 + rng.below(400) as i64);
                        (if rng.chance(50) { "repealed" } else { "lapsed" }, Some(end))
                    } else {
                        ("effective", None)
                    };
                gens.push(Gen {
                    unit_id: u.unit_id,
                    code: u.credit_code.clone(),
                    node: node.clone(),
                    summary,
                    title,
                    body,
                    doc_no,
                    art20: None,
                    genre,
                    subject,
                    published,
                    validity,
                    validity_end,
                });
            }
        }
    }
    // Items the search is measured with (the ranking of 信息公开 against 信息化 + 公开招标).
    if let Some(office) = units.iter().find(|u| u.kind == "office") {
        let d = NaiveDate::from_ymd_opt(2020, 3, 16).expect("date");
        for (node, title, body) in [
            (
                "notices",
                "汝州市2020年政府信息公开工作要点",
                "<p>为深入贯彻《中华人民共和国政府信息公开条例》，全面做好2020年政府信息公开工作，推进主动公开，规范依申请公开，加强政府信息公开平台建设。</p>",
            ),
            (
                "finance_procurement",
                "汝州市教育信息化设备采购项目公开招标公告",
                "<p>汝州市教育信息化设备采购项目现进行公开招标，欢迎合格的供应商参加投标。项目内容：教室多媒体与信息化终端。</p>",
            ),
        ] {
            gens.push(Gen {
                unit_id: office.unit_id,
                code: office.credit_code.clone(),
                node: node.into(),
                title: title.into(),
                summary: String::new(),
                body: body.into(),
                doc_no: String::new(),
                art20: None,
                genre: "notice",
                subject: "general_affairs",
                published: d,
                validity: "effective",
                validity_end: None,
            });
        }
    }
    gens.sort_by_key(|g| (g.published, g.unit_id));
    let actor = Actor::system("demo");
    let mut stored = 0;
    let calendar = gongkai_domain::calendar::Calendar::builtin();
    let mut node_ids: std::collections::HashMap<(i64, String), Option<i64>> = std::collections::HashMap::new();
    for chunk in gens.chunks(400) {
        let mut tx = db.begin().await?;
        for g in chunk {
            flow::ensure_catalog(&mut tx, g.unit_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let key = (g.unit_id, g.node.clone());
            let node_id = match node_ids.get(&key) {
                Some(n) => *n,
                None => {
                    let n = db::item::node_id_by_code_or_title(&mut tx, g.unit_id, &g.node).await?;
                    node_ids.insert(key, n);
                    n
                }
            };
            let art20 = g.art20.or_else(|| art20_for(&g.node));
            let mut channels = vec![Channel::Website];
            let h = rng.next() % 100;
            if h < 15 {
                channels.push(Channel::Weibo);
            }
            if (15..35).contains(&h) || h > 95 {
                channels.push(Channel::WeChat);
            }
            // Most are formed a few days before publication; some wait past the 20 working days.
            let formed = g.published
                - Duration::days(if rng.chance(6) { 35 + rng.below(20) as i64 } else { 1 + rng.below(10) as i64 });
            let due = flow::due_date(&calendar, formed);
            let row = NewItem {
                unit_id: g.unit_id,
                catalog_node_id: node_id,
                title: g.title.clone(),
                summary: g.summary.clone(),
                body_html: g.body.clone(),
                doc_no: g.doc_no.clone(),
                art20: art20.map(|a| a.code().to_string()).unwrap_or_default(),
                genre: g.genre.into(),
                subject: g.subject.into(),
                mode: "proactive".into(),
                validity: g.validity.into(),
                validity_since: (g.validity == "effective" && !g.doc_no.is_empty()).then(|| g.published.to_string()),
                validity_end: g.validity_end.map(|d| d.to_string()),
                channels: channels_text(&channels),
                formed_on: formed.to_string(),
                written_on: (!g.doc_no.is_empty()).then(|| formed.to_string()),
                due_on: due.to_string(),
            };
            flow::insert_published(
                &mut tx,
                &actor,
                &g.code,
                &DirectItem { row, index_no: None, published_on: g.published },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            stored += 1;
        }
        tx.commit().await?;
    }
    let mut tx = db.begin().await?;
    db::audit::record(&mut tx, &actor, "demo.items", "item", "all", None, Some(&serde_json::json!({"items": stored})))
        .await?;
    tx.commit().await?;
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_prefixes_follow_local_usage() {
        assert_eq!(doc_prefix("汝州市人民政府办公室"), "汝政办");
        assert_eq!(doc_prefix("汝州市财政局"), "汝财");
        assert_eq!(doc_prefix("寄料镇"), "寄料政");
        assert_eq!(doc_prefix("煤山街道"), "煤山办");
    }
}
