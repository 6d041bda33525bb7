//! Who applies and how (条例第二十九条): the applicant's kind (the columns of annual-report table 三),
//! the identity document, the form and delivery of the information asked for, and the channel the
//! application came in by, which decides its date of receipt (条例第三十一条).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::format::ApplicantColumn;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicantError {
    #[error("未知的申请人类型代码“{0}”")]
    UnknownApplicantKind(String),
    #[error("未知的身份证明类型代码“{0}”")]
    UnknownIdDocument(String),
    #[error("未知的信息提供形式代码“{0}”")]
    UnknownDeliveryForm(String),
    #[error("未知的获取信息方式代码“{0}”")]
    UnknownDeliveryMethod(String),
    #[error("未知的申请渠道代码“{0}”")]
    UnknownChannel(String),
}

/// 申请人: a 自然人, or a 法人或其他组织 of one of the five kinds of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    NaturalPerson,
    Organisation(OrgKind),
}

/// 法人或其他组织, as table 三 splits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Commercial,     // 商业企业
    Research,       // 科研机构
    PublicInterest, // 社会公益组织
    LegalService,   // 法律服务机构
    Other,          // 其他
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::NaturalPerson,
        ApplicantKind::Organisation(OrgKind::Commercial),
        ApplicantKind::Organisation(OrgKind::Research),
        ApplicantKind::Organisation(OrgKind::PublicInterest),
        ApplicantKind::Organisation(OrgKind::LegalService),
        ApplicantKind::Organisation(OrgKind::Other),
    ];

    /// The column of table 三 this applicant is counted in.
    pub fn column(&self) -> ApplicantColumn {
        match self {
            ApplicantKind::NaturalPerson => ApplicantColumn::NaturalPerson,
            ApplicantKind::Organisation(OrgKind::Commercial) => ApplicantColumn::Commercial,
            ApplicantKind::Organisation(OrgKind::Research) => ApplicantColumn::Research,
            ApplicantKind::Organisation(OrgKind::PublicInterest) => ApplicantColumn::PublicInterest,
            ApplicantKind::Organisation(OrgKind::LegalService) => ApplicantColumn::LegalService,
            ApplicantKind::Organisation(OrgKind::Other) => ApplicantColumn::OtherOrg,
        }
    }
    /// 自然人, or 法人或其他组织（商业企业） etc.
    pub fn label(&self) -> String {
        match self {
            ApplicantKind::NaturalPerson => "自然人".into(),
            ApplicantKind::Organisation(_) => {
                format!("法人或其他组织（{}）", self.column().label())
            }
        }
    }
    /// The stable code: the [`ApplicantColumn`] code ("natural_person", "commercial", …).
    pub fn code(&self) -> &'static str {
        self.column().code()
    }
    pub fn from_code(code: &str) -> Result<ApplicantKind, ApplicantError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| ApplicantError::UnknownApplicantKind(code.to_string()))
    }
    pub fn is_natural_person(&self) -> bool {
        matches!(self, ApplicantKind::NaturalPerson)
    }
}

/// Generates a plain code/label enum with `ALL`, `code`, `label`, `from_code`.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident, $err:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn from_code(code: &str) -> Result<$name, ApplicantError> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
                    .ok_or_else(|| ApplicantError::$err(code.to_string()))
            }
        }
    };
}

coded_enum!(
    /// 身份证明 (条例第二十九条第二款第（一）项).
    IdDocumentKind, UnknownIdDocument {
        ResidentIdCard => ("resident_id_card", "居民身份证"),
        Passport => ("passport", "护照"),
        HkMacaoPermit => ("hk_macao_permit", "港澳居民来往内地通行证"),
        TaiwanPermit => ("taiwan_permit", "台湾居民来往大陆通行证"),
        ForeignPermanentResidentCard => ("foreign_permanent_resident_card", "外国人永久居留身份证"),
        Other => ("other", "其他"),
    }
);

coded_enum!(
    /// 信息的提供形式 (条例第二十九条第二款第（三）项, 第四十条).
    DeliveryForm, UnknownDeliveryForm {
        Paper => ("paper", "纸质"),
        Electronic => ("electronic", "电子"),
    }
);

