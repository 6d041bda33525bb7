//! Drafts the figures of section 一、总体情况 (主动公开情况, 依申请公开办理情况) from the numbers, in
//! the shape reports use ("2020年，汝州市共主动公开政府信息17585条。其中，通过政府网站…"), so the
//! prose can never disagree with the tables: [`super::cross_check`] passes on its own draft.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::{Table3, Table4};
use crate::format::{ApplicantColumn, Table3Row};

/// Items published on one channel (政府网站, 政务微博, 政务微信, 移动客户端…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCount {
    pub channel: String,
    pub count: i64,
}

/// What the overview's figures are drawn from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewInput {
    pub year: i32,
    /// As the prose names it: "汝州市", "我区".
    pub organ: String,
    pub channels: Vec<ChannelCount>,
    pub table3: Table3,
    pub table4: Table4,
}

/// The 主动公开 and 依申请公开 paragraphs (and 复议/诉讼 when there were any), lines joined by '\n'.
pub fn draft_overview(input: &OverviewInput) -> String {
    let (year, organ) = (input.year, input.organ.as_str());
    let mut o = String::from("（一）主动公开情况\n");
    let published: i64 = input.channels.iter().map(|c| c.count).sum();
    match input.channels.as_slice() {
        [] => {
            let _ = writeln!(o, "{year}年，{organ}主动公开政府信息的情况见下表。");
        }
        [one] => {
            let _ = writeln!(o, "{year}年，{organ}通过{}主动公开政府信息{}条。", one.channel, one.count);
        }
        many => {
            let parts: Vec<String> =
                many.iter().map(|c| format!("通过{}公开政府信息{}条", c.channel, c.count)).collect();
            let _ = writeln!(o, "{year}年，{organ}共主动公开政府信息{published}条。其中，{}。", parts.join("，"));
        }
    }

    let t = &input.table3;
    let total = |r: Table3Row| t.value(r, ApplicantColumn::Total);
    let group =
        |f: fn(&Table3Row) -> bool| -> i64 { t.outcome_rows().iter().filter(|r| f(r)).map(|r| total(*r)).sum() };
    o.push_str("（二）依申请公开办理情况\n");
    let _ = write!(
        o,
        "{year}年，{organ}共收到政府信息公开申请{}件，上年结转{}件。本年度办理结果共计{}件",
        total(Table3Row::NewThisYear),
        total(Table3Row::CarriedOver),
        total(Table3Row::Total)
    );
    let outcomes: [(&str, i64); 6] = [
        ("予以公开", total(Table3Row::Disclosed)),
        ("部分公开", total(Table3Row::PartiallyDisclosed)),
        ("不予公开", group(|r| matches!(r, Table3Row::Withheld(_)))),
        ("无法提供", group(|r| matches!(r, Table3Row::Unable(_)))),
        ("不予处理", group(|r| matches!(r, Table3Row::NotProcessed(_)))),
        ("其他处理", group(|r| matches!(r, Table3Row::OtherHandling | Table3Row::OtherHandlingSub(_)))),
    ];
    let listed: Vec<String> = outcomes.iter().filter(|(_, n)| *n != 0).map(|(l, n)| format!("{l}{n}件")).collect();
    if listed.is_empty() {
        o.push('。');
    } else {
        let _ = write!(o, "，其中{}。", listed.join("，"));
    }
    let _ = writeln!(o, "结转下年度继续办理{}件。", total(Table3Row::CarriedForward));

    let g = input.table4.groups();
    let v = |c: Option<i64>| c.unwrap_or(0);
    let review = g[0].to_array().map(v);
    let litigation: Vec<i64> = (0..5).map(|i| v(g[1].to_array()[i]) + v(g[2].to_array()[i])).collect();
    if review.iter().chain(&litigation).any(|n| *n != 0) {
        let detail =
            |a: &[i64]| format!("其中结果维持{}件，结果纠正{}件，其他结果{}件，尚未审结{}件", a[0], a[1], a[2], a[3]);
        let _ = writeln!(
            o,
            "{year}年，发生政府信息公开行政复议{}件，{}；政府信息公开行政诉讼{}件，{}。",
            review[4],
            detail(&review),
            litigation[4],
            detail(&litigation)
        );
    }
    o.trim_end().to_string()
}

/// Section 一's channel counts (issue 17 §2): the items published through each channel, except
/// that for a 政务新媒体 platform whose accounts logged posts in the year the logs speak (a post
/// log is the platform's own record of what went out, items pushed there included); platforms
/// with no channel of their own (抖音, others) are added after. Channels with nothing are left out.
pub fn channel_counts(
    items: &[(crate::disclosure::Channel, i64)],
    posts: &[(crate::supervision::Platform, i64)],
) -> Vec<ChannelCount> {
    use crate::disclosure::Channel;
    use crate::supervision::Platform;
    let posted = |p: Platform| posts.iter().filter(|(q, _)| *q == p).map(|(_, n)| *n).sum::<i64>();
    let mut out: Vec<ChannelCount> = items
        .iter()
        .map(|(c, n)| {
            let logged = match c {
                Channel::Weibo => posted(Platform::Weibo),
                Channel::WeChat => posted(Platform::WeChat),
                Channel::App => posted(Platform::App),
                _ => 0,
            };
            ChannelCount { channel: c.label().to_string(), count: if logged > 0 { logged } else { *n } }
        })
        .collect();
    for (p, label) in [(Platform::Douyin, "政务抖音"), (Platform::Other, "其他政务新媒体")] {
        out.push(ChannelCount { channel: label.to_string(), count: posted(p) });
    }
    out.retain(|c| c.count > 0);
    out
}

#[cfg(test)]
mod channel_tests {
    use super::*;
    use crate::disclosure::Channel;
    use crate::supervision::Platform;

    #[test]
    fn post_logs_speak_for_their_platform_and_items_for_the_rest() {
        let items = [
            (Channel::Website, 900),
            (Channel::Weibo, 40),
            (Channel::WeChat, 0),
            (Channel::Board, 12),
            (Channel::App, 5),
        ];
        let posts = [(Platform::Weibo, 310), (Platform::WeChat, 120), (Platform::WeChat, 30), (Platform::Douyin, 8)];
        let got: Vec<(String, i64)> =
            channel_counts(&items, &posts).into_iter().map(|c| (c.channel, c.count)).collect();
        let want: Vec<(String, i64)> = [
            ("政府网站", 900),
            ("政务微博", 310),
            ("政务微信", 150),
            ("政务公开专区和公告栏", 12),
            ("客户端", 5),
            ("政务抖音", 8),
        ]
        .iter()
        .map(|(l, n)| (l.to_string(), *n))
        .collect();
        assert_eq!(got, want);
        assert!(channel_counts(&[], &[]).is_empty());
    }
}
