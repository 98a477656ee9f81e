//! Idea box pages: the list, proposing, the idea page, the roadmap.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{redirect, Page};
use crate::auth::csrf::CsrfForm;
use crate::authz::{self, Action};
use crate::db;
use crate::error::AppError;
use crate::ideas::{self, Filter, NewIdea, STATUSES};
use crate::models::follows::{self, FollowKind};
use crate::uploads::form::FilesForm;

#[derive(Deserialize)]
pub struct ListQuery {
    sort: Option<String>,
    status: Option<String>,
}

pub async fn list(page: Page, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let q = q.into_inner();
    let sort = q
        .sort
        .clone()
        .filter(|s| ["top", "new", "trending", "impact"].contains(&s.as_str()))
        .unwrap_or_else(|| "top".into());
    let status = q.status.clone().filter(|s| STATUSES.contains(&s.as_str()));
    let filter = Filter {
        sort: sort.clone(),
        status: status.clone(),
        ..Default::default()
    };
    let items = db::run(&page.state.pool, move |c| {
        ideas::idea_box(c, &user)?;
        ideas::list(c, &user, &filter)
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("ideas", &items.into_iter().take(100).collect::<Vec<_>>());
    ctx.insert("sort", &sort);
    ctx.insert("status", &status);
    ctx.insert("statuses", &STATUSES);
    page.render("ideas/list.html", ctx)
}

#[derive(Deserialize, Serialize, Default)]
pub struct IdeaForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    accounts: String,
    #[serde(default)]
    competitors: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    anonymous: Option<String>,
    /// Upload ids already sent by the page's script ("12,13").
    #[serde(default)]
    attachments: String,
    /// "Look for similar ideas" (without script): the form comes back with
    /// them listed and everything typed kept.
    #[serde(default, skip_serializing)]
    check: Option<String>,
}

async fn form_page(
    page: &Page,
    status: StatusCode,
    values: &IdeaForm,
    errors: serde_json::Map<String, serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    let title = values.title.clone();
    let user = page.user()?.clone();
    let similar = db::run(&page.state.pool, move |c| {
        ideas::similar(c, &user, &title, 5)
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("values", values);
    ctx.insert("errors", &errors);
    ctx.insert("similar", &similar);
    ctx.insert("max_upload_mb", &page.state.settings.uploads.max_mb());
    page.render_status(status, "ideas/new.html", ctx)
}

#[derive(Deserialize)]
pub struct NewQuery {
    title: Option<String>,
}

/// The form; `?title=` lists similar ideas first (without script too).
pub async fn new_form(page: Page, q: web::Query<NewQuery>) -> Result<HttpResponse, AppError> {
    page.user()?;
    let values = IdeaForm {
        title: q.into_inner().title.unwrap_or_default(),
        ..Default::default()
    };
    form_page(&page, StatusCode::OK, &values, Default::default()).await
}

pub async fn create(
    page: Page,
    FilesForm { mut form, files }: FilesForm<IdeaForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let (ids, refused) = super::keep_files(&page, &form.attachments, files).await?;
    form.attachments = super::join_ids(&ids);
    if let Some(message) = refused {
        let mut map = serde_json::Map::new();
        map.insert("files".into(), message.into());
        return form_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await;
    }
    if form.check.is_some() {
        return form_page(&page, StatusCode::OK, &form, Default::default()).await;
    }
    let parsed = NewIdea::parse(ideas::IdeaDraft {
        title: &form.title,
        body: &form.body,
        accounts: super::comma_list(&form.accounts),
        competitors: super::comma_list(&form.competitors),
        tags: super::comma_list(&form.tags),
        anonymous: form.anonymous.is_some(),
        attachments: ids,
        links_by_name: true,
    });
    let input = match parsed {
        Ok(input) => input,
        Err(errs) => {
            let map = errs.to_map(page.lang);
            return form_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await;
        }
    };
    match db::run(&page.state.pool, move |c| ideas::create(c, &user, &input)).await {
        Ok(row) => Ok(redirect(&format!("/ideas/{}", row.id))),
        Err(e @ AppError::Invalid { .. }) => {
            let field = match e.code() {
                "unknown_upload" | "too_many_attachments" => "files",
                _ => "links",
            };
            let mut map = serde_json::Map::new();
            map.insert(field.into(), e.shown(page.lang).into());
            form_page(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, map).await
        }
        Err(e) => Err(e),
    }
}

pub async fn show(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let moderator = authz::allows(&user, Action::Moderate);
    let (idea, following, names, candidates) = db::run(&page.state.pool, move |c| {
        let idea = ideas::get(c, &user, id)?;
        let following = follows::is_following(c, user.id, FollowKind::Idea, &id.to_string())?;
        // Chips say names; links keep the keys.
        let mut names = std::collections::HashMap::new();
        for key in &idea.accounts {
            if let Some(a) = crate::models::accounts::find(c, key)? {
                names.insert(format!("account:{key}"), a.name);
            }
        }
        for slug in &idea.competitors {
            if let Some(comp) = crate::models::competitors::find(c, slug)? {
                names.insert(format!("competitor:{slug}"), comp.name);
            }
        }
        // What it may be merged into, for the picker: the other live ideas.
        let candidates: Vec<(i64, String)> = if moderator {
            ideas::list(
                c,
                &user,
                &Filter {
                    sort: "new".into(),
                    ..Default::default()
                },
            )?
            .into_iter()
            .filter(|i| i.id != id && i.merged_into.is_none())
            .take(500)
            .map(|i| (i.id, i.title))
            .collect()
        } else {
            Vec::new()
        };
        Ok((idea, following, names, candidates))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("idea", &idea);
    ctx.insert("names", &names);
    ctx.insert("merge_candidates", &candidates);
    ctx.insert("following", &following);
    ctx.insert("statuses", &STATUSES);
    ctx.insert("can_answer", &authz::allows(page.user()?, Action::Moderate));
    page.render("ideas/show.html", ctx)
}

#[derive(Deserialize)]
pub struct VoteForm {
    on: String,
    next: Option<String>,
}

pub async fn vote(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let on = form.on == "1";
    db::run(&page.state.pool, move |c| ideas::vote(c, &user, id, on)).await?;
    Ok(redirect(&super::safe_next(
        form.next.as_deref().or(Some(&format!("/ideas/{id}"))),
    )))
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    response: String,
}

pub async fn set_status(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    db::run(&page.state.pool, move |c| {
        ideas::set_status(c, &user, id, &form.status, Some(&form.response))
    })
    .await?;
    page.flash_next("ideas-status-saved");
    Ok(redirect(&format!("/ideas/{id}")))
}

#[derive(Deserialize)]
pub struct MergeForm {
    into: String,
}

pub async fn merge(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    // "12", "#12" or the picker's "#12 · Title".
    let into: i64 = form
        .into
        .trim()
        .trim_start_matches('#')
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            AppError::invalid(
                "invalid_merge",
                "choose the idea to merge into (or give its number)",
            )
        })?;
    db::run(&page.state.pool, move |c| ideas::merge(c, &user, id, into)).await?;
    page.flash_next("ideas-merged");
    Ok(redirect(&format!("/ideas/{into}")))
}

/// What marketing plans, is building and has done.
pub async fn roadmap(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let columns = db::run(&page.state.pool, move |c| {
        ideas::idea_box(c, &user)?;
        let mut out = Vec::new();
        for status in ["planned", "in_progress", "done"] {
            let filter = Filter {
                sort: "top".into(),
                status: Some(status.into()),
                ..Default::default()
            };
            out.push((status, ideas::list(c, &user, &filter)?));
        }
        Ok(out)
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("columns", &columns);
    page.render("ideas/roadmap.html", ctx)
}
