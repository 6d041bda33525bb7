//! Reading the 国务院办公厅 holiday notice (《国务院办公厅关于YYYY年部分节假日安排的通知》) as it is
//! published: an administrator pastes its text and the year's holidays and 调休 make-up working days
//! are read from it, to be shown for confirmation before they are saved.
//!
//! The forms handled (shared/data/holiday-notices/README.md): a single day ("1月1日（周三）放假1天，不调休"),
//! a range whose end omits the month ("4月4日（周五）至6日（周日）"), a range across months, lunar and weekday
//! annotations in brackets (周六 or 星期六), two festivals in one item ("国庆节、中秋节"), several make-up
//! days in one sentence, a range starting in the previous year ("2022年12月31日至2023年1月2日"),
//! full-width digits. Every count the notice states ("共8天") is checked against what was read: a
//! misreading is an error, never a saved calendar.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::{DayKind, SpecialDay, statutory};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("找不到通知所属的年份：标题应为“国务院办公厅关于YYYY年部分节假日安排的通知”")]
    NoYear,
    #[error("没有读到任何放假安排：安排各项应以“一、元旦：”这样的序号和节日名称开头")]
    NoItems,
    #[error("第{item}项（{name}）：{reason}")]
    Item { item: usize, name: String, reason: String },
}

/// What a notice says: its year and its days, in date order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub year: i32,
    pub days: Vec<SpecialDay>,
}

impl Notice {
    /// The festivals of the 放假办法 the notice does not mention. A real notice names all seven (two
    /// may share an item); once imported, the year is no longer provisional, so a missing festival
    /// would count as working days: the confirmation page and the CLI say so before saving.
    pub fn missing_festivals(&self) -> Vec<&'static str> {
        ["元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆节"]
            .into_iter()
            .filter(|f| !self.days.iter().any(|d| d.name == *f && d.kind == DayKind::Holiday))
            .collect()
    }

    /// `date,kind,name` rows, as `Calendar::from_csv` and the CSV import take them.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(super::HEADER);
        out.push('\n');
        for d in &self.days {
            out.push_str(&format!("{},{},{}\n", d.date.format("%Y-%m-%d"), d.kind.code(), d.name));
        }
        out
    }
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Full-width digits and punctuation to their ASCII forms; brackets and their content (lunar dates,
/// weekdays) removed; spaces removed.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        let c = match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '：' => ':',
            _ => c,
        };
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '\u{3000}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The short names the calendar uses (as in the shipped data).
fn short_name(festival: &str) -> String {
    match festival {
        "清明节" => "清明".into(),
        "端午节" => "端午".into(),
        "中秋节" => "中秋".into(),
        other => other.to_string(),
    }
}

/// Dates written in a sentence, in order: `[YYYY年][M月]D日`; a missing year or month is carried
/// from the date before it (the notice's year for the first). A range `A至B` is expanded.
fn dates_in(sentence: &str, year: i32) -> Result<Vec<NaiveDate>, String> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut numbers: Vec<(u32, char)> = vec![]; // (number, the unit after it: 年 月 日) or '至'
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut n: u32 = 0;
            while i < chars.len() && chars[i].is_ascii_digit() {
                n = n.saturating_mul(10).saturating_add(chars[i] as u32 - '0' as u32);
                i += 1;
            }
            if let Some(&u) = chars.get(i)
                && matches!(u, '年' | '月' | '日')
            {
                numbers.push((n, u));
            }
        } else if chars[i] == '至' {
            numbers.push((0, '至'));
            i += 1;
        } else {
            i += 1;
        }
    }
    let (mut y, mut m) = (year, None::<u32>);
    let mut out: Vec<NaiveDate> = vec![];
    let mut range_from: Option<NaiveDate> = None;
    let mut pending_range = false;
    for (n, unit) in numbers {
        match unit {
            '年' => y = i32::try_from(n).map_err(|_| format!("年份{n}无效"))?,
            '月' => m = Some(n),
            '至' => {
                pending_range = true;
                range_from = out.last().copied();
            }
            _ => {
                let month = m.ok_or_else(|| format!("日期“{n}日”前没有月份"))?;
                let mut d =
                    NaiveDate::from_ymd_opt(y, month, n).ok_or_else(|| format!("{y}年{month}月{n}日不是有效日期"))?;
                if pending_range {
                    pending_range = false;
                    let from = range_from.ok_or("“至”前面没有起始日期")?;
                    if d < from {
                        // "12月31日至1月2日" written without the new year.
                        d = NaiveDate::from_ymd_opt(y + 1, month, n).ok_or("日期无效")?;
                        y += 1;
                    }
                    if (d - from).num_days() > 31 {
                        return Err(format!("{from}至{d}超过一个月，不像一次放假"));
                    }
                    let mut x = from;
                    while x < d {
                        x = x.checked_add_days(Days::new(1)).ok_or("日期无效")?;
                        out.push(x);
                    }
                } else {
                    out.push(d);
                }
            }
        }
    }
    Ok(out)
}

