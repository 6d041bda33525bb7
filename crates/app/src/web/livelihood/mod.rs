//! 民生监督 pages: the seven public boards under /livelihood (民生政策, 民生资金 with the masked
//! query and 查我自己的, 民生项目, 三资公开, 三务公开, 脱贫攻坚, 投诉举报), their .xlsx exports and JSON,
//! and the staff pages under /staff/livelihood (batches, findings, complaints, projects,
//! disclosures, villages, budgets, settings). Public pages only ever get masked rows from the flows.

use gongkai_domain::org::ObjectKind;
use std::collections::BTreeMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use gongkai_domain::livelihood::{ComplaintEvent, Fen};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::templates::render;
use crate::error::{ApiError, AppError, FieldError, Result};
use crate::flows::application::Upload;
use crate::flows::livelihood::{self as flow, ComplaintForm, DisclosureForm, FundQuery, ProjectForm};
use crate::state::today;

/// "查我自己的": at most this many queries a minute from one address.
pub const SELF_QUERY_PER_MINUTE: u32 = 30;

pub fn router() -> Router<WebState> {
    Router::new()
        .route("/livelihood", get(index))
        .route("/livelihood/policies", get(policies))
        .route("/livelihood/funds", get(funds))
        .route("/livelihood/funds.xlsx", get(funds_xlsx))
        .route("/livelihood/funds/mine", get(mine_form).post(mine))
        .route("/livelihood/projects", get(projects))
        .route("/livelihood/projects.xlsx", get(projects_xlsx))
        .route("/livelihood/projects/{id}", get(project))
        .route("/livelihood/sanzi", get(sanzi))
        .route("/livelihood/sanwu", get(sanwu))
        .route("/livelihood/poverty", get(poverty))
        .route("/livelihood/complaints", get(complaints).post(submit_complaint))
        .route("/livelihood/complaints/new", get(new_complaint))
        .route("/livelihood/complaints/track", get(track_complaint).post(act_on_complaint))
        .route("/livelihood/files/{id}", get(public_file))
        .route("/api/v1/livelihood/funds", get(api_funds))
        .route("/api/v1/livelihood/projects", get(api_projects))
        .route("/staff/livelihood", get(staff_index))
        .route("/staff/livelihood/batches", post(upload_batch))
        .route("/staff/livelihood/batches/{id}", get(batch))
        .route("/staff/livelihood/batches/{id}/accept", post(accept_batch))
        .route("/staff/livelihood/batches/{id}/discard", post(discard_batch))
        .route("/staff/livelihood/findings/{id}/resolve", post(resolve_finding))
        .route("/staff/livelihood/villages", post(add_village))
        .route("/staff/livelihood/programs", post(create_program_form))
        .route("/staff/livelihood/budgets", post(set_budget))
        .route("/staff/livelihood/settings", post(save_settings))
        .route("/staff/livelihood/complaints", get(staff_complaints))
        .route("/staff/livelihood/complaints/{id}", get(staff_complaint))
        .route("/staff/livelihood/complaints/{id}/step", post(complaint_step))
        .route("/staff/livelihood/projects", post(create_project))
        .route("/staff/livelihood/projects/{id}/progress", post(project_progress))
        .route("/staff/livelihood/disclosures", post(add_disclosure))
}

fn nav() -> &'static str {
    "livelihood"
}

async fn choices(state: &WebState) -> Result<minijinja::Value> {
    let villages = flow::villages(&state.db).await?;
    let programs = flow::programs(&state.db).await?;
    let periods = flow::period_keys(&state.db).await?;
    let periods: Vec<_> = periods.iter().map(|p| crate::page! { key => p, label => flow::period_label(p) }).collect();
    let mut years: Vec<String> = flow::period_keys(&state.db).await?.iter().map(|p| p[..4].to_string()).collect();
    years.dedup();
    let years: Vec<_> = years.iter().map(|y| crate::page! { key => y, label => format!("{y}年全年") }).collect();
    Ok(crate::page! { villages => villages, programs => programs, periods => periods, years => years })
}

mod boards;
mod staff;

use boards::*;
use staff::*;
