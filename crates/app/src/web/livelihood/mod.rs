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
use axum::{Form, Json};
use gongkai_domain::livelihood::{ComplaintEvent, Fen};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{ApiError, AppError, FieldError, Result};
use crate::flows::application::Upload;
use crate::flows::livelihood::{self as flow, ComplaintForm, DisclosureForm, FundQuery, ProjectForm};
use crate::state::today;

/// "查我自己的": at most this many queries a minute from one address.
pub const SELF_QUERY_PER_MINUTE: u32 = 30;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/livelihood", Access::Public, get(index)),
        Route::new("GET", "/livelihood/policies", Access::Public, get(policies)),
        Route::new("GET", "/livelihood/funds", Access::Public, get(funds)),
        Route::new("GET", "/livelihood/funds.xlsx", Access::Public, get(funds_xlsx)),
        Route::new("GET", "/livelihood/funds/mine", Access::Public, get(mine_form)),
        Route::new("POST", "/livelihood/funds/mine", Access::Public, post(mine)),
        Route::new("GET", "/livelihood/projects", Access::Public, get(projects)),
        Route::new("GET", "/livelihood/projects.xlsx", Access::Public, get(projects_xlsx)),
        Route::new("GET", "/livelihood/projects/{id}", Access::Public, get(project)),
        Route::new("GET", "/livelihood/sanzi", Access::Public, get(sanzi)),
        Route::new("GET", "/livelihood/sanwu", Access::Public, get(sanwu)),
        Route::new("GET", "/livelihood/poverty", Access::Public, get(poverty)),
        Route::new("GET", "/livelihood/complaints", Access::Public, get(complaints)),
        Route::new("POST", "/livelihood/complaints", Access::Public, post(submit_complaint)),
        Route::new("GET", "/livelihood/complaints/new", Access::Public, get(new_complaint)),
        Route::new("GET", "/livelihood/complaints/track", Access::Public, get(track_complaint)),
        Route::new("POST", "/livelihood/complaints/track", Access::Public, post(act_on_complaint)),
        Route::new("GET", "/livelihood/files/{id}", Access::Public, get(public_file)),
        Route::new("GET", "/api/v1/livelihood/funds", Access::Public, get(api_funds)),
        Route::new("GET", "/api/v1/livelihood/projects", Access::Public, get(api_projects)),
        Route::new("GET", "/staff/livelihood", Access::Staff, get(staff_index)),
        Route::new("POST", "/staff/livelihood/batches", Access::Staff, post(upload_batch)),
        Route::new("GET", "/staff/livelihood/batches/{id}", Access::Object(ObjectKind::DisbursementBatch), get(batch)),
        Route::new(
            "POST",
            "/staff/livelihood/batches/{id}/accept",
            Access::Object(ObjectKind::DisbursementBatch),
            post(accept_batch),
        ),
        Route::new(
            "POST",
            "/staff/livelihood/batches/{id}/discard",
            Access::Object(ObjectKind::DisbursementBatch),
            post(discard_batch),
        ),
        Route::new("POST", "/staff/livelihood/findings/{id}/resolve", Access::Office, post(resolve_finding)),
        Route::new("POST", "/staff/livelihood/villages", Access::Staff, post(add_village)),
        Route::new("POST", "/staff/livelihood/programs", Access::Office, post(create_program_form)),
        Route::new("POST", "/staff/livelihood/budgets", Access::Office, post(set_budget)),
        Route::new("POST", "/staff/livelihood/settings", Access::Office, post(save_settings)),
        Route::new("GET", "/staff/livelihood/complaints", Access::Staff, get(staff_complaints)),
        Route::new(
            "GET",
            "/staff/livelihood/complaints/{id}",
            Access::Object(ObjectKind::Complaint),
            get(staff_complaint),
        ),
        Route::new(
            "POST",
            "/staff/livelihood/complaints/{id}/step",
            Access::Object(ObjectKind::Complaint),
            post(complaint_step),
        ),
        Route::new("POST", "/staff/livelihood/projects", Access::Staff, post(create_project)),
        Route::new(
            "POST",
            "/staff/livelihood/projects/{id}/progress",
            Access::Object(ObjectKind::Project),
            post(project_progress),
        ),
        Route::new("POST", "/staff/livelihood/disclosures", Access::Staff, post(add_disclosure)),
    ]
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
