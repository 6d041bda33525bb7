//! Tables whose cells a crawler glued together: a page flattened to one line, where each row label
//! is followed directly by its digits (`一、本年新收政府信息公开申请数量801000081` for
//! 80 | 1 | 0 | 0 | 0 | 0 | 81), sometimes with irregular spaces (`20 0 00 0 121`).
//!
//! A space is always a cell boundary; inside a run of digits any boundary is possible. A run is
//! split only where exactly one reading fits: the row's column count, then the row's own 总计
//! (table 三: 总计 = the six applicant columns; table 四: each 总计 = its four outcomes), then the
//! columns of table 三 (（七）总计 = the outcome rows; 第一项 + 第二项 = 第三项 + 第四项) for rows
//! still open. A cell on which the remaining readings disagree stays unsure, and no identity that
//! involves it is judged. Every search is capped, so no input can make it slow.

use std::collections::BTreeMap;

use super::{CellSource, Count, Sources, Table3, Table4, Unsure};
use crate::format::{FormatVersion, Table3Row};

/// At most this many readings of one row are looked at; beyond it the row is unsure.
const MAX_READINGS: usize = 4096;
/// At most this many combinations of open rows are tried when the columns decide.
const MAX_COMBINATIONS: usize = 200_000;

/// True when the text looks like a crawler's flattened page: a very long line holding table 三.
pub(super) fn is_glued(text: &str) -> bool {
    text.lines().any(|l| l.len() > 1500 && l.contains("本年新收"))
}

pub(super) struct GluedTables {
    pub table3: Table3,
    pub table4: Table4,
    pub unsure: Unsure,
    pub sources: Sources,
    pub notes: Vec<String>,
}

enum Seg {
    Label(String),
    /// Space-separated groups of digits, each with the index of its first character in the region.
    Digits(Vec<(String, usize)>),
}

/// Cuts a region into labels and digit runs. A digit directly before "." or "、" is the number of
/// the next label ("…00000002.其他法律…"), not a cell.
fn segments(s: &str) -> Vec<Seg> {
    let chars: Vec<char> = s.chars().map(super::parse::normalize_char).collect();
    let mut out = Vec::new();
    let mut label = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii_digit() {
            if !c.is_whitespace() {
                label.push(c);
            }
            i += 1;
            continue;
        }
        // A run of digits and spaces.
        let start = i;
        let mut end = i;
        let mut j = i;
        while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == ' ') {
            if chars[j].is_ascii_digit() {
                end = j + 1;
            }
            j += 1;
        }
        let mut run_end = end;
        let next_is_numbering = matches!(chars.get(end), Some('.' | '、'));
        let mut numbering = None;
        if next_is_numbering {
            numbering = Some(chars[end - 1]);
            run_end = end - 1;
        }
        let mut groups: Vec<(String, usize)> = Vec::new();
        for (k, c) in chars[start..run_end].iter().enumerate() {
            if c.is_ascii_digit() {
                match groups.last_mut() {
                    Some((g, at)) if *at + g.len() == start + k => g.push(*c),
                    _ => groups.push((c.to_string(), start + k)),
                }
            }
        }
        if !groups.is_empty() {
            if !label.is_empty() {
                out.push(Seg::Label(std::mem::take(&mut label)));
            }
            out.push(Seg::Digits(groups));
        } else if numbering.is_some() && !label.is_empty() {
            out.push(Seg::Label(std::mem::take(&mut label)));
        }
        if let Some(n) = numbering {
            label.push(n);
        }
        i = end;
    }
    if !label.is_empty() {
        out.push(Seg::Label(label));
    }
    out
}

