//! Livelihood fund programs (民生资金项目) and money. Amounts are integers of 分 (fen), never floats:
//! a published list must add up to the 分. Standards are local (each county sets its own 低保
//! standard), so a program's standard is data; the examples below are shapes, not Ruzhou's figures.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An amount of money in 分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Fen(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AmountError {
    #[error("金额为空")]
    Empty,
    #[error("金额“{0}”不是数字")]
    NotANumber(String),
    #[error("金额“{0}”为负数")]
    Negative(String),
    #[error("金额“{0}”为零，发放金额必须大于零")]
    Zero(String),
    #[error("金额“{0}”的小数超过两位（最小单位为分）")]
    TooManyDecimals(String),
    #[error("金额“{0}”过大")]
    TooLarge(String),
}

impl Fen {
    /// Parse an amount in 元 as a person types it in a spreadsheet: `1200`, `1200.5`, `1,200.50`.
    /// Only plain decimal notation; at most two decimals; strictly positive.
    pub fn parse_yuan(text: &str) -> Result<Fen, AmountError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(AmountError::Empty);
        }
        let cleaned: String = t.chars().filter(|c| *c != ',' && *c != '，').collect();
        if let Some(rest) = cleaned.strip_prefix('-')
            && parse_positive(rest).is_ok()
        {
            return Err(AmountError::Negative(t.to_string()));
        }
        let fen = parse_positive(&cleaned).map_err(|e| match e {
            Parse::Bad => AmountError::NotANumber(t.to_string()),
            Parse::Decimals => AmountError::TooManyDecimals(t.to_string()),
            Parse::Large => AmountError::TooLarge(t.to_string()),
        })?;
        if fen == 0 { Err(AmountError::Zero(t.to_string())) } else { Ok(Fen(fen)) }
    }

    /// `1200.50` — the form published in lists.
    pub fn yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", self.0.abs() / 100, self.0.abs() % 100)
    }
}

impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}元", self.yuan())
    }
}

enum Parse {
    Bad,
    Decimals,
    Large,
}

fn parse_positive(s: &str) -> Result<i64, Parse> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Parse::Bad);
    }
    if s.contains('.') && frac.is_empty() {
        return Err(Parse::Bad);
    }
    if frac.len() > 2 {
        return Err(Parse::Decimals);
    }
    let yuan: i64 = int.parse().map_err(|_| Parse::Large)?;
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| Parse::Bad)?;
    yuan.checked_mul(100).and_then(|v| v.checked_add(cents)).ok_or(Parse::Large)
}

/// What a program's standard is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    /// per person per period (残疾人两项补贴, 高龄津贴)
    PerPerson,
    /// per household per period (低保 paid to a household, the standard × its members)
    PerHousehold,
    /// per 亩 (耕地地力保护补贴)
    PerMu,
}

impl Basis {
    pub fn unit_label(self) -> &'static str {
        match self {
            Basis::PerPerson => "人",
            Basis::PerHousehold => "户",
            Basis::PerMu => "亩",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub code: String,
    pub name: String,
    pub basis: Basis,
    /// The most one unit of the basis may receive in one period.
    pub standard: Fen,
    /// Age-based allowances only: the age the recipient must have reached.
    pub min_age: Option<u32>,
}

impl Program {
    /// The programs the platform knows by default. Standards are placeholders the office replaces
    /// with the county's current figures.
    pub fn examples() -> Vec<Program> {
        let p = |code: &str, name: &str, basis, yuan: i64, min_age| Program {
            code: code.into(),
            name: name.into(),
            basis,
            standard: Fen(yuan * 100),
            min_age,
        };
        vec![
            p("dibao", "城乡居民最低生活保障", Basis::PerPerson, 600, None),
            p("tekun", "特困人员救助供养", Basis::PerPerson, 800, None),
            p("gengdi", "耕地地力保护补贴", Basis::PerMu, 120, None),
            p("canji", "残疾人两项补贴", Basis::PerPerson, 100, None),
            p("gaoling", "高龄津贴", Basis::PerPerson, 100, Some(80)),
        ]
    }
}

/// A disbursement period: a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    first_day: NaiveDate,
    last_day: NaiveDate,
}

impl Period {
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let first_day = NaiveDate::from_ymd_opt(year, month, 1)?;
        let last_day = first_day.checked_add_months(chrono::Months::new(1))?.pred_opt()?;
        Some(Period { first_day, last_day })
    }
    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            first_day: NaiveDate::from_ymd_opt(year, 1, 1)?,
            last_day: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }
    pub fn first_day(self) -> NaiveDate {
        self.first_day
    }
    pub fn last_day(self) -> NaiveDate {
        self.last_day
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first_day.month() == 1 && self.last_day.month() == 12 {
            write!(f, "{}年", self.first_day.year())
        } else {
            write!(f, "{}年{}月", self.first_day.year(), self.first_day.month())
        }
    }
}

/// Full years of age on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_yuan_parse_to_fen() {
        assert_eq!(Fen::parse_yuan("1200"), Ok(Fen(120_000)));
        assert_eq!(Fen::parse_yuan(" 1,200.5 "), Ok(Fen(120_050)));
        assert_eq!(Fen::parse_yuan("0.07"), Ok(Fen(7)));
        assert_eq!(Fen(120_050).to_string(), "1200.50元");
    }

    #[test]
    fn text_negative_zero_and_fractions_of_a_fen_are_refused() {
        assert_eq!(Fen::parse_yuan("壹佰"), Err(AmountError::NotANumber("壹佰".into())));
        assert_eq!(Fen::parse_yuan("-50"), Err(AmountError::Negative("-50".into())));
        assert_eq!(Fen::parse_yuan("0.00"), Err(AmountError::Zero("0.00".into())));
        assert_eq!(Fen::parse_yuan("12.345"), Err(AmountError::TooManyDecimals("12.345".into())));
        assert_eq!(Fen::parse_yuan("1e3"), Err(AmountError::NotANumber("1e3".into())));
        assert_eq!(Fen::parse_yuan("12."), Err(AmountError::NotANumber("12.".into())));
        assert_eq!(Fen::parse_yuan(""), Err(AmountError::Empty));
        assert!(matches!(Fen::parse_yuan("99999999999999999999"), Err(AmountError::TooLarge(_))));
        assert_eq!(
            AmountError::TooManyDecimals("1.234".into()).to_string(),
            "金额“1.234”的小数超过两位（最小单位为分）"
        );
    }

    #[test]
    fn age_counts_full_years_to_the_day() {
        let b = NaiveDate::from_ymd_opt(1940, 6, 15).unwrap();
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2020, 6, 14).unwrap()), 79);
        assert_eq!(age_on(b, NaiveDate::from_ymd_opt(2020, 6, 15).unwrap()), 80);
    }

    #[test]
    fn periods_know_their_days_and_read_in_chinese() {
        let feb = Period::month(2020, 2).unwrap();
        assert_eq!(feb.last_day(), NaiveDate::from_ymd_opt(2020, 2, 29).unwrap());
        assert_eq!(feb.to_string(), "2020年2月");
        assert_eq!(Period::year(2020).unwrap().to_string(), "2020年");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_positive_amount_survives_printing_and_parsing(fen in 1i64..10_000_000_000_000) {
                prop_assert_eq!(Fen::parse_yuan(&Fen(fen).yuan()), Ok(Fen(fen)));
            }
        }
    }
}
