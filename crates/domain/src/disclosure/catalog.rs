//! The catalogs items are published under, as data: the standard 政府信息公开目录 of a unit (the
//! 政府信息公开平台 columns of 国办公开办函〔2019〕61号 as seen on 上海's platform, ogi-facts §5.2),
//! the 基层政务公开标准化规范化 special column the seed describes, and the 26 pilot areas of the
//! 基层政务公开标准目录 (国办发〔2019〕54号, ogi-facts §5.3). Each column carries the update class the
//! website inspection indicators (国办秘函〔2019〕19号, ogi-facts §4.3) measure it against.

use serde::{Deserialize, Serialize};

/// How often a column must show something new (ogi-facts §4.3: "动态" ≤ 2 weeks; "通知公告"
/// "政策文件" ≤ 6 months; other columns at most 6 months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateClass {
    /// 动态、要闻类: 2 weeks.
    News,
    /// 通知公告、政策文件类: 6 months.
    NoticeOrPolicy,
    /// Any other column that should be updated: at most 6 months.
    Other,
    /// 不需更新: guides, systems, reference pages, yearly reports (their deadlines are checked
    /// elsewhere, not by column age).
    NoUpdate,
}

impl UpdateClass {
    /// The age in days after which the column counts as 未更新; None for 不需更新. "6 months" is
    /// taken as 183 days, the longest half-year, so a column is never flagged a day early.
    pub fn max_age_days(self) -> Option<u32> {
        match self {
            UpdateClass::News => Some(14),
            UpdateClass::NoticeOrPolicy | UpdateClass::Other => Some(183),
            UpdateClass::NoUpdate => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UpdateClass::News => "动态、要闻类（2周）",
            UpdateClass::NoticeOrPolicy => "通知公告、政策文件类（6个月）",
            UpdateClass::Other => "其他栏目（6个月）",
            UpdateClass::NoUpdate => "不需更新",
        }
    }
}

/// One column of a catalog, with its sub-columns. `code` is unique within the whole tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogNodeSpec {
    pub code: String,
    pub title: String,
    pub update_class: UpdateClass,
    pub children: Vec<CatalogNodeSpec>,
}

fn node(code: &str, title: &str, update_class: UpdateClass, children: Vec<CatalogNodeSpec>) -> CatalogNodeSpec {
    CatalogNodeSpec { code: code.into(), title: title.into(), update_class, children }
}
fn leaf(code: &str, title: &str, update_class: UpdateClass) -> CatalogNodeSpec {
    node(code, title, update_class, vec![])
}

/// One of the 26 areas of the 基层政务公开标准目录.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BasicArea {
    pub code: &'static str,
    pub title: &'static str,
    /// Seen as a "…领域基层政务公开标准目录" heading on a government site or named in
    /// 国办发〔2019〕54号 (the † of ogi-facts §5.3); the others follow the common list only.
    pub confirmed: bool,
}

const BASIC_AREAS: [BasicArea; 26] = [
    BasicArea { code: "major_projects", title: "重大建设项目", confirmed: true },
    BasicArea { code: "public_resource_trading", title: "公共资源交易", confirmed: true },
    BasicArea { code: "budget", title: "财政预决算", confirmed: true },
    BasicArea { code: "work_safety", title: "安全生产", confirmed: true },
    BasicArea { code: "taxation", title: "税收管理", confirmed: false },
    BasicArea { code: "land_acquisition", title: "征地补偿", confirmed: true },
    BasicArea { code: "housing_expropriation", title: "国有土地上房屋征收与补偿", confirmed: false },
    BasicArea { code: "urban_rural_planning", title: "城乡规划", confirmed: false },
    BasicArea { code: "environment", title: "环境保护（生态环境）", confirmed: false },
    BasicArea { code: "public_culture", title: "公共文化服务", confirmed: true },
    BasicArea { code: "poverty_alleviation", title: "扶贫", confirmed: true },
    BasicArea { code: "disaster_relief", title: "救灾", confirmed: true },
    BasicArea { code: "food_drug", title: "食品药品监管", confirmed: true },
    BasicArea { code: "urban_enforcement", title: "城市综合执法", confirmed: false },
    BasicArea { code: "farm_subsidies", title: "涉农补贴", confirmed: true },
    BasicArea { code: "employment", title: "就业", confirmed: true },
    BasicArea { code: "social_assistance", title: "社会救助", confirmed: true },
    BasicArea { code: "elderly_care", title: "养老服务", confirmed: true },
    BasicArea { code: "household_registration", title: "户籍管理", confirmed: true },
    BasicArea { code: "social_insurance", title: "社会保险", confirmed: true },
    BasicArea { code: "compulsory_education", title: "义务教育", confirmed: true },
    BasicArea { code: "health", title: "医疗卫生", confirmed: true },
    BasicArea { code: "municipal_services", title: "市政服务", confirmed: false },
    BasicArea { code: "rural_housing", title: "农村危房改造", confirmed: true },
    BasicArea { code: "public_legal_services", title: "公共法律服务", confirmed: true },
    BasicArea { code: "affordable_housing", title: "保障性住房", confirmed: true },
];

/// The 26 areas of the 基层政务公开标准目录, in the order ogi-facts §5.3 lists them. Local catalogs
/// have since renamed some (扶贫 → 乡村振兴, 医疗卫生 → 卫生健康): a unit renames the node, the code
/// stays.
pub fn basic_areas() -> &'static [BasicArea] {
    &BASIC_AREAS
}