/// Every way to cut `groups` into exactly `n` cells (a cell of several digits never starts with 0),
/// passing each to `keep`; `None` when there are more than [`MAX_READINGS`].
fn readings(groups: &[String], n: usize, keep: &dyn Fn(&[i64]) -> bool) -> Option<Vec<Vec<i64>>> {
    let digits: Vec<&[u8]> = groups.iter().map(|g| g.as_bytes()).collect();
    let total: usize = digits.iter().map(|d| d.len()).sum();
    if total < n || groups.len() > n {
        return Some(Vec::new());
    }
    /// The search: the groups, how many cells, the reading so far, what was kept, the effort spent.
    struct Walk<'a> {
        digits: Vec<&'a [u8]>,
        n: usize,
        cur: Vec<i64>,
        out: Vec<Vec<i64>>,
        visited: usize,
        keep: &'a dyn Fn(&[i64]) -> bool,
    }
    impl Walk<'_> {
        fn walk(&mut self, g: usize, pos: usize) -> bool {
            self.visited += 1;
            if self.visited > MAX_READINGS * 8 {
                return false;
            }
            if g == self.digits.len() {
                if self.cur.len() == self.n && (self.keep)(&self.cur) {
                    self.out.push(self.cur.clone());
                    if self.out.len() > MAX_READINGS {
                        return false;
                    }
                }
                return true;
            }
            let d = self.digits[g];
            if pos == d.len() {
                return self.walk(g + 1, 0);
            }
            // Cells still needed must fit: at least one per remaining group.
            let remaining_groups = self.digits.len() - g - 1;
            if self.cur.len() + 1 + remaining_groups > self.n {
                return true;
            }
            let max_len = if d[pos] == b'0' { 1 } else { (d.len() - pos).min(9) };
            for len in 1..=max_len {
                let s = std::str::from_utf8(&d[pos..pos + len]).unwrap_or("0");
                let Ok(v) = s.parse::<i64>() else { continue };
                self.cur.push(v);
                let ok = self.walk(g, pos + len);
                self.cur.pop();
                if !ok {
                    return false;
                }
            }
            true
        }
    }
    let mut w = Walk { digits, n, cur: Vec::with_capacity(n), out: Vec::new(), visited: 0, keep };
    w.walk(0, 0).then_some(w.out)
}

/// One row read from its groups: the cells, which of them are unsure, and how it was read.
struct RowRead {
    /// The readings still possible (one when the row is decided).
    candidates: Vec<Vec<i64>>,
    /// Every reading, whatever the row's own total says, is one: the digits fill the cells exactly.
    forced: bool,
    text: String,
}

fn read_row(groups: &[String], n: usize, fits: &dyn Fn(&[i64]) -> bool) -> RowRead {
    let text = groups.join(" ");
    let all = readings(groups, n, &|_| true);
    match all {
        Some(all) if all.len() == 1 => RowRead { candidates: all, forced: true, text },
        Some(all) if all.is_empty() => RowRead { candidates: Vec::new(), forced: false, text },
        Some(_) | None => {
            let fitting = readings(groups, n, fits).unwrap_or_default();
            RowRead { candidates: fitting, forced: false, text }
        }
    }
}

fn row_total_fits(c: &[i64]) -> bool {
    c[..6].iter().sum::<i64>() == c[6]
}

fn t4_fits(c: &[i64]) -> bool {
    (0..3).all(|g| c[g * 5..g * 5 + 4].iter().sum::<i64>() == c[g * 5 + 4])
}

fn cells_text(c: &[i64]) -> String {
    c.iter().map(i64::to_string).collect::<Vec<_>>().join("|")
}

