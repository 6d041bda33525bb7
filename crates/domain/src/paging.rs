//! Paging of every public list: a page number comes from the address bar, so it is bounded here,
//! once, before any store or search library sees it. A number past the bound is refused with a
//! message; it never becomes an offset, an allocation or an overflow proportional to itself.

use std::fmt;

/// The highest page number any list serves. At 20 hits a page this is 20,000 results deep: past
/// any reader's patience, and small enough that the search library's per-hit reservation for
/// `offset + limit` stays a few hundred kilobytes.
pub const MAX_PAGE: u32 = 1000;

/// A 1-based page number within `1..=MAX_PAGE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Page(u32);

/// Why a page number was refused (the public sees the Chinese text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagingError {
    /// Not a whole number ("abc", "1.5", "").
    NotANumber,
    /// Zero, negative or past `MAX_PAGE`.
    OutOfRange,
}

impl fmt::Display for PagingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingError::NotANumber => write!(f, "页码应为正整数"),
            PagingError::OutOfRange => write!(f, "页码超出范围（应在1至{MAX_PAGE}之间）"),
        }
    }
}

impl std::error::Error for PagingError {}

impl Page {
    pub const FIRST: Page = Page(1);

    /// The page asked for: absent or blank → the first; otherwise a whole number in `1..=MAX_PAGE`.
    pub fn parse(raw: Option<&str>) -> Result<Page, PagingError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(Page::FIRST),
            Some(s) => Page::new(whole_number(s)?),
        }
    }

    /// From a number already parsed (e.g. a JSON field).
    pub fn new(n: u64) -> Result<Page, PagingError> {
        if (1..=u64::from(MAX_PAGE)).contains(&n) { Ok(Page(n as u32)) } else { Err(PagingError::OutOfRange) }
    }

    pub fn number(self) -> u32 {
        self.0
    }

    /// How many rows come before this page, at `per_page` rows a page (never overflows: both are bounded).
    pub fn offset(self, per_page: u32) -> u64 {
        u64::from(self.0 - 1) * u64::from(per_page)
    }
}

/// A non-negative whole number, saturating at `u64::MAX` (so a huge one is "out of range", never an
/// overflow); a sign is allowed so that "-1" is out of range rather than "not a number".
fn whole_number(s: &str) -> Result<u64, PagingError> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PagingError::NotANumber);
    }
    if neg {
        return Err(PagingError::OutOfRange);
    }
    Ok(digits.bytes().fold(0u64, |n, b| n.saturating_mul(10).saturating_add(u64::from(b - b'0'))))
}

/// A row limit asked for (`limit=`, `per_page=`): absent → `default`; otherwise `1..=max`.
pub fn limit(raw: Option<&str>, default: u32, max: u32) -> Result<u32, PagingError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => {
            let n = whole_number(s)?;
            if (1..=u64::from(max)).contains(&n) { Ok(n as u32) } else { Err(PagingError::OutOfRange) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_or_blank_is_the_first_page() {
        assert_eq!(Page::parse(None), Ok(Page::FIRST));
        assert_eq!(Page::parse(Some("  ")), Ok(Page::FIRST));
        assert_eq!(Page::parse(Some("7")).map(Page::number), Ok(7));
        assert_eq!(Page::parse(Some("007")).map(Page::number), Ok(7));
    }

    #[test]
    fn extremes_are_refused_not_computed() {
        for s in [
            "0",
            "-1",
            "1001",
            "1000000000000000",
            "9223372036854775807",
            "18446744073709551616",
            "99999999999999999999999999",
        ] {
            assert_eq!(Page::parse(Some(s)), Err(PagingError::OutOfRange), "{s}");
        }
        for s in ["abc", "1.5", "1e9", "--1", "+", "一"] {
            assert_eq!(Page::parse(Some(s)), Err(PagingError::NotANumber), "{s}");
        }
        assert_eq!(Page::parse(Some("1000")).map(Page::number), Ok(MAX_PAGE));
        assert_eq!(Page::parse(Some("1000")).unwrap().offset(20), 19_980);
    }

    #[test]
    fn limits_have_their_own_bound() {
        assert_eq!(limit(None, 1000, 5000), Ok(1000));
        assert_eq!(limit(Some("5000"), 1000, 5000), Ok(5000));
        assert_eq!(limit(Some("5001"), 1000, 5000), Err(PagingError::OutOfRange));
        assert_eq!(limit(Some("0"), 1000, 5000), Err(PagingError::OutOfRange));
        assert_eq!(limit(Some("-1"), 1000, 5000), Err(PagingError::OutOfRange));
        assert_eq!(limit(Some("18446744073709551616"), 1000, 5000), Err(PagingError::OutOfRange));
        assert_eq!(limit(Some("x"), 1000, 5000), Err(PagingError::NotANumber));
    }
}
