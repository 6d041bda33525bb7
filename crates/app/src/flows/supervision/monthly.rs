//! The monthly figures of every unit (disclosure, columns, interaction), their scoring and ranking, and the issued monthly report versions.

use super::*;

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
        D::Board | D::Other => sup::Channel::Other,
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
    /// A column of the unit's own portal elsewhere (the portal monitor): its address.
    pub portal_url: Option<String>,
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
            portal_url: None,
            check: sup::ColumnCheck { name: r.title, class, state },
        });
    }
    // The columns of a unit's portal elsewhere, from the monitor's newest run.
    for (unit_id, line) in super::portal::portal_column_lines(db, unit, at).await? {
        out.entry(unit_id).or_default().push(line);
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
        if let (Some(a), Some(m)) = (domain_account(&r), map.get_mut(&r.unit_id))
            && date(&r.opened_on).is_some_and(|o| o <= end)
            && matches!(a.status(end, zombie), AccountStatus::Dormant | AccountStatus::Zombie)
        {
            m.silent_accounts += 1;
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
