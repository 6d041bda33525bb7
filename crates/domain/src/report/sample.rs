//! Random valid reports and the ways converters mangle them: the material of the property tests
//! here and in the app's, which renders these reports to .docx and through LibreOffice to PDF
//! (`tests/it/report_forms.rs`). Deterministic: a seed gives the same report on every machine.

use super::*;
use crate::format::{ApplicantColumn as Col, FormatVersion, Table3Row as Row};

/// A small deterministic generator (an LCG): reproducible from its seed, no dependency.
pub struct Gen(pub u64);
impl Gen {
    pub fn draw(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.draw() % n.max(1)
    }
    pub fn chance(&mut self, per_cent: u64) -> bool {
        self.below(100) < per_cent
    }
    pub fn text(&mut self, max_lines: u64) -> String {
        const ALPHABET: &[char] = &[
            '政', '务', '公', '开', '工', '作', '推', '进', '情', '况', '良', '好', '我', '市', '加', '强', '管', '理',
            '平', '台', '建', '设', '信', '息', '发', '布', '，', '。', '“', '”', '&', '<', '0', '1', '7', '件', '条',
            '（', '）', '《', '》',
        ];
        let n = self.below(max_lines + 1);
        (0..n)
            .map(|_| {
                let len = 1 + self.below(40);
                (0..len).map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize]).collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
    pub fn small(&mut self) -> i64 {
        if self.chance(50) {
            return 0;
        }
        let max = if self.chance(10) { 100_000 } else { 30 };
        self.below(max) as i64
    }
}

/// A random report that satisfies every Error rule of its format.
pub fn valid_report(seed: u64) -> AnnualReport {
    let mut g = Gen(seed);
    let format = if g.chance(50) { FormatVersion::V2019 } else { FormatVersion::V2021 };
    let year = 2000 + g.below(100) as i32;
    let organs = ["", "汝州市人民政府", "淮安市洪泽区人民政府", "某某县交通运输局"];
    let mut r = AnnualReport::blank(year, format, organs[g.below(4) as usize]);
    r.sections = Sections { preamble: g.text(3), overview: g.text(6), problems: g.text(4), other: g.text(2) };

    for block in layout::table2_blocks(format) {
        for row in block.rows {
            let mut previous = 0; // as printed: blank counts as 0
            for col in block.columns {
                let value = match col.kind {
                    _ if g.chance(10) => None,
                    layout::ColumnKind::Count if col.code == "previous_count" => {
                        previous = g.small();
                        Some(Decimal::from_int(previous))
                    }
                    layout::ColumnKind::Count => Some(Decimal::from_int(g.small())),
                    layout::ColumnKind::Change => {
                        Some(Decimal::from_int(g.small() - g.below(previous as u64 + 1) as i64))
                    }
                    layout::ColumnKind::Amount => Decimal::new(g.below(10_000_000_000) as i64, g.below(5) as u8),
                };
                r.table2.set(row.code, col.code, value);
            }
        }
    }

    let blank_zero = |g: &mut Gen, n: i64| if n == 0 && g.chance(5) { None } else { Some(n) };
    let mut outcome_sum = [0i64; 7];
    for row in Row::outcome_rows(format) {
        let mut cells = [None; 7];
        let mut total = 0;
        for c in Col::APPLICANTS {
            let n = if g.chance(70) { 0 } else { g.small() };
            total += n;
            outcome_sum[c.index()] += n;
            cells[c.index()] = blank_zero(&mut g, n);
        }
        outcome_sum[6] += total;
        cells[6] = Some(total);
        r.table3.rows.insert(row.code(), cells);
    }
    r.table3.rows.insert(Row::Total.code(), outcome_sum.map(Some));
    let (mut new, mut carried, mut forward) = ([Some(0); 7], [Some(0); 7], [Some(0); 7]);
    let mut sums = [0i64; 3];
    for c in Col::APPLICANTS {
        let f = g.small();
        let co = g.below(outcome_sum[c.index()] as u64 + f as u64 + 1) as i64;
        let n = outcome_sum[c.index()] + f - co;
        (new[c.index()], carried[c.index()], forward[c.index()]) = (Some(n), Some(co), Some(f));
        sums[0] += n;
        sums[1] += co;
        sums[2] += f;
    }
    (new[6], carried[6], forward[6]) = (Some(sums[0]), Some(sums[1]), Some(sums[2]));
    r.table3.rows.insert(Row::NewThisYear.code(), new);
    r.table3.rows.insert(Row::CarriedOver.code(), carried);
    r.table3.rows.insert(Row::CarriedForward.code(), forward);

    let mut t4 = [None; 15];
    for gi in 0..3 {
        let parts: Vec<i64> = (0..4).map(|_| g.small()).collect();
        for (i, p) in parts.iter().enumerate() {
            t4[gi * 5 + i] = Some(*p);
        }
        t4[gi * 5 + 4] = Some(parts.iter().sum());
    }
    r.table4 = Table4::from_array(t4);
    r
}

/// Mangles a rendered report the way PDF converters, OCR and careless copying do.
pub fn mangle(text: &str, g: &mut Gen) -> (String, u64) {
    let mut out = String::with_capacity(text.len() * 2);
    let kinds = g.below(64); // which mangles apply to this text
    let on = |k: u64| kinds & (1 << k) != 0;
    for line in text.lines() {
        // Markdown without its header separators.
        if on(0) && line.starts_with('|') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue;
        }
        let mut l = String::with_capacity(line.len());
        let chars: Vec<char> = line.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
            let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
            let alone = !prev_digit && !next_digit;
            match c {
                // Full-width digits.
                '0'..='9' if on(1) && g.chance(30) => {
                    l.push(char::from_u32(*c as u32 - '0' as u32 + '０' as u32).unwrap());
                }
                // 〇 or O for a zero standing alone.
                '0' if on(2) && alone && g.chance(30) => l.push(if g.chance(50) { '〇' } else { 'O' }),
                // A dash or slash for an empty (zero) cell.
                '0' if on(3) && alone && g.chance(20) => l.push(['—', '-', '/'][g.below(3) as usize]),
                _ => l.push(*c),
            }
            // A space inside a number.
            if on(4) && c.is_ascii_digit() && next_digit && g.chance(15) {
                l.push(' ');
            }
        }
        // Cells split across lines: a break between two cells.
        if on(5) && g.chance(30) {
            let cut = l.match_indices(" | ").map(|(i, _)| i).nth(g.below(8) as usize);
            if let Some(at) = cut {
                l.replace_range(at..at + 3, " |\n| ");
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    (out, kinds)
}
