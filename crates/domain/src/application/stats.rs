//! The fold that fills annual-report table 三 (收到和处理政府信息公开申请情况; 条例第五十条第（二）项,
//! 国办公开办函〔2019〕60号 and 〔2021〕30号) from the application records, and the drill-down from
//! any cell to the applications behind it. The numbers are computed, never typed.
//!
//! For a report year Y, a record counts in:
//! - 一、本年新收: received in Y;
//! - 二、上年结转: received before Y and not finished before Y;
//! - （一）…（六）: finished in Y, in the row of its outcome for the format;
//! - （七）总计: the sum of （一）…（六）;
//! - 四、结转下年度: received by the end of Y and not finished by then.
//!
//! A withdrawn application is recorded as finished with 其他处理·其他 (`Outcome::Other(OtherReason::Other)`):
//! the format has no row for withdrawals, and leaving them out would break 一+二 = 七+四.
//! So long as no record is finished before it was received, 一 + 二 = （七）总计 + 四 in every column.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::outcome::Outcome;
use crate::format::{ApplicantColumn, FormatVersion, Table3Row};

/// What table 三 needs to know about one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRecord {
    pub id: i64,
    pub received_on: NaiveDate,
    /// Never `ApplicantColumn::Total`; see [`super::ApplicantKind::column`].
    pub column: ApplicantColumn,
    pub finished: Option<(NaiveDate, Outcome)>,
}

/// Table 三 for one year: every row of the format, seven columns (index with
/// [`ApplicantColumn::index`]), the 总计 column filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table3Counts {
    pub format: FormatVersion,
    pub cells: BTreeMap<Table3Row, [u64; 7]>,
}

impl Table3Counts {
    pub fn get(&self, row: Table3Row, column: ApplicantColumn) -> u64 {
        self.cells.get(&row).map_or(0, |r| r[column.index()])
    }
    /// The column totals of a row.
    pub fn row(&self, row: Table3Row) -> [u64; 7] {
        self.cells.get(&row).copied().unwrap_or([0; 7])
    }
}

/// The rows of table 三 a record falls in for `year`.
fn rows_of(r: &ApplicationRecord, year: i32, format: FormatVersion) -> Vec<Table3Row> {
    let received = r.received_on.year();
    let finished_year = r.finished.map(|(d, _)| d.year());
    let mut rows = Vec::new();
    if received > year {
        return rows;
    }
    if received == year {
        rows.push(Table3Row::NewThisYear);
    }
    if received < year && finished_year.is_none_or(|f| f >= year) {
        rows.push(Table3Row::CarriedOver);
    }
    if let Some((d, outcome)) = r.finished
        && d.year() == year
    {
        rows.push(outcome.table3_row(format));
        rows.push(Table3Row::Total);
    }
    if finished_year.is_none_or(|f| f > year) {
        rows.push(Table3Row::CarriedForward);
    }
    rows
}

/// Table 三 for `year` in `format`.
pub fn table3(records: &[ApplicationRecord], year: i32, format: FormatVersion) -> Table3Counts {
    table3_weighted(records.iter().map(|r| (r, 1)), year, format)
}

/// Table 三 over records that each stand for `weight` applications alike in everything the
/// fold reads (the storage layer may group hundreds of thousands of rows into a few dozen).
pub fn table3_weighted<'a>(
    records: impl IntoIterator<Item = (&'a ApplicationRecord, u64)>,
    year: i32,
    format: FormatVersion,
) -> Table3Counts {
    let mut cells: BTreeMap<Table3Row, [u64; 7]> = Table3Row::rows(format).into_iter().map(|r| (r, [0; 7])).collect();
    for (r, weight) in records {
        for row in rows_of(r, year, format) {
            let cell = cells.entry(row).or_insert([0; 7]);
            cell[r.column.index()] += weight;
            cell[ApplicantColumn::Total.index()] += weight;
        }
    }
    Table3Counts { format, cells }
}

