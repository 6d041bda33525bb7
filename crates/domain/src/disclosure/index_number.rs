//! The 索引号 of a disclosed item: "前段码/后段码", 前段码 the publishing unit's code, 后段码 the
//! period and a 5-digit serial (《政府信息公开目录系统实施指引（试行）》 core metadata 一, ogi-facts
//! §5.1). It is unique and never changes once generated ("一经生成不因发布机构变更而更改"); the
//! item workflow (`item.rs`) is what keeps it from changing after publication.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::org::CreditCode;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IndexNumberError {
    #[error("索引号为空")]
    Empty,
    #[error("索引号应为“前段码/后段码”，如 11410482005557200X/2020-00001")]
    Shape,
    #[error("索引号前段码应为18位统一社会信用代码或9位组织机构代码")]
    UnitCode,
    #[error("统一社会信用代码校验位不正确")]
    CreditCodeCheck,
    #[error("组织机构代码校验位不正确")]
    OrganizationCodeCheck,
    #[error("索引号后段码的年份（或年月）无效，应为4位年份或6位年月")]
    Period,
    #[error("索引号流水号应为5位数字（00001—99999）")]
    Serial,
    #[error("这是2009年以前的地方索引号格式，请作为旧索引号原样保存")]
    LegacyLocal,
}

/// The 前段码.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitCode {
    /// 18-character 统一社会信用代码, as most localities now use.
    CreditCode(String),
    /// 9-character 组织机构代码 without its hyphen, as the 2009 rule prescribes.
    OrganizationCode(String),
}

impl UnitCode {
    pub fn as_str(&self) -> &str {
        match self {
            UnitCode::CreditCode(s) | UnitCode::OrganizationCode(s) => s,
        }
    }
}

/// The period in the 后段码: a year (the rule) or a year and month (宁国's `202110`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Year(i32),
    YearMonth(i32, u32),
}

impl Period {
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::YearMonth(y, _) => y,
        }
    }
}

/// A 索引号 such as `11410482005557200X/2020-00001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndexNumber {
    unit: UnitCode,
    period: Period,
    serial: u32,
}

const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// The check character of a 组织机构代码 (GB 11714): weights 3 7 9 10 5 8 4 2 over the first 8.
pub fn organization_code_check_char(first8: &str) -> Option<char> {
    let b = first8.as_bytes();
    if b.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in b.iter().zip([3u32, 7, 9, 10, 5, 8, 4, 2]) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("below 10"),
    })
}

impl IndexNumber {
    /// The 索引号 of a unit's `serial`-th item of `year`. `code` is the unit's 统一社会信用代码, or its
    /// 组织机构代码 (`XXXXXXXX-X`, the hyphen is dropped). Codes are checked strictly here — check
    /// character included — because we generate for our own units; [`IndexNumber::parse`] is
    /// lenient with codes because real published 索引号 carry codes whose check character fails.
    pub fn generate(code: &str, year: i32, serial: u32) -> Result<IndexNumber, IndexNumberError> {
        let code = code.trim().to_ascii_uppercase().replace('-', "");
        let unit = match code.len() {
            18 => UnitCode::CreditCode(
                CreditCode::parse(&code).map_err(|_| IndexNumberError::CreditCodeCheck)?.as_str().to_string(),
            ),
            9 => {
                if organization_code_check_char(&code[..8]) != code[8..].chars().next() {
                    return Err(IndexNumberError::OrganizationCodeCheck);
                }
                UnitCode::OrganizationCode(code)
            }
            _ => return Err(IndexNumberError::UnitCode),
        };
        if !YEARS.contains(&year) {
            return Err(IndexNumberError::Period);
        }
        if !(1..=99_999).contains(&serial) {
            return Err(IndexNumberError::Serial);
        }
        Ok(IndexNumber { unit, period: Period::Year(year), serial })
    }

