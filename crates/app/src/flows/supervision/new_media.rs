//! 政务新媒体: the register of accounts, their posts (logged or imported), the weekly reminders of silent accounts.

use super::*;

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

pub fn platform_choices() -> Vec<crate::flows::Choice> {
    PLATFORMS.iter().map(|(c, p)| crate::flows::Choice { code: c.to_string(), label: p.label() }).collect()
}

/// A link a post may carry: none, or an http(s) address.
fn web_link(url: &str) -> bool {
    url.is_empty() || url.starts_with("http://") || url.starts_with("https://")
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
    /// The status itself, for counting (the template compares `status`, its code).
    #[serde(skip)]
    pub state: AccountStatus,
    pub days_silent: i64,
}

pub fn view(r: AccountRow, today: NaiveDate, zombie: u32) -> AccountView {
    let a = domain_account(&r);
    let state = a.as_ref().map_or(AccountStatus::Normal, |a| a.status(today, zombie));
    let (status, status_label) = if a.is_some() { status_label(state) } else { ("normal", "—") };
    AccountView {
        state,
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

/// A post as logged: its date, title, link, and where it came from (`manual`, `api`, `import`).
#[derive(Debug, Clone, Copy)]
pub struct NewPost<'a> {
    pub posted_on: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub source: &'a str,
}

/// Log one post (by hand or through the API). Returns false when the same post was logged before.
pub async fn log_post(
    state: &AppState,
    actor: &Actor,
    account_id: i64,
    post: NewPost<'_>,
    today: NaiveDate,
) -> Result<bool> {
    let NewPost { posted_on, title, url, source } = post;
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
    if !web_link(url) {
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
        if !web_link(&url) {
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