/// The "共N天" of a sentence, if it says so.
fn stated_total(sentence: &str) -> Option<usize> {
    let at = sentence.find('共')?;
    let digits: String = sentence[at + '共'.len_utf8()..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Reads a pasted notice.
pub fn parse_notice(text: &str) -> Result<Notice, NoticeError> {
    let text = normalise(text);
    let year = text
        .find("年部分节假日安排")
        .and_then(|at| {
            let before: Vec<char> = text[..at].chars().collect();
            let digits: String = before.iter().rev().take(4).rev().collect();
            (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.parse::<i32>().ok())?
        })
        .ok_or(NoticeError::NoYear)?;

    // Items start at "一、", "二、" … in that order (one per line or all on one line).
    let mut starts = vec![];
    let mut from = 0;
    for numeral in NUMERALS {
        let mark = format!("{numeral}、");
        match text[from..].find(&mark) {
            Some(at) => {
                starts.push(from + at);
                from += at + mark.len();
            }
            None => break,
        }
    }
    if starts.is_empty() {
        return Err(NoticeError::NoItems);
    }
    let mut days: Vec<SpecialDay> = vec![];
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        let item = &text[start..end];
        let item = item.split_once('、').map_or(item, |(_, rest)| rest);
        let (head, body) = item.split_once(':').ok_or_else(|| NoticeError::Item {
            item: k + 1,
            name: item.chars().take(8).collect(),
            reason: "节日名称后应有冒号".into(),
        })?;
        let festivals: Vec<String> =
            head.split(['、', '，']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        let name = head.to_string();
        let err = |reason: String| NoticeError::Item { item: k + 1, name: name.clone(), reason };
        // The item ends at the first line break after its last sentence: anything after the last
        // "。" that is not a sentence of the item (e.g. a closing paragraph) is ignored.
        let mut holidays: Vec<NaiveDate> = vec![];
        let mut workdays: Vec<NaiveDate> = vec![];
        let mut says_make_up = false;
        for sentence in body.split('。').filter(|s| !s.is_empty()) {
            if sentence.contains("放假") {
                let ds = dates_in(sentence, year).map_err(&err)?;
                if ds.is_empty() {
                    return Err(err("放假一句里没有读到日期".into()));
                }
                if let Some(total) = stated_total(sentence)
                    && total != ds.len()
                {
                    return Err(err(format!("通知写明共{total}天，读到的是{}天", ds.len())));
                }
                says_make_up |= sentence.contains("调休") && !sentence.contains("不调休");
                holidays.extend(ds);
            } else if sentence.contains("上班") {
                workdays.extend(dates_in(sentence, year).map_err(&err)?);
            }
        }
        if holidays.is_empty() {
            return Err(err("没有读到放假日期".into()));
        }
        if says_make_up && workdays.is_empty() && holidays.len() > 3 {
            return Err(err("写明“放假调休”，却没有读到调休上班日".into()));
        }
        for d in holidays.iter().chain(&workdays) {
            if (d.year() - year).abs() > 1 {
                return Err(err(format!("{d}不在{year}年前后，通知的年份可能有误")));
            }
        }
        for w in &workdays {
            if !matches!(w.weekday(), Weekday::Sat | Weekday::Sun) {
                return Err(err(format!("{w}不是周六或周日，不能是调休上班日")));
            }
        }
        // Names: in an item with two festivals, the statutory day of the second (e.g. 中秋) bears its
        // name; every other day, and the make-up days, the first's.
        let first = short_name(&festivals[0]);
        let own_days = |f: &str| -> Vec<NaiveDate> {
            let long = f.to_string();
            statutory::statutory_holidays(year).into_iter().filter(|(_, n)| *n == long).map(|(d, _)| d).collect()
        };
        for d in holidays {
            let other = festivals[1..].iter().find(|f| own_days(f).first() == Some(&d));
            let name = other.map_or_else(|| first.clone(), |f| short_name(f));
            days.push(SpecialDay { date: d, kind: DayKind::Holiday, name });
        }
        for d in workdays {
            days.push(SpecialDay { date: d, kind: DayKind::MakeUpWorkday, name: first.clone() });
        }
    }
    days.sort_by_key(|d| d.date);
    for pair in days.windows(2) {
        if pair[0].date == pair[1].date {
            return Err(NoticeError::Item {
                item: 0,
                name: pair[0].name.clone(),
                reason: format!("{}在通知里出现了两次", pair[0].date),
            });
        }
    }
    Ok(Notice { year, days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    const NOTICE_2026: &str = "国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。";

    fn shipped_rows(year: i32) -> Vec<SpecialDay> {
        Calendar::builtin().special_days(year)
    }

    #[test]
    fn the_2026_notice_as_written_in_this_test_gives_the_shipped_rows() {
        let n = parse_notice(NOTICE_2026).unwrap();
        assert_eq!(n.year, 2026);
        assert_eq!(n.days, shipped_rows(2026));
        assert!(n.missing_festivals().is_empty());
        let partial = parse_notice("国务院办公厅关于2027年部分节假日安排的通知 一、元旦：1月1日放假，共1天。").unwrap();
        assert_eq!(partial.missing_festivals().len(), 6);
    }

    /// The notices as published, from shared/data/holiday-notices (outside the repository).
    #[test]
    fn the_published_2025_and_2026_notices_give_exactly_the_shipped_rows() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/holiday-notices");
        if !dir.exists() {
            assert!(
                std::env::var("GONGKAI_TEST_REQUIRE_ALL").as_deref() != Ok("1"),
                "{} is missing and GONGKAI_TEST_REQUIRE_ALL=1",
                dir.display()
            );
            eprintln!("skipping: {} is absent (a clone without shared/)", dir.display());
            return;
        }
        for year in [2025, 2026] {
            let text = std::fs::read_to_string(dir.join(format!("{year}.txt"))).unwrap();
            let n = parse_notice(&text).unwrap_or_else(|e| panic!("{year}: {e}"));
            assert_eq!(n.year, year);
            assert_eq!(n.days, shipped_rows(year), "{year}");
            // And the CSV it gives imports as the same calendar rows.
            assert_eq!(Calendar::from_csv(&n.to_csv()).unwrap().special_days(year), shipped_rows(year));
        }
    }

    #[test]
    fn older_forms_one_line_full_width_digits_and_a_range_from_the_year_before() {
        let text = "国务院办公厅关于２０２３年部分节假日安排的通知 一、元旦：2022年12月31日（星期六）至2023年1月2日（星期一）放假调休，共3天。二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。";
        let n = parse_notice(text).unwrap();
        assert_eq!(n.year, 2023);
        let cal = Calendar::builtin();
        let shipped: Vec<SpecialDay> = cal
            .special_days(2022)
            .into_iter()
            .chain(cal.special_days(2023))
            .filter(|d| {
                d.date >= NaiveDate::from_ymd_opt(2022, 12, 31).unwrap()
                    && d.date <= NaiveDate::from_ymd_opt(2023, 1, 29).unwrap()
            })
            .collect();
        assert_eq!(n.days, shipped);
    }

    #[test]
    fn hostile_texts_are_refused_with_a_reason() {
        let cases: [(&str, &str); 6] = [
            ("关于放假的通知 一、元旦：1月1日放假，共1天。", "年份"),
            ("国务院办公厅关于2027年部分节假日安排的通知", "没有读到任何放假安排"),
            ("国务院办公厅关于2027年部分节假日安排的通知 一、元旦：1月1日至3日放假，共4天。", "共4天"),
            ("国务院办公厅关于2027年部分节假日安排的通知 一、国庆节：10月1日至7日放假调休，共7天。", "调休上班日"),
            ("国务院办公厅关于2027年部分节假日安排的通知 一、元旦：1月1日放假，共1天。1月6日上班。", "不是周六或周日"),
            ("国务院办公厅关于2030年部分节假日安排的通知 一、元旦：2027年1月1日放假，共1天。", "年份可能有误"),
        ];
        for (text, why) in cases {
            let e = parse_notice(text).unwrap_err().to_string();
            assert!(e.contains(why), "{text}\n→ {e}");
        }
        assert!(parse_notice("国务院办公厅关于2027年部分节假日安排的通知 一、元旦 1月1日放假").is_err());
    }
}
