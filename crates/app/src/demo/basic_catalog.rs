//! The demo's 基层政务公开标准目录: national templates of 社会救助 and 义务教育 built from the real
//! rows of basic-catalog §4 (read through the importer, as a county's spreadsheet would be), the
//! county catalogs of 汝州市民政局 and 汝州市教育体育局 and the township catalogs of 寄料镇 derived
//! from them, and the items published for their entries — most on time, two late, and one
//! entry (汝州市民政局, 最低生活保障 / 审批信息) never published, so that it shows as a gap.

use chrono::NaiveDate;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::disclosure::basic_catalog::{self as bc, BasicCatalog};

use crate::db::{self, Db, basic_catalog as store, item::NewItem};
use crate::flows::Actor;
use crate::flows::disclosure::{self as flow, DirectItem};

/// 社会救助, the 民政部 template as catalogs built from it print it (ZZ rows 1–6, SHR row 7, MDX
/// rows 8–9, DC rows 11–13; row 10 was not retrieved and is left out). The 时限 of rows 7–9 are
/// merged away in the stored copy; they follow rows 1–6 of the same template.
const SOCIAL_ASSISTANCE: &str = "序号,公开事项,,公开内容(要素),公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,
,一级事项,二级事项,,,,,,全社会,特定群体,主动,依申请,县级,乡级
1,综合业务,政策法规文件,《社会救助暂行办法》 各地配套政策法规文件,《信息公开条例》及相关规定,制定或获取信息之日起10个工作日内,县级人民政府民政部门、乡镇人民政府(街道办事处),■政府网站,√,,√,,√,√
2,,监督检查,社会救助信访通讯地址 社会救助投诉举报电话,同上,同上,同上,■政府网站,√,,√,,√,√
3,最低生活保障,政策法规文件,各地最低生活保障对象审核确认实施细则,同上,同上,同上,■政府网站,√,,√,,√,√
4,,办事指南,办理事项、办理条件、最低生活保障标准、申请材料、办理流程、办理时间、地点、联系方式,最低生活保障对象审核确认实施细则,同上,同上,■政府网站,√,,√,,√,√
5,,审核信息,初审对象名单及相关信息,同上,\"制定或获取信息之日起10个工作日内,公示7个工作日\",乡镇人民政府(街道办事处),■政府网站 ■社区/企事业单位/村公示栏(电子屏),√,,√,,,√
6,,审批信息,低保对象名单及相关信息,同上,制定或获取信息之日起10个工作日内,县级人民政府民政部门、乡镇人民政府(街道办事处),■政府网站,√,,√,,√,√
7,特困人员救助供养,政策法规文件,《国务院关于进一步健全特困人员救助供养制度的意见》(国发〔2016〕14号) 民政部关于印发《特困人员认定办法》的通知(民发〔2016〕178号) 各地配套政策法规文件,《中华人民共和国政府信息公开条例》及相关规定,制定或获取信息之日起10个工作日内,同上,■政府网站 ■公开查阅点 ■政务服务中心,√,,√,,√,√
8,,办事指南,办理事项、办理条件、救助供养标准、申请材料、办理流程、办理时间、地点、联系方式,《国务院关于进一步健全特困人员救助供养制度的意见》、各地相关政策法规文件,同上,同上,■政府网站 ■政务服务中心,√,,√,,√,√
9,,审核信息,初审对象名单及相关信息、终止供养名单,同上,\"制定或获取信息之日起10个工作日内,公示7个工作日\",乡镇人民政府(街道办事处),■政府网站 ■社区/企事业单位/村公示栏(电子屏),√,,√,,,√
11,临时救助,政策法规文件,●《国务院关于全面建立临时救助制度的通知》(国发〔2014〕47号) ●《民政部 财政部关于进一步加强和改进临时救助工作的意见》(民发〔2018〕23号) ●各地配套政策法规文件,信息公开规定,制定或获取信息之日起10个工作日内,县级人民政府民政部门、乡镇人民政府(街道办事处),■政府网站 □政府公报 □两微一端 □发布会/听证会 □广播电视 □纸质媒体 ■公开查阅点 ■政务服务中心 □便民服务站 □入户/现场 □社区/企事业单位/村公示栏(电子屏) □精准推送 □其他,√,,√,,√,√
12,,办事指南,●办理事项 ●办理条件 ●救助标准 ●申请材料 ●办理流程 ●办理时间、地点 ●联系方式,《国务院关于全面建立临时救助制度的通知》(国发〔2014〕47号) 、各地相关政策法规文件,同上,同上,■政府网站 □政府公报 □两微一端 □发布会/听证会 □广播电视 □纸质媒体 □公开查阅点 ■政务服务中心 □便民服务站 □入户/现场 ■社区/企事业单位/村公示栏(电子屏) □精准推送 □其他,√,,√,,√,√
13,,审核审批信息,●支出型临时救助对象名单 ●救助金额 ●救助事由,同上,同上,同上,■政府网站,√,,√,,√,√
";

