//! Marketing's "useful" marks, a rep's own impact, and the contributors'
//! figures for managers (see the contract's round-2 section).

use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::authz::{self, Action};
use crate::contributions::{self, Contributors, Counts, Whom};
use crate::db;
use crate::error::AppError;
use crate::state::AppState;
use crate::time::Days;

#[derive(Serialize, ToSchema)]
pub struct Useful {
    /// Marks on the post now.
    pub useful: i64,
}

async fn mark(
    state: web::Data<AppState>,
    user: crate::models::users::User,
    id: i64,
    on: bool,
) -> Result<Json<Useful>, AppError> {
    let useful = db::run(&state.pool, move |c| {
        crate::forum::mark_useful(c, &user, id, on)
    })
    .await?;
    Ok(Json(Useful { useful }))
}

/// Marks a post useful to marketing (marketers, admins; not one's own).
#[utoipa::path(put, path = "/api/v1/posts/{id}/useful", params(("id" = i64, Path, description = "The post")),
    responses((status = 200, body = Useful), (status = 403, body = crate::error::ErrorBody),
    (status = 422, description = "One's own post", body = crate::error::ErrorBody)))]
pub async fn put_useful(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<Json<Useful>, AppError> {
    mark(state, user, id.into_inner(), true).await
}

/// Takes one's mark back.
#[utoipa::path(delete, path = "/api/v1/posts/{id}/useful", params(("id" = i64, Path, description = "The post")),
    responses((status = 200, body = Useful), (status = 403, body = crate::error::ErrorBody),
    (status = 422, description = "One's own post", body = crate::error::ErrorBody)))]
pub async fn delete_useful(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<Json<Useful>, AppError> {
    mark(state, user, id.into_inner(), false).await
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD` (UTC); default 29 days before `to`.
    pub from: Option<String>,
    /// Last day, included; default today.
    pub to: Option<String>,
    /// `json` (default) or `csv` (contributors only).
    pub format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Impact {
    pub from: String,
    pub to: String,
    pub threads: i64,
    pub replies: i64,
    pub reports: i64,
    pub ideas: i64,
    pub useful_marks: i64,
    pub read_by_marketing: i64,
    pub marketing_replies: i64,
    pub ideas_adopted: i64,
}

/// The caller's own figures over a period.
#[utoipa::path(get, path = "/api/v1/me/impact", params(PeriodQuery), responses((status = 200, body = Impact)))]
pub async fn impact(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    q: web::Query<PeriodQuery>,
) -> Result<Json<Impact>, AppError> {
    let days = Days::parse(q.from.as_deref(), q.to.as_deref())?;
    let c: Counts = db::run(&state.pool, move |c| {
        Ok(contributions::counts(c, days, Whom::Only(user.id), true)?
            .remove(&user.id)
            .unwrap_or_default())
    })
    .await?;
    Ok(Json(Impact {
        from: days.from.to_string(),
        to: days.to.to_string(),
        threads: c.threads,
        replies: c.replies,
        reports: c.reports,
        ideas: c.ideas,
        useful_marks: c.useful_marks,
        read_by_marketing: c.read_by_marketing,
        marketing_replies: c.marketing_replies,
        ideas_adopted: c.ideas_adopted,
    }))
}

/// Everyone's figures over a period, and each team's (marketers, admins).
#[utoipa::path(get, path = "/api/v1/stats/contributors", params(PeriodQuery), responses(
    (status = 200, description = "The figures; with format=csv, one row a user",
        content((Contributors = "application/json"), (String = "text/csv"))),
    (status = 403, body = crate::error::ErrorBody)))]
pub async fn contributors(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    authz::require(&user, Action::MarkUseful)?;
    let days = Days::parse(q.from.as_deref(), q.to.as_deref())?;
    let csv = super::wants_csv(q.format.as_deref())?;
    let figures = db::run(&state.pool, move |c| contributions::contributors(c, days)).await?;
    if csv {
        let name = format!("contributors-{}-{}.csv", days.from, days.to);
        return Ok(super::csv_download(
            &name,
            contributions::contributors_csv(&figures)?,
        ));
    }
    Ok(HttpResponse::Ok().json(figures))
}
