//! Categories, threads, posts and revisions (see the contract).

use std::sync::Arc;

use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::authz::{self, Action};
use crate::client_ids::ClientId;
use crate::db;
use crate::domain::{FieldErrors, PostBody, Role, Slug};
use crate::error::AppError;
use crate::forum::tree::{api_tree, ApiPost, AuthorRef};
use crate::forum::{self, view, NewThread, ThreadAction};
use crate::models::categories::{self, Category, CategoryInput};
use crate::models::posts::{self, Revision};
use crate::models::threads::{self, ThreadFilter, ThreadListItem};
use crate::models::users::User;
use crate::state::AppState;

pub const PAGE_SIZE: i64 = 25;

#[derive(Serialize, ToSchema)]
pub struct CategoryOut {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub archived: bool,
    /// Shown to admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readable_by: Option<Vec<Role>>,
}

fn category_out(c: Category, viewer: &User) -> CategoryOut {
    let admin = authz::allows(viewer, Action::ManageCategories);
    CategoryOut {
        id: c.id,
        slug: c.slug,
        name: c.name,
        description: c.description,
        position: c.position,
        archived: c.archived,
        readable_by: admin.then_some(c.readable_by),
    }
}

/// Categories the caller may read.
#[utoipa::path(get, path = "/api/v1/categories", responses((status = 200, body = [CategoryOut])))]
pub async fn list_categories(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<CategoryOut>>, AppError> {
    let role = user.role;
    let list = db::run(&state.pool, move |c| Ok(categories::readable_by(c, role)?)).await?;
    Ok(Json(
        list.into_iter().map(|c| category_out(c, &user)).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CategoryIn {
    /// Lower-case letters, digits and dashes.
    #[schema(min_length = 2, max_length = 50)]
    pub slug: String,
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Roles that may read; all roles when absent.
    #[serde(default)]
    pub readable_by: Option<Vec<String>>,
    #[serde(default)]
    pub position: Option<i32>,
}

pub fn parse_category(input: &CategoryIn, archived: bool) -> Result<CategoryInput, AppError> {
    let mut errs = FieldErrors::default();
    // No slug given: the name's.
    let slug = match Slug::from_name(&input.name).filter(|_| input.slug.trim().is_empty()) {
        Some(s) => Some(s),
        None => errs.check("slug", Slug::parse(&input.slug)),
    };
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errs.add("name", crate::domain::Invalid("error-category-name"));
    }
    if input
        .description
        .as_deref()
        .is_some_and(|d| d.trim().chars().count() > 500)
    {
        errs.add(
            "description",
            crate::domain::Invalid("error-category-description"),
        );
    }
    let readable_by: Vec<Role> = match &input.readable_by {
        None => Role::ALL.to_vec(),
        Some(list) => list
            .iter()
            .filter_map(|r| errs.check("readable_by", Role::parse(r)))
            .collect(),
    };
    if readable_by.is_empty() && errs.is_empty() {
        errs.add(
            "readable_by",
            crate::domain::Invalid("error-category-roles"),
        );
    }
    errs.into_result()?;
    // Admins always read everything, or nobody could manage the category.
    let mut readable_by = readable_by;
    if !readable_by.contains(&Role::Admin) {
        readable_by.push(Role::Admin);
    }
    Ok(CategoryInput {
        slug: slug.expect("checked"),
        name,
        description: input
            .description
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
        position: input.position.unwrap_or(100),
        readable_by,
        archived,
        translations: None,
    })
}

/// What `PATCH /categories/{slug}` may change; absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryPatch {
    #[serde(default)]
    #[schema(min_length = 2, max_length = 50)]
    pub slug: Option<String>,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 80)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Roles that may read; admins always may.
    #[serde(default)]
    pub readable_by: Option<Vec<String>>,
    #[serde(default)]
    pub position: Option<i32>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// Changes a category (admins); a narrowed `readable_by` takes effect at
/// once everywhere.
#[utoipa::path(patch, path = "/api/v1/categories/{slug}", request_body = CategoryPatch,
    params(("slug" = String, Path, description = "The category's slug")),
    responses(
    (status = 200, body = CategoryOut), (status = 403, body = crate::error::ErrorBody),
    (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
    (status = 422, body = crate::error::ErrorBody)))]
pub async fn update_category(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    slug: web::Path<String>,
    body: Json<CategoryPatch>,
) -> Result<Json<CategoryOut>, AppError> {
    authz::require(&user, Action::ManageCategories)?;
    let (actor, ip) = (user.id, crate::client_addr::of(&req));
    let slug = slug.into_inner();
    let patch = body.into_inner();
    let updated = db::run(&state.pool, move |c| {
        let current = categories::find_by_slug(c, &slug)?.ok_or(AppError::NotFound)?;
        let merged = CategoryIn {
            slug: patch.slug.unwrap_or(current.slug),
            name: patch.name.unwrap_or(current.name),
            description: Some(patch.description.unwrap_or(current.description)),
            readable_by: Some(patch.readable_by.unwrap_or_else(|| {
                current
                    .readable_by
                    .iter()
                    .map(|r| r.as_str().to_string())
                    .collect()
            })),
            position: Some(patch.position.unwrap_or(current.position)),
        };
        let input = parse_category(&merged, patch.archived.unwrap_or(current.archived))?;
        let updated = forum::update_category(c, current.id, &input)?;
        crate::models::audit::category(c, actor, "category.update", &updated, Some(&ip))?;
        Ok(updated)
    })
    .await?;
    Ok(Json(category_out(updated, &user)))
}

/// Creates a category (admins).
#[utoipa::path(post, path = "/api/v1/categories", request_body = CategoryIn, responses(
    (status = 201, body = CategoryOut), (status = 403, body = crate::error::ErrorBody),
    (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_category(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    body: Json<CategoryIn>,
) -> Result<HttpResponse, AppError> {
    authz::require(&user, Action::ManageCategories)?;
    let input = parse_category(&body, false)?;
    let (actor, ip) = (user.id, crate::client_addr::of(&req));
    let created = db::run(&state.pool, move |c| {
        let created = categories::create(c, &input)?;
        crate::models::audit::category(c, actor, "category.create", &created, Some(&ip))?;
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().json(category_out(created, &user)))
}

#[derive(Deserialize, ToSchema)]
pub struct ThreadIn {
    /// Category slug (a report: its form's when absent).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub category: String,
    /// A report: made from the answers when absent.
    #[serde(default)]
    #[schema(min_length = 3, max_length = 200)]
    pub title: String,
    /// Markdown (a report: optional, its answers follow it).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// A report: the key of its form (`GET /report-forms`).
    #[serde(default)]
    pub form: Option<String>,
    /// A report: `question key → answer`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub answers: Option<serde_json::Map<String, serde_json::Value>>,
    /// anecdote, rumor, competitor_move, customer_request, pricing or other (default).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub competitors: Vec<String>,
    /// At most 10 tags of at most 30 letters, digits or dashes.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub tags: Vec<String>,
    /// Ids of the caller's own unattached uploads (`POST /uploads`).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachments: Vec<i64>,
    /// A UUID made by the client: sending it again creates nothing and
    /// answers 200 with the thread the first request made.
    #[serde(default)]
    pub client_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadDetail {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub category: String,
    pub author: AuthorRef,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub tags: Vec<String>,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
    pub reply_count: i32,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub last_activity_at: NaiveDateTime,
    /// The opening post, with every reply nested under its parent.
    pub post: ApiPost,
    /// A field report: its form and answers as filed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<crate::reports::answers::Report>,
}

fn thread_detail(conn: &mut db::DbConn, user: &User, id: i64) -> Result<ThreadDetail, AppError> {
    let loaded = forum::load_thread(conn, user, id)?;
    detail_of(conn, user, loaded)
}

/// The JSON of a loaded thread.
fn detail_of(
    conn: &mut db::DbConn,
    user: &User,
    loaded: forum::LoadedThread,
) -> Result<ThreadDetail, AppError> {
    let (thread, category, all) = (loaded.thread, loaded.category, loaded.posts);
    let links = threads::links_of(conn, &[thread.id])?
        .remove(&thread.id)
        .unwrap_or_default();
    let moderator = authz::allows(user, Action::Moderate);
    let post = api_tree(&all, moderator).ok_or(AppError::NotFound)?;
    let author_name = all
        .first()
        .map(|p| p.author_name.clone())
        .unwrap_or_default();
    Ok(ThreadDetail {
        id: thread.id,
        title: thread.title,
        kind: thread.kind,
        category: category.slug,
        author: AuthorRef {
            id: thread.author_id,
            name: author_name,
        },
        accounts: links.account_keys(),
        competitors: links.competitor_keys(),
        tags: loaded.tags,
        pinned: thread.pinned,
        locked: thread.locked,
        hidden: thread.hidden,
        reply_count: thread.reply_count,
        created_at: thread.created_at,
        last_activity_at: thread.last_activity_at,
        post,
        report: crate::reports::answers::of_thread(conn, thread.id)?,
    })
}

pub fn parse_thread(input: &ThreadIn) -> Result<NewThread, AppError> {
    let client_id = ClientId::parse_opt(input.client_id.as_deref())?;
    let mut parsed = NewThread::parse(forum::ThreadDraft {
        category: &input.category,
        title: &input.title,
        body: &input.body,
        kind: input.kind.as_deref(),
        tags: input.tags.clone(),
        accounts: input.accounts.clone(),
        competitors: input.competitors.clone(),
        links_by_name: false,
        attachments: input.attachments.clone(),
    })
    .map_err(FieldErrors::into_error)?;
    parsed.client_id = client_id;
    Ok(parsed)
}

/// Starts a thread in a category the caller may post in.
#[utoipa::path(post, path = "/api/v1/threads", request_body = ThreadIn, responses(
    (status = 201, body = ThreadDetail), (status = 200, description = "The same client_id again: the thread it made", body = ThreadDetail),
    (status = 409, description = "The client_id was used for something else", body = crate::error::ErrorBody), (status = 404, description = "No such category for the caller", body = crate::error::ErrorBody),
    (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_thread(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    body: Json<ThreadIn>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    if let Some(form) = body.form.clone() {
        let draft = crate::reports::ReportDraft {
            form,
            answers: body.answers.unwrap_or_default(),
            category: body.category,
            title: body.title,
            body: body.body,
            tags: body.tags,
            accounts: body.accounts,
            competitors: body.competitors,
            attachments: body.attachments,
            client_id: ClientId::parse_opt(body.client_id.as_deref())?,
        };
        let (detail, fresh) = db::run(&state.pool, move |c| {
            let filed = crate::reports::file(c, &user, &draft)?;
            Ok((thread_detail(c, &user, filed.thread.id)?, filed.fresh))
        })
        .await?;
        return Ok(created_or_replayed(fresh).json(detail));
    }
    if body.answers.is_some() {
        return Err(AppError::invalid(
            "invalid_input",
            "answers: only with form (a report)",
        ));
    }
    let input = parse_thread(&body)?;
    let (detail, fresh) = db::run(&state.pool, move |c| {
        let ((thread, _), fresh) = forum::create_thread_once(c, &user, &input)?;
        Ok((thread_detail(c, &user, thread.id)?, fresh))
    })
    .await?;
    Ok(created_or_replayed(fresh).json(detail))
}

#[derive(Deserialize, IntoParams)]
pub struct ThreadQuery {
    /// Category slug.
    pub category: Option<String>,
    /// Account external id.
    pub account: Option<String>,
    /// Competitor slug.
    pub competitor: Option<String>,
    pub tag: Option<String>,
    /// 1-based.
    pub page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadItem {
    pub id: i64,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub title: String,
    pub kind: String,
    pub category: String,
    pub author: AuthorRef,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub last_activity_at: NaiveDateTime,
    pub reply_count: i32,
    pub pinned: bool,
    pub locked: bool,
    pub tags: Vec<String>,
    pub unread: bool,
}

impl From<ThreadListItem> for ThreadItem {
    fn from(t: ThreadListItem) -> Self {
        ThreadItem {
            accounts: t.links.account_keys(),
            competitors: t.links.competitor_keys(),
            id: t.id,
            title: t.title,
            kind: t.kind,
            category: t.category_slug,
            author: AuthorRef {
                id: t.author_id,
                name: t.author_name,
            },
            created_at: t.created_at,
            last_activity_at: t.last_activity_at,
            reply_count: t.reply_count,
            pinned: t.pinned,
            locked: t.locked,
            tags: t.tags,
            unread: t.unread,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ThreadPage {
    pub items: Vec<ThreadItem>,
    pub next_page: Option<i64>,
}

/// Threads the caller may read, newest activity first.
#[utoipa::path(get, path = "/api/v1/threads", params(ThreadQuery), responses((status = 200, body = ThreadPage)))]
pub async fn list_threads(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<ThreadQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let page = q.page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::invalid("invalid_page", "page starts at 1"));
    }
    let page = page.min(crate::text_guard::MAX_PAGE);
    let cache = state.clone();
    // The caller's lookup and the list in one trip to the pool.
    let (_, json) = crate::auth::identity::with_caller(&req, move |c, user| {
        let nothing = || -> Result<Arc<str>, AppError> {
            Ok(serde_json::to_string(&ThreadPage {
                items: Vec::new(),
                next_page: None,
            })
            .map_err(anyhow::Error::from)?
            .into())
        };
        let readable = categories::readable_by(c, user.role)?;
        let category = match &q.category {
            Some(slug) => match readable.iter().find(|cat| &cat.slug == slug) {
                Some(cat) => Some(cat.id),
                None => return nothing(),
            },
            None => None,
        };
        let account = match &q.account {
            Some(key) => match crate::models::accounts::find_row(c, key)? {
                Some(a) => Some(a.id),
                None => return nothing(),
            },
            None => None,
        };
        let competitor = match &q.competitor {
            Some(slug) => match crate::models::competitors::find(c, slug)? {
                Some(comp) => Some(comp.id),
                None => return nothing(),
            },
            None => None,
        };
        let filter = ThreadFilter {
            category_ids: readable.iter().map(|c| c.id).collect(),
            category,
            tag: q.tag.map(|t| t.trim().to_lowercase()),
            account,
            competitor,
            include_hidden: authz::allows(user, Action::Moderate),
            pinned_first: category.is_some(),
            viewer_id: user.id,
            page,
            per_page: PAGE_SIZE,
            ..Default::default()
        };
        let rows = threads::page_of(c, &filter)?;
        let key = view::ListKey {
            viewer_id: user.id,
            route: "api_threads",
            lang: "",
            digest: view::hash_of(&(&filter, rows.digest())),
        };
        view::cached(&cache.list_cache, key, true, || {
            let more = rows.more;
            let items = threads::items_of(c, rows)?;
            let answer = ThreadPage {
                items: items.into_iter().map(ThreadItem::from).collect(),
                next_page: more.then_some(page + 1),
            };
            Ok(serde_json::to_string(&answer)
                .map_err(anyhow::Error::from)?
                .into())
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(json.to_string()))
}

/// A thread with its whole post tree. Like the thread page, the answer is
/// serialized once per thread version and kept (see `forum::view`); who may
/// see the thread is checked on every request.
#[utoipa::path(get, path = "/api/v1/threads/{id}", params(("id" = i64, Path, description = "The numeric id")), responses((status = 200, body = ThreadDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_thread(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let cache = state.clone();
    let json = db::run(&state.pool, move |c| {
        let (thread, category, last_read) = forum::visible_thread_with_read(c, &user, id)?;
        // Read through the API counts as read (marketing's "read by").
        if last_read.is_none_or(|r| r < thread.last_post_id) {
            threads::mark_read(c, user.id, thread.id, thread.last_post_id)?;
        }
        let key = view::JsonKey {
            thread_id: thread.id,
            version: thread.version,
            category: view::digest(&[&category.slug]),
            moderator: authz::allows(&user, Action::Moderate),
        };
        view::cached(&cache.thread_json_cache, key, true, || {
            let loaded = forum::load_posts(c, thread, category)?;
            let detail = detail_of(c, &user, loaded)?;
            Ok(serde_json::to_vec(&detail)
                .map_err(anyhow::Error::from)?
                .into())
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(json))
}

#[derive(Deserialize, ToSchema)]
pub struct PostIn {
    /// Markdown.
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
    /// The post answered; none: the opening post.
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Ids of the caller's own unattached uploads (`POST /uploads`).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachments: Vec<i64>,
    /// A UUID made by the client: sending it again creates nothing and
    /// answers 200 with the reply the first request made.
    #[serde(default)]
    pub client_id: Option<String>,
}

fn single_post(conn: &mut db::DbConn, post_id: i64, moderator: bool) -> Result<ApiPost, AppError> {
    let post = posts::find(conn, post_id)?.ok_or(AppError::NotFound)?;
    Ok(ApiPost::from_view(&posts::view_of(conn, post)?, moderator))
}

/// 201 for what a request made, 200 for a repeat of its `client_id`.
pub fn created_or_replayed(fresh: bool) -> actix_web::HttpResponseBuilder {
    if fresh {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    }
}

/// Replies in a thread.
#[utoipa::path(post, path = "/api/v1/threads/{id}/posts", params(("id" = i64, Path, description = "The numeric id")), request_body = PostIn, responses(
    (status = 201, body = ApiPost), (status = 200, description = "The same client_id again: the reply it made", body = ApiPost), (status = 404, body = crate::error::ErrorBody),
    (status = 409, description = "The thread is locked, or the client_id was used for something else", body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_post(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<PostIn>,
) -> Result<HttpResponse, AppError> {
    let text = PostBody::parse(&body.body)
        .map_err(|e| AppError::invalid("invalid_input", format!("body: {e}")))?;
    let (thread_id, parent) = (id.into_inner(), body.parent_id);
    let body = body.into_inner();
    let extras = forum::ReplyExtras {
        client_id: ClientId::parse_opt(body.client_id.as_deref())?,
        attachments: body.attachments,
    };
    let (post, fresh) = db::run(&state.pool, move |c| {
        let (p, fresh) = forum::reply_with(c, &user, thread_id, parent, &text, &extras)?;
        Ok((
            single_post(c, p.id, authz::allows(&user, Action::Moderate))?,
            fresh,
        ))
    })
    .await?;
    Ok(created_or_replayed(fresh).json(post))
}

#[derive(Deserialize, ToSchema)]
pub struct PostEdit {
    #[schema(min_length = 1, max_length = 50000)]
    pub body: String,
}

/// Edits a post (its author, marketers, admins); the old text becomes a revision.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", params(("id" = i64, Path, description = "The numeric id")), request_body = PostEdit, responses(
    (status = 200, body = ApiPost), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn edit_post(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<PostEdit>,
) -> Result<Json<ApiPost>, AppError> {
    let text = PostBody::parse(&body.body)
        .map_err(|e| AppError::invalid("invalid_input", format!("body: {e}")))?;
    let id = id.into_inner();
    let post = db::run(&state.pool, move |c| {
        forum::edit_post(c, &user, id, &text)?;
        single_post(c, id, authz::allows(&user, Action::Moderate))
    })
    .await?;
    Ok(Json(post))
}

/// Deletes the caller's own post; replies stay in place under a placeholder.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", params(("id" = i64, Path, description = "The numeric id")), responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub async fn delete_post(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::run(&state.pool, move |c| forum::delete_post(c, &user, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct RevisionOut {
    /// The text before that edit.
    pub body: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub edited_at: NaiveDateTime,
    pub editor: String,
}

/// Earlier texts of a post, newest first.
#[utoipa::path(get, path = "/api/v1/posts/{id}/revisions", params(("id" = i64, Path, description = "The numeric id")), responses((status = 200, body = [RevisionOut]), (status = 404, body = crate::error::ErrorBody)))]
pub async fn revisions(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<Json<Vec<RevisionOut>>, AppError> {
    let id = id.into_inner();
    let list: Vec<Revision> = db::run(&state.pool, move |c| {
        Ok(forum::post_history(c, &user, id)?.1)
    })
    .await?;
    Ok(Json(
        list.into_iter()
            .map(|r| RevisionOut {
                body: r.body,
                edited_at: r.edited_at,
                editor: r.editor,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ModerationIn {
    /// pin, unpin, lock, unlock, hide, unhide or move (threads); hide or unhide (posts).
    pub action: String,
    /// Target category slug, for move.
    #[serde(default)]
    pub category: Option<String>,
}

/// Moderates a thread (marketers, admins).
#[utoipa::path(post, path = "/api/v1/threads/{id}/moderation", params(("id" = i64, Path, description = "The numeric id")), request_body = ModerationIn, responses(
    (status = 200, body = ThreadDetail), (status = 403, body = crate::error::ErrorBody)))]
pub async fn moderate_thread(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<ModerationIn>,
) -> Result<Json<ThreadDetail>, AppError> {
    let action = ThreadAction::parse(&body.action, body.category.as_deref())?;
    let id = id.into_inner();
    Ok(Json(
        db::run(&state.pool, move |c| {
            forum::moderate_thread(c, &user, id, &action)?;
            thread_detail(c, &user, id)
        })
        .await?,
    ))
}

/// Hides or restores a post (marketers, admins).
#[utoipa::path(post, path = "/api/v1/posts/{id}/moderation", params(("id" = i64, Path, description = "The numeric id")), request_body = ModerationIn, responses((status = 204), (status = 403, body = crate::error::ErrorBody)))]
pub async fn moderate_post(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    body: Json<ModerationIn>,
) -> Result<HttpResponse, AppError> {
    let action = forum::PostAction::parse(&body.action)?;
    let id = id.into_inner();
    db::run(&state.pool, move |c| {
        forum::moderate_post(c, &user, id, action)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
