//! Villages, programs, budgets and the office's settings.

use super::*;

pub async fn add_village(state: &AppState, actor: &Actor, township: i64, name: &str, kind: &str) -> Result<i64> {
    if !may_work_on_township(actor, township) {
        return Err(AppError::Forbidden);
    }
    db::org::get_unit(&state.db, township)
        .await?
        .filter(|u| u.kind == "township")
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("township", "请选择乡镇（街道）")]))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(AppError::Invalid(vec![FieldError::new("name", "请填写村（社区）名称")]));
    }
    let kind = if kind == "社区" { "社区" } else { "村" };
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_village(&mut tx, township, name, kind).await?;
    db::audit::record(
        &mut tx,
        actor,
        "village.create",
        "village",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"name": name, "township": township})),
    )
    .await?;
    db::audit::feed(&mut tx, "village.changed", "village", &id.to_string(), Some(township)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A fund program (民生政策) as the office enters it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ProgramForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub min_age: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub policy_basis: String,
    #[serde(default)]
    pub eligibility: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub poverty: String,
}

/// The office adds a fund program: its code, standard and basis are what batches are checked against.
pub async fn create_program(state: &AppState, actor: &Actor, f: &ProgramForm) -> Result<i64> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let mut e = vec![];
    let code = f.code.trim();
    if code.is_empty() || code.len() > 30 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        e.push(FieldError::new("code", "代码应为30个以内的字母、数字、下划线"));
    }
    if f.name.trim().is_empty() || f.name.chars().count() > 100 {
        e.push(FieldError::new("name", "请填写项目名称（100字以内）"));
    }
    let basis = match f.basis.as_str() {
        "person" | "household" | "mu" => f.basis.clone(),
        _ => {
            e.push(FieldError::new("basis", "请选择发放标准的计量单位"));
            String::new()
        }
    };
    let standard =
        Fen::parse_yuan(&f.standard).map_err(|x| e.push(FieldError::new("standard", format!("标准：{x}")))).ok();
    let min_age = match f.min_age.trim() {
        "" => None,
        a => match a.parse::<i64>() {
            Ok(n) if (0..=150).contains(&n) => Some(n),
            _ => {
                e.push(FieldError::new("min_age", "年龄条件应为0至150的整数"));
                None
            }
        },
    };
    let unit_id = f.unit_id.trim().parse::<i64>().ok();
    if let Some(u) = unit_id
        && db::org::get_unit(&state.db, u).await?.is_none()
    {
        e.push(FieldError::new("unit_id", "责任单位不存在"));
    }
    if ldb::programs(&state.db).await?.iter().any(|p| p.code == code) {
        e.push(FieldError::new("code", "该代码已被使用"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let new = ldb::NewProgram {
        code: code.to_string(),
        name: f.name.trim().to_string(),
        basis,
        standard_fen: standard.expect("checked").0,
        min_age,
        unit_id,
        source: f.source.trim().to_string(),
        policy_basis: f.policy_basis.trim().to_string(),
        eligibility: f.eligibility.trim().to_string(),
        valid_from: f.valid_from.trim().to_string(),
        valid_to: String::new(),
        poverty: i64::from(f.poverty == "1"),
    };
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_program(&mut tx, &new).await?;
    db::audit::record(
        &mut tx,
        actor,
        "fund_program.create",
        "fund_program",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"code": new.code, "name": new.name, "standard_fen": new.standard_fen})),
    )
    .await?;
    db::audit::feed(&mut tx, "fund_program.changed", "fund_program", &id.to_string(), None).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn set_budget(
    state: &AppState,
    actor: &Actor,
    program_id: i64,
    year: i64,
    amount: &str,
    source: &str,
) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    ldb::program(&state.db, program_id).await?.ok_or(AppError::NotFound)?;
    let fen = Fen::parse_yuan(amount)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("budget", format!("预算：{e}"))]))?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::Invalid(vec![FieldError::new("year", "年度有误")]));
    }
    let mut tx = state.db.begin().await?;
    ldb::put_budget(&mut tx, program_id, year, fen.0, source.trim()).await?;
    db::audit::record(
        &mut tx,
        actor,
        "fund_budget.set",
        "fund_program",
        &program_id.to_string(),
        None,
        Some(&serde_json::json!({"year": year, "budget_fen": fen.0})),
    )
    .await?;
    db::audit::feed(&mut tx, "fund_program.changed", "fund_program", &program_id.to_string(), None).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_settings(state: &AppState, actor: &Actor, complaint_days: &str, cycle: &str) -> Result<()> {
    if !actor.is_office() {
        return Err(AppError::Forbidden);
    }
    let days: u32 = complaint_days
        .trim()
        .parse()
        .ok()
        .filter(|d| (1..=60).contains(d))
        .ok_or_else(|| AppError::Invalid(vec![FieldError::new("complaint_days", "办理期限应为1至60个工作日")]))?;
    let cycle = if cycle == "monthly" { "monthly" } else { "quarterly" };
    let mut tx = state.db.begin().await?;
    db::org::put_setting(&mut tx, "livelihood.complaint_days", &days.to_string()).await?;
    db::org::put_setting(&mut tx, "livelihood.disclosure_cycle", cycle).await?;
    db::audit::record(
        &mut tx,
        actor,
        "setting.livelihood",
        "setting",
        "livelihood",
        None,
        Some(&serde_json::json!({"complaint_days": days, "disclosure_cycle": cycle})),
    )
    .await?;
    tx.commit().await?;
    state.reload_settings().await.map_err(AppError::Internal)?;
    Ok(())
}
