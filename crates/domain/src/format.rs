//! Vocabulary shared by the application records and the annual report: the two official report
//! formats, the seven applicant columns and the rows of table 三 (收到和处理政府信息公开申请情况).
//! The labels are the official text (ogi-facts.md §1.4, §2.4), full-width punctuation included.

use serde::{Deserialize, Serialize};

/// The annual-report format in force: 国办公开办函〔2019〕60号 for the 2019 and 2020 reports,
/// 〔2021〕30号 from the 2021 report on (ogi-facts.md §2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FormatVersion {
    #[serde(rename = "2019")]
    V2019,
    #[serde(rename = "2021")]
    V2021,
}

impl FormatVersion {
    /// The format a report for `year` must use.
    pub fn for_year(year: i32) -> FormatVersion {
        if year <= 2020 { FormatVersion::V2019 } else { FormatVersion::V2021 }
    }
    pub fn code(self) -> &'static str {
        match self {
            FormatVersion::V2019 => "2019",
            FormatVersion::V2021 => "2021",
        }
    }
    pub fn document(self) -> &'static str {
        match self {
            FormatVersion::V2019 => "国办公开办函〔2019〕60号",
            FormatVersion::V2021 => "国办公开办函〔2021〕30号",
        }
    }
}

/// The applicant columns of table 三, in the official order. `Total` is the 总计 column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantColumn {
    NaturalPerson,  // 自然人
    Commercial,     // 商业企业
    Research,       // 科研机构
    PublicInterest, // 社会公益组织
    LegalService,   // 法律服务机构
    OtherOrg,       // 其他
    Total,          // 总计
}

impl ApplicantColumn {
    pub const ALL: [ApplicantColumn; 7] = [
        ApplicantColumn::NaturalPerson,
        ApplicantColumn::Commercial,
        ApplicantColumn::Research,
        ApplicantColumn::PublicInterest,
        ApplicantColumn::LegalService,
        ApplicantColumn::OtherOrg,
        ApplicantColumn::Total,
    ];
    /// The six columns an applicant can fall in (everything but 总计).
    pub const APPLICANTS: [ApplicantColumn; 6] = [
        ApplicantColumn::NaturalPerson,
        ApplicantColumn::Commercial,
        ApplicantColumn::Research,
        ApplicantColumn::PublicInterest,
        ApplicantColumn::LegalService,
        ApplicantColumn::OtherOrg,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ApplicantColumn::NaturalPerson => "自然人",
            ApplicantColumn::Commercial => "商业企业",
            ApplicantColumn::Research => "科研机构",
            ApplicantColumn::PublicInterest => "社会公益组织",
            ApplicantColumn::LegalService => "法律服务机构",
            ApplicantColumn::OtherOrg => "其他",
            ApplicantColumn::Total => "总计",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ApplicantColumn::NaturalPerson => "natural_person",
            ApplicantColumn::Commercial => "commercial",
            ApplicantColumn::Research => "research",
            ApplicantColumn::PublicInterest => "public_interest",
            ApplicantColumn::LegalService => "legal_service",
            ApplicantColumn::OtherOrg => "other_org",
            ApplicantColumn::Total => "total",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A row of table 三. The union of both formats: `OtherHandling` is the single 2019 row
/// （六）其他处理; the three `Other*` sub-rows exist only in 2021.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table3Row {
    NewThisYear,          // 一、本年新收政府信息公开申请数量
    CarriedOver,          // 二、上年结转政府信息公开申请数量
    Disclosed,            // （一）予以公开
    PartiallyDisclosed,   // （二）部分公开
    Withheld(u8),         // （三）不予公开 1..=8
    Unable(u8),           // （四）无法提供 1..=3
    NotProcessed(u8),     // （五）不予处理 1..=5
    OtherHandling,        // （六）其他处理 (2019: one row)
    OtherHandlingSub(u8), // （六）其他处理 1..=3 (2021)
    Total,                // （七）总计
    CarriedForward,       // 四、结转下年度继续办理
}

pub const WITHHELD_REASONS: [&str; 8] = [
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "危及“三安全一稳定”",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
];
pub const UNABLE_REASONS: [&str; 3] =
    ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"];
pub const NOT_PROCESSED_REASONS: [&str; 5] = [
    "信访举报投诉类申请",
    "重复申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
];
pub const OTHER_HANDLING_2021: [&str; 3] = [
    "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "其他",
];

impl Table3Row {
    /// The rows of table 三 in the official order for `format`.
    pub fn rows(format: FormatVersion) -> Vec<Table3Row> {
        let mut rows =
            vec![Table3Row::NewThisYear, Table3Row::CarriedOver, Table3Row::Disclosed, Table3Row::PartiallyDisclosed];
        rows.extend((1..=8).map(Table3Row::Withheld));
        rows.extend((1..=3).map(Table3Row::Unable));
        rows.extend((1..=5).map(Table3Row::NotProcessed));
        match format {
            FormatVersion::V2019 => rows.push(Table3Row::OtherHandling),
            FormatVersion::V2021 => rows.extend((1..=3).map(Table3Row::OtherHandlingSub)),
        }
        rows.push(Table3Row::Total);
        rows.push(Table3Row::CarriedForward);
        rows
    }

