//! Forum pages: categories, thread lists, the thread page, writing, editing
//! and moderating.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::page::{PageSeed, PageView};
use super::{redirect, Page};
use crate::auth::csrf::CsrfForm;
use crate::authz::{self, Action};
use crate::db;
use crate::domain::{PostBody, ThreadKind};
use crate::error::AppError;
use crate::forum::view;
use crate::forum::{self, tree, NewThread, ThreadAction, MAX_VISUAL_DEPTH};
use crate::models::categories::{self, Category};
use crate::models::threads::{self, ThreadFilter, ThreadRow};
use crate::models::{posts, users};
use crate::uploads::form::FilesForm;

const PAGE_SIZE: i64 = 25;

#[derive(Serialize)]
struct CategorySummary {
    category: Category,
    threads: i64,
    last_activity: Option<chrono::NaiveDateTime>,
}

/// The category list with counts and last activity.
pub async fn index(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let summaries = db::run(&page.state.pool, move |c| {
        let moderator = authz::allows(&user, Action::Moderate);
        let stats = categories::stats(c, moderator)?;
        Ok(categories::readable_by(c, user.role)?
            .into_iter()
            .map(|cat| {
                let s = stats.iter().find(|s| s.0 == cat.id);
                CategorySummary {
                    threads: s.map_or(0, |s| s.1),
                    last_activity: s.and_then(|s| s.2),
                    category: cat,
                }
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("summaries", &summaries);
    page.render("forum/index.html", ctx)
}

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
    tag: Option<String>,
}

/// The threads of a category, pinned first, newest activity first.
pub async fn category(
    req: HttpRequest,
    slug: web::Path<String>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, q) = (slug.into_inner(), q.into_inner());
    let n = crate::text_guard::page_number(q.page);
    let tag = q.tag.clone().filter(|t| !t.trim().is_empty());
    let seed = PageSeed::of(&req)?;
    let state = seed.state.clone();
    let (page, html) = seed
        .one_trip(&req, move |c, seen_as, user| {
            let (mut ctx, keep) = (seen_as.kept_context(), seen_as.may_keep());
            let (seen, lang) = (seen_as.kept_digest(user), seen_as.lang);
            let cat = forum::readable_category(c, user, &slug)?;
            let filter = ThreadFilter {
                category_ids: vec![cat.id],
                category: Some(cat.id),
                tag: tag.map(|t| t.trim().to_lowercase()),
                include_hidden: authz::allows(user, Action::Moderate),
                pinned_first: true,
                viewer_id: user.id,
                page: n,
                per_page: PAGE_SIZE,
                ..Default::default()
            };
            let rows = threads::page_of(c, &filter)?;
            let key = view::ListKey {
                viewer_id: user.id,
                route: "category",
                lang,
                digest: view::hash_of(&(seen, &filter, rows.digest(), &cat)),
            };
            view::cached(&state.list_cache, key, keep, || {
                let more = rows.more;
                ctx.insert("threads", &threads::items_of(c, rows)?);
                ctx.insert("category", &cat);
                ctx.insert("page_no", &n);
                ctx.insert("next_page", &more.then_some(n + 1));
                ctx.insert("tag", &q.tag);
                Ok(state.tera.render("forum/category.html", &ctx)?.into())
            })
        })
        .await?;
    Ok(page.send_kept(&html))
}

#[derive(Deserialize, Serialize, Default)]
pub struct ThreadForm {
    #[serde(default)]
    category: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    tags: String,
    /// Comma-separated external ids or names (the picker fills this in).
    #[serde(default)]
    accounts: String,
    #[serde(default)]
    competitors: String,
    /// Upload ids already sent by the page's script ("12,13").
    #[serde(default)]
    attachments: String,
    /// The browser's local draft of this form (static/app.js).
    #[serde(default, rename = "_draft", skip_serializing)]
    draft: Option<String>,
}

async fn new_thread_page(
    page: &Page,
    status: StatusCode,
    values: &ThreadForm,
    errors: serde_json::Map<String, serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let cats = db::run(&page.state.pool, move |c| {
        Ok(categories::readable_by(c, user.role)?
            .into_iter()
            .filter(|cat| authz::can_post_in(&user, cat, None))
            // Idea discussions open with their idea, not from this form.
            .filter(|cat| cat.slug != crate::ideas::CATEGORY)
            .collect::<Vec<_>>())
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("categories", &cats);
    ctx.insert("kinds", &ThreadKind::ALL.map(|k| k.as_str()));
    ctx.insert("values", values);
    ctx.insert("errors", &errors);
    ctx.insert("max_upload_mb", &page.state.settings.uploads.max_mb());
    page.render_status(status, "forum/new.html", ctx)
}

#[derive(Deserialize)]
pub struct NewQuery {
    category: Option<String>,
    /// Linked from an account's or a competitor's page ("post about this").
    account: Option<String>,
    competitor: Option<String>,
}

/// Quick capture: category, kind in one tap, a title, a few words.
pub async fn new_thread_form(
    page: Page,
    q: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    page.user()?;
    let q = q.into_inner();
    let values = ThreadForm {
        category: q.category.unwrap_or_default(),
        kind: "anecdote".into(),
        accounts: q.account.unwrap_or_default(),
        competitors: q.competitor.unwrap_or_default(),
        ..Default::default()
    };
    new_thread_page(&page, StatusCode::OK, &values, Default::default()).await
}

pub async fn create_thread(
    page: Page,
    FilesForm { mut form, files }: FilesForm<ThreadForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let (ids, refused) = super::keep_files(&page, &form.attachments, files).await?;
    form.attachments = super::join_ids(&ids);
    if let Some(message) = refused {
        let mut map = serde_json::Map::new();
        map.insert("files".into(), message.into());
        return new_thread_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await;
    }
    let parsed = NewThread::parse(forum::ThreadDraft {
        category: &form.category,
        title: &form.title,
        body: &form.body,
        kind: Some(&form.kind),
        tags: super::comma_list(&form.tags),
        accounts: super::comma_list(&form.accounts),
        competitors: super::comma_list(&form.competitors),
        links_by_name: true,
        attachments: ids,
    });
    let input = match parsed {
        Ok(input) => input,
        Err(errs) => {
            let map = errs.to_map(page.lang);
            return new_thread_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await;
        }
    };
    let created = db::run(&page.state.pool, move |c| {
        forum::create_thread(c, &user, &input)
    })
    .await;
    match created {
        Ok((thread, _)) => {
            page.draft_sent(form.draft.as_deref());
            Ok(redirect(&format!("/t/{}", thread.id)))
        }
        Err(AppError::NotFound | AppError::Forbidden) => {
            let mut map = serde_json::Map::new();
            map.insert("category".into(), page.t("error-category-required").into());
            new_thread_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await
        }
        Err(
            e @ AppError::Invalid {
                code: "unknown_links",
                ..
            },
        ) => {
            let mut map = serde_json::Map::new();
            map.insert("links".into(), e.shown(page.lang).into());
            new_thread_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await
        }
        Err(
            e @ AppError::Invalid {
                code: "unknown_upload" | "too_many_attachments",
                ..
            },
        ) => {
            let mut map = serde_json::Map::new();
            map.insert("files".into(), e.shown(page.lang).into());
            new_thread_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct ThreadQuery {
    reply_to: Option<i64>,
    quote: Option<u8>,
}

/// What the page shows about the post being answered (no-script path).
struct ReplyTarget {
    id: i64,
    author: String,
    quote: String,
}

fn reply_target(
    conn: &mut db::DbConn,
    thread_id: i64,
    q: &ThreadQuery,
) -> Result<Option<ReplyTarget>, AppError> {
    let Some(pid) = q.reply_to else {
        return Ok(None);
    };
    let Some(p) =
        posts::find(conn, pid)?.filter(|p| p.thread_id == thread_id && !p.deleted && !p.hidden)
    else {
        return Ok(None);
    };
    let author = users::find(conn, p.author_id)?
        .map(|u| u.name)
        .unwrap_or_default();
    let quote = if q.quote == Some(1) {
        p.body
            .lines()
            .map(|l| format!("> {l}"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n\n"
    } else {
        String::new()
    };
    Ok(Some(ReplyTarget {
        id: p.id,
        author,
        quote,
    }))
}

/// Renders the whole thread page with placeholders (see `forum::view`).
fn render_thread(
    conn: &mut db::DbConn,
    view: &PageView,
    tera: &tera::Tera,
    thread: &ThreadRow,
    category: &Category,
    extra: tera::Context,
) -> Result<String, AppError> {
    let user = view.user.as_ref().ok_or(AppError::Unauthorized)?;
    let all = posts::of_thread(conn, thread.id)?;
    let tags = threads::tags_of(conn, &[thread.id])?
        .remove(&thread.id)
        .unwrap_or_default();
    let links = threads::links_of(conn, &[thread.id])?
        .remove(&thread.id)
        .unwrap_or_default();
    let (placed, final_closes) = tree::layout(&all, MAX_VISUAL_DEPTH);
    let mut ctx = view.context(view::CSRF_MARK);
    ctx.insert("links", &links);
    ctx.insert("opening", &all.first());
    ctx.insert("replies", &placed);
    ctx.insert("final_closes", &final_closes);
    ctx.insert("viewer_id", &user.id);
    ctx.insert("moderator", &authz::allows(user, Action::Moderate));
    ctx.insert("can_mark", &authz::allows(user, Action::MarkUseful));
    ctx.insert(
        "can_reply",
        &authz::can_post_in(user, category, Some(thread)),
    );
    ctx.insert("thread", thread);
    ctx.insert("category", category);
    ctx.insert("tags", &tags);
    ctx.insert("since_mark", view::SINCE_MARK);
    ctx.insert("mark_open", view::MARK_OPEN);
    ctx.insert("mark_close", view::MARK_CLOSE);
    ctx.insert("reply_to", &Option::<(i64, String)>::None);
    ctx.insert("reply_body", "");
    ctx.insert("reply_error", &Option::<String>::None);
    ctx.insert("reply_attachments", "");
    ctx.extend(extra);
    Ok(tera.render("forum/thread.html", &ctx)?)
}

/// The thread page. The hottest page of the product: the caller is looked up
/// in the same trip to the database as the thread, and a plain view is
/// served from the page cache (see `forum::view`).
async fn thread_page(
    req: &HttpRequest,
    id: i64,
    q: ThreadQuery,
    status: StatusCode,
    draft: Option<ReplyForm>,
    reply_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let reply_body = draft.as_ref().map(|d| d.body.clone());
    let reply_attachments = draft.map(|d| d.attachments).unwrap_or_default();
    let seed = PageSeed::of(req)?;
    let state = seed.state.clone();
    let (page, (html, last_read)) = seed
        .one_trip(req, move |c, seen_as, user| {
            let cacheable = status == StatusCode::OK
                && q.reply_to.is_none()
                && seen_as.may_keep()
                && reply_body.is_none();
            let (thread, category, last_read) = forum::visible_thread_with_read(c, user, id)?;
            if last_read.is_none_or(|r| r < thread.last_post_id) {
                threads::mark_read(c, user.id, thread.id, thread.last_post_id)?;
            }
            let key = view::FragmentKey {
                thread_id: thread.id,
                version: thread.version,
                category: view::digest(&[
                    &category.name,
                    &category.slug,
                    &crate::models::categories::translations_to_text(&category.translations),
                ]),
                lang: seen_as.lang,
                viewer_id: user.id,
                role: user.role,
            };
            let html = view::cached(&state.thread_cache, key, cacheable, || {
                let mut extra = tera::Context::new();
                extra.insert("max_upload_mb", &state.settings.uploads.max_mb());
                if !cacheable {
                    match reply_target(c, thread.id, &q)? {
                        Some(target) => {
                            extra.insert("reply_to", &(target.id, target.author));
                            extra.insert("reply_body", &reply_body.clone().unwrap_or(target.quote));
                        }
                        None => extra.insert("reply_body", &reply_body.clone().unwrap_or_default()),
                    }
                    extra.insert("reply_error", &reply_error);
                    extra.insert("reply_attachments", &reply_attachments);
                }
                Ok(render_thread(c, seen_as, &state.tera, &thread, &category, extra)?.into())
            })?;
            Ok((html, last_read))
        })
        .await?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(view::stamp(
            &html,
            &page.csrf,
            last_read,
            page.state.hub.published(),
        )))
}

/// One post rendered as the thread page renders it, for this viewer (their
/// controls, hidden and deleted placeholders): pages insert or replace it
/// when the live feed says it arrived or changed.
pub async fn post_fragment(
    page: Page,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let (thread_id, post_id) = path.into_inner();
    let viewer = user.clone();
    let (view, depth, reply_to, can_reply) = db::run(&page.state.pool, move |c| {
        let (thread, category) = forum::visible_thread(c, &viewer, thread_id)?;
        let post = posts::find(c, post_id)?
            .filter(|p| p.thread_id == thread.id)
            .ok_or(AppError::NotFound)?;
        let name = |c: &mut db::DbConn, id: i64| -> Result<String, AppError> {
            Ok(users::find(c, id)?.map(|u| u.name).unwrap_or_default())
        };
        let real = post.depth.max(0) as usize;
        let reply_to = match post.parent_id {
            Some(parent) if real > MAX_VISUAL_DEPTH => {
                let parent = posts::find(c, parent)?.ok_or(AppError::NotFound)?;
                Some(name(c, parent.author_id)?)
            }
            _ => None,
        };
        let can_reply = authz::can_post_in(&viewer, &category, Some(&thread));
        let view = posts::view_of(c, post)?;
        Ok((view, real.min(MAX_VISUAL_DEPTH), reply_to, can_reply))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("p", &view);
    ctx.insert("depth", &depth);
    ctx.insert("reply_to", &reply_to);
    ctx.insert("viewer_id", &user.id);
    ctx.insert("moderator", &authz::allows(&user, Action::Moderate));
    ctx.insert("can_mark", &authz::allows(&user, Action::MarkUseful));
    ctx.insert("can_reply", &can_reply);
    page.render("forum/post_fragment.html", ctx)
}

pub async fn show_thread(
    req: HttpRequest,
    id: web::Path<i64>,
    q: web::Query<ThreadQuery>,
) -> Result<HttpResponse, AppError> {
    thread_page(
        &req,
        id.into_inner(),
        q.into_inner(),
        StatusCode::OK,
        None,
        None,
    )
    .await
}

#[derive(Deserialize, Clone)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    parent_id: Option<String>,
    #[serde(default)]
    attachments: String,
    /// The browser's local draft of this form (static/app.js).
    #[serde(default, rename = "_draft")]
    draft: Option<String>,
}

pub async fn reply(
    req: HttpRequest,
    page: Page,
    id: web::Path<i64>,
    FilesForm { mut form, files }: FilesForm<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let thread_id = id.into_inner();
    let parent = form
        .parent_id
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok());
    let again = |form: ReplyForm, status: StatusCode, msg: String| {
        let q = ThreadQuery {
            reply_to: parent,
            quote: None,
        };
        let req = req.clone();
        async move { thread_page(&req, thread_id, q, status, Some(form), Some(msg)).await }
    };
    let (ids, refused) = super::keep_files(&page, &form.attachments, files).await?;
    form.attachments = super::join_ids(&ids);
    if let Some(msg) = refused {
        return again(form, StatusCode::UNPROCESSABLE_ENTITY, msg).await;
    }
    let body = match PostBody::parse(&form.body) {
        Ok(b) => b,
        Err(e) => {
            let msg = e.message(page.lang);
            return again(form, StatusCode::UNPROCESSABLE_ENTITY, msg).await;
        }
    };
    let result = db::run(&page.state.pool, move |c| {
        let extras = forum::ReplyExtras {
            attachments: ids,
            client_id: None,
        };
        forum::reply_with(c, &user, thread_id, parent, &body, &extras)
    })
    .await;
    match result {
        Ok((post, _)) => {
            page.draft_sent(form.draft.as_deref());
            Ok(redirect(&format!("/t/{thread_id}#p{}", post.id)))
        }
        Err(AppError::Conflict { .. }) => {
            let msg = page.t("forum-locked-notice");
            again(form, StatusCode::CONFLICT, msg).await
        }
        Err(
            e @ AppError::Invalid {
                code: "unknown_upload" | "too_many_attachments",
                ..
            },
        ) => again(form, StatusCode::UNPROCESSABLE_ENTITY, e.shown(page.lang)).await,
        Err(e) => Err(e),
    }
}

pub async fn edit_form(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let post = db::run(&page.state.pool, move |c| {
        let (post, _, _) = forum::visible_post(c, &user, id)?;
        if !authz::can_edit_post(&user, &post) {
            return Err(AppError::Forbidden);
        }
        Ok(post)
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("post", &post);
    ctx.insert("body", &post.body);
    ctx.insert("error", &Option::<String>::None);
    page.render("forum/edit.html", ctx)
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    body: String,
}

pub async fn edit(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    match PostBody::parse(&form.body) {
        Ok(body) => {
            let post = db::run(&page.state.pool, move |c| {
                forum::edit_post(c, &user, id, &body)
            })
            .await?;
            Ok(redirect(&format!("/t/{}#p{}", post.thread_id, post.id)))
        }
        Err(e) => {
            let post = db::run(&page.state.pool, move |c| {
                Ok(forum::visible_post(c, &user, id)?.0)
            })
            .await?;
            let mut ctx = tera::Context::new();
            ctx.insert("post", &post);
            ctx.insert("body", &form.body);
            ctx.insert("error", &Some(e.message(page.lang)));
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "forum/edit.html", ctx)
        }
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn delete(
    page: Page,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let thread_id = db::run(&page.state.pool, move |c| {
        let (post, _, _) = forum::visible_post(c, &user, id)?;
        forum::delete_post(c, &user, id)?;
        Ok(post.thread_id)
    })
    .await?;
    page.flash_next("forum-post-deleted");
    Ok(redirect(&format!("/t/{thread_id}#p{id}")))
}

pub async fn history(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let (post, list) =
        db::run(&page.state.pool, move |c| forum::post_history(c, &user, id)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("post", &post);
    ctx.insert("revisions", &list);
    page.render("forum/history.html", ctx)
}

#[derive(Deserialize)]
pub struct ModerateForm {
    action: String,
    category: Option<String>,
}

pub async fn moderate_thread(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let action = ThreadAction::parse(&form.action, form.category.as_deref())?;
    db::run(&page.state.pool, move |c| {
        forum::moderate_thread(c, &user, id, &action)
    })
    .await?;
    page.flash_next("forum-moderated");
    Ok(redirect(&format!("/t/{id}")))
}

pub async fn moderate_post(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let action = forum::PostAction::parse(&form.action)?;
    let thread_id = db::run(&page.state.pool, move |c| {
        let (post, _, _) = forum::visible_post(c, &user, id)?;
        forum::moderate_post(c, &user, id, action)?;
        Ok(post.thread_id)
    })
    .await?;
    page.flash_next("forum-moderated");
    Ok(redirect(&format!("/t/{thread_id}#p{id}")))
}

#[derive(Deserialize)]
pub struct UsefulForm {
    /// `1`: mark; `0`: take the mark back.
    useful: String,
}

/// Marketing's "useful" button on a post.
pub async fn mark_useful(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<UsefulForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let on = form.useful == "1";
    let thread_id = db::run(&page.state.pool, move |c| {
        forum::mark_useful(c, &user, id, on)?;
        Ok(posts::find(c, id)?.map_or(0, |p| p.thread_id))
    })
    .await?;
    Ok(redirect(&format!("/t/{thread_id}#p{id}")))
}

/// A person's page, linked from mentions: who they are and what they wrote
/// that the viewer may read.
pub async fn user_page(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let viewer = page.user()?.clone();
    let id = id.into_inner();
    let (person, items) = db::run(&page.state.pool, move |c| {
        let person = users::find(c, id)?.ok_or(AppError::NotFound)?;
        let readable = categories::readable_by(c, viewer.role)?;
        let mine: Vec<i64> = {
            use crate::db::schema::threads as t;
            use diesel::prelude::*;
            t::table.filter(t::author_id.eq(id)).select(t::id).load(c)?
        };
        let filter = ThreadFilter {
            category_ids: readable.iter().map(|c| c.id).collect(),
            only_ids: Some(mine),
            viewer_id: viewer.id,
            page: 1,
            per_page: 20,
            ..Default::default()
        };
        Ok((person, threads::list(c, &filter)?.0))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert(
        "person",
        &serde_json::json!({"id": person.id, "name": person.name, "role": person.role}),
    );
    ctx.insert("threads", &items);
    page.render("forum/user.html", ctx)
}

/// A confirmation page for one action (delete, hide, move): keeps the post
/// list light and gives no-script users a safe two-step action.
struct Confirm<'a> {
    heading: String,
    excerpt: String,
    action: String,
    fields: Vec<(&'a str, String)>,
    submit: String,
    danger: bool,
    back: String,
}

fn render_confirm(
    page: &Page,
    c: Confirm,
    choices: Option<(&[Category], &str, String)>,
) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("heading", &c.heading);
    ctx.insert("excerpt", &c.excerpt);
    ctx.insert("action", &c.action);
    ctx.insert("fields", &c.fields);
    ctx.insert("submit", &c.submit);
    ctx.insert("danger", &c.danger);
    ctx.insert("back", &c.back);
    match choices {
        Some((list, current, label)) => {
            ctx.insert("choices", list);
            ctx.insert("current", current);
            ctx.insert("choice_name", "category");
            ctx.insert("choice_label", &label);
        }
        None => ctx.insert("choices", &Vec::<Category>::new()),
    }
    page.render("forum/confirm.html", ctx)
}

pub async fn delete_confirm(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let post = db::run(&page.state.pool, move |c| {
        let (post, _, _) = forum::visible_post(c, &user, id)?;
        if !authz::can_delete_post(&user, &post) {
            return Err(AppError::Forbidden);
        }
        Ok(post)
    })
    .await?;
    let confirm = Confirm {
        heading: page.t("forum-delete-confirm"),
        excerpt: crate::markdown::excerpt(&post.body, 300),
        action: format!("/posts/{id}/delete"),
        fields: vec![],
        submit: page.t("forum-delete"),
        danger: true,
        back: format!("/t/{}#p{id}", post.thread_id),
    };
    render_confirm(&page, confirm, None)
}

pub async fn moderate_post_confirm(
    page: Page,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    page.require(Action::Moderate)?;
    let id = id.into_inner();
    let (post, _, _) =
        db::run(&page.state.pool, move |c| forum::visible_post(c, &user, id)).await?;
    let (action, label) = if post.hidden {
        ("unhide", "forum-unhide")
    } else {
        ("hide", "forum-hide")
    };
    let confirm = Confirm {
        heading: page.t(label),
        excerpt: crate::markdown::excerpt(&post.body, 300),
        action: format!("/posts/{id}/moderate"),
        fields: vec![("action", action.to_string())],
        submit: page.t(label),
        danger: !post.hidden,
        back: format!("/t/{}#p{id}", post.thread_id),
    };
    render_confirm(&page, confirm, None)
}

pub async fn move_form(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    page.require(Action::Moderate)?;
    let id = id.into_inner();
    let (thread, category, targets) = db::run(&page.state.pool, move |c| {
        let (thread, category) = forum::visible_thread(c, &user, id)?;
        Ok((thread, category, categories::readable_by(c, user.role)?))
    })
    .await?;
    let confirm = Confirm {
        heading: format!("{} · {}", page.t("forum-action-move"), thread.title),
        excerpt: String::new(),
        action: format!("/t/{id}/moderate"),
        fields: vec![("action", "move".to_string())],
        submit: page.t("forum-action-move"),
        danger: false,
        back: format!("/t/{id}"),
    };
    render_confirm(
        &page,
        confirm,
        Some((&targets, &category.slug, page.t("forum-move-to"))),
    )
}
