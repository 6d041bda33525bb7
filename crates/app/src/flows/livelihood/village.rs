//! Village disclosures (三资公开, 三务公开): recorded with their files, and the villages late to disclose.

use super::*;

pub const SANZI_CATEGORIES: [(&str, &str); 3] =
    [("funds", "集体资金"), ("assets", "集体资产"), ("resources", "集体资源")];
pub const SANWU_CATEGORIES: [(&str, &str); 3] =
    [("party", "党务公开"), ("village", "村务公开"), ("finance", "财务公开")];

pub fn categories(board: &str) -> &'static [(&'static str, &'static str)] {
    if board == "sanzi" { &SANZI_CATEGORIES } else { &SANWU_CATEGORIES }
}

pub fn category_label(board: &str, code: &str) -> &'static str {
    categories(board).iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("")
}

/// Monthly or quarterly (setting `livelihood.disclosure_cycle`, default quarterly).
pub fn quarterly(state: &AppState) -> bool {
    state.setting("livelihood.disclosure_cycle") != "monthly"
}

/// The last complete period before `today`: the one every village should have disclosed.
pub fn due_period(today: NaiveDate, quarterly: bool) -> String {
    if quarterly {
        let q = (today.month() - 1) / 3; // the current quarter, 0-based; the last complete is q (1-based)
        if q == 0 { format!("{}-Q4", today.year() - 1) } else { format!("{}-Q{}", today.year(), q) }
    } else {
        let prev = today.with_day(1).expect("day 1").pred_opt().expect("date");
        format!("{}-{:02}", prev.year(), prev.month())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LateVillage {
    pub village_id: i64,
    pub village: String,
    pub township_unit_id: i64,
    pub township: String,
    pub board_label: &'static str,
    pub period: String,
}

/// Villages without a disclosure on `board` for the due period, for their 乡镇 and the office.
pub async fn late_villages(state: &AppState, board: &str, township: Option<i64>) -> Result<Vec<LateVillage>> {
    let period = due_period(today(), quarterly(state));
    let done: HashSet<i64> = ldb::disclosures(&state.db, board, None)
        .await?
        .into_iter()
        .filter(|d| d.period_key == period)
        .map(|d| d.village_id)
        .collect();
    Ok(ldb::villages(&state.db)
        .await?
        .into_iter()
        .filter(|v| township.is_none_or(|t| v.township_unit_id == t) && !done.contains(&v.village_id))
        .map(|v| LateVillage {
            village_id: v.village_id,
            village: v.name,
            township_unit_id: v.township_unit_id,
            township: v.township,
            board_label: if board == "sanzi" { "三资公开" } else { "三务公开" },
            period: period_label(&period),
        })
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DisclosureForm {
    #[serde(default)]
    pub village_id: String,
    #[serde(default)]
    pub board: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// The clerk's check by hand of a file whose text cannot be read (required for such a file).
    #[serde(default)]
    pub file_check: String,
}

/// Publish a village disclosure. The text and the file's text go through the personal-data
/// scanner: an ID number, phone or bank card in either blocks publication; a file whose text
/// cannot be read (an image, a scan) is published only with the clerk's recorded check by hand.
pub async fn add_disclosure(state: &AppState, actor: &Actor, f: &DisclosureForm, file: Option<Upload>) -> Result<i64> {
    let mut e = vec![];
    let village = match f.village_id.trim().parse::<i64>() {
        Ok(v) => ldb::village(&state.db, v).await?,
        Err(_) => None,
    };
    if village.is_none() {
        e.push(FieldError::new("village_id", "请选择村（社区）"));
    }
    if f.board != "sanzi" && f.board != "sanwu" {
        e.push(FieldError::new("board", "请选择三资公开或三务公开"));
    }
    if !categories(&f.board).iter().any(|(c, _)| *c == f.category) {
        e.push(FieldError::new("category", "请选择公开类别"));
    }
    let period = f.period.trim().to_uppercase();
    let period_ok = match period.split_once("-Q") {
        Some((y, q)) => y.parse::<i32>().is_ok() && matches!(q, "1" | "2" | "3" | "4"),
        None => period.len() == 7 && parse_period(&period).is_some(),
    };
    if !period_ok {
        e.push(FieldError::new("period", "公开期间应写作“2020-Q2”（季度）或“2020-06”（月）"));
    }
    if f.title.trim().is_empty() {
        e.push(FieldError::new("title", "请填写标题"));
    }
    let file = match file {
        Some(u) => Some(
            check_upload(&u.filename, &u.bytes)
                .map(|(n, k)| (n, k, u.bytes))
                .map_err(|m| AppError::Invalid(vec![FieldError::new("file", m)]))?,
        ),
        None => None,
    };
    // The file's text, read outside any transaction and with a time limit.
    let mut file_text = String::new();
    if let Some((name, kind, bytes)) = &file {
        match crate::flows::disclosure::extract_text(kind, name, bytes).await {
            Some(t) => file_text = t,
            None if f.file_check.trim().chars().count() < 4 => e.push(FieldError::new(
                "file",
                "该附件无法自动提取文字进行个人信息扫描（图片、扫描件等），请逐页人工核查后在“附件人工核查情况”中写明核查结果",
            )),
            None => {}
        }
    }
    let findings = gongkai_domain::privacy::scan(&format!("{}\n{}\n{}", f.title, f.content, file_text));
    if findings.iter().any(|x| {
        matches!(
            x.kind,
            gongkai_domain::privacy::FindingKind::IdNumber
                | gongkai_domain::privacy::FindingKind::Mobile
                | gongkai_domain::privacy::FindingKind::BankCard
        )
    }) {
        e.push(FieldError::new("content", "内容或附件含有身份证号码、手机号码或银行卡号，请删除或脱敏后再公开"));
    }
    if !e.is_empty() {
        return Err(AppError::Invalid(e));
    }
    let village = village.expect("checked");
    if !may_work_on_village(actor, &village) {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    let id = ldb::insert_disclosure(
        &mut tx,
        village.village_id,
        &f.board,
        &f.category,
        &period,
        f.title.trim(),
        f.content.trim(),
        &today().to_string(),
    )
    .await?;
    if let Some((name, kind, bytes)) = &file {
        let sha = hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
        db::application::insert_attachment(&mut tx, "village_disclosure", id, name, kind, &sha, bytes).await?;
    }
    db::audit::record(
        &mut tx,
        actor,
        "village_disclosure.publish",
        "village_disclosure",
        &id.to_string(),
        None,
        Some(&serde_json::json!({
            "village_id": village.village_id, "board": f.board, "period": period,
            "file_scanned": file.is_some() && !file_text.is_empty(),
            "file_check": (file.is_some() && file_text.is_empty()).then(|| f.file_check.trim().to_string()),
        })),
    )
    .await?;
    db::audit::feed(
        &mut tx,
        "village_disclosure.published",
        "village_disclosure",
        &id.to_string(),
        Some(village.township_unit_id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
