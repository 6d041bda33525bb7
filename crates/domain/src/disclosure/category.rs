//! The metadata vocabularies of a disclosed item (ogi-facts §5.2): the 条例第二十条 item it falls
//! under (and the annual-report table 二 row it feeds, 条例第五十条), 有效性, 公开方式, 文种
//! (《党政机关公文处理工作条例》第八条 plus the regulatory genres), 主题分类 (gov.cn's top level), and
//! the channels it went out on (条例第二十三条: 政府网站、政务新媒体 …).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What 条例第二十条 says an organ shall publish of its own accord, split where the annual report
/// counts the parts apart (（一）规章 / 规范性文件, （五）, （六）行政处罚 / 行政强制).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Art20Category {
    /// （一）行政法规 — the State Council's; counted in no local table row.
    AdministrativeRegulation,
    /// （一）规章
    Rule,
    /// （一）规范性文件 (2021 format: 行政规范性文件)
    NormativeDocument,
    /// （二）机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名
    Organization,
    /// （三）国民经济和社会发展规划、专项规划、区域规划及相关政策
    Plan,
    /// （四）国民经济和社会发展统计信息
    Statistics,
    /// （五）行政许可
    Permit,
    /// （五）其他对外管理服务事项 (a 2019-format row only)
    OtherManagementService,
    /// （六）行政处罚
    Penalty,
    /// （六）行政强制
    Enforcement,
    /// （七）财政预算、决算信息
    Budget,
    /// （八）行政事业性收费项目及其依据、标准
    Fee,
    /// （九）政府集中采购项目的目录、标准及实施情况 (a 2019-format block only)
    Procurement,
    /// （十）重大建设项目的批准和实施情况
    MajorProject,
    /// （十一）扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况
    Livelihood,
    /// （十二）突发公共事件的应急预案、预警信息及应对情况
    Emergency,
    /// （十三）环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况
    SupervisionInspection,
    /// （十四）公务员招考的职位、名额、报考条件等事项以及录用结果
    CivilServiceRecruitment,
    /// （十五）法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息
    Other,
}

impl Art20Category {
    pub const ALL: [Art20Category; 19] = [
        Art20Category::AdministrativeRegulation,
        Art20Category::Rule,
        Art20Category::NormativeDocument,
        Art20Category::Organization,
        Art20Category::Plan,
        Art20Category::Statistics,
        Art20Category::Permit,
        Art20Category::OtherManagementService,
        Art20Category::Penalty,
        Art20Category::Enforcement,
        Art20Category::Budget,
        Art20Category::Fee,
        Art20Category::Procurement,
        Art20Category::MajorProject,
        Art20Category::Livelihood,
        Art20Category::Emergency,
        Art20Category::SupervisionInspection,
        Art20Category::CivilServiceRecruitment,
        Art20Category::Other,
    ];

    /// The item number of 第二十条, 1–15.
    pub fn item(self) -> u8 {
        use Art20Category::*;
        match self {
            AdministrativeRegulation | Rule | NormativeDocument => 1,
            Organization => 2,
            Plan => 3,
            Statistics => 4,
            Permit | OtherManagementService => 5,
            Penalty | Enforcement => 6,
            Budget => 7,
            Fee => 8,
            Procurement => 9,
            MajorProject => 10,
            Livelihood => 11,
            Emergency => 12,
            SupervisionInspection => 13,
            CivilServiceRecruitment => 14,
            Other => 15,
        }
    }

    /// `第二十条第（一）项`, as the annual report's block captions print it.
    pub fn item_caption(self) -> String {
        const NUMERALS: [&str; 15] =
            ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"];
        format!("第二十条第（{}）项", NUMERALS[usize::from(self.item()) - 1])
    }

    /// A short label for lists and forms.
    pub fn label(self) -> &'static str {
        use Art20Category::*;
        match self {
            AdministrativeRegulation => "行政法规",
            Rule => "规章",
            NormativeDocument => "规范性文件",
            Organization => "机构职能",
            Plan => "规划信息",
            Statistics => "统计信息",
            Permit => "行政许可",
            OtherManagementService => "其他对外管理服务事项",
            Penalty => "行政处罚",
            Enforcement => "行政强制",
            Budget => "财政预决算",
            Fee => "行政事业性收费",
            Procurement => "政府集中采购",
            MajorProject => "重大建设项目",
            Livelihood => "民生政策措施",
            Emergency => "突发公共事件",
            SupervisionInspection => "监督检查",
            CivilServiceRecruitment => "公务员招考",
            Other => "其他应主动公开信息",
        }
    }

    /// A stable code for storage and JSON.
    pub fn code(self) -> &'static str {
        use Art20Category::*;
        match self {
            AdministrativeRegulation => "administrative_regulation",
            Rule => "rule",
            NormativeDocument => "normative_document",
            Organization => "organization",
            Plan => "plan",
            Statistics => "statistics",
            Permit => "permit",
            OtherManagementService => "other_service",
            Penalty => "penalty",
            Enforcement => "enforcement",
            Budget => "budget",
            Fee => "fee",
            Procurement => "procurement",
            MajorProject => "major_project",
            Livelihood => "livelihood",
            Emergency => "emergency",
            SupervisionInspection => "supervision_inspection",
            CivilServiceRecruitment => "civil_service_recruitment",
            Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Art20Category> {
        Art20Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The row of the annual report's table 二 this item counts in, as a stable code: "rule",
    /// "normative_document", "permit", "other_service" (2019 only), "penalty", "enforcement",
    /// "fee", "procurement" (2019 only). None for items the table does not count.
    pub fn report_row(self) -> Option<&'static str> {
        use Art20Category::*;
        match self {
            Rule | NormativeDocument | Permit | OtherManagementService | Penalty | Enforcement | Fee | Procurement => {
                Some(self.code())
            }
            _ => None,
        }
    }
}

