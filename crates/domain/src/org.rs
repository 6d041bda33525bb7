//! Identifiers of people and organisations, parsed, never merely validated: the 居民身份证号
//! (GB 11643-1999, ISO 7064 MOD 11-2 check character) and the 统一社会信用代码 (GB 32100-2015,
//! MOD 31 check character), which prefixes a unit's 索引号 (ogi-facts.md §5.1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdNumberError {
    #[error("身份证号码应为18位（或旧式15位）")]
    Length,
    #[error("身份证号码含有非法字符")]
    Characters,
    #[error("身份证号码的地区码无效")]
    Region,
    #[error("身份证号码中的出生日期无效")]
    BirthDate,
    #[error("身份证号码校验位不正确")]
    CheckDigit,
}

/// A 居民身份证号: 18 characters with a valid province, birth date and MOD 11-2 check character.
/// Old 15-digit numbers parse too (no check character; the birth year is 19YY).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";
/// The province-level codes of GB/T 2260 (the first two digits).
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// The check character of the first 17 digits of an 18-digit 身份证号 (ISO 7064 MOD 11-2).
pub fn id_check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(ID_WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

impl IdNumber {
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        match b.len() {
            18 => {
                if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
                    return Err(IdNumberError::Characters);
                }
                check_region(&s[..2])?;
                check_date(&s[6..14])?;
                if id_check_char(&b[..17]) != Some(b[17] as char) {
                    return Err(IdNumberError::CheckDigit);
                }
            }
            15 => {
                if !b.iter().all(u8::is_ascii_digit) {
                    return Err(IdNumberError::Characters);
                }
                check_region(&s[..2])?;
                check_date(&format!("19{}", &s[6..12]))?;
            }
            _ => return Err(IdNumberError::Length),
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date the number encodes.
    pub fn birth_date(&self) -> NaiveDate {
        let digits = if self.0.len() == 18 { self.0[6..14].to_string() } else { format!("19{}", &self.0[6..12]) };
        NaiveDate::parse_from_str(&digits, "%Y%m%d").expect("checked at parse")
    }

    /// The only form that may ever be shown publicly: `4104**********123X` (first four, last four).
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 4, 4)
    }
}

fn check_region(two: &str) -> Result<(), IdNumberError> {
    let p: u32 = two.parse().map_err(|_| IdNumberError::Region)?;
    if PROVINCES.contains(&p) { Ok(()) } else { Err(IdNumberError::Region) }
}

fn check_date(yyyymmdd: &str) -> Result<(), IdNumberError> {
    let d = NaiveDate::parse_from_str(yyyymmdd, "%Y%m%d").map_err(|_| IdNumberError::BirthDate)?;
    if d.year_ce().1 < 1900 { Err(IdNumberError::BirthDate) } else { Ok(()) }
}

use chrono::Datelike;

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdNumber::parse(&s)
    }
}
impl From<IdNumber> for String {
    fn from(v: IdNumber) -> String {
        v.0
    }
}
impl std::fmt::Display for IdNumber {
    /// Display masks: the full number is only ever read through `as_str`, on purpose.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Keep `head` and `tail` characters, replace the rest with `*`.
pub fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A person's name as shown publicly: the family name and, for names of three or more
/// characters, the last character (张*, 李*华, 欧阳**).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        3 => format!("{}*{}", chars[0], chars[2]),
        n => format!("{}{}", chars[..2].iter().collect::<String>(), "*".repeat(n - 2)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码应为18位")]
    Length,
    #[error("统一社会信用代码含有非法字符（不使用I、O、Z、S、V）")]
    Characters,
    #[error("统一社会信用代码校验位不正确")]
    CheckDigit,
}

/// A 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet, the last a
/// MOD 31 check character. Government organs' codes begin with 11 (机关).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

const CC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// The check character for the first 17 characters of a 统一社会信用代码.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in b.iter().zip(CC_WEIGHTS) {
        let v = CC_ALPHABET.iter().position(|a| a == c)? as u32;
        sum += v * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(CC_ALPHABET[check as usize] as char)
}

