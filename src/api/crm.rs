//! Accounts, competitors, their intel, and follows (see the contract).

use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::forum::{ThreadItem, PAGE_SIZE};
use crate::auth::CurrentUser;
use crate::crm::{self, AccountInput, CompetitorInput};
use crate::db::{self, DbConn};
use crate::domain::Tags;
use crate::error::AppError;
use crate::forum;
use crate::models::accounts::{self, Account};
use crate::models::categories;
use crate::models::competitors::{self, Competitor};
use crate::models::follows::{self, FollowKind};
use crate::models::threads::{self, ThreadFilter};
use crate::models::users::User;
use crate::state::AppState;

fn created_or_ok(created: bool) -> actix_web::HttpResponseBuilder {
    if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
}

/// Creates or updates an account by its CRM key (marketers, admins).
#[utoipa::path(put, path = "/api/v1/accounts/{external_id}", params(("external_id" = String, Path, description = "The account's CRM key")), request_body = AccountInput, responses(
    (status = 201, body = Account, description = "Created"), (status = 200, body = Account, description = "Updated"),
    (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_account(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    key: web::Path<String>,
    body: Json<AccountInput>,
) -> Result<HttpResponse, AppError> {
    let key = key.into_inner();
    let (created, account) = db::run(&state.pool, move |c| {
        let created = crm::upsert_account(c, &user, &key, &body)?;
        Ok((
            created,
            accounts::find(c, key.trim())?.ok_or(AppError::NotFound)?,
        ))
    })
    .await?;
    Ok(created_or_ok(created).json(account))
}

/// An account.
#[utoipa::path(get, path = "/api/v1/accounts/{external_id}", params(("external_id" = String, Path, description = "The account's CRM key")), responses((status = 200, body = Account), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_account(
    state: web::Data<AppState>,
    _user: CurrentUser,
    key: web::Path<String>,
) -> Result<Json<Account>, AppError> {
    let key = key.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| {
            accounts::find(c, &key)?.ok_or(AppError::NotFound)
        })
        .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Part of a name, domain or key.
    pub q: Option<String>,
}

/// Accounts matching a search, for pickers (at most 20).
#[utoipa::path(get, path = "/api/v1/accounts", params(SearchQuery), responses((status = 200, body = [Account])))]
pub async fn search_accounts(
    state: web::Data<AppState>,
    _user: CurrentUser,
    q: web::Query<SearchQuery>,
) -> Result<Json<Vec<Account>>, AppError> {
    let q = q.into_inner().q.unwrap_or_default();
    Ok(Json(
        db::run(&state.pool, move |c| accounts::search(c, &q, 20)).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct IntelQuery {
    /// 1-based.
    pub page: Option<i64>,
    /// Only threads of this kind.
    pub kind: Option<String>,
    pub tag: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AccountIntel {
    pub account: Account,
    /// Threads linked to the account that the caller may read, newest first.
    pub threads: Vec<ThreadItem>,
    /// Ideas linked to the account, newest first.
    pub ideas: Vec<crate::ideas::Idea>,
    pub next_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CompetitorIntel {
    pub competitor: Competitor,
    pub threads: Vec<ThreadItem>,
    pub ideas: Vec<crate::ideas::Idea>,
    pub next_page: Option<i64>,
}

/// The threads linked to an account or competitor that `user` may read.
pub fn linked_threads(
    conn: &mut DbConn,
    user: &User,
    account: Option<i64>,
    competitor: Option<i64>,
    q: &IntelQuery,
) -> Result<(Vec<threads::ThreadListItem>, Option<i64>), AppError> {
    let page = q.page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::invalid("invalid_page", "page starts at 1"));
    }
    let page = page.min(crate::text_guard::MAX_PAGE);
    let readable = categories::readable_by(conn, user.role)?;
    let tag = match &q.tag {
        Some(t) => Tags::parse(&[t])
            .map_err(|e| AppError::invalid("invalid_tag", e.to_string()))?
            .as_slice()
            .first()
            .cloned(),
        None => None,
    };
    let filter = ThreadFilter {
        category_ids: readable.iter().map(|c| c.id).collect(),
        tag,
        account,
        competitor,
        kind: q.kind.clone().filter(|k| !k.is_empty()),
        viewer_id: user.id,
        page,
        per_page: PAGE_SIZE,
        ..Default::default()
    };
    let (items, more) = threads::list(conn, &filter)?;
    Ok((items, more.then_some(page + 1)))
}

/// Everything known about an account that the caller may read.
#[utoipa::path(get, path = "/api/v1/accounts/{external_id}/intel", params(("external_id" = String, Path, description = "The account's CRM key"), IntelQuery), responses(
    (status = 200, body = AccountIntel), (status = 404, body = crate::error::ErrorBody)))]