coded_enum!(
    /// 获取信息的方式 (条例第二十九条第二款第（三）项).
    DeliveryMethod, UnknownDeliveryMethod {
        Post => ("post", "邮寄"),
        Email => ("email", "电子邮件"),
        Collect => ("collect", "当面领取"),
        Online => ("online", "网上"),
    }
);

coded_enum!(
    /// The channel an application came in by (条例第二十九条, 第三十一条).
    Channel, UnknownChannel {
        Online => ("online", "网上申请"),
        Letter => ("letter", "信函"),
        Fax => ("fax", "传真"),
        InPerson => ("in_person", "当面"),
    }
);

/// 收到申请之日, the day the statutory clock starts from (条例第三十一条).
///
/// - `event_date`: the day the application reached the office (handed in, letter delivered,
///   online form or fax arrived);
/// - `signed_date`: for a letter, the 签收之日 (or, for an ordinary letter that needs no signature,
///   the day the office confirmed receipt with the applicant); for the internet or fax, the
///   双方确认之日. Ignored for 当面提交.
///
/// When `signed_date` is not recorded the `event_date` is used: Art. 31 requires the office to
/// confirm an unsigned letter on the very day it arrives, so the two are the same day. A
/// confirmation recorded before the event date is a data-entry slip and the later date wins,
/// since the office cannot have received an application before it arrived.
pub fn received_on(channel: Channel, event_date: NaiveDate, signed_date: Option<NaiveDate>) -> NaiveDate {
    match channel {
        // （一）当面提交申请的，以提交之日为收到申请之日
        Channel::InPerson => event_date,
        // （二）以邮寄方式提交申请的，以行政机关签收之日为收到申请之日
        // （三）通过互联网渠道或者政府信息公开工作机构的传真提交申请的，以双方确认之日为收到申请之日
        Channel::Letter | Channel::Online | Channel::Fax => signed_date.map_or(event_date, |s| s.max(event_date)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, day).unwrap()
    }

    #[test]
    fn each_applicant_kind_lands_in_its_own_table_three_column() {
        let cols: Vec<_> = ApplicantKind::ALL.iter().map(|k| k.column()).collect();
        assert_eq!(cols, ApplicantColumn::APPLICANTS);
        assert_eq!(ApplicantKind::Organisation(OrgKind::LegalService).label(), "法人或其他组织（法律服务机构）");
    }

    #[test]
    fn every_code_round_trips_and_unknown_codes_are_refused() {
        for k in ApplicantKind::ALL {
            assert_eq!(ApplicantKind::from_code(k.code()), Ok(k));
        }
        for k in IdDocumentKind::ALL {
            assert_eq!(IdDocumentKind::from_code(k.code()), Ok(*k));
        }
        for k in DeliveryForm::ALL {
            assert_eq!(DeliveryForm::from_code(k.code()), Ok(*k));
        }
        for k in DeliveryMethod::ALL {
            assert_eq!(DeliveryMethod::from_code(k.code()), Ok(*k));
        }
        for k in Channel::ALL {
            assert_eq!(Channel::from_code(k.code()), Ok(*k));
        }
        assert!(ApplicantKind::from_code("total").is_err(), "总计 is a column, not an applicant");
        assert_eq!(Channel::from_code("pigeon").unwrap_err().to_string(), "未知的申请渠道代码“pigeon”");
    }

    #[test]
    fn a_letter_is_received_on_the_day_it_is_signed_for() {
        assert_eq!(received_on(Channel::Letter, d(9, 25), Some(d(9, 28))), d(9, 28));
        assert_eq!(received_on(Channel::Letter, d(9, 28), None), d(9, 28));
    }

    #[test]
    fn an_online_or_fax_application_is_received_on_the_day_both_sides_confirm() {
        assert_eq!(received_on(Channel::Online, d(9, 26), Some(d(9, 28))), d(9, 28));
        assert_eq!(received_on(Channel::Fax, d(9, 26), Some(d(9, 28))), d(9, 28));
        assert_eq!(received_on(Channel::Online, d(9, 28), Some(d(9, 20))), d(9, 28));
    }

    #[test]
    fn an_application_handed_in_is_received_on_the_day_it_is_handed_in() {
        assert_eq!(received_on(Channel::InPerson, d(9, 28), Some(d(9, 30))), d(9, 28));
    }
}