/// 义务教育, from ZSY rows 1–2, MZ rows 3–4 and SY rows 1–3 (all: 信息形成或者变更之日起20个工作日内).
const COMPULSORY_EDUCATION: &str = "序号,公开事项,,公开内容(要素),公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,
,一级事项,二级事项,,,,,,全社会,特定群体,主动,依申请,县级,乡级
1,政策文件,教育法律,《教育法》、《义务教育法》、《民办教育促进法》、《教师法》、《国家通用语言文字法》,《政府信息公开条例》,信息形成或者变更之日起20个工作日内,县级教育行政部门,■政府网站,√,,√,,√,
1,,规范性文件,部门和地方政府规章、各类教育政策文件,同上,同上,同上,■政府网站 ■两微一端,√,,√,,√,
1,,相关政策解读,重要政策文件解读材料,《国务院办公厅印发<关于全面推进政务公开工作的意见>实施细则的通知》,同上,同上,■政府网站,√,,√,,√,
2,教育概况,教育事业发展主要情况,教育事业发展主要情况,《统计法》、《政府信息公开条例》、《教育统计管理规定》,同上,同上,■政府网站,√,,√,,√,
2,,教育统计数据,学校数据、在校生数据、教师数据、县级汇总数据,同上,同上,同上,■政府网站,√,,√,,√,
2,,义务教育学校名录,学校名称、学校地址、办学层次、办学类型、办公电话,《政府信息公开条例》,同上,同上,■政府网站,√,,√,,√,
3,民办学校信息,民办学校办学基本信息,学校名称、办学许可证、办学规模、联系方式,《民办教育促进法》、《政府信息公开条例》,同上,同上,■政府网站,√,,√,,√,
4,招生管理,招生政策,各校招生工作实施方案;随迁子女入学办法;部分适龄儿童或少年延缓入学、休学等特殊需求的政策解读等,《政府信息公开条例》、《教育部关于进一步做好小学升入初中免试就近入学工作的实施意见》,同上,同上,■政府网站,√,,√,,√,√
4,,招生计划,各校本年度招生计划,同上,同上,同上,■政府网站,√,,√,,√,√
4,,招生范围,招生范围、学区划分详细情况,同上,同上,同上,■政府网站,√,,√,,√,√
4,,学校介绍,●办学性质 ●办学地点 ●办学规模 ●办学基本条件 ●联系方式等,同上,同上,学校,■政府网站 ■两微一端 ■公开查阅点,√,,√,,,√
5,财务信息,财务信息,●财务管理及监督办法 ●年度经费预决算信息 ●收费项目及收费标准,《中华人民共和国政府信息公开条例》,同上,学校,■政府网站 ■公开查阅点,√,,√,,,√
6,学生管理,义务教育学生资助政策,●统一城乡义务教育“两免一补”政策,《中华人民共和国政府信息公开条例》《国务院关于进一步完善城乡义务教育经费保障机制的通知》,同上,县级教育行政部门,■政府网站 ■两微一端,√,,√,,√,√
";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

fn template(csv: &str) -> anyhow::Result<BasicCatalog> {
    let imp = bc::import(&gongkai_domain::sheet::parse_csv(csv)).map_err(|e| anyhow::anyhow!(e))?;
    anyhow::ensure!(imp.errors.is_empty(), "demo template rows: {:?}", imp.errors);
    Ok(imp.catalog)
}