pub async fn account_intel(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    key: web::Path<String>,
    q: web::Query<IntelQuery>,
) -> Result<Json<AccountIntel>, AppError> {
    let key = key.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| {
            let account = accounts::find(c, &key)?.ok_or(AppError::NotFound)?;
            let (items, next_page) = linked_threads(c, &user, Some(account.id), None, &q)?;
            let filter = crate::ideas::Filter {
                sort: "new".into(),
                account: Some(account.external_id.clone()),
                ..Default::default()
            };
            let ideas = crate::ideas::list(c, &user, &filter)?;
            Ok(AccountIntel {
                account,
                threads: items.into_iter().map(ThreadItem::from).collect(),
                ideas,
                next_page,
            })
        })
        .await?,
    ))
}

/// Creates or updates a competitor by slug (marketers, admins).
#[utoipa::path(put, path = "/api/v1/competitors/{slug}", params(("slug" = String, Path, description = "The slug")), request_body = CompetitorInput, responses(
    (status = 201, body = Competitor), (status = 200, body = Competitor), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_competitor(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    slug: web::Path<String>,
    body: Json<CompetitorInput>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (created, comp) = db::run(&state.pool, move |c| {
        let created = crm::upsert_competitor(c, &user, &slug, &body)?;
        Ok((
            created,
            competitors::find(c, &slug.trim().to_lowercase())?.ok_or(AppError::NotFound)?,
        ))
    })
    .await?;
    Ok(created_or_ok(created).json(comp))
}

/// A competitor.
#[utoipa::path(get, path = "/api/v1/competitors/{slug}", params(("slug" = String, Path, description = "The slug")), responses((status = 200, body = Competitor), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_competitor(
    state: web::Data<AppState>,
    _user: CurrentUser,
    slug: web::Path<String>,
) -> Result<Json<Competitor>, AppError> {
    let slug = slug.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| {
            competitors::find(c, &slug)?.ok_or(AppError::NotFound)
        })
        .await?,
    ))
}

/// Competitors matching a search, for pickers (at most 20).
#[utoipa::path(get, path = "/api/v1/competitors", params(SearchQuery), responses((status = 200, body = [Competitor])))]
pub async fn search_competitors(
    state: web::Data<AppState>,
    _user: CurrentUser,
    q: web::Query<SearchQuery>,
) -> Result<Json<Vec<Competitor>>, AppError> {
    let q = q.into_inner().q.unwrap_or_default();
    Ok(Json(
        db::run(&state.pool, move |c| competitors::search(c, &q, 20)).await?,
    ))
}

/// Everything known about a competitor that the caller may read.
#[utoipa::path(get, path = "/api/v1/competitors/{slug}/intel", params(("slug" = String, Path, description = "The slug"), IntelQuery), responses(
    (status = 200, body = CompetitorIntel), (status = 404, body = crate::error::ErrorBody)))]
