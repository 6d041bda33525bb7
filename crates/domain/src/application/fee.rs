//! 信息处理费 (条例第四十二条; 《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号).
//! Applying is free; a fee may be charged only when an applicant's requests clearly exceed a
//! reasonable amount or frequency. Both standards are 超额累进: each 件 or page is charged at the
//! rate of the band it falls in, and only the part above the free allowance is charged (第三条).
//!
//! - 按件计收 (第四条): counted per applicant per 自然月, cumulatively — the 1st–10th 件 of the month
//!   are free, the 11th–30th cost 100元 each, and from the 31st on every block of 10 costs 100元
//!   per 件 more than the block before (31–40: 200元, 41–50: 300元 …). That last reading is the
//!   plain sense of "以10件为一档，每增加一档，收费标准提高100元/件" (ogi-facts.md §3.4).
//! - 按量计收 (第五条): counted per application — pages 1–30 free, 31–100 at 10元, 101–200 at
//!   20元, 201 and up at 40元.
//!
//! An application is charged by one standard only, never both (第三条).

use serde::{Deserialize, Serialize};

/// Which standard the office chose for one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum FeeBasis {
    /// 按件计收: `items` 件 in this application, `earlier_this_month` 件 already filed by the same
    /// applicant in the same calendar month (split by 一事一申请 into the smallest reasonable unit).
    ByCount { earlier_this_month: u32, items: u32 },
    /// 按量计收: pages of this application.
    ByPages { pages: u32 },
}

/// One band of the bill: `count` units numbered `first..=last` at `unit_yuan` each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeBand {
    pub first: u32,
    pub last: u32,
    pub unit_yuan: u64,
}