/// Reads tables 三 and 四 from a flattened page.
pub(super) fn read(text: &str, format: FormatVersion) -> GluedTables {
    let norm: String = text.chars().map(super::parse::normalize_char).collect();
    let norm_chars: Vec<usize> = norm.chars().enumerate().filter(|(_, c)| *c == '\n').map(|(i, _)| i).collect();
    let mut sources = Sources::default();
    let mut notes = Vec::new();
    // The table starts at its first row; the narrative before it may use the heading's words.
    let t3_start =
        ["一、本年新收", "本年新收政府信息公开申请数量", "本年新收"].iter().find_map(|k| norm.find(k)).unwrap_or(0);
    let t4_heading = norm[t3_start..].find("四、政府信息公开行政").map(|i| i + t3_start);
    let t3_end = t4_heading.unwrap_or(norm.len());
    let t4_region = t4_heading.map(|s| {
        let body = &norm[s..];
        // The heading itself, then the header cells; the table ends at 五、.
        let end = body.find("五、").unwrap_or(body.len());
        &body[..end]
    });

    // Table 三: label → groups.
    let mut rows: BTreeMap<Table3Row, Vec<(String, usize)>> = BTreeMap::new();
    let mut cur: Option<Table3Row> = None;
    for seg in segments(&norm[t3_start..t3_end]) {
        match seg {
            Seg::Label(l) => {
                if let Some(r) = super::parse::table3_row(&l) {
                    cur = Some(r);
                }
            }
            Seg::Digits(g) => {
                if let Some(r) = cur {
                    rows.entry(r).or_default().extend(g);
                }
            }
        }
    }
    let single_other = format == FormatVersion::V2021
        && rows.contains_key(&Table3Row::OtherHandling)
        && !rows.keys().any(|r| matches!(r, Table3Row::OtherHandlingSub(_)));
    let mut wanted = Table3Row::rows(format);
    if single_other {
        wanted.retain(|r| !matches!(r, Table3Row::OtherHandlingSub(_)));
        wanted.push(Table3Row::OtherHandling);
        notes.push("（六）其他处理印成了一行，没有分列2021年格式的3个子项".into());
    }
    let mut reads: Vec<(Table3Row, RowRead)> = Vec::new();
    for row in &wanted {
        match rows.get(row) {
            None => {
                notes.push(format!("无法可靠读取表三“{}”行：没有找到这一行", row.label()));
                reads.push((*row, RowRead { candidates: Vec::new(), forced: false, text: String::new() }));
            }
            Some(g) => reads.push((*row, read_row(&texts(g), 7, &row_total_fits))),
        }
    }

    // Rows still open: let the columns decide where exactly one combination fits.
    resolve_by_columns(&mut reads, &mut notes);

    let mut table3 = Table3::default();
    let mut unsure = Unsure::default();
    let t3_at = norm[..t3_start].chars().count();
    for (row, r) in &reads {
        if let ([only], Some(g)) = (r.candidates.as_slice(), rows.get(row)) {
            let mut a = [None; 7];
            for (slot, at) in a.iter_mut().zip(cell_starts(g, only)) {
                *slot = Some(position(&norm_chars, t3_at + at));
            }
            sources.table3.insert(row.code(), a);
        }
        let (cells, mask) = agree(&r.candidates, 7);
        let mut a: [Count; 7] = [None; 7];
        let mut m = [false; 7];
        a.copy_from_slice(&cells[..7]);
        m.copy_from_slice(&mask[..7]);
        if r.candidates.len() == 1 && !r.forced && !r.text.is_empty() {
            notes.push(format!(
                "表三“{}”行的数字连在一起（{}），按唯一合乎本行总计与各列合计的读法读作 {}",
                row.label(),
                r.text,
                cells_text(&r.candidates[0])
            ));
        } else if r.candidates.len() > 1 {
            notes.push(format!(
                "无法可靠读取表三“{}”行：数字连在一起（{}），有{}种读法都合乎本行总计，这一行涉及的核对不作判断",
                row.label(),
                r.text,
                r.candidates.len()
            ));
        } else if r.candidates.is_empty() && !r.text.is_empty() {
            notes.push(format!(
                "无法可靠读取表三“{}”行：数字（{}）分不成合乎本行总计的7列，这一行涉及的核对不作判断",
                row.label(),
                r.text
            ));
        }
        table3.rows.insert(row.code(), a);
        if m.iter().any(|x| *x) {
            unsure.table3.insert(row.code(), m);
        }
    }

    // Table 四: every digit after the header, 15 cells.
    let mut table4 = Table4::default();
    match t4_region {
        None => {
            notes.push("没有找到“四、政府信息公开行政复议、行政诉讼情况”，表四不作判断".into());
            unsure.table4 = [true; 15];
        }
        Some(region) => {
            let groups: Vec<(String, usize)> = segments(region)
                .into_iter()
                .filter_map(|s| match s {
                    Seg::Digits(g) => Some(g),
                    Seg::Label(_) => None,
                })
                .flatten()
                .collect();
            let r = read_row(&texts(&groups), 15, &t4_fits);
            if let [only] = r.candidates.as_slice() {
                let region_at = t4_heading.map_or(0, |h| norm[..h].chars().count());
                for (slot, at) in sources.table4.iter_mut().zip(cell_starts(&groups, only)) {
                    *slot = Some(position(&norm_chars, region_at + at));
                }
            }
            let (cells, mask) = agree(&r.candidates, 15);
            let mut a = [None; 15];
            a.copy_from_slice(&cells);
            table4 = Table4::from_array(a);
            unsure.table4.copy_from_slice(&mask);
            if r.candidates.len() == 1 && !r.forced {
                notes.push(format!(
                    "表四的数字连在一起（{}），按唯一合乎各组总计的读法读作 {}",
                    r.text,
                    cells_text(&r.candidates[0])
                ));
            } else if r.candidates.len() != 1 {
                notes.push(format!(
                    "无法可靠读取表四：数字（{}）{}，表四中读法不一的格不作判断",
                    r.text,
                    if r.candidates.is_empty() {
                        "分不成合乎各组总计的15格".to_string()
                    } else {
                        format!("有{}种读法都合乎各组总计", r.candidates.len())
                    }
                ));
            }
        }
    }
    GluedTables { table3, table4, unsure, sources, notes }
}