impl CreditCode {
    pub fn parse(s: &str) -> Result<CreditCode, CreditCodeError> {
        let s = s.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        if !s.bytes().all(|c| CC_ALPHABET.contains(&c)) {
            return Err(CreditCodeError::Characters);
        }
        if credit_code_check_char(&s[..17]) != s[17..].chars().next() {
            return Err(CreditCodeError::CheckDigit);
        }
        Ok(CreditCode(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CreditCode::parse(&s)
    }
}
impl From<CreditCode> for String {
    fn from(v: CreditCode) -> String {
        v.0
    }
}
impl std::fmt::Display for CreditCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Build a valid 统一社会信用代码 from its first 17 characters (demo data, tests).
pub fn complete_credit_code(first17: &str) -> Option<CreditCode> {
    let c = credit_code_check_char(first17)?;
    CreditCode::parse(&format!("{first17}{c}")).ok()
}

/// Build a valid 18-digit 身份证号 from its first 17 digits (demo data, tests).
pub fn complete_id_number(first17: &str) -> Option<IdNumber> {
    let c = id_check_char(first17.as_bytes())?;
    IdNumber::parse(&format!("{first17}{c}")).ok()
}

/// The roles of Gongkai's staff. The public has no account and no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 公开办管理员: the government's OGI office; every unit, the catalogs, users, the calendar.
    Admin,
    /// 单位审核人: approves what one unit publishes and answers (保密审查).
    Reviewer,
    /// 单位经办人: drafts in one unit.
    Clerk,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "reviewer" => Some(Role::Reviewer),
            "clerk" => Some(Role::Clerk),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Clerk => "clerk",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "公开办管理员",
            Role::Reviewer => "单位审核人",
            Role::Clerk => "单位经办人",
        }
    }
}

/// A staff member as the access rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    pub role: Role,
    pub unit_id: Option<i64>,
}

impl Staff {
    /// May this person see and work on the records of `unit_id`? The office sees every unit;
    /// everyone else only their own (PRODUCT.md: a unit never reads another unit's records).
    pub fn may_access_unit(&self, unit_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Reviewer | Role::Clerk => self.unit_id == Some(unit_id),
        }
    }
    /// Approving (publishing, answering, 保密审查) is for reviewers of the unit and the office.
    pub fn may_approve_for(&self, unit_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Reviewer => self.unit_id == Some(unit_id),
            Role::Clerk => false,
        }
    }
    /// Routing applications between units, users, units and the calendar: the office only.
    pub fn is_office(&self) -> bool {
        self.role == Role::Admin
    }
    /// The one rule for any object held by a unit (an application, a file of any owner, an item, a
    /// roster…): the office sees all; a unit's staff see what their unit holds; an object held by no
    /// unit yet (an application not yet routed) is the office's alone.
    pub fn may_access_object(&self, owning_unit: Option<i64>) -> bool {
        match owning_unit {
            Some(u) => self.may_access_unit(u),
            None => self.is_office(),
        }
    }
}

/// Every kind of object a staff address names by id (`/staff/items/{id}`…). Each is held by one
/// unit, or by none yet (then it is the office's alone, `Staff::may_access_object`); the web layer
/// asks the one door (`flows::access::object`) with the kind and the id before touching it, and an
/// object the actor may not see is "not found", never "forbidden", so ids cannot be probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    /// 依申请公开: the unit it was routed to (none before routing).
    Application,
    /// 主动公开 item: its unit.
    Item,
    /// 年度报告: its unit.
    Report,
    /// 发放名册: the township it pays in.
    DisbursementBatch,
    /// 民生资金 complaint: the unit it was routed to.
    Complaint,
    /// 民生项目: the unit building it, else the village's township.
    Project,
    /// 政民互动 message: the unit it was routed to.
    Message,
    /// 政策解读: its unit.
    Interpretation,
    /// 政务新媒体 account: its unit.
    NewMediaAccount,
    /// A spot check's finding to rectify (整改): the unit found wanting.
    Finding,
    /// A spot check (抽查): the office's own.
    SpotCheck,
    /// 行政复议 / 行政诉讼 case: the unit holding the application it is about.
    ReviewCase,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 12] = [
        ObjectKind::Application,
        ObjectKind::Item,
        ObjectKind::Report,
        ObjectKind::DisbursementBatch,
        ObjectKind::Complaint,
        ObjectKind::Project,
        ObjectKind::Message,
        ObjectKind::Interpretation,
        ObjectKind::NewMediaAccount,
        ObjectKind::Finding,
        ObjectKind::SpotCheck,
        ObjectKind::ReviewCase,
    ];
}

/// What a stored file (附件) belongs to. Each kind is held by one unit: the unit of the application,
/// of the item, the township of a 发放名册 (roster) or of the village whose project or 村务公开 it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentOwner {
    Application,
    Item,
    DisbursementBatch,
    ProjectUpdate,
    VillageDisclosure,
}