/// 有效性, with its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Validity {
    /// 有效, from the 施行日期 when one is known.
    Effective { since: Option<NaiveDate> },
    /// 失效: lapsed (its term ran out, or superseded).
    Lapsed { on: NaiveDate },
    /// 废止: repealed by a decision.
    Repealed { on: NaiveDate },
}

impl Validity {
    pub fn label(self) -> &'static str {
        match self {
            Validity::Effective { .. } => "有效",
            Validity::Lapsed { .. } => "失效",
            Validity::Repealed { .. } => "废止",
        }
    }

    /// Whether the document is in force on `day` (for table 二's 现行有效件数).
    pub fn in_force_on(self, day: NaiveDate) -> bool {
        match self {
            Validity::Effective { since } => since.is_none_or(|s| s <= day),
            Validity::Lapsed { on } | Validity::Repealed { on } => day < on,
        }
    }
}

/// 公开方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationMode {
    /// 主动公开 (条例第十九条、第二十条)
    Proactive,
    /// 依申请公开 (条例第二十七条)
    OnRequest,
    /// 不予公开 (条例第十四条至第十六条)
    NotDisclosed,
}

impl PublicationMode {
    pub const ALL: [PublicationMode; 3] =
        [PublicationMode::Proactive, PublicationMode::OnRequest, PublicationMode::NotDisclosed];
    pub fn label(self) -> &'static str {
        match self {
            PublicationMode::Proactive => "主动公开",
            PublicationMode::OnRequest => "依申请公开",
            PublicationMode::NotDisclosed => "不予公开",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            PublicationMode::Proactive => "proactive",
            PublicationMode::OnRequest => "on_request",
            PublicationMode::NotDisclosed => "not_disclosed",
        }
    }
}

/// Vocabularies that are plain (code, label) lists.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }
            pub fn from_label(label: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.label() == label.trim())
            }
        }
    };
}

vocabulary! {
    /// 文种 (体裁分类): the fifteen 公文 kinds of 《党政机关公文处理工作条例》第八条, then the
    /// regulatory genres units publish under their own names.
    Genre {
        Resolution => "resolution", "决议";
        Decision => "decision", "决定";
        Order => "order", "命令";
        Communique => "communique", "公报";
        Announcement => "announcement", "公告";
        PublicNotice => "public_notice", "通告";
        Opinion => "opinion", "意见";
        Notice => "notice", "通知";
        Circular => "circular", "通报";
        Report => "report", "报告";
        Request => "request", "请示";
        Reply => "reply", "批复";
        Motion => "motion", "议案";
        Letter => "letter", "函";
        Minutes => "minutes", "纪要";
        Measures => "measures", "办法";
        Provisions => "provisions", "规定";
        DetailedRules => "detailed_rules", "细则";
        Plan => "plan", "规划";
        Programme => "programme", "方案";
        Other => "other", "其他";
    }
}

vocabulary! {
    /// 主题分类: the top level of the classification gov.cn's 政策 pages use (e.g. "卫生、体育").
    Subject {
        GeneralAffairs => "general_affairs", "综合政务";
        EconomicManagement => "economic_management", "国民经济管理、国有资产监管";
        FinanceAudit => "finance_audit", "财政、金融、审计";
        LandEnergy => "land_energy", "国土资源、能源";
        AgricultureWater => "agriculture_water", "农业、林业、水利";
        IndustryTransport => "industry_transport", "工业、交通";
        TradeCustomsTourism => "trade_customs_tourism", "商贸、海关、旅游";
        MarketSafety => "market_safety", "市场监管、安全生产监管";
        ConstructionEnvironment => "construction_environment", "城乡建设、环境保护";
        ScienceEducation => "science_education", "科技、教育";
        CultureMedia => "culture_media", "文化、广电、新闻出版";
        HealthSports => "health_sports", "卫生、体育";
        PopulationFamily => "population_family", "人口与计划生育、妇女儿童工作";
        LabourPersonnel => "labour_personnel", "劳动、人事、监察";
        PublicSecurityJustice => "public_security_justice", "公安、安全、司法";
        CivilAffairs => "civil_affairs", "民政、扶贫、救灾";
        EthnicReligious => "ethnic_religious", "民族、宗教";
        ForeignAffairs => "foreign_affairs", "对外事务";
        HongKongMacaoTaiwan => "hk_macao_taiwan", "港澳台侨工作";
        NationalDefence => "national_defence", "国防";
        Other => "other", "其他";
    }
}