fn texts(groups: &[(String, usize)]) -> Vec<String> {
    groups.iter().map(|(g, _)| g.clone()).collect()
}

/// The character index (in the region) where each cell of `reading` starts.
fn cell_starts(groups: &[(String, usize)], reading: &[i64]) -> Vec<usize> {
    let mut out = Vec::with_capacity(reading.len());
    let (mut g, mut used) = (0, 0);
    for v in reading {
        while g < groups.len() && used >= groups[g].0.len() {
            g += 1;
            used = 0;
        }
        let Some((digits, at)) = groups.get(g) else { break };
        let _ = digits;
        out.push(at + used);
        used += v.to_string().len();
    }
    out
}

/// 1-based line and column of character `at` of the text, given the indices of its newlines.
fn position(newlines: &[usize], at: usize) -> CellSource {
    let line = newlines.partition_point(|n| *n < at);
    let line_start = if line == 0 { 0 } else { newlines[line - 1] + 1 };
    CellSource { line: line + 1, column: at - line_start + 1 }
}

/// The cells all candidates agree on, and a mask of the cells they do not (or no candidate).
fn agree(candidates: &[Vec<i64>], n: usize) -> (Vec<Count>, Vec<bool>) {
    let mut cells = vec![None; n];
    let mut mask = vec![true; n];
    if let Some(first) = candidates.first() {
        for i in 0..n {
            if candidates.iter().all(|c| c[i] == first[i]) {
                cells[i] = Some(first[i]);
                mask[i] = false;
            }
        }
    }
    (cells, mask)
}