    /// Read a 索引号 as published: a 9- or 18-character 前段码, a 4-digit year or 6-digit year-month,
    /// a 5-digit serial. Full-width `／` and `－` and surrounding spaces are accepted. The pre-2009
    /// local schemes (宁波's 地区-部门-类别-分组-日期-顺序号) are refused with
    /// [`IndexNumberError::LegacyLocal`]: keep them verbatim as a [`LegacyIndexNumber`].
    pub fn parse(s: &str) -> Result<IndexNumber, IndexNumberError> {
        let s: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '／' => '/',
                '－' | '—' => '-',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        if s.is_empty() {
            return Err(IndexNumberError::Empty);
        }
        let Some((front, back)) = s.split_once('/') else {
            return Err(if s.matches('-').count() >= 3 {
                IndexNumberError::LegacyLocal
            } else {
                IndexNumberError::Shape
            });
        };
        let Some((period, serial)) = back.split_once('-') else {
            return Err(IndexNumberError::Shape);
        };
        let alnum = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        let unit = match front.len() {
            18 if alnum(front) => UnitCode::CreditCode(front.to_string()),
            9 if alnum(front) => UnitCode::OrganizationCode(front.to_string()),
            _ => return Err(IndexNumberError::UnitCode),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(period) {
            return Err(IndexNumberError::Period);
        }
        let year: i32 = period.get(..4).and_then(|y| y.parse().ok()).ok_or(IndexNumberError::Period)?;
        if !YEARS.contains(&year) {
            return Err(IndexNumberError::Period);
        }
        let period = match period.len() {
            4 => Period::Year(year),
            6 => {
                let month: u32 = period[4..].parse().map_err(|_| IndexNumberError::Period)?;
                if !(1..=12).contains(&month) {
                    return Err(IndexNumberError::Period);
                }
                Period::YearMonth(year, month)
            }
            _ => return Err(IndexNumberError::Period),
        };
        if serial.len() != 5 || !digits(serial) {
            return Err(IndexNumberError::Serial);
        }
        let serial: u32 = serial.parse().map_err(|_| IndexNumberError::Serial)?;
        Ok(IndexNumber { unit, period, serial })
    }

    pub fn unit(&self) -> &UnitCode {
        &self.unit
    }
    pub fn period(&self) -> Period {
        self.period
    }
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl std::fmt::Display for IndexNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.period {
            Period::Year(y) => write!(f, "{}/{y:04}-{:05}", self.unit.as_str(), self.serial),
            Period::YearMonth(y, m) => {
                write!(f, "{}/{y:04}{m:02}-{:05}", self.unit.as_str(), self.serial)
            }
        }
    }
}

impl TryFrom<String> for IndexNumber {
    type Error = IndexNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IndexNumber::parse(&s)
    }
}
impl From<IndexNumber> for String {
    fn from(v: IndexNumber) -> String {
        v.to_string()
    }
}

/// A pre-2009 local 索引号 kept verbatim (e.g. 宁波's six hyphen-separated segments): at least four
/// non-empty segments of letters and digits joined by `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LegacyIndexNumber(String);

