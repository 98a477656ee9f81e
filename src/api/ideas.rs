//! The idea box (see the contract).

use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::ideas::{self, Filter, Idea, NewIdea};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct IdeaIn {
    #[schema(min_length = 3, max_length = 200)]
    pub title: String,
    /// Markdown.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub competitors: Vec<String>,
    /// At most 10 tags of at most 30 letters, digits or dashes.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub tags: Vec<String>,
    /// Shown as "anonymous" to everyone but admins.
    #[serde(default)]
    pub anonymous: bool,
    /// Ids of the caller's own unattached uploads (`POST /uploads`).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachments: Vec<i64>,
    /// A UUID made by the client: sending it again creates nothing and
    /// answers 200 with the idea the first request made.
    #[serde(default)]
    pub client_id: Option<String>,
}

pub fn parse_idea(input: &IdeaIn) -> Result<NewIdea, AppError> {
    let client_id = crate::client_ids::ClientId::parse_opt(input.client_id.as_deref())?;
    let mut parsed = NewIdea::parse(ideas::IdeaDraft {
        title: &input.title,
        body: &input.body,
        accounts: input.accounts.clone(),
        competitors: input.competitors.clone(),
        tags: input.tags.clone(),
        anonymous: input.anonymous,
        attachments: input.attachments.clone(),
        links_by_name: false,
    })
    .map_err(crate::domain::FieldErrors::into_error)?;
    parsed.client_id = client_id;
    Ok(parsed)
}

/// Proposes an idea.
#[utoipa::path(post, path = "/api/v1/ideas", request_body = IdeaIn, responses((status = 201, body = Idea), (status = 200, description = "The same client_id again: the idea it made", body = Idea), (status = 409, description = "The client_id was used for something else", body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    body: Json<IdeaIn>,
) -> Result<HttpResponse, AppError> {
    let input = parse_idea(&body)?;
    let (idea, fresh) = db::run(&state.pool, move |c| {
        let (row, fresh) = ideas::create_once(c, &user, &input)?;
        Ok((ideas::get(c, &user, row.id)?, fresh))
    })
    .await?;
    Ok(crate::api::forum::created_or_replayed(fresh).json(idea))
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// top (default), new, trending or impact.
    pub sort: Option<String>,
    pub status: Option<String>,
    pub account: Option<String>,
    pub competitor: Option<String>,
    pub tag: Option<String>,
    /// 1-based.
    pub page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct IdeaPage {
    pub items: Vec<Idea>,
    pub next_page: Option<i64>,
}

pub const PAGE_SIZE: usize = 25;

/// Ideas, sorted and filtered.
#[utoipa::path(get, path = "/api/v1/ideas", params(ListQuery), responses((status = 200, body = IdeaPage), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    q: web::Query<ListQuery>,
) -> Result<Json<IdeaPage>, AppError> {
    let q = q.into_inner();
    let page = q.page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::invalid("invalid_page", "page starts at 1"));
    }
    let page = page.min(crate::text_guard::MAX_PAGE);
    let filter = Filter {
        sort: q.sort.unwrap_or_default(),
        status: q.status.filter(|s| !s.is_empty()),
        account: q.account,
        competitor: q.competitor,
        tag: q.tag,
    };
    let all = db::run(&state.pool, move |c| {
        ideas::idea_box(c, &user)?;
        ideas::list(c, &user, &filter)
    })
    .await?;
    let start = (page as usize - 1) * PAGE_SIZE;
    let more = all.len() > start + PAGE_SIZE;
    Ok(Json(IdeaPage {
        items: all.into_iter().skip(start).take(PAGE_SIZE).collect(),
        next_page: more.then_some(page + 1),
    }))
}

/// An idea with its votes, status and official answers.
#[utoipa::path(get, path = "/api/v1/ideas/{id}", params(("id" = i64, Path, description = "The numeric id")), responses((status = 200, body = Idea), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<Json<Idea>, AppError> {
    let id = id.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| ideas::get(c, &user, id)).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct VotesOut {
    pub votes: i64,
}

/// Votes for an idea; voting twice counts once.
#[utoipa::path(put, path = "/api/v1/ideas/{id}/vote", params(("id" = i64, Path, description = "The numeric id")), responses((status = 200, body = VotesOut), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn vote(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<Json<VotesOut>, AppError> {
    let id = id.into_inner();
    let votes = db::run(&state.pool, move |c| ideas::vote(c, &user, id, true)).await?;
    Ok(Json(VotesOut { votes }))
}

/// Withdraws the caller's vote.
#[utoipa::path(delete, path = "/api/v1/ideas/{id}/vote", params(("id" = i64, Path, description = "The numeric id")), responses((status = 200, body = VotesOut), (status = 409, description = "The idea was merged into another", body = crate::error::ErrorBody)))]
pub async fn unvote(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<Json<VotesOut>, AppError> {
    let id = id.into_inner();
    let votes = db::run(&state.pool, move |c| ideas::vote(c, &user, id, false)).await?;
    Ok(Json(VotesOut { votes }))
}

#[derive(Deserialize, ToSchema)]
pub struct StatusIn {
    /// open, under_review, planned, in_progress, done or declined.
    pub status: String,
    /// The official answer (Markdown).
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub response: Option<String>,
}

/// Sets an idea's status with an optional official answer (marketers, admins).
#[utoipa::path(put, path = "/api/v1/ideas/{id}/status", params(("id" = i64, Path, description = "The numeric id")), request_body = StatusIn, responses((status = 200, body = Idea), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_status(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<StatusIn>,
) -> Result<Json<Idea>, AppError> {
    let id = id.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| {
            ideas::set_status(c, &user, id, body.status.trim(), body.response.as_deref())?;
            ideas::get(c, &user, id)
        })
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct MergeIn {
    /// The idea this one duplicates.
    pub into: i64,
}

/// Merges this idea into another (marketers, admins).
#[utoipa::path(post, path = "/api/v1/ideas/{id}/merge", params(("id" = i64, Path, description = "The numeric id")), request_body = MergeIn, responses((status = 200, body = Idea), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn merge(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<MergeIn>,
) -> Result<Json<Idea>, AppError> {
    let (from, into) = (id.into_inner(), body.into);
    Ok(Json(
        db::run(&state.pool, move |c| {
            ideas::merge(c, &user, from, into)?;
            ideas::get(c, &user, into)
        })
        .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct SimilarQuery {
    pub title: String,
}

#[derive(Serialize, ToSchema)]
pub struct SimilarIdea {
    pub id: i64,
    pub title: String,
    pub status: String,
}

/// Existing ideas whose titles share words with a draft title.
#[utoipa::path(get, path = "/api/v1/ideas/similar", params(SimilarQuery), responses((status = 200, body = [SimilarIdea])))]
pub async fn similar(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    q: web::Query<SimilarQuery>,
) -> Result<Json<Vec<SimilarIdea>>, AppError> {
    let title = q.into_inner().title;
    let rows = db::run(&state.pool, move |c| ideas::similar(c, &user, &title, 5)).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, title, status)| SimilarIdea { id, title, status })
            .collect(),
    ))
}
