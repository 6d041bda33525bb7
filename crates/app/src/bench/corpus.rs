//! The generated search corpus of the 主动公开 benchmark: items in real government phrasing,
//! deterministic by seed, as the legacy-items JSONL the importer reads; and the benchmark's queries.

use std::io::{BufWriter, Write};
use std::path::Path;

/// The typical 1–3 word queries of the search benchmark, one a line.
pub const QUERIES: &str = include_str!("../../../../reliability/search-queries.txt");

pub fn queries() -> Vec<&'static str> {
    QUERIES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// xorshift64*: small, deterministic.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
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

const CITIES: [(&str, &str); 6] =
    [("汝州市", "汝"), ("宝丰县", "宝"), ("郏县", "郏"), ("鲁山县", "鲁"), ("叶县", "叶"), ("舞钢市", "舞")];

/// Departments: name, short form in the 发文字号.
const DEPARTMENTS: [(&str, &str); 24] = [
    ("人民政府办公室", "政办"),
    ("发展和改革委员会", "发改"),
    ("教育体育局", "教体"),
    ("民政局", "民"),
    ("财政局", "财"),
    ("人力资源和社会保障局", "人社"),
    ("自然资源和规划局", "自然资源"),
    ("住房和城乡建设局", "建"),
    ("交通运输局", "交"),
    ("农业农村局", "农"),
    ("水利局", "水"),
    ("卫生健康委员会", "卫健"),
    ("市场监督管理局", "市监"),
    ("应急管理局", "应急"),
    ("审计局", "审"),
    ("统计局", "统"),
    ("生态环境分局", "环"),
    ("文化广电和旅游局", "文广旅"),
    ("医疗保障局", "医保"),
    ("退役军人事务局", "退役军人"),
    ("城市管理局", "城管"),
    ("乡村振兴局", "乡振"),
    ("行政审批和政务信息管理局", "审批"),
    ("工业和信息化局", "工信"),
];

const TOPICS: [&str; 40] = [
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
    "优化营商环境",
    "乡村振兴衔接资金",
    "农村饮水安全",
    "公共文化服务",
    "残疾人两项补贴",
    "特困人员救助供养",
    "城市供水价格",
    "政务服务“一网通办”",
    "高标准农田建设",
    "老旧小区改造",
    "河长制",
    "秸秆禁烧",
    "森林防火",
    "疫情防控",
    "防汛抗旱",
    "双随机一公开",
    "政府信息公开",
    "集体林权制度改革",
    "退役军人优抚",
    "学前教育",
    "职业技能培训",
    "农村人居环境整治",
    "中小企业纾困",
    "消费券发放",
    "重点项目建设",
];

const COMPANIES: [&str; 16] = [
    "天瑞建材有限公司",
    "鑫源汝瓷有限公司",
    "东风农业开发有限公司",
    "宏达物流有限公司",
    "金鼎餐饮管理有限公司",
    "康宁大药房有限公司",
    "绿源生态农业专业合作社",
    "城投建设有限公司",
    "华兴混凝土有限公司",
    "鼎盛商贸有限公司",
    "中原水务有限公司",
    "安康养老服务中心",
    "恒信建筑工程有限公司",
    "永顺运输有限公司",
    "佳美超市有限公司",
    "福源食品有限公司",
];

const PERMITS: [&str; 10] = [
    "食品经营许可",
    "建设工程规划许可",
    "取水许可",
    "药品零售许可",
    "道路运输经营许可",
    "排污许可",
    "建筑工程施工许可",
    "公共场所卫生许可",
    "燃气经营许可",
    "林木采伐许可",
];

const VIOLATIONS: [&str; 8] = [
    "未按规定公示营业执照",
    "销售过期食品",
    "未取得施工许可擅自施工",
    "超标排放大气污染物",
    "未按规定建立安全生产台账",
    "违规占用城市道路",
    "销售不合格产品",
    "擅自改变房屋用途",
];

/// Categories (Art. 20 labels, as a legacy site writes them) and their weight.
const CATEGORIES: [(&str, u32); 14] = [
    ("规范性文件", 12),
    ("行政许可", 16),
    ("行政处罚", 10),
    ("财政预决算", 6),
    ("政府集中采购", 8),
    ("民生政策措施", 10),
    ("规划信息", 3),
    ("统计信息", 5),
    ("重大建设项目", 5),
    ("监督检查", 6),
    ("公务员招考", 3),
    ("突发公共事件", 3),
    ("行政事业性收费", 3),
    ("其他应主动公开信息", 10),
];

struct Ctx<'a> {
    city: &'a str,
    unit: String,
    topic: &'a str,
    year: i32,
    month: u32,
    company: String,
    permit: &'a str,
    violation: &'a str,
    amount: u64,
    count: u64,
}