impl LegacyIndexNumber {
    pub fn parse(s: &str) -> Result<LegacyIndexNumber, IndexNumberError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(IndexNumberError::Empty);
        }
        let segments: Vec<&str> = s.split('-').collect();
        let ok = segments.len() >= 4
            && segments.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_alphanumeric()));
        if ok { Ok(LegacyIndexNumber(s.to_string())) } else { Err(IndexNumberError::Shape) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LegacyIndexNumber {
    type Error = IndexNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        LegacyIndexNumber::parse(&s)
    }
}
impl From<LegacyIndexNumber> for String {
    fn from(v: LegacyIndexNumber) -> String {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::complete_credit_code;

    #[test]
    fn a_generated_index_number_is_credit_code_slash_year_dash_five_digit_serial() {
        let cc = complete_credit_code("11410482005557200").unwrap();
        let n = IndexNumber::generate(cc.as_str(), 2020, 1).unwrap();
        assert_eq!(n.to_string(), format!("{}/2020-00001", cc.as_str()));
        assert_eq!(IndexNumber::parse(&n.to_string()), Ok(n));
    }

    #[test]
    fn a_nine_character_organization_code_loses_its_hyphen_and_keeps_the_rule_length_of_20() {
        let n = IndexNumber::generate("00001434-9", 2018, 222).unwrap();
        assert_eq!(n.to_string(), "000014349/2018-00222");
        assert_eq!(n.to_string().chars().count(), 20);
        assert_eq!(IndexNumber::generate("00001434-8", 2018, 222), Err(IndexNumberError::OrganizationCodeCheck));
    }

    #[test]
    fn generation_refuses_bad_codes_years_and_serials() {
        assert_eq!(
            IndexNumber::generate("11410482005557200A", 2020, 1).unwrap_err(),
            IndexNumberError::CreditCodeCheck
        );
        assert_eq!(IndexNumber::generate("1141048", 2020, 1), Err(IndexNumberError::UnitCode));
        assert_eq!(IndexNumber::generate("000014349", 1800, 1), Err(IndexNumberError::Period));
        assert_eq!(IndexNumber::generate("000014349", 2020, 0), Err(IndexNumberError::Serial));
        assert_eq!(IndexNumber::generate("000014349", 2020, 100_000), Err(IndexNumberError::Serial));
    }

    #[test]
    fn every_published_example_in_the_facts_parses_and_prints_back_unchanged() {
        for s in [
            "000014349/2018-00222",
            "640501001/2024-00155",
            "011336909/2020-12335",
            "11441700007280420Y/2021-00050",
            "11370812004339255B/2020-22849",
            "11330781751901053P/2024-00439",
            "113708280043326001/2024-02411",
            "11341702486344515H/202110-00013",
        ] {
            let n = IndexNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(n.to_string(), s);
        }
        let n = IndexNumber::parse("11341702486344515H/202110-00013").unwrap();
        assert_eq!(n.period(), Period::YearMonth(2021, 10));
        assert_eq!(n.serial(), 13);
    }

    #[test]
    fn full_width_separators_and_lower_case_are_read() {
        assert_eq!(IndexNumber::parse(" 000014349／2018－00222 ").unwrap().to_string(), "000014349/2018-00222");
        assert_eq!(
            IndexNumber::parse("11441700007280420y/2021-00050").unwrap().to_string(),
            "11441700007280420Y/2021-00050"
        );
    }

    #[test]
    fn malformed_index_numbers_say_what_is_wrong() {
        assert_eq!(IndexNumber::parse(""), Err(IndexNumberError::Empty));
        assert_eq!(IndexNumber::parse("000014349-2018-00222"), Err(IndexNumberError::Shape));
        assert_eq!(IndexNumber::parse("000014349/201800222"), Err(IndexNumberError::Shape));
        assert_eq!(IndexNumber::parse("00001434/2018-00222"), Err(IndexNumberError::UnitCode));
        assert_eq!(IndexNumber::parse("00001434-9/2018-00222"), Err(IndexNumberError::UnitCode));
        assert_eq!(IndexNumber::parse("000014349/18-00222"), Err(IndexNumberError::Period));
        assert_eq!(IndexNumber::parse("000014349/201813-00222"), Err(IndexNumberError::Period));
        assert_eq!(IndexNumber::parse("000014349/2018-222"), Err(IndexNumberError::Serial));
        assert_eq!(IndexNumber::parse("000014349/2018-0022A"), Err(IndexNumberError::Serial));
        assert_eq!(IndexNumber::parse("330200-001-02-03-20080101-0001"), Err(IndexNumberError::LegacyLocal));
        assert_eq!(IndexNumberError::Shape.to_string(), "索引号应为“前段码/后段码”，如 11410482005557200X/2020-00001");
    }

    #[test]
    fn a_pre_2009_local_number_is_kept_verbatim() {
        let l = LegacyIndexNumber::parse("330200-001-02-03-20080101-0001").unwrap();
        assert_eq!(l.as_str(), "330200-001-02-03-20080101-0001");
        assert!(LegacyIndexNumber::parse("a--b-c").is_err());
    }

    #[test]
    fn an_index_number_serializes_as_its_string() {
        let n = IndexNumber::parse("000014349/2018-00222").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"000014349/2018-00222\"");
        assert_eq!(serde_json::from_str::<IndexNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<IndexNumber>("\"x\"").is_err());
    }
}