/// For rows with several readings, keeps the readings that appear in some combination under which
/// every column identity that involves an open row holds; decided when one remains.
fn resolve_by_columns(reads: &mut [(Table3Row, RowRead)], notes: &mut Vec<String>) {
    let open: Vec<usize> = (0..reads.len()).filter(|i| reads[*i].1.candidates.len() > 1).collect();
    if open.is_empty() || reads.iter().any(|(_, r)| r.candidates.is_empty()) {
        return;
    }
    let combos: usize = open
        .iter()
        .map(|i| reads[*i].1.candidates.len())
        .try_fold(1usize, |a, n| a.checked_mul(n))
        .unwrap_or(usize::MAX);
    if combos > MAX_COMBINATIONS {
        notes.push(format!("表三有{}行数字连在一起且读法过多，不按各列合计推定", open.len()));
        return;
    }
    let row_index = |r: Table3Row| reads.iter().position(|(x, _)| *x == r);
    let outcome: Vec<usize> = reads
        .iter()
        .enumerate()
        .filter(|(_, (r, _))| {
            !matches!(r, Table3Row::NewThisYear | Table3Row::CarriedOver | Table3Row::CarriedForward | Table3Row::Total)
        })
        .map(|(i, _)| i)
        .collect();
    let (Some(new), Some(old), Some(total), Some(fwd)) = (
        row_index(Table3Row::NewThisYear),
        row_index(Table3Row::CarriedOver),
        row_index(Table3Row::Total),
        row_index(Table3Row::CarriedForward),
    ) else {
        return;
    };
    let is_open = |i: usize| open.contains(&i);
    let check_c = outcome.iter().any(|i| is_open(*i)) || is_open(total);
    let check_b = [new, old, total, fwd].iter().any(|i| is_open(*i));
    let mut used: Vec<Vec<bool>> = open.iter().map(|i| vec![false; reads[*i].1.candidates.len()]).collect();
    let mut choice = vec![0usize; open.len()];
    let mut found = 0usize;
    loop {
        let cell = |i: usize, col: usize| -> i64 {
            let r = &reads[i].1;
            match open.iter().position(|o| *o == i) {
                Some(k) => r.candidates[choice[k]][col],
                None => r.candidates[0][col],
            }
        };
        let ok = (0..7).all(|col| {
            let c_ok = !check_c || outcome.iter().map(|i| cell(*i, col)).sum::<i64>() == cell(total, col);
            let b_ok = !check_b || cell(new, col) + cell(old, col) == cell(total, col) + cell(fwd, col);
            c_ok && b_ok
        });
        if ok {
            found += 1;
            for (k, c) in choice.iter().enumerate() {
                used[k][*c] = true;
            }
        }
        // Next combination.
        let mut k = 0;
        loop {
            if k == open.len() {
                break;
            }
            choice[k] += 1;
            if choice[k] < reads[open[k]].1.candidates.len() {
                break;
            }
            choice[k] = 0;
            k += 1;
        }
        if k == open.len() {
            break;
        }
    }
    if found == 0 {
        return;
    }
    for (k, i) in open.iter().enumerate() {
        let kept: Vec<Vec<i64>> =
            reads[*i].1.candidates.iter().enumerate().filter(|(j, _)| used[k][*j]).map(|(_, c)| c.clone()).collect();
        reads[*i].1.candidates = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn a_run_is_split_only_where_one_reading_fits_the_row() {
        let r = read_row(&g("801000081"), 7, &row_total_fits);
        assert_eq!(r.candidates, vec![vec![80, 1, 0, 0, 0, 0, 81]]);
        let r = read_row(&g("270020130"), 7, &row_total_fits);
        assert!(r.candidates.len() > 1, "27|0|0|2|0|1|30 and 2|7|0|0|20|1|30");
        let r = read_row(&g("20 0 00 0 121"), 7, &row_total_fits);
        assert_eq!(r.candidates, vec![vec![20, 0, 0, 0, 0, 1, 21]]);
        let r = read_row(&g("0000000"), 7, &row_total_fits);
        assert!(r.forced);
    }

    #[test]
    fn a_label_number_after_a_run_belongs_to_the_next_label() {
        let s = segments("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000");
        let labels: Vec<String> = s
            .iter()
            .filter_map(|x| match x {
                Seg::Label(l) => Some(l.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(labels, vec!["1.属于国家秘密", "2.其他法律行政法规禁止公开"]);
    }

    #[test]
    fn the_search_is_capped() {
        let long = "1".repeat(200);
        let r = read_row(&[long], 7, &row_total_fits);
        assert!(r.candidates.len() <= MAX_READINGS + 1);
    }
}