fn generic(c: &Ctx) -> Vec<String> {
    let Ctx { city, unit, topic, year, month, amount, count, .. } = c;
    vec![
        format!("为进一步做好{topic}工作，根据国家、省、市有关规定，结合{city}实际，{unit}制定本方案。"),
        format!(
            "{year}年，{unit}坚持以人民为中心的发展思想，认真贯彻落实党中央、国务院决策部署，扎实推进{topic}各项工作，取得了明显成效。"
        ),
        "各乡镇人民政府、街道办事处，市直各有关单位要提高政治站位，加强组织领导，明确责任分工，确保各项工作落到实处。"
            .into(),
        format!(
            "{topic}资金实行专账管理、专款专用，任何单位和个人不得截留、挤占、挪用，资金使用情况接受审计和社会监督。"
        ),
        "对工作中发现的问题，要建立问题台账，明确整改时限，整改结果向社会公开，接受群众监督。".into(),
        format!(
            "截至{year}年{month}月底，全{}累计投入资金{amount}万元，惠及群众{count}人次。",
            &city[city.len() - 3..]
        ),
        format!("请各单位于每季度末将{topic}工作进展情况以书面形式报送{unit}，同时报送电子版。"),
        "各地各部门要强化宣传引导，通过政府网站、政务新媒体等渠道及时发布政策信息，回应社会关切。".into(),
        "坚持依法行政，严格按照法定权限和程序履行职责，做到公开、公平、公正。".into(),
        format!("{unit}将会同有关部门加强督导检查，对工作不力、进度滞后的单位予以通报批评。"),
        "本通知自印发之日起施行。此前有关规定与本通知不一致的，以本通知为准。".into(),
        format!("联系单位：{unit}办公室；联系电话：0375-{:07}。", 6_000_000 + (amount * 37 + count) % 999_999),
        "深化“放管服”改革，持续优化审批流程，压缩办理时限，推行告知承诺制，切实提升群众和企业的获得感。".into(),
        format!("健全{topic}长效机制，完善考核评价体系，将考核结果作为年度目标管理的重要依据。"),
        "严格落实政府信息公开保密审查制度，涉及国家秘密、商业秘密和个人隐私的信息依法不予公开。".into(),
        format!("附件：{year}年度{topic}工作任务分解表"),
    ]
}

