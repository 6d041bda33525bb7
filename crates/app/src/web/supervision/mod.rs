//! 监督考核 pages: the 政务新媒体 registry (and its token API), the 月报 with ranking, weights and
//! charts, spot checks and rectification, training records, the annual assessment, and the public
//! 通报 of spot checks. Charts are SVG drawn here on the server, so they need no JavaScript.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::Datelike;
use gongkai_domain::org::ObjectKind;
use gongkai_domain::supervision::{AccountStatus, Evidence, RectificationEvent};
use serde::Deserialize;

use super::WebState;
use super::context::Ctx;
use super::templates::render;
use crate::error::{ApiError, AppError, Result};
use crate::flows::supervision::{self as flow, AccountForm, FindingForm, SpotCheckForm, TrainingForm};
use crate::state::today;

pub fn router() -> Router<WebState> {
    Router::new()
        .route("/staff/new-media", get(accounts).post(create_account))
        .route("/staff/new-media/import", post(import_posts))
        .route("/staff/new-media/remind", post(remind))
        .route("/staff/new-media/{id}", get(account).post(update_account))
        .route("/staff/new-media/{id}/posts", post(log_post))
        .route("/api/v1/new-media/{id}/posts", post(api_log_post))
        .route("/staff/monthly", get(monthly))
        .route("/staff/monthly/issue", post(issue_monthly))
        .route("/staff/monthly/scores.svg", get(scores_svg))
        .route("/staff/monthly/trend.svg", get(trend_svg))
        .route("/staff/monthly/report.docx", get(monthly_docx))
        .route("/staff/scoring", get(scoring).post(save_scoring))
        .route("/staff/spot-checks", get(spot_checks).post(create_spot_check))
        .route("/staff/spot-checks/{id}", get(spot_check))
        .route("/staff/spot-checks/{id}/findings", post(add_finding))
        .route("/staff/spot-checks/{id}/publish", post(publish_bulletin))
        .route("/staff/rectifications", get(rectifications))
        .route("/staff/rectifications/{id}", get(rectification).post(rectify))
        .route("/staff/trainings", get(trainings).post(add_training))
        .route("/staff/assessment", get(assessment))
        .route("/staff/assessment/share", post(save_share))
        .route("/staff/assessment/assessment.xlsx", get(assessment_xlsx))
        .route("/supervision/bulletins", get(bulletins))
        .route("/supervision/bulletins/{id}", get(bulletin))
}

mod assessment;
mod documents;
mod monthly;
mod new_media;
mod spot_checks;

use assessment::*;
use documents::*;
use monthly::*;
use new_media::*;
use spot_checks::*;