impl AttachmentOwner {
    pub const ALL: [AttachmentOwner; 5] = [
        AttachmentOwner::Application,
        AttachmentOwner::Item,
        AttachmentOwner::DisbursementBatch,
        AttachmentOwner::ProjectUpdate,
        AttachmentOwner::VillageDisclosure,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AttachmentOwner::Application => "application",
            AttachmentOwner::Item => "item",
            AttachmentOwner::DisbursementBatch => "disbursement_batch",
            AttachmentOwner::ProjectUpdate => "project_update",
            AttachmentOwner::VillageDisclosure => "village_disclosure",
        }
    }
    pub fn parse(code: &str) -> Option<AttachmentOwner> {
        AttachmentOwner::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// The kinds of unit (单位) a county-level government has.
pub const UNIT_KINDS: [(&str, &str); 5] = [
    ("government", "人民政府"),
    ("office", "政府办公室"),
    ("department", "市直单位"),
    ("township", "乡镇/街道"),
    ("other", "其他"),
];

pub fn unit_kind_label(code: &str) -> Option<&'static str> {
    UNIT_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_seen_by_their_unit_and_the_office_only() {
        let clerk_a = Staff { role: Role::Clerk, unit_id: Some(1) };
        let reviewer_b = Staff { role: Role::Reviewer, unit_id: Some(2) };
        let office = Staff { role: Role::Admin, unit_id: None };
        assert!(clerk_a.may_access_object(Some(1)));
        assert!(!reviewer_b.may_access_object(Some(1)));
        assert!(office.may_access_object(Some(1)));
        // Held by no unit yet: the office's alone.
        assert!(!clerk_a.may_access_object(None));
        assert!(office.may_access_object(None));
        // A clerk without a unit sees nothing of any unit.
        assert!(!Staff { role: Role::Clerk, unit_id: None }.may_access_object(Some(1)));
        for o in AttachmentOwner::ALL {
            assert_eq!(AttachmentOwner::parse(o.code()), Some(o));
        }
        assert_eq!(AttachmentOwner::parse("app_user"), None);
    }

    #[test]
    fn a_published_example_id_number_parses_and_masks() {
        // GB 11643's worked example.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.to_string(), "1101**********002X");
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(IdNumber::parse("110105194912310021"), Err(IdNumberError::CheckDigit));
        assert_eq!(IdNumber::parse("11010519491331002X"), Err(IdNumberError::BirthDate));
        assert_eq!(IdNumber::parse("99010519491231002X"), Err(IdNumberError::Region));
        assert_eq!(IdNumber::parse("1101051949"), Err(IdNumberError::Length));
    }

    #[test]
    fn completed_numbers_always_parse() {
        let id = complete_id_number("41048219800101123").unwrap();
        assert!(id.as_str().starts_with("410482"));
    }

    #[test]
    fn credit_codes_check_their_last_character() {
        // A real published code: 汝州市人民政府办公室 style codes start with 11410482.
        let cc = complete_credit_code("11410482005557200").unwrap();
        assert!(CreditCode::parse(cc.as_str()).is_ok());
        let mut wrong = cc.as_str().to_string();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        assert_eq!(CreditCode::parse(&wrong), Err(CreditCodeError::CheckDigit));
        assert_eq!(CreditCode::parse("91110000I00000000X"), Err(CreditCodeError::Characters));
        // A known real code (GB 32100 worked example style): 91350100M000100Y43.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
    }

    #[test]
    fn a_clerk_reaches_only_their_own_unit() {
        let clerk = Staff { role: Role::Clerk, unit_id: Some(1) };
        assert!(clerk.may_access_unit(1));
        assert!(!clerk.may_access_unit(2));
        assert!(!clerk.may_approve_for(1));
        let reviewer = Staff { role: Role::Reviewer, unit_id: Some(1) };
        assert!(reviewer.may_approve_for(1) && !reviewer.may_approve_for(2));
        let admin = Staff { role: Role::Admin, unit_id: None };
        assert!(admin.may_access_unit(2) && admin.is_office());
    }

    #[test]
    fn names_are_masked_by_length() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("李建华"), "李*华");
        assert_eq!(mask_name("欧阳明月"), "欧阳**");
    }
}

/// Who is acting: a staff member, the public (no account) or the system (CLI, demo, reminders).
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
    pub ip: String,
}

impl Actor {
    pub fn public(ip: &str) -> Actor {
        Actor {
            user_id: None,
            username: "公众".into(),
            display_name: "公众".into(),
            role: None,
            unit_id: None,
            ip: ip.into(),
        }
    }
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            username: format!("system:{what}"),
            display_name: "系统".into(),
            role: Some(Role::Admin),
            unit_id: None,
            ip: "local".into(),
        }
    }
    /// The staff view of this actor for access rules; the public has none.
    pub fn staff(&self) -> Option<Staff> {
        self.role.map(|role| Staff { role, unit_id: self.unit_id })
    }
    pub fn is_office(&self) -> bool {
        self.role == Some(Role::Admin)
    }
    pub fn may_access_unit(&self, unit_id: i64) -> bool {
        self.staff().is_some_and(|s| s.may_access_unit(unit_id))
    }
    pub fn may_approve_for(&self, unit_id: i64) -> bool {
        self.staff().is_some_and(|s| s.may_approve_for(unit_id))
    }
}
