//! An exact decimal for table 二's amounts (采购总金额, 本年收费金额) and signed changes (本年增/减):
//! printed figures such as "85637.6331" must survive a round trip digit for digit, so the value
//! keeps its mantissa and its number of decimal places and never passes through a float.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `mantissa / 10^scale`. "1.50" and "1.5" are different values here on purpose: the scale is
/// part of what was printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i64,
    scale: u8,
}

const MAX_SCALE: u8 = 8;

impl Decimal {
    pub fn from_int(n: i64) -> Decimal {
        Decimal { mantissa: n, scale: 0 }
    }
    /// `mantissa / 10^scale`; `None` when the scale is above 8.
    pub fn new(mantissa: i64, scale: u8) -> Option<Decimal> {
        (scale <= MAX_SCALE).then_some(Decimal { mantissa, scale })
    }
    /// Reads "-36", "+12", "85637.6331", "1,234.5". `None` for anything else or out of range.
    pub fn parse(s: &str) -> Option<Decimal> {
        let s = s.trim();
        let (neg, body) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int.is_empty() || !int.bytes().next()?.is_ascii_digit() {
            return None;
        }
        let int_digits = strip_thousands(int)?;
        let frac = frac.unwrap_or("");
        if frac.len() > MAX_SCALE as usize || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if body.contains('.') && frac.is_empty() {
            return None; // "2." is a list marker, not a number
        }
        let mut m: i64 = 0;
        for b in int_digits.bytes().chain(frac.bytes()) {
            m = m.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
        }
        Some(Decimal { mantissa: if neg { -m } else { m }, scale: frac.len() as u8 })
    }
    pub fn is_negative(self) -> bool {
        self.mantissa < 0
    }
    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }
    /// The value when it is a whole number.
    pub fn to_i64(self) -> Option<i64> {
        let p = 10i64.checked_pow(u32::from(self.scale))?;
        (self.mantissa % p == 0).then_some(self.mantissa / p)
    }
    pub fn mantissa(self) -> i64 {
        self.mantissa
    }
    pub fn scale(self) -> u8 {
        self.scale
    }
    /// Exact sum, at the larger scale; `None` on overflow.
    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let a = self.mantissa.checked_mul(10i64.checked_pow(u32::from(scale - self.scale))?)?;
        let b = other.mantissa.checked_mul(10i64.checked_pow(u32::from(scale - other.scale))?)?;
        Some(Decimal { mantissa: a.checked_add(b)?, scale })
    }
}

fn strip_thousands(int: &str) -> Option<String> {
    if !int.contains(',') {
        return int.bytes().all(|b| b.is_ascii_digit()).then(|| int.to_string());
    }
    let groups: Vec<&str> = int.split(',').collect();
    let ok = groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| groups.concat())
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let abs = self.mantissa.unsigned_abs();
        if self.scale == 0 {
            return write!(f, "{sign}{abs}");
        }
        let p = 10u64.pow(u32::from(self.scale));
        write!(f, "{sign}{}.{:0width$}", abs / p, abs % p, width = self.scale as usize)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Decimal::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a decimal: {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_decimals_round_trip_digit_for_digit() {
        for s in ["0", "-36", "85637.6331", "7730.28", "-0.05", "96171.6", "1.50"] {
            assert_eq!(Decimal::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Decimal::parse("+12").unwrap().to_string(), "12");
        assert_eq!(Decimal::parse("1,234").unwrap().to_string(), "1234");
    }

    #[test]
    fn list_markers_and_garbage_are_not_numbers() {
        for s in ["2.", "-", "", "1.2.3", "99999999999999999999", "1,23", "a1", ".5"] {
            assert_eq!(Decimal::parse(s), None, "{s}");
        }
    }
}