pub async fn competitor_intel(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    slug: web::Path<String>,
    q: web::Query<IntelQuery>,
) -> Result<Json<CompetitorIntel>, AppError> {
    let slug = slug.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| {
            let competitor = competitors::find(c, &slug)?.ok_or(AppError::NotFound)?;
            let (items, next_page) = linked_threads(c, &user, None, Some(competitor.id), &q)?;
            let filter = crate::ideas::Filter {
                sort: "new".into(),
                competitor: Some(competitor.slug.clone()),
                ..Default::default()
            };
            let ideas = crate::ideas::list(c, &user, &filter)?;
            Ok(CompetitorIntel {
                competitor,
                threads: items.into_iter().map(ThreadItem::from).collect(),
                ideas,
                next_page,
            })
        })
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct LinksIn {
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub competitors: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LinksOut {
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
}

/// Replaces a thread's account and competitor links (its author, marketers, admins).
#[utoipa::path(put, path = "/api/v1/threads/{id}/links", params(("id" = i64, Path, description = "The numeric id")), request_body = LinksIn, responses(
    (status = 200, body = LinksOut), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_links(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<LinksIn>,
) -> Result<Json<LinksOut>, AppError> {
    let id = id.into_inner();
    let links = db::run(&state.pool, move |c| {
        crm::set_thread_links(c, &user, id, &body.accounts, &body.competitors, false)
    })
    .await?;
    Ok(Json(LinksOut {
        accounts: links.account_keys(),
        competitors: links.competitor_keys(),
    }))
}

/// Checks that the followed thing exists for the user (404 otherwise).
pub fn check_follow_target(
    conn: &mut DbConn,
    user: &User,
    kind: FollowKind,
    key: &str,
) -> Result<String, AppError> {
    Ok(match kind {
        FollowKind::Category => forum::readable_category(conn, user, key)?.slug,
        FollowKind::Thread => {
            let id: i64 = key.parse().map_err(|_| AppError::NotFound)?;
            forum::visible_thread(conn, user, id)?.0.id.to_string()
        }
        FollowKind::Account => {
            accounts::find_row(conn, key)?
                .ok_or(AppError::NotFound)?
                .external_id
        }
        FollowKind::Competitor => {
            competitors::find(conn, key)?
                .ok_or(AppError::NotFound)?
                .slug
        }
        FollowKind::Idea => {
            let id: i64 = key.parse().map_err(|_| AppError::NotFound)?;
            crate::ideas::get(conn, user, id)?.id.to_string()
        }
        FollowKind::Tag => Tags::parse(&[key])
            .ok()
            .and_then(|t| t.as_slice().first().cloned())
            .ok_or_else(|| {
                AppError::invalid("invalid_tag", "tags use letters, digits and dashes")
            })?,
    })
}

/// Follows a category, thread, account, competitor or tag.
#[utoipa::path(put, path = "/api/v1/me/follows/{kind}/{key}", params(("kind" = String, Path, description = "category, thread, account, competitor, tag or idea"), ("key" = String, Path, description = "The followed thing: a slug, id, external id or tag")), responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn follow(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (kind, key) = path.into_inner();
    let kind = FollowKind::parse(&kind).ok_or(AppError::NotFound)?;
    db::run(&state.pool, move |c| {
        let key = check_follow_target(c, &user, kind, &key)?;
        Ok(follows::follow(c, user.id, kind, &key)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops following.
#[utoipa::path(delete, path = "/api/v1/me/follows/{kind}/{key}", params(("kind" = String, Path, description = "category, thread, account, competitor, tag or idea"), ("key" = String, Path, description = "The followed thing: a slug, id, external id or tag")), responses((status = 204)))]
pub async fn unfollow(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (kind, key) = path.into_inner();
    let kind = FollowKind::parse(&kind).ok_or(AppError::NotFound)?;
    db::run(&state.pool, move |c| {
        Ok(follows::unfollow(c, user.id, kind, &key)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct FollowOut {
    pub kind: String,
    pub key: String,
}

/// What the caller follows.
#[utoipa::path(get, path = "/api/v1/me/follows", responses((status = 200, body = [FollowOut])))]
pub async fn list_follows(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<FollowOut>>, AppError> {
    let list = db::run(&state.pool, move |c| Ok(follows::of_user(c, user.id)?)).await?;
    Ok(Json(
        list.into_iter()
            .map(|(kind, key)| FollowOut { kind, key })
            .collect(),
    ))
}
