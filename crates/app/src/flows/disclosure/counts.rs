//! The disclosure figures of table 二 (制发、废止 and the channel counts) folded from the items.

use super::*;

/// Counts for one kind of document in the annual report's table 二.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[allow(dead_code)]
pub struct DocCounts {
    /// 本年制发 / 新制作: 成文日期 (else 发布日期) in the year.
    pub made: i64,
    /// 本年新公开: 发布日期 in the year.
    pub published: i64,
    /// 本年废止 / 失效: the end of validity in the year.
    pub repealed: i64,
    /// 现行有效 / 对外公开总数量: published by the year's end and in force on 31 December.
    pub in_force: i64,
}

/// What the annual report needs from the items: table 二's 规章 and 规范性文件 rows, and the
/// 总体情况's counts by channel (items published in the year that went out on each channel).
#[derive(Debug, Clone, Default, Serialize)]
#[allow(dead_code)]
pub struct Table2Counts {
    pub rules: DocCounts,
    pub normative_documents: DocCounts,
    pub channels: Vec<(Channel, i64)>,
}

/// Table 二's computed rows and the channel counts, for the annual report (flows/report.rs).
pub async fn table2_counts(db: &Db, unit_id: Option<i64>, year: i32) -> Result<Table2Counts> {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| AppError::BadRequest("年份无效".into()))?;
    let rows = db::item::count_rows(db, unit_id, &end.to_string()).await?;
    let mut out = fold_table2(&rows, year);
    let groups = db::item::channel_groups(db, unit_id, &format!("{year}-01-01"), &end.to_string()).await?;
    out.channels = Channel::ALL
        .iter()
        .map(|&c| {
            (c, groups.iter().filter(|(list, _)| parse_channels(list).contains(&c)).map(|(_, n)| *n).sum::<i64>())
        })
        .collect();
    Ok(out)
}

/// The pure fold behind [`table2_counts`].
pub fn fold_table2(rows: &[db::item::CountRow], year: i32) -> Table2Counts {
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year end");
    let in_year = |d: &Option<String>| d.as_deref().and_then(parse_date).is_some_and(|d| d.year() == year);
    let mut out = Table2Counts::default();
    let mut channel_lists: Vec<Vec<Channel>> = vec![];
    for r in rows {
        if in_year(&r.published_on) {
            channel_lists.push(parse_channels(&r.channels));
        }
        let counts = match r.art20.as_str() {
            "rule" => &mut out.rules,
            "normative_document" => &mut out.normative_documents,
            _ => continue,
        };
        let made_on = if r.written_on.is_some() { &r.written_on } else { &r.published_on };
        counts.made += i64::from(in_year(made_on));
        counts.published += i64::from(in_year(&r.published_on));
        if r.validity != "effective" {
            counts.repealed += i64::from(in_year(&r.validity_end));
        }
        let v = validity_of(&r.validity, r.validity_since.as_deref(), r.validity_end.as_deref());
        counts.in_force += i64::from(v.in_force_on(end));
    }
    out.channels =
        count_by_channel(channel_lists.iter().map(Vec::as_slice)).into_iter().map(|(c, n)| (c, n as i64)).collect();
    out
}