    /// The rows that count as an outcome (the parts of （七）总计) for `format`.
    pub fn outcome_rows(format: FormatVersion) -> Vec<Table3Row> {
        Self::rows(format)
            .into_iter()
            .filter(|r| {
                !matches!(
                    r,
                    Table3Row::NewThisYear | Table3Row::CarriedOver | Table3Row::Total | Table3Row::CarriedForward
                )
            })
            .collect()
    }

    /// The official label of the row (without its group label).
    pub fn label(self) -> String {
        match self {
            Table3Row::NewThisYear => "一、本年新收政府信息公开申请数量".into(),
            Table3Row::CarriedOver => "二、上年结转政府信息公开申请数量".into(),
            Table3Row::Disclosed => "（一）予以公开".into(),
            Table3Row::PartiallyDisclosed => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）".into(),
            Table3Row::Withheld(n) => format!("{}.{}", n, WITHHELD_REASONS[(n as usize).clamp(1, 8) - 1]),
            Table3Row::Unable(n) => format!("{}.{}", n, UNABLE_REASONS[(n as usize).clamp(1, 3) - 1]),
            Table3Row::NotProcessed(n) => format!("{}.{}", n, NOT_PROCESSED_REASONS[(n as usize).clamp(1, 5) - 1]),
            Table3Row::OtherHandling => "（六）其他处理".into(),
            Table3Row::OtherHandlingSub(n) => format!("{}.{}", n, OTHER_HANDLING_2021[(n as usize).clamp(1, 3) - 1]),
            Table3Row::Total => "（七）总计".into(),
            Table3Row::CarriedForward => "四、结转下年度继续办理".into(),
        }
    }

    /// The group label a sub-row sits under, if any.
    pub fn group_label(self) -> Option<&'static str> {
        match self {
            Table3Row::Withheld(_) => Some("（三）不予公开"),
            Table3Row::Unable(_) => Some("（四）无法提供"),
            Table3Row::NotProcessed(_) => Some("（五）不予处理"),
            Table3Row::OtherHandlingSub(_) => Some("（六）其他处理"),
            _ => None,
        }
    }

    /// A stable code for storage and JSON: "new_this_year", "withheld_3", "other_handling_2", …
    pub fn code(self) -> String {
        match self {
            Table3Row::NewThisYear => "new_this_year".into(),
            Table3Row::CarriedOver => "carried_over".into(),
            Table3Row::Disclosed => "disclosed".into(),
            Table3Row::PartiallyDisclosed => "partially_disclosed".into(),
            Table3Row::Withheld(n) => format!("withheld_{n}"),
            Table3Row::Unable(n) => format!("unable_{n}"),
            Table3Row::NotProcessed(n) => format!("not_processed_{n}"),
            Table3Row::OtherHandling => "other_handling".into(),
            Table3Row::OtherHandlingSub(n) => format!("other_handling_{n}"),
            Table3Row::Total => "total".into(),
            Table3Row::CarriedForward => "carried_forward".into(),
        }
    }

    pub fn from_code(code: &str) -> Option<Table3Row> {
        let all = Self::rows(FormatVersion::V2019).into_iter().chain(Self::rows(FormatVersion::V2021));
        all.into_iter().find(|r| r.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_three_has_the_official_row_counts() {
        // 2019: 三、本年度办理结果 spans 20 rows; 2021: 22 (ogi-facts.md §1.4, §2.4).
        assert_eq!(Table3Row::outcome_rows(FormatVersion::V2019).len() + 1, 20);
        assert_eq!(Table3Row::outcome_rows(FormatVersion::V2021).len() + 1, 22);
    }

    #[test]
    fn every_row_code_round_trips() {
        for f in [FormatVersion::V2019, FormatVersion::V2021] {
            for r in Table3Row::rows(f) {
                assert_eq!(Table3Row::from_code(&r.code()), Some(r));
            }
        }
    }
}