fn specific(category: &str, c: &Ctx) -> Vec<String> {
    let Ctx { city, unit, topic, year, month, company, permit, violation: v, amount, count } = c;
    match category {
        "行政许可" => {
            vec![
                format!(
                    "申请人：{city}{company}。许可事项：{permit}。许可决定：准予许可。有效期自{year}年{month}月起五年。"
                ),
                format!(
                    "经审查，{city}{company}提交的{permit}申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十八条规定，决定准予行政许可。"
                ),
                format!("许可机关：{unit}。许可决定日期：{year}年{month}月{}日。", 1 + count % 28),
                "申请人如对本决定不服，可在收到本决定之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
                    .into(),
            ]
        }
        "行政处罚" => {
            vec![
                format!("当事人{city}{company}{v}，违反了相关法律法规规定，{unit}依法立案调查。"),
                format!("依据有关规定，决定给予当事人警告，并处罚款{}元的行政处罚。", amount * 100),
                "当事人应当自收到本决定书之日起十五日内缴纳罚款，逾期不缴纳的，每日按罚款数额的百分之三加处罚款。"
                    .into(),
                "行政处罚决定信息公示期限为三年，期满后自动撤下。".into(),
            ]
        }
        "财政预决算" => vec![
            format!(
                "{unit}{year}年部门预算收入合计{amount}万元，其中一般公共预算财政拨款收入{}万元。",
                amount * 7 / 10
            ),
            format!(
                "“三公”经费预算{}万元，比上年减少{}万元，主要原因是严格执行中央八项规定精神，压减公务接待支出。",
                amount / 50 + 3,
                amount / 400 + 1
            ),
            "政府采购预算、国有资产占用情况、预算绩效管理情况详见附表，三公经费支出情况说明见附件。".into(),
            "部门预算公开表格包括收支总表、收入总表、支出总表、财政拨款收支总表、一般公共预算支出表等。".into(),
        ],
        "政府集中采购" => vec![
            format!("{city}{topic}设备采购项目采用公开招标方式，项目预算{amount}万元，欢迎符合条件的供应商参加投标。"),
            "投标人应具备《中华人民共和国政府采购法》第二十二条规定的条件，本项目不接受联合体投标。".into(),
            format!(
                "获取招标文件时间：{year}年{month}月{}日至{}日，地点：{city}公共资源交易中心。",
                1 + count % 20,
                6 + count % 20
            ),
            format!("中标供应商：{city}{company}，中标金额{}万元。", amount * 9 / 10),
        ],
        "民生政策措施" => vec![
            format!(
                "{year}年{month}月，全{}共发放{topic}资金{amount}万元，保障对象{count}人。",
                &city[city.len() - 3..]
            ),
            "保障标准按照城乡居民人均消费支出的一定比例确定，实行动态调整，低保、特困供养等民生资金按时足额发放。"
                .into(),
            "申请人向户籍所在地乡镇人民政府（街道办事处）提出书面申请，经审核审批后按月发放。".into(),
            "资金通过“一卡通”直接发放到保障对象账户，杜绝截留挪用。".into(),
        ],
        "统计信息" => vec![
            format!(
                "{year}年{month}月，全{}规模以上工业增加值同比增长{}.{}%，固定资产投资同比增长{}.{}%。",
                &city[city.len() - 3..],
                count % 12,
                count % 10,
                amount % 15,
                amount % 10
            ),
            format!("社会消费品零售总额{amount}万元，城乡居民人均可支配收入{}元。", 20_000 + count * 3),
            "注：本数据为初步统计数，最终数据以统计年鉴为准。".into(),
        ],
        "公务员招考" => vec![
            format!("根据{year}年度考试录用公务员工作安排，现将{unit}拟录用人员名单予以公示。"),
            "公示期为5个工作日。公示期间，对拟录用人员有问题反映的，可通过电话、来信等方式向招录机关反映。".into(),
            "反映问题要实事求是，以真实姓名反映问题的，我们将严格保密。".into(),
        ],
        "突发公共事件" => vec![
            format!("为有效应对{topic}等突发事件，最大限度减少人员伤亡和财产损失，制定本应急预案。"),
            "应急响应分为Ⅰ级、Ⅱ级、Ⅲ级、Ⅳ级四个等级，由高到低依次启动。".into(),
            "各应急救援队伍要加强值班值守，严格执行24小时值班和领导带班制度，确保信息报送及时准确。".into(),
        ],
        "重大建设项目" => vec![
            format!("{city}{topic}工程项目总投资{amount}万元，建设内容包括道路、管网、绿化等配套设施。"),
            format!("项目于{year}年{month}月开工建设，计划工期{}个月，建设单位为{city}{company}。", 6 + count % 18),
            "项目审批、核准、备案信息及招标投标、征收土地、质量安全监督等信息同步公开。".into(),
        ],
        "监督检查" => vec![
            format!("{year}年{month}月，{unit}按照“双随机、一公开”要求，对辖区内{count}家单位开展了{topic}专项检查。"),
            format!("检查发现问题{}个，已责令限期整改{}个，立案查处{}起。", count % 40 + 3, count % 30 + 2, count % 5),
            "检查结果将纳入企业信用记录，并通过国家企业信用信息公示系统向社会公示。".into(),
        ],
        "规划信息" => vec![
            format!("《{city}“十四五”{topic}发展规划》明确了发展目标、主要任务和保障措施。"),
            "到2025年，基本建成覆盖城乡、布局合理、功能完善的公共服务体系。".into(),
            "规划实施中期评估和总结评估结果向社会公开。".into(),
        ],
        "行政事业性收费" => vec![
            format!("根据上级价格主管部门批复，{topic}收费标准调整为每立方米{}.{}元。", 2 + count % 4, count % 10),
            "收费单位应当严格执行收费公示制度，在收费场所显著位置公示收费项目、标准、依据和投诉电话。".into(),
        ],
        _ => vec![
            format!("{unit}关于{topic}的通知已经{city}人民政府同意，现印发给你们，请认真贯彻执行。"),
            format!("各单位要结合实际，制定具体实施方案，于{year}年{month}月底前报{unit}备案。"),
        ],
    }
}

fn title(category: &str, c: &Ctx, rng: &mut Rng) -> String {
    let Ctx { city, unit, topic, year, month, company, permit, .. } = c;
    match category {
        "规范性文件" => match rng.below(3) {
            0 => format!("{city}人民政府办公室关于印发{city}{topic}管理办法的通知"),
            1 => format!("关于进一步加强{topic}工作的实施意见"),
            _ => format!("{unit}关于印发《{topic}实施细则》的通知"),
        },
        "行政许可" => format!("{city}{company}{permit}行政许可决定书"),
        "行政处罚" => format!("{unit}关于{city}{company}的行政处罚决定书"),
        "财政预决算" => format!("{unit}{year}年部门{}公开", if rng.chance(50) { "预算" } else { "决算" }),
        "政府集中采购" => format!("{city}{topic}设备采购项目公开招标公告"),
        "民生政策措施" => format!("{city}{year}年{month}月{topic}资金发放情况公示"),
        "统计信息" => format!("{city}{year}年{month}月国民经济主要指标"),
        "公务员招考" => format!("{unit}{year}年考试录用公务员拟录用人员公示"),
        "突发公共事件" => format!("{city}{topic}应急预案"),
        "重大建设项目" => format!("{city}{topic}工程项目批准和实施信息"),
        "监督检查" => format!("{unit}{year}年{topic}专项检查结果公告"),
        "规划信息" => format!("{city}“十四五”{topic}发展规划"),
        "行政事业性收费" => format!("关于调整{city}{topic}收费标准的通知"),
        _ => format!("{unit}关于做好{year}年{topic}工作的通知"),
    }
}

