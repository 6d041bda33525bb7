//! 监督考核 use cases: the 政务新媒体 registry (posts by hand, CSV and API; 周提醒), the monthly
//! figures computed from the records and ranked by the office's weights, 月报 versions, spot checks
//! with rectification, training records and the annual assessment. The domain
//! (`gongkai_domain::supervision`) decides statuses, scores, draws and transitions; this module
//! loads, persists and audits.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use gongkai_domain::supervision::{
    self as sup, Account, AccountStatus, AnnualRecord, AssessmentConfig, Indicator, MonthlyReport, Platform,
    RankedUnit, RectificationEvent, RectificationStatus, Revision, ScoringConfig, UnitId, UnitMonth, YearMonth,
};
use serde::{Deserialize, Serialize};

use super::Actor;
use crate::db::{self, Db, supervision::AccountRow};
use crate::error::{AppError, FieldError, Result};
use crate::state::AppState;

pub const SCORING_KEY: &str = "supervision.scoring";
pub const ZOMBIE_KEY: &str = "supervision.zombie_after_days";
pub const ASSESSMENT_SHARE_KEY: &str = "supervision.assessment_share_percent";

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s).trim(), "%Y-%m-%d").ok()
}

// ---------------------------------------------------------------- 政务新媒体

pub const PLATFORMS: [(&str, Platform); 5] = [
    ("wechat", Platform::WeChat),
    ("weibo", Platform::Weibo),
    ("douyin", Platform::Douyin),
    ("app", Platform::App),
    ("other", Platform::Other),
];

pub fn platform(code: &str) -> Option<Platform> {
    PLATFORMS.iter().find(|(c, _)| *c == code).map(|(_, p)| *p)
}

pub fn platform_choices() -> Vec<super::Choice> {
    PLATFORMS.iter().map(|(c, p)| super::Choice { code: c.to_string(), label: p.label() }).collect()
}

pub fn status_label(s: AccountStatus) -> (&'static str, &'static str) {
    match s {
        AccountStatus::Normal => ("normal", "正常"),
        AccountStatus::Dormant => ("dormant", "休眠"),
        AccountStatus::Zombie => ("zombie", "僵尸"),
        AccountStatus::Closed => ("closed", "已关停"),
    }
}

/// The office's 僵尸 period in days (setting), the domain's default otherwise.
pub fn zombie_after_days(state: &AppState) -> u32 {
    state
        .setting(ZOMBIE_KEY)
        .trim()
        .parse()
        .ok()
        .filter(|d| *d >= 14)
        .unwrap_or(sup::account::ZOMBIE_AFTER_DAYS_DEFAULT)
}