/// The ids of the records behind one cell of table 三 (`column` may be 总计).
pub fn records_behind(
    records: &[ApplicationRecord],
    year: i32,
    format: FormatVersion,
    row: Table3Row,
    column: ApplicantColumn,
) -> Vec<i64> {
    records
        .iter()
        .filter(|r| column == ApplicantColumn::Total || r.column == column)
        .filter(|r| rows_of(r, year, format).contains(&row))
        .map(|r| r.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::outcome::{NotProcessedReason, OtherReason, UnableReason};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Ruzhou's 2020 applications as its annual report gives them (seeds/ruzhou-2020-annual-report.txt).
    fn ruzhou_2020() -> Vec<ApplicationRecord> {
        let outcomes = std::iter::repeat_n(Outcome::Disclosed, 12)
            .chain([Outcome::PartiallyDisclosed])
            .chain(std::iter::repeat_n(Outcome::Unable(UnableReason::NotHeld), 5))
            .chain(std::iter::repeat_n(Outcome::NotProcessed(NotProcessedReason::Repeated), 2))
            .chain(std::iter::repeat_n(Outcome::Other(OtherReason::Other), 9));
        outcomes
            .enumerate()
            .map(|(i, o)| {
                let received = d(2020, 1 + (i as u32 % 11), 10);
                ApplicationRecord {
                    id: i as i64 + 1,
                    received_on: received,
                    column: ApplicantColumn::NaturalPerson,
                    finished: Some((received + chrono::Days::new(14), o)),
                }
            })
            .collect()
    }

    #[test]
    fn ruzhous_2020_applications_give_the_published_table() {
        let t = table3(&ruzhou_2020(), 2020, FormatVersion::V2019);
        let both = |n: u64| [n, 0, 0, 0, 0, 0, n];
        assert_eq!(t.cells.len(), Table3Row::rows(FormatVersion::V2019).len());
        for (row, expected) in [
            (Table3Row::NewThisYear, both(29)),
            (Table3Row::CarriedOver, both(0)),
            (Table3Row::Disclosed, both(12)),
            (Table3Row::PartiallyDisclosed, both(1)),
            (Table3Row::Unable(1), both(5)),
            (Table3Row::NotProcessed(2), both(2)),
            (Table3Row::OtherHandling, both(9)),
            (Table3Row::Total, both(29)),
            (Table3Row::CarriedForward, both(0)),
        ] {
            assert_eq!(t.row(row), expected, "{}", row.label());
        }
        let nonzero = t.cells.values().filter(|c| c[6] > 0).count();
        assert_eq!(nonzero, 7, "every other row is zero");
    }

    #[test]
    fn the_same_records_in_the_2021_format_split_other_handling() {
        let t = table3(&ruzhou_2020(), 2020, FormatVersion::V2021);
        assert_eq!(t.get(Table3Row::OtherHandlingSub(3), ApplicantColumn::Total), 9);
        assert!(!t.cells.contains_key(&Table3Row::OtherHandling));
    }

    #[test]
    fn an_application_received_in_december_and_answered_in_january_is_carried_forward_then_over() {
        let r = ApplicationRecord {
            id: 7,
            received_on: d(2020, 12, 28),
            column: ApplicantColumn::LegalService,
            finished: Some((d(2021, 1, 15), Outcome::Disclosed)),
        };
        let t2020 = table3(&[r], 2020, FormatVersion::V2019);
        assert_eq!(t2020.get(Table3Row::NewThisYear, ApplicantColumn::LegalService), 1);
        assert_eq!(t2020.get(Table3Row::CarriedForward, ApplicantColumn::Total), 1);
        assert_eq!(t2020.get(Table3Row::Total, ApplicantColumn::Total), 0);
        let t2021 = table3(&[r], 2021, FormatVersion::V2021);
        assert_eq!(t2021.get(Table3Row::CarriedOver, ApplicantColumn::LegalService), 1);
        assert_eq!(t2021.get(Table3Row::Disclosed, ApplicantColumn::LegalService), 1);
        assert_eq!(t2021.get(Table3Row::NewThisYear, ApplicantColumn::Total), 0);
        assert_eq!(table3(&[r], 2022, FormatVersion::V2021).get(Table3Row::CarriedOver, ApplicantColumn::Total), 0);
    }

    #[test]
    fn a_cell_drills_down_to_the_applications_behind_it() {
        let mut records = ruzhou_2020();
        records.push(ApplicationRecord {
            id: 100,
            received_on: d(2020, 5, 6),
            column: ApplicantColumn::Commercial,
            finished: None,
        });
        let f = FormatVersion::V2019;
        assert_eq!(
            records_behind(&records, 2020, f, Table3Row::PartiallyDisclosed, ApplicantColumn::NaturalPerson),
            [13]
        );
        assert_eq!(records_behind(&records, 2020, f, Table3Row::NotProcessed(2), ApplicantColumn::Total), [19, 20]);
        assert_eq!(records_behind(&records, 2020, f, Table3Row::CarriedForward, ApplicantColumn::Total), [100]);
        assert_eq!(
            records_behind(&records, 2020, f, Table3Row::CarriedForward, ApplicantColumn::NaturalPerson),
            Vec::<i64>::new()
        );
        assert_eq!(records_behind(&records, 2020, f, Table3Row::NewThisYear, ApplicantColumn::Total).len(), 30);
    }

    fn record() -> impl Strategy<Value = ApplicationRecord> {
        (0i64..1000, 0u64..1500, 0usize..6, proptest::option::of((0u64..400, 0usize..21))).prop_map(
            |(id, received, col, finished)| {
                let received_on = d(2019, 1, 1) + chrono::Days::new(received);
                ApplicationRecord {
                    id,
                    received_on,
                    column: ApplicantColumn::APPLICANTS[col],
                    finished: finished.map(|(after, o)| (received_on + chrono::Days::new(after), Outcome::all()[o])),
                }
            },
        )
    }

    proptest! {
        #[test]
        fn new_plus_carried_over_equals_total_plus_carried_forward(
            records in proptest::collection::vec(record(), 0..60),
            year in 2019i32..2024,
        ) {
            for format in [FormatVersion::V2019, FormatVersion::V2021] {
                let t = table3(&records, year, format);
                prop_assert_eq!(t.cells.len(), Table3Row::rows(format).len());
                for c in ApplicantColumn::ALL {
                    let lhs = t.get(Table3Row::NewThisYear, c) + t.get(Table3Row::CarriedOver, c);
                    let rhs = t.get(Table3Row::Total, c) + t.get(Table3Row::CarriedForward, c);
                    prop_assert_eq!(lhs, rhs, "column {}", c.label());
                    let outcomes: u64 = Table3Row::outcome_rows(format).into_iter().map(|r| t.get(r, c)).sum();
                    prop_assert_eq!(outcomes, t.get(Table3Row::Total, c));
                }
                for row in Table3Row::rows(format) {
                    let cells = t.row(row);
                    prop_assert_eq!(cells[6], cells[..6].iter().sum::<u64>());
                    prop_assert_eq!(records_behind(&records, year, format, row, ApplicantColumn::Total).len() as u64, cells[6]);
                }
            }
        }
    }
}