/// The catalog a new unit starts with: the 政府信息公开目录 columns, the 法定主动公开内容 under
/// them, and the 基层政务公开标准化规范化 special column with the 26 areas.
pub fn standard_catalog() -> Vec<CatalogNodeSpec> {
    use UpdateClass::*;
    vec![
        leaf("guide", "政府信息公开指南", NoUpdate),
        leaf("system", "政府信息公开制度", NoUpdate),
        node(
            "statutory",
            "法定主动公开内容",
            Other,
            vec![
                leaf("organization", "机构信息", NoUpdate),
                node(
                    "policy",
                    "政策文件",
                    NoticeOrPolicy,
                    vec![
                        leaf("policy_rules", "规章", NoticeOrPolicy),
                        leaf("policy_normative", "规范性文件", NoticeOrPolicy),
                        leaf("policy_other", "其他文件", NoticeOrPolicy),
                        leaf("policy_interpretation", "政策解读", Other),
                    ],
                ),
                leaf("planning", "规划信息", Other),
                leaf("statistics", "统计信息", Other),
                node(
                    "finance",
                    "财政资金",
                    Other,
                    vec![
                        leaf("finance_budget", "财政预决算", Other),
                        leaf("finance_fees", "行政事业性收费", Other),
                        leaf("finance_procurement", "政府采购", Other),
                    ],
                ),
                leaf("personnel", "人事信息", Other),
                node(
                    "enforcement",
                    "行政执法",
                    Other,
                    vec![
                        leaf("enforcement_permits", "行政许可", Other),
                        leaf("enforcement_penalties", "行政处罚", Other),
                        leaf("enforcement_coercion", "行政强制", Other),
                    ],
                ),
                node(
                    "key_areas",
                    "重点领域信息",
                    Other,
                    vec![
                        leaf("key_projects", "重大建设项目", Other),
                        leaf("key_livelihood", "民生信息（扶贫、教育、医疗、社会保障、就业）", Other),
                        leaf("key_emergency", "应急管理", Other),
                        leaf("key_inspection", "监督检查", Other),
                        leaf("key_recruitment", "公务员招考", Other),
                    ],
                ),
                leaf("notices", "通知公告", NoticeOrPolicy),
                leaf("news", "工作动态", News),
            ],
        ),
        leaf("annual_report", "政府信息公开年报", NoUpdate),
        leaf("on_request", "依申请公开", NoUpdate),
        // The seed: "开设“全面推进基层政务公开标准化规范化工作”专栏,设置有政策文件、工作推进、
        // 试点领域基层政务公开标准化规范化、乡镇级基层政务公开标准化规范化等子栏目". 工作推进 is a
        // progress column of the special column, not the site's 动态: six months, not two weeks.
        node(
            "basic",
            "全面推进基层政务公开标准化规范化工作",
            Other,
            vec![
                leaf("basic_policy", "政策文件", NoticeOrPolicy),
                leaf("basic_progress", "工作推进", Other),
                node(
                    "basic_areas",
                    "试点领域基层政务公开标准化规范化",
                    Other,
                    BASIC_AREAS
                        .iter()
                        .map(|a| leaf(&format!("area_{}", a.code), &format!("{}领域", a.title), Other))
                        .collect(),
                ),
                leaf("basic_township", "乡镇级基层政务公开标准化规范化", Other),
            ],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk<'a>(nodes: &'a [CatalogNodeSpec], out: &mut Vec<&'a CatalogNodeSpec>) {
        for n in nodes {
            out.push(n);
            walk(&n.children, out);
        }
    }

    #[test]
    fn catalog_codes_are_unique_across_the_whole_tree() {
        let cat = standard_catalog();
        let mut all = Vec::new();
        walk(&cat, &mut all);
        let mut codes: Vec<&str> = all.iter().map(|n| n.code.as_str()).collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }

    #[test]
    fn the_catalog_has_the_platform_columns_and_the_seed_special_column() {
        let cat = standard_catalog();
        let top: Vec<&str> = cat.iter().map(|n| n.title.as_str()).collect();
        for t in ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"]
        {
            assert!(top.contains(&t), "{t}");
        }
        let basic = cat.iter().find(|n| n.code == "basic").unwrap();
        let subs: Vec<&str> = basic.children.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(
            subs,
            ["政策文件", "工作推进", "试点领域基层政务公开标准化规范化", "乡镇级基层政务公开标准化规范化"]
        );
        assert_eq!(basic.children[2].children.len(), 26);
    }

    #[test]
    fn there_are_26_basic_areas_with_unique_codes_and_the_confirmed_ones_marked() {
        let areas = basic_areas();
        assert_eq!(areas.len(), 26);
        let mut codes: Vec<&str> = areas.iter().map(|a| a.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 26);
        assert_eq!(areas.iter().filter(|a| a.confirmed).count(), 20);
        assert!(areas.iter().any(|a| a.title == "征地补偿" && a.confirmed));
    }

    #[test]
    fn news_columns_go_stale_after_two_weeks_and_policy_columns_after_six_months() {
        let cat = standard_catalog();
        let mut all = Vec::new();
        walk(&cat, &mut all);
        let class = |code: &str| all.iter().find(|n| n.code == code).unwrap().update_class;
        assert_eq!(class("news").max_age_days(), Some(14));
        assert_eq!(class("notices").max_age_days(), Some(183));
        assert_eq!(class("policy").max_age_days(), Some(183));
        assert_eq!(class("guide").max_age_days(), None);
        assert_eq!(UpdateClass::Other.max_age_days(), Some(183));
    }
}