pub fn domain_account(r: &AccountRow) -> Option<Account> {
    Some(Account {
        unit: UnitId(r.unit_id.to_string()),
        name: r.name.clone(),
        platform: platform(&r.platform)?,
        opened_on: date(&r.opened_on)?,
        last_post: r.last_post.as_deref().and_then(date),
        closed_on: r.closed_on.as_deref().and_then(date),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    #[serde(flatten)]
    pub row: AccountRow,
    pub platform_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub days_silent: i64,
}

pub fn view(r: AccountRow, today: NaiveDate, zombie: u32) -> AccountView {
    let a = domain_account(&r);
    let (status, status_label) = a.as_ref().map(|a| status_label(a.status(today, zombie))).unwrap_or(("normal", "—"));
    AccountView {
        platform_label: platform(&r.platform).map(|p| p.label()).unwrap_or("—"),
        status,
        status_label,
        days_silent: a.map(|a| a.days_silent(today)).unwrap_or(0),
        row: r,
    }
}

/// Accounts as of `today`, the unit's only for a unit user.
pub async fn accounts(state: &AppState, actor: &Actor, today: NaiveDate) -> Result<Vec<AccountView>> {
    let zombie = zombie_after_days(state);
    let rows = db::supervision::accounts(&state.db, &today.to_string()).await?;
    Ok(rows
        .into_iter()
        .filter(|r| actor.is_office() || actor.may_access_unit(r.unit_id))
        .map(|r| view(r, today, zombie))
        .collect())
}

pub async fn account(state: &AppState, actor: &Actor, id: i64, today: NaiveDate) -> Result<AccountView> {
    let r = db::supervision::account(&state.db, id, &today.to_string()).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_access_unit(r.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(view(r, today, zombie_after_days(state)))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AccountForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub opened_on: String,
}

pub async fn create_account(db: &Db, actor: &Actor, f: &AccountForm) -> Result<i64> {
    let mut errors = vec![];
    let unit_id: Option<i64> = f.unit_id.trim().parse().ok();
    if unit_id.is_none() {
        errors.push(FieldError::new("unit_id", "请选择主办单位"));
    }
    if platform(&f.platform).is_none() {
        errors.push(FieldError::new("platform", "请选择平台"));
    }
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("name", "请填写账号名称（100字以内）"));
    }
    let opened = date(&f.opened_on);
    if opened.is_none() {
        errors.push(FieldError::new("opened_on", "开通日期应为 YYYY-MM-DD"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let unit_id = unit_id.unwrap_or_default();
    if !actor.is_office() && !actor.may_access_unit(unit_id) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    db::org::get_unit_tx(&mut tx, unit_id)
        .await?
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "单位不存在")]))?;
    let opened_s = opened.map(|d| d.to_string()).unwrap_or_default();
    let id = db::supervision::insert_account(
        &mut tx,
        &db::supervision::NewAccount {
            unit_id,
            platform: &f.platform,
            name,
            manager: f.manager.trim(),
            opened_on: &opened_s,
        },
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "new_media.create",
        "new_media_account",
        &id.to_string(),
        None,
        serde_json::to_value(f).ok().as_ref(),
    )
    .await?;
    db::audit::feed(&mut tx, "new_media.changed", "new_media_account", &id.to_string(), Some(unit_id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Change the manager, or close the account (已关停) from a date.
pub async fn update_account(
    state: &AppState,
    actor: &Actor,
    id: i64,
    manager: &str,
    closed_on: &str,
    today: NaiveDate,
) -> Result<()> {
    let a = account(state, actor, id, today).await?;
    let closed = match closed_on.trim() {
        "" => None,
        s => Some(
            date(s)
                .ok_or_else(|| AppError::Invalid(vec![FieldError::new("closed_on", "关停日期应为 YYYY-MM-DD")]))?
                .to_string(),
        ),
    };
    let mut tx = state.db.begin().await?;
    db::supervision::update_account(&mut tx, id, manager.trim(), closed.as_deref()).await?;
    let before = serde_json::json!({"manager": a.row.manager, "closed_on": a.row.closed_on});
    let after = serde_json::json!({"manager": manager.trim(), "closed_on": closed});
    db::audit::record(
        &mut tx,
        actor,
        "new_media.update",
        "new_media_account",
        &id.to_string(),
        Some(&before),
        Some(&after),
    )
    .await?;
    db::audit::feed(&mut tx, "new_media.changed", "new_media_account", &id.to_string(), Some(a.row.unit_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Log one post (by hand or through the API). Returns false when the same post was logged before.
pub async fn log_post(
    state: &AppState,
    actor: &Actor,
    account_id: i64,
    posted_on: &str,
    title: &str,
    url: &str,
    source: &str,
    today: NaiveDate,
) -> Result<bool> {
    let a = account(state, actor, account_id, today).await?;
    let mut errors = vec![];
    let d = date(posted_on);
    match d {
        None => errors.push(FieldError::new("posted_on", "发布日期应为 YYYY-MM-DD")),
        Some(d) if d > today => errors.push(FieldError::new("posted_on", "发布日期不能晚于今天")),
        _ => {}
    }
    if title.chars().count() > 200 {
        errors.push(FieldError::new("title", "标题不超过200字"));
    }
    if !url.is_empty() && !(url.starts_with("http://") || url.starts_with("https://")) {
        errors.push(FieldError::new("url", "链接应以 http:// 或 https:// 开头"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let d = d.map(|d| d.to_string()).unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let new = db::supervision::insert_post(&mut tx, account_id, &d, title.trim(), url.trim(), source).await?;
    if new {
        let after = serde_json::json!({"posted_on": d, "title": title.trim(), "source": source});
        db::audit::record(
            &mut tx,
            actor,
            "new_media.post",
            "new_media_account",
            &account_id.to_string(),
            None,
            Some(&after),
        )
        .await?;
        db::audit::feed(
            &mut tx,
            "new_media.changed",
            "new_media_account",
            &account_id.to_string(),
            Some(a.row.unit_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(new)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PostImport {
    pub imported: usize,
    pub duplicates: usize,
    /// (line number, what is wrong)
    pub errors: Vec<(usize, String)>,
}

/// Import a post log: `账号,发布日期,标题,链接` (the account by its number or its name), one post a
/// line, a header line allowed. Bad rows are reported with their line numbers; the good ones are
/// imported (each good row commits with its audit record).
pub async fn import_posts(state: &AppState, actor: &Actor, csv: &str, today: NaiveDate) -> Result<PostImport> {
    let all = accounts(state, actor, today).await?;
    let mut out = PostImport::default();
    let mut good: Vec<(i64, i64, String, String, String)> = vec![];
    for (i, line) in csv.lines().enumerate() {
        let n = i + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (n == 1 && (line.starts_with("账号") || line.to_lowercase().starts_with("account"))) {
            continue;
        }
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        if cols.len() < 2 {
            out.errors.push((n, "列数不足：应为 账号,发布日期,标题,链接".into()));
            continue;
        }
        let key = cols[0].trim_matches('"');
        let acc = all.iter().find(|a| a.row.new_media_account_id.to_string() == key || a.row.name == key);
        let Some(acc) = acc else {
            out.errors.push((n, format!("找不到账号“{key}”（或无权为其登记）")));
            continue;
        };
        let Some(d) = date(cols[1].trim_matches('"')) else {
            out.errors.push((n, format!("发布日期“{}”无效，应为 YYYY-MM-DD", cols[1])));
            continue;
        };
        if d > today {
            out.errors.push((n, "发布日期晚于今天".into()));
            continue;
        }
        let title = cols.get(2).map(|s| s.trim_matches('"')).unwrap_or("").to_string();
        let url = cols.get(3).map(|s| s.trim_matches('"')).unwrap_or("").to_string();
        if !url.is_empty() && !(url.starts_with("http://") || url.starts_with("https://")) {
            out.errors.push((n, "链接应以 http:// 或 https:// 开头".into()));
            continue;
        }
        good.push((acc.row.new_media_account_id, acc.row.unit_id, d.to_string(), title, url));
    }
    let mut tx = state.db.begin().await?;
    for (id, unit, d, title, url) in &good {
        if db::supervision::insert_post(&mut tx, *id, d, title, url, "csv").await? {
            out.imported += 1;
            db::audit::feed(&mut tx, "new_media.changed", "new_media_account", &id.to_string(), Some(*unit)).await?;
        } else {
            out.duplicates += 1;
        }
    }
    let summary =
        serde_json::json!({"imported": out.imported, "duplicates": out.duplicates, "bad_rows": out.errors.len()});
    db::audit::record(&mut tx, actor, "new_media.import", "new_media_post", "csv", None, Some(&summary)).await?;
    tx.commit().await?;
    Ok(out)
}

/// 周提醒: every unit with accounts silent 10+ days is reminded once per ISO week, in-app and by
/// e-mail through the outbox; the office gets one summary. Returns the reminders made.
pub async fn weekly_reminders(state: &AppState, today: NaiveDate) -> Result<usize> {
    let rows = db::supervision::accounts(&state.db, &today.to_string()).await?;
    let list: Vec<Account> = rows.iter().filter_map(domain_account).collect();
    let reminders = sup::weekly_reminders(&list, today);
    let week = today.iso_week();
    let wk = format!("{}-W{:02}", week.year(), week.week());
    let units: BTreeMap<i64, db::org::UnitRow> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u)).collect();
    let mut by_unit: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for r in &reminders {
        if let Ok(u) = r.unit.0.parse::<i64>() {
            by_unit.entry(u).or_default().push(format!(
                "{}“{}”已{}天未更新",
                r.platform.label(),
                r.account,
                r.days_silent
            ));
        }
    }
    let mut made = 0;
    let mut tx = state.db.begin().await?;
    for (unit, lines) in &by_unit {
        let message = format!("政务新媒体周提醒：{}", lines.join("；"));
        let key = format!("newmedia:{unit}:{wk}");
        if db::application::notify_once(&mut tx, Some(*unit), false, &message, "/staff/new-media", &key).await? {
            made += 1;
            if let Some(email) = units.get(unit).map(|u| u.email.clone()).filter(|e| !e.is_empty()) {
                db::application::enqueue_mail(
                    &mut tx,
                    &email,
                    "政务新媒体周提醒",
                    &format!("{message}\n请及时更新，两周未更新即为“休眠”账号。"),
                    &key,
                )
                .await?;
            }
        }
    }
    if !by_unit.is_empty() {
        let message = format!("政务新媒体周提醒：{} 个单位的 {} 个账号10天以上未更新", by_unit.len(), reminders.len());
        db::application::notify_once(
            &mut tx,
            None,
            true,
            &message,
            "/staff/new-media",
            &format!("newmedia:office:{wk}"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(made)
}

// ---------------------------------------------------------------- monthly figures and ranking

/// What 主动公开 contributes to a unit's month, from the item and catalog tables.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DisclosureFigures {
    pub published_by_channel: BTreeMap<sup::Channel, u32>,
    /// Items published this month under each 条例第二十条 item (its code), the rest under "".
    pub published_by_art20: BTreeMap<String, u32>,
    pub published_items: u32,
    pub published_late: u32,
    pub review_overrides: u32,
    pub stale_columns: u32,
    pub blank_columns: u32,
    pub late_interpretations: u32,
}

fn supervision_channel(c: gongkai_domain::disclosure::Channel) -> sup::Channel {
    use gongkai_domain::disclosure::Channel as D;
    match c {
        D::Website => sup::Channel::Website,
        D::Weibo => sup::Channel::Weibo,
        D::WeChat => sup::Channel::WeChat,
        D::App => sup::Channel::App,
        D::Other => sup::Channel::Other,
    }
}

/// Items published in the month per unit (by channel and Art. 20 item), those published later than
/// 条例第二十六条 allows, those published over a 保密审查 finding, and the unit's stale and blank
/// columns on the month's last day (or today, for the running month).
pub async fn disclosure_figures(
    db: &Db,
    month: YearMonth,
    today: NaiveDate,
) -> Result<BTreeMap<i64, DisclosureFigures>> {
    let at = month.last_day().min(today);
    let mut out: BTreeMap<i64, DisclosureFigures> = BTreeMap::new();
    for r in db::item::published_between(db, &month.first_day().to_string(), &at.to_string()).await? {
        let f = out.entry(r.unit_id).or_default();
        f.published_items += 1;
        f.published_late += u32::from(r.late != 0);
        f.review_overrides += u32::from(r.overridden != 0);
        *f.published_by_art20.entry(r.art20.clone()).or_default() += 1;
        for c in crate::flows::disclosure::parse_channels(&r.channels) {
            *f.published_by_channel.entry(supervision_channel(c)).or_default() += 1;
        }
    }
    for (unit, cols) in column_checks(db, None, at).await? {
        let f = out.entry(unit).or_default();
        f.stale_columns = cols
            .iter()
            .filter(|c| matches!(c.check.state, sup::ColumnState::Stale { .. } | sup::ColumnState::LongStale { .. }))
            .count() as u32;
        f.blank_columns = cols.iter().filter(|c| c.check.state == sup::ColumnState::Blank).count() as u32;
    }
    Ok(out)
}

/// The inspection class of a catalog column's stored update class (主动公开's vocabulary).
pub fn update_class(code: &str) -> sup::UpdateClass {
    match code {
        "news" => sup::UpdateClass::News,
        "notice_or_policy" => sup::UpdateClass::Notice,
        "no_update" => sup::UpdateClass::NoUpdate,
        _ => sup::UpdateClass::OTHER_DEFAULT,
    }
}

/// One column as checked: the domain's verdict plus what the page links to.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnLine {
    pub catalog_node_id: i64,
    pub code: String,
    pub class_label: &'static str,
    pub last_update: Option<String>,
    /// "fresh", "stale", "long_stale" or "blank".
    pub state: &'static str,
    pub since: Option<String>,
    pub check: sup::ColumnCheck,
}

/// Every unit's leaf columns (or one unit's) as the inspection indicators see them on `at`; an
/// item counts as an update on its publication date only (undated items never count).
pub async fn column_checks(db: &Db, unit: Option<i64>, at: NaiveDate) -> Result<BTreeMap<i64, Vec<ColumnLine>>> {
    let mut out: BTreeMap<i64, Vec<ColumnLine>> = BTreeMap::new();
    for r in db::item::column_updates(db, unit, &at.to_string()).await? {
        let class = update_class(&r.update_class);
        let state = sup::column_state(class, r.last_update.as_deref().and_then(date), at);
        let (code, since) = match state {
            sup::ColumnState::Fresh => ("fresh", None),
            sup::ColumnState::Stale { since } => ("stale", Some(since.to_string())),
            sup::ColumnState::LongStale { since } => ("long_stale", Some(since.to_string())),
            sup::ColumnState::Blank => ("blank", None),
        };
        let class_label = serde_json::from_value::<gongkai_domain::disclosure::UpdateClass>(serde_json::Value::String(
            r.update_class.clone(),
        ))
        .map_or("其他栏目（6个月）", |c| c.label());
        out.entry(r.unit_id).or_default().push(ColumnLine {
            catalog_node_id: r.catalog_node_id,
            code: r.code,
            class_label,
            last_update: r.last_update,
            state: code,
            since,
            check: sup::ColumnCheck { name: r.title, class, state },
        });
    }
    Ok(out)
}

/// A unit's column report: the columns out of date or blank, and the single-veto rows they (and
/// messages unanswered over three months) trip.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ColumnReport {
    pub unit_id: i64,
    pub unit_name: String,
    pub checked: usize,
    pub problems: Vec<ColumnLine>,
    pub stale: usize,
    pub long_stale: usize,
    pub blank: usize,
    pub flags: Vec<VetoLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VetoLine {
    pub count: usize,
    pub basis: &'static str,
}

pub async fn column_reports(state: &AppState, unit: Option<i64>, at: NaiveDate) -> Result<Vec<ColumnReport>> {
    let names: BTreeMap<i64, String> =
        db::org::list_units(&state.db).await?.into_iter().map(|u| (u.unit_id, u.name)).collect();
    let mut out = vec![];
    for (unit_id, cols) in column_checks(&state.db, unit, at).await? {
        let checks: Vec<sup::ColumnCheck> = cols.iter().map(|c| c.check.clone()).collect();
        let (_, veto_messages) = crate::flows::interaction::unanswered_counts(state, Some(unit_id), at).await?;
        let flags = sup::single_veto(&checks, veto_messages)
            .into_iter()
            .map(|f| {
                let count = match &f {
                    sup::VetoFlag::StaleNewsAndNoticeColumns { count }
                    | sup::VetoFlag::LongStaleColumns { count }
                    | sup::VetoFlag::BlankColumns { count }
                    | sup::VetoFlag::UnansweredConsultations { count } => *count,
                    sup::VetoFlag::SilentAccount { .. } => 1,
                };
                VetoLine { count, basis: f.basis() }
            })
            .collect();
        out.push(ColumnReport {
            unit_id,
            unit_name: names.get(&unit_id).cloned().unwrap_or_default(),
            checked: cols.len(),
            stale: cols.iter().filter(|c| c.state == "stale").count(),
            long_stale: cols.iter().filter(|c| c.state == "long_stale").count(),
            blank: cols.iter().filter(|c| c.state == "blank").count(),
            problems: cols.into_iter().filter(|c| c.state != "fresh").collect(),
            flags,
        });
    }
    Ok(out)
}

/// One unit's month from the records.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UnitFigures {
    pub unit_id: i64,
    pub unit_name: String,
    pub month: UnitMonth,
}

/// The month's figures for every unit, keyed by unit id (the 月报's data, versioned).
pub type MonthFigures = BTreeMap<String, UnitFigures>;

pub async fn compute_month(state: &AppState, ym: YearMonth, today: NaiveDate) -> Result<MonthFigures> {
    let db = &state.db;
    let first = ym.first_day();
    let end = ym.last_day().min(today);
    let (first_s, end_s) = (first.to_string(), end.to_string());
    let units = db::org::list_units(db).await?;
    let mut map: BTreeMap<i64, UnitMonth> = units.iter().map(|u| (u.unit_id, UnitMonth::default())).collect();

    for a in db::supervision::application_dates(db, &first_s, &end_s).await? {
        let Some(m) = a.unit_id.and_then(|u| map.get_mut(&u)) else { continue };
        let received = date(&a.received_on);
        let finished = a.finished_on.as_deref().and_then(date);
        let due = a.due_on.as_deref().and_then(date);
        if received.is_some_and(|r| r >= first && r <= end) {
            m.applications_received += 1;
        }
        match finished {
            Some(f) if f >= first && f <= end => {
                m.applications_answered += 1;
                if due.is_none_or(|d| f <= d) {
                    m.applications_answered_on_time += 1;
                }
            }
            Some(f) if f < first => {}
            _ => {
                // Open at month end. A paused clock has no due date and is never overdue.
                if due.is_some_and(|d| d < end) {
                    m.applications_overdue += 1;
                } else {
                    m.applications_carried += 1;
                }
            }
        }
    }

    let zombie = zombie_after_days(state);
    for r in db::supervision::accounts(db, &end_s).await? {
        if let (Some(a), Some(m)) = (domain_account(&r), map.get_mut(&r.unit_id)) {
            if date(&r.opened_on).is_some_and(|o| o <= end)
                && matches!(a.status(end, zombie), AccountStatus::Dormant | AccountStatus::Zombie)
            {
                m.silent_accounts += 1;
            }
        }
    }

    for f in db::supervision::findings(db, None, None).await? {
        let Some(m) = map.get_mut(&f.unit_id) else { continue };
        let due = date(&f.due_on);
        let closed = f.closed_on.as_deref().and_then(date);
        let found = date(&f.found_on);
        if found.is_some_and(|d| d <= end) && due.is_some_and(|d| d < end) && closed.is_none_or(|c| c > end) {
            m.open_rectifications += 1;
        }
    }

    for msg in db::interaction::message_dates(db).await? {
        let Some(m) = msg.unit_id.and_then(|u| map.get_mut(&u)) else { continue };
        let due = date(&msg.due_on);
        let answered = msg.answered_on.as_deref().and_then(date);
        let submitted = date(&msg.submitted_on);
        if submitted.is_some_and(|s| s <= end) && due.is_some_and(|d| d < end) && answered.is_none_or(|a| a > end) {
            m.unanswered_messages += 1;
        }
    }

    for (unit, d) in disclosure_figures(db, ym, today).await? {
        if let Some(m) = map.get_mut(&unit) {
            m.published_by_channel = d.published_by_channel;
            m.published_items = d.published_items;
            m.published_late = d.published_late;
            m.review_overrides = d.review_overrides;
            m.stale_columns = d.stale_columns;
            m.blank_columns = d.blank_columns;
            m.late_interpretations += d.late_interpretations;
        }
    }
    for (unit, n) in crate::flows::interaction::late_interpretations_by_unit(db, end).await? {
        if let Some(m) = map.get_mut(&unit) {
            m.late_interpretations += n;
        }
    }

    Ok(units
        .into_iter()
        .map(|u| {
            let month = map.remove(&u.unit_id).unwrap_or_default();
            (u.unit_id.to_string(), UnitFigures { unit_id: u.unit_id, unit_name: u.name, month })
        })
        .collect())
}

/// Default weights: every indicator 1, rates need 3 cases.
pub fn scoring_config(state: &AppState) -> ScoringConfig {
    serde_json::from_str(&state.setting(SCORING_KEY)).unwrap_or_else(|_| ScoringConfig::equal_weights())
}

/// Save the office's weights (indicator code → weight as typed). Validated by the domain: a
/// negative or non-numeric weight or all zeros is refused with a clear message; nothing saved.
pub async fn save_scoring(
    state: &AppState,
    actor: &Actor,
    weights: &[(String, String)],
    min_count: &str,
) -> Result<ScoringConfig> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut map = BTreeMap::new();
    let mut errors = vec![];
    for i in Indicator::ALL {
        let code = indicator_code(i);
        let raw = weights.iter().find(|(k, _)| k == &code).map(|(_, v)| v.trim()).unwrap_or("0");
        match raw.parse::<f64>() {
            Ok(w) => {
                map.insert(i, w);
            }
            Err(_) => errors.push(FieldError::new(&code, format!("指标“{}”的权重“{raw}”不是数字", i.label()))),
        }
    }
    let min: u32 = match min_count.trim().parse() {
        Ok(n) => n,
        Err(_) => {
            errors.push(FieldError::new("min_count", "最小样本数应为正整数"));
            1
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let config =
        ScoringConfig::new(map, min).map_err(|e| AppError::Invalid(vec![FieldError::new("weights", e.to_string())]))?;
    let json = serde_json::to_string(&config).map_err(|e| AppError::Internal(e.into()))?;
    let before = serde_json::from_str::<serde_json::Value>(&state.setting(SCORING_KEY)).ok();
    let mut tx = state.db.begin().await?;
    db::org::put_setting(&mut tx, SCORING_KEY, &json).await?;
    db::audit::record(
        &mut tx,
        actor,
        "supervision.scoring",
        "setting",
        SCORING_KEY,
        before.as_ref(),
        serde_json::to_value(&config).ok().as_ref(),
    )
    .await?;
    db::audit::feed(&mut tx, "settings.changed", "setting", SCORING_KEY, None).await?;
    tx.commit().await?;
    state.reload_settings().await.map_err(AppError::Internal)?;
    Ok(config)
}

pub fn indicator_code(i: Indicator) -> String {
    serde_json::to_value(i).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorInfo {
    pub code: String,
    pub label: &'static str,
    pub definition: &'static str,
    pub weight: f64,
}

pub fn indicators(config: &ScoringConfig) -> Vec<IndicatorInfo> {
    Indicator::ALL
        .iter()
        .map(|i| IndicatorInfo {
            code: indicator_code(*i),
            label: i.label(),
            definition: i.definition(),
            weight: config.weight(*i),
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct RankLine {
    pub unit_id: i64,
    pub unit_name: String,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    pub small_sample: bool,
    pub parts: Vec<PartLine>,
    pub figures: UnitMonth,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartLine {
    pub label: &'static str,
    pub value: Option<f64>,
    pub count: u32,
    pub weighted: f64,
    pub small_sample: bool,
}

pub fn rank_month(figures: &MonthFigures, config: &ScoringConfig) -> Vec<RankLine> {
    let input: Vec<(UnitId, UnitMonth)> = figures.iter().map(|(k, f)| (UnitId(k.clone()), f.month.clone())).collect();
    sup::rank(&input, config)
        .into_iter()
        .filter_map(|r: RankedUnit| {
            let f = figures.get(&r.unit.0)?;
            Some(RankLine {
                unit_id: f.unit_id,
                unit_name: f.unit_name.clone(),
                score: r.score.map(|s| (s * 10.0).round() / 10.0),
                rank: r.rank,
                small_sample: r.small_sample,
                parts: r
                    .parts
                    .iter()
                    .map(|p| PartLine {
                        label: p.indicator.label(),
                        value: p.value,
                        count: p.count,
                        weighted: (p.weighted * 10.0).round() / 10.0,
                        small_sample: p.small_sample,
                    })
                    .collect(),
                figures: f.month.clone(),
            })
        })
        .collect()
}

pub fn parse_month(s: &str) -> Result<YearMonth> {
    let bad = || AppError::BadRequest(format!("月份“{s}”无效，应为 YYYY-MM"));
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    YearMonth::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?)
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

pub fn month_key(ym: YearMonth) -> String {
    format!("{:04}-{:02}", ym.year(), ym.month())
}

/// The 月报 page's data: the issued version (latest, or the one asked for) and the live recomputation.
#[derive(Debug, Clone, Serialize)]
pub struct MonthView {
    pub month: String,
    pub label: String,
    pub closed: bool,
    pub version: Option<i64>,
    pub reason: Option<String>,
    pub issued_at: Option<String>,
    pub versions: Vec<(i64, Option<String>, String)>,
    pub lines: Vec<RankLine>,
    pub indicators: Vec<IndicatorInfo>,
    pub min_count: u32,
    /// The live figures differ from the issued version (a new version needs a reason).
    pub differs: bool,
    pub changed: Vec<String>,
    pub totals: UnitMonth,
    /// Items published this month by channel (from the shown version's figures).
    pub channels: Vec<(&'static str, u32)>,
    /// Items published this month by 条例第二十条 item (live).
    pub art20: Vec<(String, u32)>,
    /// Units whose columns or messages trip a single-veto row at the month's end (live).
    pub veto_units: Vec<ColumnReport>,
    /// Every unit's column report at the month's end (live), for the unit's own view.
    pub columns: Vec<ColumnReport>,
}

pub async fn month_view(state: &AppState, ym: YearMonth, version: Option<i64>, today: NaiveDate) -> Result<MonthView> {
    let key = month_key(ym);
    let versions = db::supervision::monthly_versions(&state.db, &key).await?;
    let live = compute_month(state, ym, today).await?;
    let chosen = match version {
        Some(v) => versions.iter().find(|r| r.version == v),
        None => versions.first(),
    };
    let (figures, config, differs, changed) = match chosen {
        Some(row) => {
            let figures: MonthFigures =
                serde_json::from_str(&row.figures_json).map_err(|e| AppError::Internal(e.into()))?;
            let config: ScoringConfig =
                serde_json::from_str(&row.config_json).unwrap_or_else(|_| scoring_config(state));
            let changed = sup::changed_paths(
                &serde_json::to_value(&figures).unwrap_or_default(),
                &serde_json::to_value(&live).unwrap_or_default(),
            );
            (figures, config, !changed.is_empty(), changed)
        }
        None => (live, scoring_config(state), false, vec![]),
    };
    let mut totals = UnitMonth::default();
    for f in figures.values() {
        let m = &f.month;
        totals.applications_received += m.applications_received;
        totals.applications_answered += m.applications_answered;
        totals.applications_answered_on_time += m.applications_answered_on_time;
        totals.applications_overdue += m.applications_overdue;
        totals.applications_carried += m.applications_carried;
        totals.silent_accounts += m.silent_accounts;
        totals.open_rectifications += m.open_rectifications;
        totals.unanswered_messages += m.unanswered_messages;
        totals.published_items += m.published_items;
        totals.published_late += m.published_late;
        totals.stale_columns += m.stale_columns;
        totals.blank_columns += m.blank_columns;
        totals.review_overrides += m.review_overrides;
        for (c, n) in &m.published_by_channel {
            *totals.published_by_channel.entry(*c).or_default() += n;
        }
    }
    let channels = [
        (sup::Channel::Website, "政府网站"),
        (sup::Channel::Weibo, "政务微博"),
        (sup::Channel::WeChat, "政务微信"),
        (sup::Channel::App, "客户端"),
        (sup::Channel::Other, "其他"),
    ]
    .iter()
    .map(|(c, l)| (*l, totals.published_by_channel.get(c).copied().unwrap_or(0)))
    .collect();
    let mut art20: BTreeMap<String, u32> = BTreeMap::new();
    for d in disclosure_figures(&state.db, ym, today).await?.into_values() {
        for (k, n) in d.published_by_art20 {
            let label = gongkai_domain::disclosure::Art20Category::from_code(&k)
                .map_or_else(|| "其他主动公开信息".to_string(), |c| c.label().to_string());
            *art20.entry(label).or_default() += n;
        }
    }
    let columns = column_reports(state, None, ym.last_day().min(today)).await?;
    let veto_units = columns.iter().filter(|c| !c.flags.is_empty()).cloned().collect();
    Ok(MonthView {
        month: key,
        label: ym.to_string(),
        closed: ym.is_closed(today),
        version: chosen.map(|r| r.version),
        reason: chosen.and_then(|r| r.reason.clone()),
        issued_at: chosen.map(|r| r.created_at.clone()),
        versions: versions.iter().map(|r| (r.version, r.reason.clone(), r.created_at.clone())).collect(),
        lines: rank_month(&figures, &config),
        indicators: indicators(&config),
        min_count: config.min_count_for_rate(),
        differs,
        changed: changed.into_iter().take(20).collect(),
        totals,
        channels,
        art20: art20.into_iter().collect(),
        veto_units,
        columns,
    })
}

/// Issue the month's 月报: version 1 once the month is over; later, a new version only when the
/// recomputed figures differ, and then only with a reason (the domain decides).
pub async fn issue_month(
    state: &AppState,
    actor: &Actor,
    ym: YearMonth,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<Option<i64>> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let key = month_key(ym);
    let figures = compute_month(state, ym, today).await?;
    let config = scoring_config(state);
    let versions = db::supervision::monthly_versions(&state.db, &key).await?;
    let report = match versions.first() {
        None => MonthlyReport::first_issue(ym, figures, today).map_err(|e| AppError::BadRequest(e.to_string()))?,
        Some(row) => {
            let old: MonthFigures =
                serde_json::from_str(&row.figures_json).map_err(|e| AppError::Internal(e.into()))?;
            let published =
                MonthlyReport { month: ym, version: row.version as u32, reason: row.reason.clone(), figures: old };
            match published.revise(figures, reason).map_err(|e| AppError::BadRequest(e.to_string()))? {
                Revision::Unchanged => return Ok(None),
                Revision::NewVersion { report, .. } => report,
            }
        }
    };
    let figures_json = serde_json::to_string(&report.figures).map_err(|e| AppError::Internal(e.into()))?;
    let config_json = serde_json::to_string(&config).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    let id = db::supervision::insert_monthly(
        &mut tx,
        &key,
        i64::from(report.version),
        report.reason.as_deref(),
        &figures_json,
        &config_json,
        &actor.username,
    )
    .await?;
    let after = serde_json::json!({"month": key, "version": report.version, "reason": report.reason});
    db::audit::record(&mut tx, actor, "monthly_report.issue", "monthly_report", &id.to_string(), None, Some(&after))
        .await?;
    db::audit::feed(&mut tx, "monthly_report.issued", "monthly_report", &id.to_string(), None).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The trend: (month, the government's mean score, the unit's score) over the issued months, oldest first.
pub async fn trend(state: &AppState, unit_id: Option<i64>) -> Result<Vec<(String, f64)>> {
    let mut out = vec![];
    for row in db::supervision::monthly_latest(&state.db).await?.into_iter().rev() {
        let Ok(figures) = serde_json::from_str::<MonthFigures>(&row.figures_json) else { continue };
        let config: ScoringConfig =
            serde_json::from_str(&row.config_json).unwrap_or_else(|_| ScoringConfig::equal_weights());
        let lines = rank_month(&figures, &config);
        let scores: Vec<f64> =
            lines.iter().filter(|l| unit_id.is_none_or(|u| u == l.unit_id)).filter_map(|l| l.score).collect();
        if !scores.is_empty() {
            out.push((row.month.clone(), scores.iter().sum::<f64>() / scores.len() as f64));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- spot checks

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SpotCheckForm {
    #[serde(default)]
    pub checked_on: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub inspectors: String,
    /// How many units to draw at random (0 or blank: no draw).
    #[serde(default)]
    pub draw_count: String,
    /// The seed, if the office announced one beforehand; random otherwise.
    #[serde(default)]
    pub draw_seed: String,
}

pub async fn create_spot_check(state: &AppState, actor: &Actor, f: &SpotCheckForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    let d = date(&f.checked_on);
    if d.is_none() {
        errors.push(FieldError::new("checked_on", "检查日期应为 YYYY-MM-DD"));
    }
    if f.title.trim().is_empty() {
        errors.push(FieldError::new("title", "请填写检查名称"));
    }
    if f.scope.trim().is_empty() {
        errors.push(FieldError::new("scope", "请填写检查范围"));
    }
    if f.inspectors.trim().is_empty() {
        errors.push(FieldError::new("inspectors", "请填写检查人员"));
    }
    let count: usize = match f.draw_count.trim() {
        "" => 0,
        s => s.parse().unwrap_or_else(|_| {
            errors.push(FieldError::new("draw_count", "抽取单位数应为整数"));
            0
        }),
    };
    let seed: Option<u64> = match f.draw_seed.trim() {
        "" => None,
        s => match s.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(FieldError::new("draw_seed", "随机种子应为非负整数"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (seed_s, pop_json, result_json) = if count > 0 {
        let seed = seed.unwrap_or_else(|| {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).expect("random");
            u64::from_le_bytes(b) >> 11
        });
        let population: Vec<i64> = db::org::list_units(&state.db).await?.into_iter().map(|u| u.unit_id).collect();
        let drawn = sup::draw(seed, &population, count);
        (Some(seed.to_string()), serde_json::to_string(&population).ok(), serde_json::to_string(&drawn).ok())
    } else {
        (None, None, None)
    };
    let checked_on = d.map(|d| d.to_string()).unwrap_or_default();
    let mut tx = state.db.begin().await?;
    let id = db::supervision::insert_spot_check(
        &mut tx,
        &db::supervision::NewSpotCheck {
            checked_on: &checked_on,
            title: f.title.trim(),
            scope: f.scope.trim(),
            inspectors: f.inspectors.trim(),
            draw_seed: seed_s.clone(),
            draw_population_json: pop_json,
            draw_result_json: result_json.clone(),
        },
    )
    .await?;
    let after = serde_json::json!({"form": f, "seed": seed_s, "drawn": result_json});
    db::audit::record(&mut tx, actor, "spot_check.create", "spot_check", &id.to_string(), None, Some(&after)).await?;
    db::audit::feed(&mut tx, "spot_check.changed", "spot_check", &id.to_string(), None).await?;
    tx.commit().await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FindingForm {
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub working_days: String,
}

pub async fn add_finding(state: &AppState, actor: &Actor, check_id: i64, f: &FindingForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let check = db::supervision::spot_check(&state.db, check_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = vec![];
    let unit_id: Option<i64> = f.unit_id.trim().parse().ok();
    if unit_id.is_none() {
        errors.push(FieldError::new("unit_id", "请选择单位"));
    }
    if f.rule.trim().is_empty() {
        errors.push(FieldError::new("rule", "请填写违反的规定或指标"));
    }
    if f.description.trim().is_empty() {
        errors.push(FieldError::new("description", "请描述发现的问题"));
    }
    let days: u32 = f.working_days.trim().parse().ok().filter(|d| (1..=60).contains(d)).unwrap_or_else(|| {
        errors.push(FieldError::new("working_days", "整改期限应为1至60个工作日"));
        0
    });
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let found = date(&check.checked_on)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("spot check {check_id} has a bad date")))?;
    let due = state.calendar().add_working_days(found, days).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let unit_id = unit_id.unwrap_or_default();
    let mut tx = state.db.begin().await?;
    db::org::get_unit_tx(&mut tx, unit_id)
        .await?
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("unit_id", "单位不存在")]))?;
    let id = db::supervision::insert_finding(
        &mut tx,
        &db::supervision::NewFinding {
            spot_check_id: check_id,
            unit_id,
            rule: f.rule.trim(),
            description: f.description.trim(),
            found_on: &found.to_string(),
            working_days: i64::from(days),
            due_on: &due.to_string(),
        },
    )
    .await?;
    let after = serde_json::json!({"unit_id": unit_id, "rule": f.rule.trim(), "due_on": due.to_string()});
    db::audit::record(&mut tx, actor, "finding.create", "finding", &id.to_string(), None, Some(&after)).await?;
    db::audit::feed(&mut tx, "finding.changed", "finding", &id.to_string(), Some(unit_id)).await?;
    db::application::notify_once(
        &mut tx,
        Some(unit_id),
        false,
        &format!("抽查发现问题，请于{due}前整改：{}", f.rule.trim()),
        &format!("/staff/rectifications/{id}"),
        &format!("finding:{id}:new"),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub fn rect_status(code: &str) -> RectificationStatus {
    match code {
        "submitted" => RectificationStatus::Submitted,
        "accepted" => RectificationStatus::Accepted,
        "returned" => RectificationStatus::Returned,
        _ => RectificationStatus::Open,
    }
}

pub fn rect_code(s: RectificationStatus) -> &'static str {
    match s {
        RectificationStatus::Open => "open",
        RectificationStatus::Submitted => "submitted",
        RectificationStatus::Accepted => "accepted",
        RectificationStatus::Returned => "returned",
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    #[serde(flatten)]
    pub row: db::supervision::FindingRow,
    pub status_label: &'static str,
    pub overdue: bool,
}

pub fn finding_view(row: db::supervision::FindingRow, today: NaiveDate) -> FindingView {
    let status = rect_status(&row.status);
    let overdue = date(&row.due_on).is_some_and(|due| {
        sup::Finding { unit: UnitId(row.unit_id.to_string()), description: String::new(), found_on: due, due, status }
            .is_overdue(today)
    });
    FindingView { status_label: status.label(), overdue, row }
}

pub async fn findings(
    state: &AppState,
    actor: &Actor,
    check_id: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<FindingView>> {
    let scope = if actor.is_office() { None } else { Some(actor.unit_id.ok_or(AppError::Forbidden)?) };
    Ok(db::supervision::findings(&state.db, check_id, scope)
        .await?
        .into_iter()
        .map(|r| finding_view(r, today))
        .collect())
}

/// A step of a rectification: the unit submits evidence; the office accepts or returns it.
pub async fn rectify(
    state: &AppState,
    actor: &Actor,
    finding_id: i64,
    event: RectificationEvent,
    today: NaiveDate,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    let f = db::supervision::finding_tx(&mut tx, finding_id).await?.ok_or(AppError::NotFound)?;
    if !actor.is_office() && !actor.may_access_unit(f.unit_id) {
        return Err(AppError::NotFound);
    }
    match &event {
        RectificationEvent::Submit(_) if !actor.may_access_unit(f.unit_id) && !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        RectificationEvent::Accept | RectificationEvent::Return { .. } if !actor.is_office() => {
            return Err(AppError::Forbidden);
        }
        _ => {}
    }
    let status = rect_status(&f.status);
    let next = sup::spot_check::apply(status, &event).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (mut evidence, mut submitted_on, mut reason, mut closed_on) =
        (f.evidence.clone(), f.submitted_on.clone(), f.return_reason.clone(), f.closed_on.clone());
    let (action, note) = match &event {
        RectificationEvent::Submit(e) => {
            evidence = e.as_str().to_string();
            submitted_on = Some(today.to_string());
            ("finding.submit", format!("单位已提交整改材料：{}", f.rule))
        }
        RectificationEvent::Accept => {
            closed_on = Some(today.to_string());
            ("finding.accept", format!("整改已验收通过：{}", f.rule))
        }
        RectificationEvent::Return { reason: r } => {
            reason = r.trim().to_string();
            ("finding.return", format!("整改被退回：{}（{}）", f.rule, r.trim()))
        }
    };
    let ok = db::supervision::update_finding(
        &mut tx,
        finding_id,
        &f.status,
        rect_code(next),
        &evidence,
        submitted_on.as_deref(),
        &reason,
        closed_on.as_deref(),
    )
    .await?;
    if !ok {
        return Err(AppError::Conflict("该问题已被他人处理，请刷新后重试".into()));
    }
    let before = serde_json::json!({"status": f.status});
    let after = serde_json::json!({"status": rect_code(next), "evidence": evidence, "return_reason": reason, "closed_on": closed_on});
    db::audit::record(&mut tx, actor, action, "finding", &finding_id.to_string(), Some(&before), Some(&after)).await?;
    db::audit::feed(&mut tx, "finding.changed", "finding", &finding_id.to_string(), Some(f.unit_id)).await?;
    let to_office = matches!(event, RectificationEvent::Submit(_));
    let key = format!("finding:{finding_id}:{action}:{}", crate::db::now_text());
    db::application::notify_once(
        &mut tx,
        Some(f.unit_id),
        to_office,
        &note,
        &format!("/staff/rectifications/{finding_id}"),
        &key,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Escalation: every overdue rectification is reported to the office once (and to the unit).
pub async fn escalate_overdue(state: &AppState, today: NaiveDate) -> Result<usize> {
    let mut made = 0;
    let mut tx = state.db.begin().await?;
    for f in db::supervision::findings(&state.db, None, None).await? {
        let v = finding_view(f, today);
        if v.overdue {
            let msg = format!("整改逾期：{}（{}，期限{}）", v.row.rule, v.row.unit_name, v.row.due_on);
            if db::application::notify_once(
                &mut tx,
                Some(v.row.unit_id),
                true,
                &msg,
                &format!("/staff/rectifications/{}", v.row.finding_id),
                &format!("finding:{}:overdue:{}", v.row.finding_id, v.row.due_on),
            )
            .await?
            {
                made += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(made)
}

pub async fn publish_bulletin(
    state: &AppState,
    actor: &Actor,
    check_id: i64,
    bulletin: &str,
    today: NaiveDate,
) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let text = bulletin.trim();
    if text.is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("bulletin", "请填写通报正文")]));
    }
    let mut tx = state.db.begin().await?;
    if db::supervision::publish_spot_check(&mut tx, check_id, text, &today.to_string()).await? == 0 {
        return Err(AppError::NotFound);
    }
    db::audit::record(
        &mut tx,
        actor,
        "spot_check.publish",
        "spot_check",
        &check_id.to_string(),
        None,
        Some(&serde_json::json!({"bulletin": text})),
    )
    .await?;
    db::audit::feed(&mut tx, "spot_check.published", "spot_check", &check_id.to_string(), None).await?;
    tx.commit().await?;
    Ok(())
}

/// A draft 通报 from the findings (the office edits it before publishing). Units are named; no
/// personal data is involved.
pub fn draft_bulletin(check: &db::supervision::SpotCheckRow, findings: &[FindingView]) -> String {
    let mut s = format!("{}，{}对{}开展了{}。", check.checked_on, check.inspectors, check.scope, check.title);
    if let Some(seed) = &check.draw_seed {
        s.push_str(&format!("检查单位由随机抽取产生（随机种子 {seed}）。"));
    }
    if findings.is_empty() {
        s.push_str("本次检查未发现问题。");
    } else {
        s.push_str(&format!("共发现问题{}个：", findings.len()));
        let items: Vec<String> = findings
            .iter()
            .map(|f| format!("{}：{}（{}）", f.row.unit_name, f.row.description, f.status_label))
            .collect();
        s.push_str(&items.join("；"));
        s.push_str("。请有关单位按期整改到位。");
    }
    s
}

// ---------------------------------------------------------------- dashboard card

#[derive(Debug, Clone, Default, Serialize)]
pub struct SupervisionCard {
    pub overdue_rectifications: usize,
    pub open_rectifications: usize,
    pub silent_accounts: usize,
    pub remind_accounts: usize,
    pub overdue_messages: usize,
    pub veto_messages: usize,
}

/// Red/amber/green counts for the dashboard: the office sees all units, a unit its own.
pub async fn card(state: &AppState, unit: Option<i64>, today: NaiveDate) -> Result<SupervisionCard> {
    let mut c = SupervisionCard::default();
    for f in db::supervision::findings(&state.db, None, unit).await? {
        let v = finding_view(f, today);
        if v.row.status != "accepted" {
            c.open_rectifications += 1;
        }
        if v.overdue {
            c.overdue_rectifications += 1;
        }
    }
    let zombie = zombie_after_days(state);
    for r in db::supervision::accounts(&state.db, &today.to_string()).await? {
        if unit.is_some_and(|u| u != r.unit_id) {
            continue;
        }
        if let Some(a) = domain_account(&r) {
            match a.status(today, zombie) {
                AccountStatus::Dormant | AccountStatus::Zombie => c.silent_accounts += 1,
                AccountStatus::Normal if a.days_silent(today) >= sup::account::REMIND_AFTER_DAYS => {
                    c.remind_accounts += 1
                }
                _ => {}
            }
        }
    }
    let (overdue, veto) = crate::flows::interaction::unanswered_counts(state, unit, today).await?;
    c.overdue_messages = overdue;
    c.veto_messages = veto;
    Ok(c)
}

// ---------------------------------------------------------------- training and annual assessment

pub const TRAINING_KINDS: [(&str, &str); 3] =
    [("rotation", "轮训"), ("symposium", "座谈会"), ("field_visit", "实地调研")];

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TrainingForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub units: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub note: String,
}

pub async fn add_training(db: &Db, actor: &Actor, f: &TrainingForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut errors = vec![];
    if !TRAINING_KINDS.iter().any(|(c, _)| *c == f.kind) {
        errors.push(FieldError::new("kind", "请选择类型"));
    }
    let d = date(&f.held_on);
    if d.is_none() {
        errors.push(FieldError::new("held_on", "日期应为 YYYY-MM-DD"));
    }
    if f.topic.trim().is_empty() {
        errors.push(FieldError::new("topic", "请填写主题"));
    }
    let participants: i64 = match f.participants.trim() {
        "" => 0,
        s => s.parse().ok().filter(|n| *n >= 0).unwrap_or_else(|| {
            errors.push(FieldError::new("participants", "参加人数应为非负整数"));
            0
        }),
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let id = db::supervision::insert_training(
        &mut tx,
        &f.kind,
        &d.map(|d| d.to_string()).unwrap_or_default(),
        f.topic.trim(),
        f.units.trim(),
        participants,
        f.note.trim(),
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "training.create",
        "training",
        &id.to_string(),
        None,
        serde_json::to_value(f).ok().as_ref(),
    )
    .await?;
    db::audit::feed(&mut tx, "training.changed", "training", &id.to_string(), None).await?;
    tx.commit().await?;
    Ok(id)
}

pub fn training_label(code: &str) -> &'static str {
    TRAINING_KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("其他")
}

/// The share (percent) of the target assessment, default 4 (the seed).
pub fn assessment_config(state: &AppState) -> AssessmentConfig {
    let share: f64 = state.setting(ASSESSMENT_SHARE_KEY).trim().parse().unwrap_or(4.0);
    AssessmentConfig::new(0.6, 0.2, 0.2, share / 100.0, 100.0, 10.0).unwrap_or_else(|_| AssessmentConfig::ruzhou_2020())
}

pub async fn save_assessment_share(state: &AppState, actor: &Actor, percent: &str) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let p: f64 = percent
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid(vec![FieldError::new("share", "分值占比应为数字（百分比）")]))?;
    AssessmentConfig::new(0.6, 0.2, 0.2, p / 100.0, 100.0, 10.0)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("share", e.to_string())]))?;
    let mut tx = state.db.begin().await?;
    db::org::put_setting(&mut tx, ASSESSMENT_SHARE_KEY, &p.to_string()).await?;
    db::audit::record(
        &mut tx,
        actor,
        "supervision.assessment_share",
        "setting",
        ASSESSMENT_SHARE_KEY,
        None,
        Some(&serde_json::json!({"percent": p})),
    )
    .await?;
    db::audit::feed(&mut tx, "settings.changed", "setting", ASSESSMENT_SHARE_KEY, None).await?;
    tx.commit().await?;
    state.reload_settings().await.map_err(AppError::Internal)?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessmentLine {
    pub unit_id: i64,
    pub unit_name: String,
    pub months_scored: usize,
    pub monthly: Option<f64>,
    pub spot_check: f64,
    pub new_media: Option<f64>,
    pub score: f64,
    pub target_points: f64,
    pub rank: u32,
    pub findings: u32,
    pub findings_late: u32,
}

/// The year's assessment of every unit: monthly scores from the issued 月报 (latest versions),
/// findings and late rectifications, and account-months inspected at each month end.
pub async fn annual(state: &AppState, year: i32, today: NaiveDate) -> Result<Vec<AssessmentLine>> {
    let units = db::org::list_units(&state.db).await?;
    let mut records: BTreeMap<i64, AnnualRecord> = units.iter().map(|u| (u.unit_id, AnnualRecord::default())).collect();
    for row in db::supervision::monthly_latest(&state.db).await? {
        if !row.month.starts_with(&format!("{year}-")) {
            continue;
        }
        let Ok(figures) = serde_json::from_str::<MonthFigures>(&row.figures_json) else { continue };
        let config: ScoringConfig =
            serde_json::from_str(&row.config_json).unwrap_or_else(|_| ScoringConfig::equal_weights());
        for l in rank_month(&figures, &config) {
            if let (Some(s), Some(r)) = (l.score, records.get_mut(&l.unit_id)) {
                r.monthly_scores.push(s);
            }
        }
    }
    for f in db::supervision::findings(&state.db, None, None).await? {
        if !f.found_on.starts_with(&format!("{year}-")) {
            continue;
        }
        let Some(r) = records.get_mut(&f.unit_id) else { continue };
        r.findings += 1;
        let late = match (f.closed_on.as_deref().and_then(date), date(&f.due_on)) {
            (Some(c), Some(d)) => f.submitted_on.as_deref().and_then(date).unwrap_or(c) > d,
            (None, Some(d)) => today.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today)) > d,
            _ => false,
        };
        if late {
            r.findings_rectified_late += 1;
        }
    }
    let zombie = zombie_after_days(state);
    for m in 1..=12 {
        let Ok(ym) = YearMonth::new(year, m) else { continue };
        if ym.first_day() > today {
            break;
        }
        let end = ym.last_day().min(today);
        for a in db::supervision::accounts(&state.db, &end.to_string()).await? {
            let Some(acc) = domain_account(&a) else { continue };
            if acc.opened_on > end {
                continue;
            }
            let status = acc.status(end, zombie);
            if status == AccountStatus::Closed {
                continue;
            }
            if let Some(r) = records.get_mut(&a.unit_id) {
                r.account_months += 1;
                if matches!(status, AccountStatus::Dormant | AccountStatus::Zombie) {
                    r.account_months_silent += 1;
                }
            }
        }
    }
    let config = assessment_config(state);
    let input: Vec<(UnitId, AnnualRecord)> = records.iter().map(|(u, r)| (UnitId(u.to_string()), r.clone())).collect();
    let names: BTreeMap<i64, String> = units.into_iter().map(|u| (u.unit_id, u.name)).collect();
    Ok(sup::rank_annual(&input, &config)
        .into_iter()
        .filter_map(|a| {
            let id: i64 = a.unit.0.parse().ok()?;
            let r = records.get(&id)?;
            let round = |x: f64| (x * 100.0).round() / 100.0;
            Some(AssessmentLine {
                unit_id: id,
                unit_name: names.get(&id).cloned().unwrap_or_default(),
                months_scored: r.monthly_scores.len(),
                monthly: a.monthly.map(round),
                spot_check: round(a.spot_check),
                new_media: a.new_media.map(round),
                score: round(a.score),
                target_points: round(a.target_points),
                rank: a.rank,
                findings: r.findings,
                findings_late: r.findings_rectified_late,
            })
        })
        .collect())
}

#[cfg(test)]
#[path = "supervision_tests.rs"]
mod tests;
