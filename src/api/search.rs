//! `GET /api/v1/search` (see the contract's round-2 section).

use actix_web::web::{self, Json};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::CurrentUser;
use crate::db;
use crate::error::AppError;
use crate::search::{self, DocKind, Results, Sort};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Words, "phrases", -excluded, prefix*, and filters such as
    /// category:SLUG tag:TAG kind:KIND account:ID competitor:SLUG
    /// after:YYYY-MM-DD before:YYYY-MM-DD.
    #[param(max_length = 500)]
    pub q: Option<String>,
    /// thread, post, idea, account or competitor.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// relevance (default) or new.
    pub sort: Option<String>,
    /// 1-based.
    pub page: Option<i64>,
}

/// What a search asks, parsed once for the API and the page alike.
pub struct Asked {
    pub query: search::query::Query,
    pub only: Option<DocKind>,
    pub sort: Sort,
    pub page: i64,
}

impl SearchParams {
    pub fn parse(&self) -> Result<Asked, AppError> {
        let query = search::parse(self.q.as_deref().unwrap_or(""))?;
        let only = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            Some(k) => Some(DocKind::parse(k)?),
            None => None,
        };
        let sort = match self.sort.as_deref() {
            None | Some("") | Some("relevance") => Sort::Relevance,
            Some("new") => Sort::New,
            Some(_) => return Err(AppError::invalid("invalid_sort", "sort: relevance or new")),
        };
        let page = self.page.unwrap_or(1);
        if page < 1 {
            return Err(AppError::invalid("invalid_page", "page starts at 1"));
        }
        Ok(Asked {
            query,
            only,
            sort,
            page,
        })
    }
}

/// Finds threads, replies, ideas, accounts and competitors the caller may
/// read, best match first.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams), responses(
    (status = 200, body = Results),
    (status = 422, description = "No or an unusable query", body = crate::error::ErrorBody)))]
pub async fn search(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    params: web::Query<SearchParams>,
) -> Result<Json<Results>, AppError> {
    let asked = params.parse()?;
    Ok(Json(
        db::run(&state.pool, move |c| {
            search::find(c, &user, &asked.query, asked.only, asked.sort, asked.page)
        })
        .await?,
    ))
}
