//! Projects: recorded, their progress, the public view.

use super::*;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    pub project: ldb::ProjectRow,
    pub budget: String,
    pub overdue: bool,
    pub stage: &'static str,
}

pub fn project_view(p: ldb::ProjectRow, today: NaiveDate) -> ProjectView {
    let planned_end = NaiveDate::parse_from_str(&p.planned_end, "%Y-%m-%d").unwrap_or(today);
    let overdue = p.actual_end.is_none() && today > planned_end;
    let stage = if p.accepted_on.is_some() {
        "已验收"
    } else if p.actual_end.is_some() {
        "已完工待验收"
    } else if p.actual_start.is_some() {
        "在建"
    } else {
        "未开工"
    };
    ProjectView { budget: Fen(p.budget_fen).yuan(), overdue, stage, project: p }
}

pub async fn project_views(state: &AppState, village: Option<i64>, poverty_only: bool) -> Result<Vec<ProjectView>> {
    let today = today();
    Ok(ldb::projects(&state.db, village, poverty_only).await?.into_iter().map(|p| project_view(p, today)).collect())
}

pub(super) fn may_work_on_village(actor: &Actor, v: &ldb::VillageRow) -> bool {
    may_work_on_township(actor, v.township_unit_id)
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub contractor: String,
    #[serde(default)]
    pub planned_start: String,
    #[serde(default)]
    pub planned_end: String,
    #[serde(default)]
    pub poverty: String,
    #[serde(default)]
    pub description: String,
}

pub async fn create_project(state: &AppState, actor: &Actor, f: &ProjectForm) -> Result<i64> {
    let mut e = vec![];
    let village = match f.village_id.trim().parse::<i64>() {
        Ok(v) => ldb::village(&state.db, v).await?,
        Err(_) => None,
    };
    if village.is_none() {
        e.push(FieldError::new("village_id", "请选择村（社区）"));
    }
    if f.name.trim().is_empty() {
        e.push(FieldError::new("name", "请填写项目名称"));
    }
    let budget =
        Fen::parse_yuan(&f.budget).map_err(|err| e.push(FieldError::new("budget", format!("预算：{err}")))).ok();
    let d = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let (ps, pe) = (d(&f.planned_start), d(&f.planned_end));
    if ps.is_none() || pe.is_none() || ps > pe {
        e.push(FieldError::new("planned_end", "请填写计划开工和完工日期（完工不早于开工）"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let village = village.expect("checked");
    if !may_work_on_village(actor, &village) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_project(
        &mut tx,
        &ldb::NewProject {
            name: f.name.trim().into(),
            village_id: village.village_id,
            unit_id: Some(village.township_unit_id),
            budget_fen: budget.expect("checked").0,
            source: f.source.trim().into(),
            contractor: f.contractor.trim().into(),
            planned_start: ps.expect("checked").to_string(),
            planned_end: pe.expect("checked").to_string(),
            actual_start: None,
            poverty: i64::from(f.poverty == "1"),
            description: f.description.trim().into(),
        },
    )
    .await?;
    db::audit::record(
        &mut tx,
        actor,
        "project.create",
        "livelihood_project",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"name": f.name, "village_id": village.village_id})),
    )
    .await?;
    db::audit::feed(&mut tx, "project.changed", "livelihood_project", &id.to_string(), Some(village.township_unit_id))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// A project's progress as reported: percent done, what was done, a photo, whether the office
/// accepts (验收) it now, and the day (today when none).
pub struct ProgressUpdate<'a> {
    pub progress: i64,
    pub note: &'a str,
    pub photo: Option<Upload>,
    pub accept: bool,
    pub day: Option<NaiveDate>,
}

/// A progress update (with an optional photo). 100% sets the actual completion date; `accept`
/// records 验收 (office only, after completion).
pub async fn project_progress(state: &AppState, actor: &Actor, id: i64, update: ProgressUpdate<'_>) -> Result<()> {
    let ProgressUpdate { progress, note, photo, accept, day } = update;
    let p = ldb::project(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let village = ldb::village(&state.db, p.village_id).await?.ok_or(AppError::NotFound)?;
    if !may_work_on_village(actor, &village) {
        return Err(AppError::NotFound);
    }
    if accept && !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    if !(0..=100).contains(&progress) || progress < p.progress {
        return Err(AppError::Invalid(vec![FieldError::new(
            "progress",
            format!("进度应为{}至100之间的整数", p.progress),
        )]));
    }
    if accept && p.actual_end.is_none() && progress < 100 {
        return Err(AppError::Conflict("项目完工后才能验收".into()));
    }
    if note.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new("note", "请填写进展说明")]));
    }
    let photo = match photo {
        Some(u) => {
            let (name, kind) = check_upload(&u.filename, &u.bytes)
                .map_err(|m| AppError::Invalid(vec![FieldError::new("photo", m)]))?;
            Some((name, kind, u.bytes))
        }
        None => None,
    };
    let day = day.unwrap_or_else(today).to_string();
    let mut tx = state.db.begin().await?;
    let start = (progress > 0).then_some(day.as_str());
    let end = (progress == 100).then_some(day.as_str());
    let accepted = accept.then_some(day.as_str());
    ldb::update_project_progress(&mut tx, id, progress, start, end, accepted).await?;
    let note = gongkai_domain::privacy::mask_all(note.trim()).0;
    let uid =
        ldb::insert_project_update(&mut tx, id, &day, progress, &if accept { format!("验收：{note}") } else { note })
            .await?;
    if let Some((name, kind, bytes)) = &photo {
        let sha = hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
        db::application::insert_attachment(&mut tx, "project_update", uid, name, kind, &sha, bytes).await?;
    }
    db::audit::record(
        &mut tx,
        actor,
        if accept { "project.accept" } else { "project.progress" },
        "livelihood_project",
        &id.to_string(),
        Some(&serde_json::json!({"progress": p.progress})),
        Some(&serde_json::json!({"progress": progress})),
    )
    .await?;
    db::audit::feed(&mut tx, "project.changed", "livelihood_project", &id.to_string(), p.unit_id).await?;
    tx.commit().await?;
    Ok(())
}
