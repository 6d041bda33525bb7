//! 监督考核 pages: the 政务新媒体 registry (and its token API), the 月报 with ranking, weights and
//! charts, spot checks and rectification, training records, the annual assessment, and the public
//! 通报 of spot checks. Charts are SVG drawn here on the server, so they need no JavaScript.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json};
use chrono::Datelike;
use gongkai_domain::org::ObjectKind;
use gongkai_domain::supervision::{AccountStatus, Evidence, RectificationEvent};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::routes::{Access, Route};
use super::templates::render;
use crate::error::{ApiError, AppError, Result};
use crate::flows::supervision::{self as flow, AccountForm, FindingForm, SpotCheckForm, TrainingForm};
use crate::state::today;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new("GET", "/staff/new-media", Access::Staff, get(accounts)),
        Route::new("POST", "/staff/new-media", Access::Staff, post(create_account)),
        Route::new("POST", "/staff/new-media/import", Access::Staff, post(import_posts)),
        Route::new("POST", "/staff/new-media/remind", Access::Office, post(remind)),
        Route::new("GET", "/staff/new-media/{id}", Access::Object(ObjectKind::NewMediaAccount), get(account)),
        Route::new("POST", "/staff/new-media/{id}", Access::Object(ObjectKind::NewMediaAccount), post(update_account)),
        Route::new("POST", "/staff/new-media/{id}/posts", Access::Object(ObjectKind::NewMediaAccount), post(log_post)),
        Route::new(
            "POST",
            "/api/v1/new-media/{id}/posts",
            Access::Object(ObjectKind::NewMediaAccount),
            post(api_log_post),
        ),
        Route::new("GET", "/staff/monthly", Access::Staff, get(monthly)),
        Route::new("POST", "/staff/monthly/issue", Access::Office, post(issue_monthly)),
        Route::new("GET", "/staff/monthly/scores.svg", Access::Staff, get(scores_svg)),
        Route::new("GET", "/staff/monthly/trend.svg", Access::Staff, get(trend_svg)),
        Route::new("GET", "/staff/monthly/report.docx", Access::Staff, get(monthly_docx)),
        Route::new("GET", "/staff/scoring", Access::Office, get(scoring)),
        Route::new("POST", "/staff/scoring", Access::Office, post(save_scoring)),
        Route::new("GET", "/staff/spot-checks", Access::Office, get(spot_checks)),
        Route::new("POST", "/staff/spot-checks", Access::Office, post(create_spot_check)),
        Route::new("GET", "/staff/spot-checks/{id}", Access::Object(ObjectKind::SpotCheck), get(spot_check)),
        Route::new(
            "POST",
            "/staff/spot-checks/{id}/findings",
            Access::Object(ObjectKind::SpotCheck),
            post(add_finding),
        ),
        Route::new(
            "POST",
            "/staff/spot-checks/{id}/publish",
            Access::Object(ObjectKind::SpotCheck),
            post(publish_bulletin),
        ),
        Route::new("GET", "/staff/rectifications", Access::Staff, get(rectifications)),
        Route::new("GET", "/staff/rectifications/{id}", Access::Object(ObjectKind::Finding), get(rectification)),
        Route::new("POST", "/staff/rectifications/{id}", Access::Object(ObjectKind::Finding), post(rectify)),
        Route::new("GET", "/staff/trainings", Access::Staff, get(trainings)),
        Route::new("GET", "/staff/oversight", Access::Staff, get(oversight::oversight)),
        Route::new("POST", "/staff/oversight/evaluations", Access::Office, post(oversight::add_evaluation)),
        Route::new("POST", "/staff/oversight/accountability", Access::Office, post(oversight::add_accountability)),
        Route::new("POST", "/staff/trainings", Access::Office, post(add_training)),
        Route::new("GET", "/staff/assessment", Access::Staff, get(assessment)),
        Route::new("POST", "/staff/assessment/share", Access::Office, post(save_share)),
        Route::new("GET", "/staff/assessment/assessment.xlsx", Access::Staff, get(assessment_xlsx)),
        Route::new("GET", "/staff/portal", Access::Office, get(portal)),
        Route::new("POST", "/staff/portal", Access::Office, post(save_portal)),
        Route::new("POST", "/staff/portal/{id}/run", Access::Office, post(run_portal)),
        Route::new("GET", "/supervision/bulletins", Access::Public, get(bulletins)),
        Route::new("GET", "/supervision/bulletins/{id}", Access::Public, get(bulletin)),
    ]
}

mod assessment;
mod documents;
mod monthly;
mod new_media;
mod oversight;
mod portal;
mod spot_checks;

use assessment::*;
use documents::*;
use monthly::*;
use new_media::*;
use portal::*;
use spot_checks::*;