/// A unit's catalog from the template: the entries it keeps (by 二级事项 within 一级事项), the
/// subject named for the unit.
fn derive(t: &BasicCatalog, keep: &[(&str, &str)], subject: &str) -> BasicCatalog {
    let mut c = t.clone();
    c.entries.retain(|e| keep.is_empty() || keep.contains(&(e.level1.as_str(), e.level2.as_str())));
    for e in &mut c.entries {
        e.subject = subject.to_string();
    }
    c
}

struct Plan<'a> {
    unit: &'a str,
    area: &'a str,
    catalog: BasicCatalog,
    /// (一级, 二级) never published: the planted gap, with the date its information formed.
    missing: Option<((&'a str, &'a str), NaiveDate)>,
    /// (一级, 二级) published late.
    late: &'a [(&'a str, &'a str)],
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let cal = Calendar::builtin();
    let units = db::org::list_units(db).await?;
    let sa = template(SOCIAL_ASSISTANCE)?;
    let ce = template(COMPULSORY_EDUCATION)?;
    let effective = d(2026, 9, 1);
    let mut tx = db.begin().await?;
    for (area, t) in [("social_assistance", &sa), ("compulsory_education", &ce)] {
        let id = store::insert_catalog(
            &mut tx,
            None,
            area,
            &serde_json::to_string(&t.level_labels)?,
            "2020-12-31",
            "国家标准指引",
        )
        .await?;
        for (i, e) in t.entries.iter().enumerate() {
            store::insert_entry(&mut tx, id, i as i64, &e.level1, &e.level2, &serde_json::to_string(e)?, None).await?;
        }
    }
    tx.commit().await?;
    let plans = [
        Plan {
            unit: "汝州市民政局",
            area: "social_assistance",
            catalog: derive(&sa, &[], "汝州市民政局、各乡镇人民政府(街道办事处)"),
            missing: Some((("最低生活保障", "审批信息"), d(2026, 10, 15))),
            late: &[("特困人员救助供养", "办事指南")],
        },
        Plan {
            unit: "汝州市教育体育局",
            area: "compulsory_education",
            catalog: derive(
                &ce,
                &[
                    ("政策文件", "教育法律"),
                    ("政策文件", "规范性文件"),
                    ("政策文件", "相关政策解读"),
                    ("教育概况", "教育事业发展主要情况"),
                    ("教育概况", "教育统计数据"),
                    ("教育概况", "义务教育学校名录"),
                    ("招生管理", "招生政策"),
                    ("招生管理", "招生计划"),
                    ("招生管理", "招生范围"),
                    ("学生管理", "义务教育学生资助政策"),
                ],
                "汝州市教育体育局",
            ),
            missing: None,
            late: &[("招生管理", "招生范围")],
        },
        Plan {
            unit: "寄料镇",
            area: "social_assistance",
            catalog: derive(
                &sa,
                &[
                    ("最低生活保障", "审核信息"),
                    ("特困人员救助供养", "审核信息"),
                    ("临时救助", "办事指南"),
                    ("临时救助", "审核审批信息"),
                ],
                "寄料镇人民政府",
            ),
            missing: None,
            late: &[],
        },
        Plan {
            unit: "寄料镇",
            area: "compulsory_education",
            catalog: derive(
                &ce,
                &[("招生管理", "学校介绍"), ("财务信息", "财务信息"), ("学生管理", "义务教育学生资助政策")],
                "寄料镇中心学校",
            ),
            missing: None,
            late: &[],
        },
    ];
    // The 条例 the catalogs cite as their 公开依据, published by the 政府办 as the platform holds
    // it, so each citation links to it.
    if let Some(u) = units.iter().find(|u| u.name == "汝州市人民政府办公室") {
        let mut tx = db.begin().await?;
        flow::ensure_catalog(&mut tx, u.unit_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let node = db::item::node_id_by_code_or_title(&mut tx, u.unit_id, "policy_other").await?;
        let row = NewItem {
            unit_id: u.unit_id,
            catalog_node_id: node,
            title: "中华人民共和国政府信息公开条例".into(),
            summary: "2019年4月3日中华人民共和国国务院令第711号修订，自2019年5月15日起施行。".into(),
            body_html: "<p>中华人民共和国国务院令第711号。《中华人民共和国政府信息公开条例》已经2019年4月3日国务院修订通过，自2019年5月15日起施行。</p>".into(),
            doc_no: "国务院令第711号".into(),
            art20: String::new(),
            genre: "other".into(),
            subject: "other".into(),
            mode: "proactive".into(),
            validity: "effective".into(),
            validity_since: Some("2019-05-15".into()),
            validity_end: None,
            channels: flow::channels_text(&[gongkai_domain::disclosure::Channel::Website]),
            formed_on: "2019-04-03".into(),
            written_on: None,
            due_on: flow::due_date(&cal, d(2019, 4, 3)).to_string(),
        };
        flow::insert_published(
            &mut tx,
            &actor,
            &u.credit_code,
            &DirectItem { row, index_no: None, published_on: d(2019, 4, 15) },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
    }
    for p in plans {
        let Some(u) = units.iter().find(|u| u.name == p.unit) else { continue };
        let mut tx = db.begin().await?;
        flow::ensure_catalog(&mut tx, u.unit_id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let node = db::item::node_id_by_code_or_title(&mut tx, u.unit_id, &format!("area_{}", p.area)).await?;
        let labels = serde_json::to_string(&p.catalog.level_labels)?;
        let cid = store::insert_catalog(&mut tx, Some(u.unit_id), p.area, &labels, &effective.to_string(), "2026年版")
            .await?;
        let subject = if p.area == "social_assistance" { "civil_affairs" } else { "science_education" };
        for (i, e) in p.catalog.entries.iter().enumerate() {
            let key = (e.level1.as_str(), e.level2.as_str());
            let event = p.missing.filter(|(k, _)| *k == key).map(|(_, on)| on);
            let eid = store::insert_entry(
                &mut tx,
                cid,
                i as i64,
                &e.level1,
                &e.level2,
                &serde_json::to_string(e)?,
                event.map(|d| d.to_string()).as_deref(),
            )
            .await?;
            if event.is_some() {
                continue; // the planted gap: nothing published
            }
            // On time: a week after the catalog took effect; late: well past the 时限.
            let published = if p.late.contains(&key) { d(2026, 10, 20) } else { d(2026, 9, 8) };
            let row = NewItem {
                unit_id: u.unit_id,
                catalog_node_id: node,
                title: format!(
                    "{}{}{}",
                    u.name,
                    e.level1,
                    if e.level2 == e.level1 { String::new() } else { e.level2.clone() }
                ),
                summary: String::new(),
                body_html: format!("<p>{}</p>", e.content),
                doc_no: String::new(),
                art20: String::new(),
                genre: "other".into(),
                subject: subject.into(),
                mode: "proactive".into(),
                validity: "effective".into(),
                validity_since: None,
                validity_end: None,
                channels: flow::channels_text(&e.channels.platform_channels()),
                formed_on: effective.to_string(),
                written_on: None,
                due_on: flow::due_date(&cal, effective).to_string(),
            };
            let (item_id, _) = flow::insert_published(
                &mut tx,
                &actor,
                &u.credit_code,
                &DirectItem { row, index_no: None, published_on: published },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            store::link_item(&mut tx, item_id, Some(eid)).await?;
        }
        db::audit::record(
            &mut tx,
            &actor,
            "demo.basic_catalog",
            "basic_catalog",
            &cid.to_string(),
            None,
            Some(&serde_json::json!({ "unit": p.unit, "area": p.area, "entries": p.catalog.entries.len() })),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_templates_read_without_errors_and_every_time_limit_is_a_rule() {
        for csv in [super::SOCIAL_ASSISTANCE, super::COMPULSORY_EDUCATION] {
            let t = super::template(csv).unwrap();
            assert!(t.entries.len() >= 12, "{}", t.entries.len());
            assert!(t.entries.iter().all(|e| e.rule.is_some()));
        }
    }
}
