//! What a disbursement list shows the public (民生资金公示): village, masked name, masked ID number,
//! amount, period. The masked values are types whose only constructors mask, and [`PublicRow`] is
//! built only from them: there is no path from a raw 身份证号 to a public row that skips masking
//! (条例第十五条: 个人隐私 is not disclosed). No `Deserialize`, so a stored string cannot pose as masked.

use serde::Serialize;

use super::disbursement::Row;
use super::program::{Fen, Period};
use crate::org::{IdNumber, mask_name};

/// `4104**********123X`. Nothing outside this module can wrap a raw string as "masked":
///
/// ```compile_fail
/// let fake = gongkai_domain::livelihood::MaskedId("41048219400101123X".to_string());
/// ```
///
/// and a public row cannot be read back from stored text, where a raw number could hide:
///
/// ```compile_fail
/// let row: gongkai_domain::livelihood::PublicRow = serde_json::from_str("{}").unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedId(String);

impl MaskedId {
    pub fn of(id: &IdNumber) -> Self {
        MaskedId(id.masked())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `张*`, `李*华`
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedName(String);

impl MaskedName {
    pub fn of(name: &str) -> Self {
        MaskedName(mask_name(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicRow {
    village: String,
    name_masked: MaskedName,
    id_masked: MaskedId,
    amount: Fen,
    period: Period,
}

impl PublicRow {
    pub fn new(village: String, name_masked: MaskedName, id_masked: MaskedId, amount: Fen, period: Period) -> Self {
        PublicRow { village, name_masked, id_masked, amount, period }
    }
    pub fn village(&self) -> &str {
        &self.village
    }
    pub fn name_masked(&self) -> &str {
        self.name_masked.as_str()
    }
    pub fn id_masked(&self) -> &str {
        self.id_masked.as_str()
    }
    pub fn amount(&self) -> Fen {
        self.amount
    }
    pub fn period(&self) -> Period {
        self.period
    }
}

impl From<&Row> for PublicRow {
    fn from(r: &Row) -> Self {
        PublicRow::new(r.village.clone(), MaskedName::of(&r.name), MaskedId::of(&r.id), r.amount, r.period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::complete_id_number;

    #[test]
    fn a_public_row_shows_only_masked_name_and_id() {
        let id = complete_id_number("41048219400101123").unwrap();
        let row = Row {
            line: 2,
            program: "gaoling".into(),
            village: "城垣村".into(),
            name: "王建国".into(),
            id: id.clone(),
            quantity: 1,
            amount: Fen(10_000),
            period: Period::month(2020, 6).unwrap(),
        };
        let public = PublicRow::from(&row);
        assert_eq!(public.name_masked(), "王*国");
        assert_eq!(public.id_masked(), id.masked());
        let json = serde_json::to_string(&public).unwrap();
        assert!(!json.contains(id.as_str()), "{json}");
        assert!(!json.contains("建"), "{json}");
    }
}