/// The credit code of generated unit `i` (valid check character), and its name.
fn unit_of(i: usize) -> (String, String, &'static str) {
    let (city, short) = CITIES[i / DEPARTMENTS.len()];
    let (dept, dshort) = DEPARTMENTS[i % DEPARTMENTS.len()];
    let name = format!("{city}{dept}");
    let mut n = 0u32;
    let code = loop {
        let first17 = format!("11410{:03}{:08}0", 482 + i / DEPARTMENTS.len(), 5_557_000 + i as u32 * 100 + n);
        if let Some(c) = gongkai_domain::org::complete_credit_code(&first17[..17]) {
            break c.as_str().to_string();
        }
        n += 1;
    };
    let prefix: &'static str = Box::leak(format!("{short}{dshort}").into_boxed_str());
    (name, code, prefix)
}

/// Write `items` JSONL lines (the `gongkai import items` format) to `out`.
pub fn corpus(items: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    let mut rng = Rng::new(seed);
    let units: Vec<(String, String, &'static str)> = (0..CITIES.len() * DEPARTMENTS.len()).map(unit_of).collect();
    let weights: u32 = CATEGORIES.iter().map(|c| c.1).sum();
    // Serials per (unit, year): 2014–2025.
    let mut serial = vec![0u32; units.len() * 12];
    let mut docno = vec![0u32; units.len() * 12];
    let mut w = BufWriter::new(std::fs::File::create(out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?);
    let mut chars = 0usize;
    for _ in 0..items {
        let u = rng.below(units.len());
        let (unit, code, prefix) = &units[u];
        let (city, _) = CITIES[u / DEPARTMENTS.len()];
        let y = rng.below(12);
        let year = 2014 + y as i32;
        let month = 1 + rng.below(12) as u32;
        let day = 1 + rng.below(28) as u32;
        let mut k = (rng.next() % weights as u64) as u32;
        let category = CATEGORIES
            .iter()
            .find(|c| {
                if k < c.1 {
                    true
                } else {
                    k -= c.1;
                    false
                }
            })
            .map(|c| c.0)
            .unwrap_or("其他应主动公开信息");
        let c = Ctx {
            city,
            unit: unit.clone(),
            topic: rng.pick(&TOPICS),
            year,
            month,
            company: rng.pick(&COMPANIES).to_string(),
            permit: rng.pick(&PERMITS),
            violation: rng.pick(&VIOLATIONS),
            amount: 10 + rng.next() % 50_000,
            count: 50 + rng.next() % 90_000,
        };
        let t = title(category, &c, &mut rng);
        let s = &mut serial[u * 12 + y];
        *s += 1;
        let index_no = format!("{code}/{year}-{:05}", *s);
        let doc_no =
            if matches!(category, "规范性文件" | "规划信息" | "突发公共事件" | "行政事业性收费" | "其他应主动公开信息")
                || rng.chance(15)
            {
                let d = &mut docno[u * 12 + y];
                *d += 1;
                format!("{prefix}〔{year}〕{}号", *d)
            } else {
                String::new()
            };
        // Length: 300–3,000 characters of body.
        let target = 300 + rng.below(2_701);
        let own = specific(category, &c);
        let pool = generic(&c);
        let mut body = String::new();
        let mut len = 0usize;
        let mut first = true;
        while len < target {
            let mut p = String::new();
            for _ in 0..(2 + rng.below(3)) {
                let s = if first || rng.chance(35) { &own[rng.below(own.len())] } else { &pool[rng.below(pool.len())] };
                first = false;
                p.push_str(s);
            }
            let room = target - len;
            let p: String = if p.chars().count() > room && len > 0 { p.chars().take(room.max(1)).collect() } else { p };
            len += p.chars().count();
            body.push_str("<p>");
            body.push_str(&p);
            body.push_str("</p>");
        }
        chars += len;
        let validity = if year < 2018 && rng.chance(20) { "失效" } else { "有效" };
        let line = serde_json::json!({
            "index_no": index_no, "title": t, "publisher": unit, "category": category, "doc_no": doc_no,
            "published": format!("{year}-{month:02}-{day:02}"), "body": body, "validity": validity,
        });
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    eprintln!(
        "{items} items, {:.0} characters of body on average, written to {}",
        chars as f64 / items.max(1) as f64,
        out.display()
    );
    Ok(())
}