impl FeeBand {
    pub fn count(&self) -> u32 {
        self.last - self.first + 1
    }
    pub fn amount_yuan(&self) -> u64 {
        u64::from(self.count()).saturating_mul(self.unit_yuan)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub basis: FeeBasis,
    /// The bands this application falls in, free ones included, in order.
    pub bands: Vec<FeeBand>,
    pub total_yuan: u64,
}

/// The rate of the `k`-th 件 (1-based) of an applicant's month (办法第四条).
pub fn item_rate(k: u32) -> u64 {
    match k {
        0..=10 => 0,
        11..=30 => 100,
        _ => 100 * (2 + u64::from((k - 31) / 10)),
    }
}

/// The rate of the `p`-th page (1-based) of an application (办法第五条).
pub fn page_rate(p: u32) -> u64 {
    match p {
        0..=30 => 0,
        31..=100 => 10,
        101..=200 => 20,
        _ => 40,
    }
}

/// The last unit number charged at the same rate as unit `k`.
fn band_end(k: u32, by_pages: bool) -> u32 {
    match (by_pages, k) {
        (false, 0..=10) => 10,
        (false, 11..=30) => 30,
        (false, _) => (31 + (k - 31) / 10 * 10).saturating_add(9),
        (true, 0..=30) => 30,
        (true, 31..=100) => 100,
        (true, 101..=200) => 200,
        (true, _) => u32::MAX,
    }
}

/// The fee for one application. Walks band by band, so a large page count costs nothing to compute.
pub fn fee(basis: FeeBasis) -> Fee {
    let (first, last, by_pages) = match basis {
        FeeBasis::ByCount { earlier_this_month, items } => {
            (earlier_this_month.saturating_add(1), earlier_this_month.saturating_add(items), false)
        }
        FeeBasis::ByPages { pages } => (1, pages, true),
    };
    let rate = if by_pages { page_rate } else { item_rate };
    let mut bands = Vec::new();
    let mut k = first;
    while k <= last && k != 0 {
        let end = band_end(k, by_pages).min(last);
        bands.push(FeeBand { first: k, last: end, unit_yuan: rate(k) });
        if end == u32::MAX {
            break;
        }
        k = end + 1;
    }
    let total_yuan = bands.iter().fold(0u64, |sum, b| sum.saturating_add(b.amount_yuan()));
    Fee { basis, bands, total_yuan }
}

impl Fee {
    /// The bill in words, one line per band, for the 收费通知.
    pub fn explain(&self) -> Vec<String> {
        let unit = match self.basis {
            FeeBasis::ByCount { .. } => "件",
            FeeBasis::ByPages { .. } => "页",
        };
        let mut out: Vec<String> = self
            .bands
            .iter()
            .map(|b| {
                let range = if b.first == b.last {
                    format!("第{}{unit}", b.first)
                } else {
                    format!("第{}—{}{unit}", b.first, b.last)
                };
                if b.unit_yuan == 0 {
                    format!("{range}：不收费")
                } else {
                    format!("{range}：{}{unit}×{}元/{unit}＝{}元", b.count(), b.unit_yuan, b.amount_yuan())
                }
            })
            .collect();
        let rule = match self.basis {
            FeeBasis::ByCount { earlier_this_month, .. } => {
                format!(
                    "按件计收，本自然月此前已申请{earlier_this_month}件（《政府信息公开信息处理费管理办法》第四条）"
                )
            }
            FeeBasis::ByPages { .. } => "按量计收（《政府信息公开信息处理费管理办法》第五条）".to_string(),
        };
        out.insert(0, rule);
        out.push(format!("合计：{}元", self.total_yuan));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_count(earlier: u32, items: u32) -> u64 {
        fee(FeeBasis::ByCount { earlier_this_month: earlier, items }).total_yuan
    }
    fn by_pages(pages: u32) -> u64 {
        fee(FeeBasis::ByPages { pages }).total_yuan
    }

    #[test]
    fn the_first_ten_applications_of_a_month_are_free() {
        assert_eq!(by_count(0, 10), 0);
        assert_eq!(by_count(9, 1), 0);
        assert_eq!(by_count(0, 0), 0);
    }

    #[test]
    fn the_eleventh_to_thirtieth_cost_100_yuan_each() {
        assert_eq!(by_count(10, 1), 100);
        assert_eq!(by_count(0, 11), 100);
        assert_eq!(by_count(0, 30), 2000);
        assert_eq!(by_count(29, 1), 100);
    }

    #[test]
    fn each_further_block_of_ten_costs_100_yuan_more_per_item() {
        assert_eq!(by_count(30, 1), 200); // the 31st
        assert_eq!(by_count(0, 40), 2000 + 10 * 200);
        assert_eq!(by_count(40, 1), 300); // the 41st
        assert_eq!(by_count(0, 51), 2000 + 2000 + 3000 + 400);
        assert_eq!((item_rate(50), item_rate(51), item_rate(60), item_rate(61)), (300, 400, 400, 500));
    }

    #[test]
    fn the_monthly_count_is_cumulative_across_applications() {
        // 25 件 in one go equals 20 earlier plus 5 now, plus what the 20 cost.
        assert_eq!(by_count(0, 25), by_count(0, 20) + by_count(20, 5));
        assert_eq!(by_count(20, 5), 500);
    }

    #[test]
    fn pages_are_charged_progressively_on_the_excess() {
        assert_eq!(by_pages(30), 0);
        assert_eq!(by_pages(31), 10);
        assert_eq!(by_pages(100), 700);
        assert_eq!(by_pages(101), 720);
        assert_eq!(by_pages(200), 700 + 2000);
        assert_eq!(by_pages(201), 2700 + 40);
        assert_eq!(by_pages(250), 2700 + 50 * 40);
    }

    #[test]
    fn bands_change_exactly_where_the_rate_changes() {
        let f = fee(FeeBasis::ByCount { earlier_this_month: 5, items: 40 });
        let bands: Vec<(u32, u32, u64)> = f.bands.iter().map(|b| (b.first, b.last, b.unit_yuan)).collect();
        assert_eq!(bands, [(6, 10, 0), (11, 30, 100), (31, 40, 200), (41, 45, 300)]);
        assert_eq!(f.total_yuan, 2000 + 2000 + 1500);
        assert_eq!(fee(FeeBasis::ByPages { pages: u32::MAX }).bands.len(), 4);
    }

    #[test]
    fn the_bill_explains_each_band() {
        let f = fee(FeeBasis::ByPages { pages: 120 });
        assert_eq!(
            f.explain(),
            [
                "按量计收（《政府信息公开信息处理费管理办法》第五条）",
                "第1—30页：不收费",
                "第31—100页：70页×10元/页＝700元",
                "第101—120页：20页×20元/页＝400元",
                "合计：1100元",
            ]
        );
    }
}
