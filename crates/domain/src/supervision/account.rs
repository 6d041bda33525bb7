//! 政务新媒体 accounts (微信公众号, 微博, 抖音, 客户端 …) and their upkeep: the 2-week update gap of
//! the 政务新媒体 inspection (国办秘函〔2019〕19号; ogi-facts.md §4.4: "监测点前两周内未更新"), the
//! seed's "周提醒、月通报、年考核" mechanism against "休眠""僵尸" accounts, and its census line
//! "正常维护更新的政务新媒体共31个，其中微信16个，微博6个，移动客户端2个，其他平台7个".

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::UnitId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Platform {
    /// 微信公众号
    WeChat,
    /// 微博
    Weibo,
    /// 抖音
    Douyin,
    /// 移动客户端
    App,
    /// 其他平台 (头条号, 快手 …)
    Other,
}

impl Platform {
    pub fn label(self) -> &'static str {
        match self {
            Platform::WeChat => "微信公众号",
            Platform::Weibo => "微博",
            Platform::Douyin => "抖音",
            Platform::App => "移动客户端",
            Platform::Other => "其他平台",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountStatus {
    /// 正常: posted within the two weeks before today.
    Normal,
    /// 休眠: no post for more than two weeks — already a single-veto hit.
    Dormant,
    /// 僵尸: no post for longer than the office's configured period.
    Zombie,
    /// 已关停: closed (注销) on purpose; no longer inspected.
    Closed,
}

/// "监测点前两周内未更新": a post on today − 14 days is still within the two weeks; a gap of 15
/// days or more is 休眠.
pub const DORMANT_AFTER_DAYS: i64 = 14;
/// The weekly reminder (周提醒) goes out at 10 days of silence, four days before the veto line.
pub const REMIND_AFTER_DAYS: i64 = 10;
/// A default for 僵尸. The indicators give no number; the office configures its own (the seed does
/// not say which it uses). Three months, as several provincial notices do.
pub const ZOMBIE_AFTER_DAYS_DEFAULT: u32 = 90;

/// Status from the date of the last post alone. An account that never posted is 僵尸; use
/// [`Account::status`] to count a new account's silence from its opening day instead.
/// `zombie_after_days` below 14 is taken as 14 (a zombie is at least dormant).
pub fn account_status(last_post: Option<NaiveDate>, today: NaiveDate, zombie_after_days: u32) -> AccountStatus {
    let Some(last) = last_post else { return AccountStatus::Zombie };
    let silent = (today - last).num_days();
    if silent > i64::from(zombie_after_days).max(DORMANT_AFTER_DAYS) {
        AccountStatus::Zombie
    } else if silent > DORMANT_AFTER_DAYS {
        AccountStatus::Dormant
    } else {
        AccountStatus::Normal
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub unit: UnitId,
    pub name: String,
    pub platform: Platform,
    pub opened_on: NaiveDate,
    pub last_post: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

impl Account {
    /// Days since the last post, or since opening if nothing was ever posted.
    pub fn days_silent(&self, today: NaiveDate) -> i64 {
        (today - self.last_post.unwrap_or(self.opened_on)).num_days()
    }

    pub fn status(&self, today: NaiveDate, zombie_after_days: u32) -> AccountStatus {
        match self.closed_on {
            Some(closed) if closed <= today => AccountStatus::Closed,
            _ => account_status(Some(self.last_post.unwrap_or(self.opened_on)), today, zombie_after_days),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyReminder {
    pub unit: UnitId,
    pub account: String,
    pub platform: Platform,
    pub days_silent: i64,
}

/// 周提醒: every open account silent for 10 days or more, the longest silence first (then by unit
/// and name, so the list is stable).
pub fn weekly_reminders(accounts: &[Account], today: NaiveDate) -> Vec<WeeklyReminder> {
    let mut out: Vec<WeeklyReminder> = accounts
        .iter()
        .filter(|a| !matches!(a.closed_on, Some(c) if c <= today))
        .filter(|a| a.days_silent(today) >= REMIND_AFTER_DAYS)
        .map(|a| WeeklyReminder {
            unit: a.unit.clone(),
            account: a.name.clone(),
            platform: a.platform,
            days_silent: a.days_silent(today),
        })
        .collect();
    out.sort_by(|a, b| b.days_silent.cmp(&a.days_silent).then(a.unit.cmp(&b.unit)).then(a.account.cmp(&b.account)));
    out
}

/// The census of the annual report: accounts 正常维护更新 on `today`, by platform.
pub fn normal_by_platform(accounts: &[Account], today: NaiveDate) -> BTreeMap<Platform, u32> {
    let mut out = BTreeMap::new();
    for a in accounts {
        if a.status(today, ZOMBIE_AFTER_DAYS_DEFAULT) == AccountStatus::Normal {
            *out.entry(a.platform).or_insert(0) += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn account(name: &str, last_post: Option<NaiveDate>) -> Account {
        Account {
            unit: UnitId("mzj".into()),
            name: name.into(),
            platform: Platform::WeChat,
            opened_on: d(2019, 1, 1),
            last_post,
            closed_on: None,
        }
    }

    #[test]
    fn fourteen_days_of_silence_is_normal_and_fifteen_is_dormant() {
        let today = d(2020, 3, 15);
        assert_eq!(account_status(Some(d(2020, 3, 1)), today, 90), AccountStatus::Normal);
        assert_eq!(account_status(Some(d(2020, 2, 29)), today, 90), AccountStatus::Dormant);
    }

    #[test]
    fn silence_past_the_configured_period_is_zombie() {
        let today = d(2020, 6, 1);
        assert_eq!(account_status(Some(d(2020, 3, 3)), today, 90), AccountStatus::Dormant); // 90 days
        assert_eq!(account_status(Some(d(2020, 3, 2)), today, 90), AccountStatus::Zombie); // 91 days
        assert_eq!(account_status(Some(d(2020, 5, 1)), today, 30), AccountStatus::Zombie);
        assert_eq!(account_status(None, today, 90), AccountStatus::Zombie);
    }

    #[test]
    fn a_zombie_period_shorter_than_two_weeks_never_skips_dormant_rules() {
        assert_eq!(account_status(Some(d(2020, 3, 1)), d(2020, 3, 11), 7), AccountStatus::Normal);
    }

    #[test]
    fn a_new_account_counts_its_silence_from_opening_and_a_closed_one_is_closed() {
        let mut a = account("汝州民政", None);
        a.opened_on = d(2020, 3, 10);
        assert_eq!(a.status(d(2020, 3, 20), 90), AccountStatus::Normal);
        a.closed_on = Some(d(2020, 3, 15));
        assert_eq!(a.status(d(2020, 3, 20), 90), AccountStatus::Closed);
    }

    #[test]
    fn weekly_reminders_list_accounts_silent_ten_days_or_more_longest_first() {
        let today = d(2020, 3, 20);
        let accounts = vec![
            account("九天", Some(d(2020, 3, 11))),
            account("十天", Some(d(2020, 3, 10))),
            account("三十天", Some(d(2020, 2, 19))),
        ];
        let r = weekly_reminders(&accounts, today);
        let names: Vec<_> = r.iter().map(|r| r.account.as_str()).collect();
        assert_eq!(names, vec!["三十天", "十天"]);
        assert_eq!(r[1].days_silent, 10);
    }

    #[test]
    fn the_census_counts_only_normal_accounts_by_platform() {
        let today = d(2020, 12, 31);
        let mut weibo = account("微博", Some(d(2020, 12, 30)));
        weibo.platform = Platform::Weibo;
        let accounts = vec![account("活跃", Some(d(2020, 12, 25))), account("休眠", Some(d(2020, 12, 1))), weibo];
        let census = normal_by_platform(&accounts, today);
        assert_eq!(census.get(&Platform::WeChat), Some(&1));
        assert_eq!(census.get(&Platform::Weibo), Some(&1));
    }
}