vocabulary! {
    /// Where an item also went out (条例第二十三条); the annual report's 总体情况 counts items by
    /// channel ("通过政府网站公开政府信息11917条,通过政务微博…").
    Channel {
        Website => "website", "政府网站";
        Weibo => "weibo", "政务微博";
        WeChat => "wechat", "政务微信";
        App => "app", "客户端";
        // 条例第二十四条: 政务服务场所、公共图书馆、档案馆设置的政府信息公开查阅点 and 公告栏.
        Board => "board", "政务公开专区和公告栏";
        Other => "other", "其他";
    }
}

/// Items by channel, in `Channel::ALL` order: the counts the annual report states.
pub fn count_by_channel<'a>(items: impl IntoIterator<Item = &'a [Channel]>) -> Vec<(Channel, u64)> {
    let mut counts: Vec<(Channel, u64)> = Channel::ALL.iter().map(|&c| (c, 0)).collect();
    for channels in items {
        for (c, n) in &mut counts {
            if channels.contains(c) {
                *n += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_art20_item_from_one_to_fifteen_has_a_category() {
        let mut items: Vec<u8> = Art20Category::ALL.iter().map(|c| c.item()).collect();
        items.dedup();
        assert_eq!(items, (1..=15).collect::<Vec<u8>>());
        assert_eq!(Art20Category::Fee.item_caption(), "第二十条第（八）项");
        assert_eq!(Art20Category::Other.item_caption(), "第二十条第（十五）项");
    }

    #[test]
    fn the_table_two_rows_are_fed_by_exactly_the_counted_categories() {
        let rows: Vec<(&str, &str)> =
            Art20Category::ALL.iter().filter_map(|c| c.report_row().map(|r| (c.label(), r))).collect();
        assert_eq!(
            rows,
            vec![
                ("规章", "rule"),
                ("规范性文件", "normative_document"),
                ("行政许可", "permit"),
                ("其他对外管理服务事项", "other_service"),
                ("行政处罚", "penalty"),
                ("行政强制", "enforcement"),
                ("行政事业性收费", "fee"),
                ("政府集中采购", "procurement"),
            ]
        );
        assert_eq!(Art20Category::Budget.report_row(), None);
    }

    #[test]
    fn codes_are_unique_and_read_back() {
        for c in Art20Category::ALL {
            assert_eq!(Art20Category::from_code(c.code()), Some(c));
        }
        for g in Genre::ALL {
            assert_eq!(Genre::from_code(g.code()), Some(*g));
            assert_eq!(Genre::from_label(g.label()), Some(*g));
        }
        for s in Subject::ALL {
            assert_eq!(Subject::from_code(s.code()), Some(*s));
        }
        assert_eq!(Subject::from_label("卫生、体育"), Some(Subject::HealthSports));
        assert_eq!(Subject::ALL.len(), 21);
        assert_eq!(Channel::from_code("wechat").map(Channel::label), Some("政务微信"));
    }

    #[test]
    fn a_repealed_document_is_in_force_only_before_its_repeal() {
        let v = Validity::Repealed { on: d(2020, 7, 1) };
        assert!(v.in_force_on(d(2020, 6, 30)));
        assert!(!v.in_force_on(d(2020, 7, 1)));
        assert_eq!(v.label(), "废止");
        assert!(!Validity::Effective { since: Some(d(2021, 1, 1)) }.in_force_on(d(2020, 12, 31)));
        assert!(Validity::Effective { since: None }.in_force_on(d(2000, 1, 1)));
        assert_eq!(Validity::Lapsed { on: d(2020, 1, 1) }.label(), "失效");
    }

    #[test]
    fn items_are_counted_once_per_channel_they_went_out_on() {
        let a = [Channel::Website, Channel::WeChat];
        let b = [Channel::Website];
        let c = [Channel::Weibo, Channel::Weibo];
        let counts = count_by_channel([&a[..], &b[..], &c[..]]);
        assert_eq!(
            counts,
            vec![
                (Channel::Website, 2),
                (Channel::Weibo, 1),
                (Channel::WeChat, 1),
                (Channel::App, 0),
                (Channel::Board, 0),
                (Channel::Other, 0)
            ]
        );
    }

    #[test]
    fn publication_modes_have_their_chinese_labels() {
        let labels: Vec<&str> = PublicationMode::ALL.iter().map(|m| m.label()).collect();
        assert_eq!(labels, ["主动公开", "依申请公开", "不予公开"]);
    }
}
