//! How an application ended (办理结果): every outcome category of annual-report table 三
//! (国办公开办函〔2019〕60号, 〔2021〕30号) and the article of the 条例 each rests on
//! (条例第十四条至第十六条, 第三十条, 第三十五条至第三十九条, 第四十二条).

use serde::{Deserialize, Serialize};

use crate::format::{
    FormatVersion, NOT_PROCESSED_REASONS, OTHER_HANDLING_2021, Table3Row, UNABLE_REASONS, WITHHELD_REASONS,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    #[error("未知的办理结果代码“{0}”")]
    UnknownCode(String),
}

/// （三）不予公开, the eight reasons of table 三 in their official order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    StateSecret,         // 1.属于国家秘密
    ForbiddenByLaw,      // 2.其他法律行政法规禁止公开
    Security,            // 3.危及“三安全一稳定”
    ThirdPartyRights,    // 4.保护第三方合法权益
    InternalAffairs,     // 5.属于三类内部事务信息
    ProcessInformation,  // 6.属于四类过程性信息
    EnforcementFile,     // 7.属于行政执法案卷
    AdministrativeQuery, // 8.属于行政查询事项
}

/// （四）无法提供.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnableReason {
    NotHeld,           // 1.本机关不掌握相关政府信息
    WouldNeedCreating, // 2.没有现成信息需要另行制作
    StillUnclear,      // 3.补正后申请内容仍不明确
}

/// （五）不予处理.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotProcessedReason {
    Petition,         // 1.信访举报投诉类申请
    Repeated,         // 2.重复申请
    Publication,      // 3.要求提供公开出版物
    Excessive,        // 4.无正当理由大量反复申请
    ConfirmOrReissue, // 5.要求行政机关确认或重新出具已获取信息
}

/// （六）其他处理; split into three rows from the 2021 format on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtherReason {
    OverdueClarification, // 1.申请人无正当理由逾期不补正
    UnpaidFee,            // 2.申请人逾期未按收费通知要求缴纳费用
    Other,                // 3.其他 (including a withdrawn application)
}

macro_rules! numbered {
    ($name:ident, $labels:ident, [$($v:ident),+]) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The 1-based number of the sub-row in table 三.
            pub fn number(self) -> u8 { self as u8 + 1 }
            pub fn from_number(n: u8) -> Option<$name> {
                Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
            }
            pub fn label(self) -> &'static str { $labels[self as usize] }
        }
    };
}
numbered!(
    WithheldReason,
    WITHHELD_REASONS,
    [
        StateSecret,
        ForbiddenByLaw,
        Security,
        ThirdPartyRights,
        InternalAffairs,
        ProcessInformation,
        EnforcementFile,
        AdministrativeQuery
    ]
);
numbered!(UnableReason, UNABLE_REASONS, [NotHeld, WouldNeedCreating, StillUnclear]);
numbered!(NotProcessedReason, NOT_PROCESSED_REASONS, [Petition, Repeated, Publication, Excessive, ConfirmOrReissue]);
numbered!(OtherReason, OTHER_HANDLING_2021, [OverdueClarification, UnpaidFee, Other]);

/// 办理结果.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Disclosed,                        // 予以公开
    PartiallyDisclosed,               // 部分公开（区分处理）
    Withheld(WithheldReason),         // 不予公开
    Unable(UnableReason),             // 无法提供
    NotProcessed(NotProcessedReason), // 不予处理
    Other(OtherReason),               // 其他处理
}

impl Outcome {
    /// Every outcome, in table order.
    pub fn all() -> Vec<Outcome> {
        let mut v = vec![Outcome::Disclosed, Outcome::PartiallyDisclosed];
        v.extend(WithheldReason::ALL.iter().map(|r| Outcome::Withheld(*r)));
        v.extend(UnableReason::ALL.iter().map(|r| Outcome::Unable(*r)));
        v.extend(NotProcessedReason::ALL.iter().map(|r| Outcome::NotProcessed(*r)));
        v.extend(OtherReason::ALL.iter().map(|r| Outcome::Other(*r)));
        v
    }

    /// The row of table 三 this outcome is counted in. The 2019 format has a single
    /// （六）其他处理 row, so all three other reasons fall in it.
    pub fn table3_row(&self, format: FormatVersion) -> Table3Row {
        match (self, format) {
            (Outcome::Disclosed, _) => Table3Row::Disclosed,
            (Outcome::PartiallyDisclosed, _) => Table3Row::PartiallyDisclosed,
            (Outcome::Withheld(r), _) => Table3Row::Withheld(r.number()),
            (Outcome::Unable(r), _) => Table3Row::Unable(r.number()),
            (Outcome::NotProcessed(r), _) => Table3Row::NotProcessed(r.number()),
            (Outcome::Other(_), FormatVersion::V2019) => Table3Row::OtherHandling,
            (Outcome::Other(r), FormatVersion::V2021) => Table3Row::OtherHandlingSub(r.number()),
        }
    }

    /// The stable code: the 2021 [`Table3Row`] code ("disclosed", "withheld_3", "other_handling_2").
    pub fn code(&self) -> String {
        self.table3_row(FormatVersion::V2021).code()
    }

