//! Training records and the annual assessment of the units.

use super::*;

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