    /// Parses a code. The 2019 code "other_handling" (records imported from a 2019-format report,
    /// where the reason was not kept) reads as 其他处理·其他.
    pub fn from_code(code: &str) -> Result<Outcome, OutcomeError> {
        if code == "other_handling" {
            return Ok(Outcome::Other(OtherReason::Other));
        }
        Outcome::all().into_iter().find(|o| o.code() == code).ok_or_else(|| OutcomeError::UnknownCode(code.to_string()))
    }

    /// The short label: 予以公开, 不予公开（属于国家秘密） …
    pub fn label(&self) -> String {
        match self {
            Outcome::Disclosed => "予以公开".into(),
            Outcome::PartiallyDisclosed => "部分公开".into(),
            Outcome::Withheld(r) => format!("不予公开（{}）", r.label()),
            Outcome::Unable(r) => format!("无法提供（{}）", r.label()),
            Outcome::NotProcessed(r) => format!("不予处理（{}）", r.label()),
            Outcome::Other(r) => format!("其他处理（{}）", r.label()),
        }
    }

    /// The article the decision rests on (ogi-facts.md §3.2).
    pub fn legal_basis(&self) -> &'static str {
        match self {
            Outcome::Disclosed => "《中华人民共和国政府信息公开条例》第三十六条第（一）项、第（二）项",
            Outcome::PartiallyDisclosed => "《中华人民共和国政府信息公开条例》第三十七条",
            Outcome::Withheld(r) => match r {
                WithheldReason::StateSecret | WithheldReason::ForbiddenByLaw | WithheldReason::Security => {
                    "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"
                }
                WithheldReason::ThirdPartyRights => {
                    "《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项"
                }
                WithheldReason::InternalAffairs => {
                    "《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第（三）项"
                }
                WithheldReason::ProcessInformation | WithheldReason::EnforcementFile => {
                    "《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项"
                }
                // 工商、不动产登记资料等查询事项: 有关法律、行政法规对信息的获取有特别规定.
                WithheldReason::AdministrativeQuery => "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            },
            Outcome::Unable(r) => match r {
                UnableReason::NotHeld => "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项",
                UnableReason::WouldNeedCreating => "《中华人民共和国政府信息公开条例》第三十八条",
                UnableReason::StillUnclear => "《中华人民共和国政府信息公开条例》第三十条",
            },
            Outcome::NotProcessed(r) => match r {
                NotProcessedReason::Petition => "《中华人民共和国政府信息公开条例》第三十九条第一款",
                NotProcessedReason::Repeated => "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
                NotProcessedReason::Publication => "《中华人民共和国政府信息公开条例》第三十九条第二款",
                NotProcessedReason::Excessive => "《中华人民共和国政府信息公开条例》第三十五条",
                // No article names this case; a request to confirm or re-issue what the applicant
                // already holds is not a request for existing 政府信息 as Art. 2 defines it.
                NotProcessedReason::ConfirmOrReissue => "《中华人民共和国政府信息公开条例》第二条",
            },
            Outcome::Other(r) => match r {
                OtherReason::OverdueClarification => "《中华人民共和国政府信息公开条例》第三十条",
                OtherReason::UnpaidFee => {
                    "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》"
                }
                OtherReason::Other => "《中华人民共和国政府信息公开条例》",
            },
        }
    }

    /// Whether the applicant receives (some of) the information.
    pub fn discloses(&self) -> bool {
        matches!(self, Outcome::Disclosed | Outcome::PartiallyDisclosed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_code_round_trips_and_matches_a_table_row_code() {
        let all = Outcome::all();
        assert_eq!(all.len(), 2 + 8 + 3 + 5 + 3);
        for o in all {
            assert_eq!(Outcome::from_code(&o.code()), Ok(o));
            assert!(Table3Row::from_code(&o.code()).is_some());
            assert!(o.legal_basis().contains("条例"));
        }
        assert_eq!(Outcome::Withheld(WithheldReason::Security).code(), "withheld_3");
        assert_eq!(Outcome::from_code("other_handling"), Ok(Outcome::Other(OtherReason::Other)));
        assert!(Outcome::from_code("withheld_9").is_err());
    }

    #[test]
    fn in_2019_every_other_handling_falls_in_the_single_row() {
        for r in OtherReason::ALL {
            assert_eq!(Outcome::Other(*r).table3_row(FormatVersion::V2019), Table3Row::OtherHandling);
        }
        assert_eq!(
            Outcome::Other(OtherReason::UnpaidFee).table3_row(FormatVersion::V2021),
            Table3Row::OtherHandlingSub(2)
        );
    }

    #[test]
    fn every_outcome_falls_in_an_outcome_row_of_its_format() {
        for f in [FormatVersion::V2019, FormatVersion::V2021] {
            let rows = Table3Row::outcome_rows(f);
            for o in Outcome::all() {
                assert!(rows.contains(&o.table3_row(f)), "{o:?} in {f:?}");
            }
            // …and every outcome row is reachable.
            for r in rows {
                assert!(Outcome::all().iter().any(|o| o.table3_row(f) == r), "{r:?}");
            }
        }
    }

    #[test]
    fn labels_use_the_official_wording() {
        assert_eq!(Outcome::Unable(UnableReason::NotHeld).label(), "无法提供（本机关不掌握相关政府信息）");
        assert_eq!(WithheldReason::from_number(8), Some(WithheldReason::AdministrativeQuery));
        assert_eq!(WithheldReason::from_number(0), None);
        assert_eq!(NotProcessedReason::from_number(6), None);
    }
}
