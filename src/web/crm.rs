//! Account and competitor pages, their forms, the CSV upload, thread links
//! and follow buttons.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{redirect, safe_next, Page};
use crate::api::crm::{check_follow_target, linked_threads, IntelQuery};
use crate::auth::csrf::CsrfForm;
use crate::authz::{self, Action};
use crate::crm::{self, import, AccountInput, CompetitorInput};
use crate::db;
use crate::domain::ThreadKind;
use crate::error::AppError;
use crate::forum;
use crate::models::follows::{self, FollowKind};
use crate::models::{accounts, categories, competitors, threads};

#[derive(Deserialize)]
pub struct IndexQuery {
    q: Option<String>,
}

/// Accounts and competitors: search, and what was discussed most this month.
pub async fn index(page: Page, q: web::Query<IndexQuery>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let q = q.into_inner().q.unwrap_or_default();
    let term = q.clone();
    let (found_accounts, found_competitors, top_accounts, top_competitors) =
        db::run(&page.state.pool, move |c| {
            let readable: Vec<i64> = categories::readable_by(c, user.role)?
                .iter()
                .map(|c| c.id)
                .collect();
            let since = db::now() - chrono::TimeDelta::days(30);
            Ok((
                accounts::search(c, &term, 50)?,
                competitors::search(c, &term, 50)?,
                threads::most_discussed_accounts(c, &readable, since, 10)?,
                threads::most_discussed_competitors(c, &readable, since, 10)?,
            ))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("q", &q);
    ctx.insert("accounts", &found_accounts);
    ctx.insert("competitors", &found_competitors);
    ctx.insert("top_accounts", &top_accounts);
    ctx.insert("top_competitors", &top_competitors);
    ctx.insert(
        "can_manage",
        &authz::allows(page.user()?, Action::ManageCrm),
    );
    page.render("crm/index.html", ctx)
}

#[derive(Serialize)]
struct KindCount {
    kind: String,
    count: i64,
}

async fn intel_page(
    page: &Page,
    account: Option<String>,
    competitor: Option<String>,
    q: IntelQuery,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let filter_kind = q.kind.clone();
    let filter_tag = q.tag.clone();
    let data = db::run(&page.state.pool, move |c| {
        let readable: Vec<i64> = categories::readable_by(c, user.role)?
            .iter()
            .map(|c| c.id)
            .collect();
        let (record, account_id, competitor_id, follow_kind, key) = match (&account, &competitor) {
            (Some(key), _) => {
                let a = accounts::find(c, key)?.ok_or(AppError::NotFound)?;
                let id = a.id;
                (
                    serde_json::to_value(&a).unwrap_or_default(),
                    Some(id),
                    None,
                    FollowKind::Account,
                    a.external_id,
                )
            }
            (None, Some(slug)) => {
                let comp = competitors::find(c, slug)?.ok_or(AppError::NotFound)?;
                let id = comp.id;
                (
                    serde_json::to_value(&comp).unwrap_or_default(),
                    None,
                    Some(id),
                    FollowKind::Competitor,
                    comp.slug,
                )
            }
            _ => return Err(AppError::NotFound),
        };
        let (items, next_page) = linked_threads(c, &user, account_id, competitor_id, &q)?;
        let counts: Vec<KindCount> = threads::kind_counts(c, &readable, account_id, competitor_id)?
            .into_iter()
            .map(|(kind, count)| KindCount { kind, count })
            .collect();
        let following = follows::is_following(c, user.id, follow_kind, &key)?;
        // The ideas linked to it, as the intel API lists them.
        let filter = crate::ideas::Filter {
            sort: "new".into(),
            account: account.as_ref().map(|_| key.clone()),
            competitor: competitor.as_ref().map(|_| key.clone()),
            ..Default::default()
        };
        let ideas = crate::ideas::list(c, &user, &filter)?;
        Ok((
            (record, items, next_page, counts),
            (following, follow_kind, key, ideas),
        ))
    })
    .await?;
    let ((record, items, next_page, counts), (following, follow_kind, key, ideas)) = data;
    let mut ctx = tera::Context::new();
    ctx.insert("record", &record);
    ctx.insert("ideas", &ideas);
    ctx.insert("threads", &items);
    ctx.insert("next_page", &next_page);
    ctx.insert("counts", &counts);
    ctx.insert("total", &counts.iter().map(|c| c.count).sum::<i64>());
    ctx.insert("following", &following);
    ctx.insert("follow_kind", follow_kind.as_str());
    ctx.insert("key", &key);
    ctx.insert("kinds", &ThreadKind::ALL.map(|k| k.as_str()));
    ctx.insert("filter_kind", &filter_kind);
    ctx.insert("filter_tag", &filter_tag);
    ctx.insert(
        "can_manage",
        &authz::allows(page.user()?, Action::ManageCrm),
    );
    page.render("crm/intel.html", ctx)
}

pub async fn account(
    page: Page,
    key: web::Path<String>,
    q: web::Query<IntelQuery>,
) -> Result<HttpResponse, AppError> {
    intel_page(&page, Some(key.into_inner()), None, q.into_inner()).await
}

pub async fn competitor(
    page: Page,
    slug: web::Path<String>,
    q: web::Query<IntelQuery>,
) -> Result<HttpResponse, AppError> {
    intel_page(&page, None, Some(slug.into_inner()), q.into_inner()).await
}

#[derive(Deserialize, Serialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    external_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    owner_email: String,
}

/// An account or competitor form, blank, filled for editing, or sent back
/// with its values and the error.
fn form_page(
    page: &Page,
    status: StatusCode,
    template: &str,
    values: &impl serde::Serialize,
    editing: bool,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("values", values);
    ctx.insert("editing", &editing);
    ctx.insert("error", &error);
    page.render_status(status, template, ctx)
}

fn account_form_page(
    page: &Page,
    status: StatusCode,
    values: &AccountForm,
    editing: bool,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    form_page(
        page,
        status,
        "crm/account_form.html",
        values,
        editing,
        error,
    )
}

pub async fn new_account_form(page: Page) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageCrm)?;
    account_form_page(&page, StatusCode::OK, &AccountForm::default(), false, None)
}

pub async fn edit_account_form(
    page: Page,
    key: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageCrm)?;
    let key = key.into_inner();
    let a = db::run(&page.state.pool, move |c| {
        accounts::find(c, &key)?.ok_or(AppError::NotFound)
    })
    .await?;
    let values = AccountForm {
        external_id: a.external_id,
        name: a.name,
        domain: a.domain.unwrap_or_default(),
        industry: a.industry.unwrap_or_default(),
        owner_email: a.owner.map(|o| o.email).unwrap_or_default(),
    };
    account_form_page(&page, StatusCode::OK, &values, true, None)
}

pub async fn save_account(
    page: Page,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(Action::ManageCrm)?.clone();
    let input = AccountInput {
        name: form.name.clone(),
        domain: Some(form.domain.clone()),
        industry: Some(form.industry.clone()),
        owner_email: Some(form.owner_email.clone()),
    };
    let key = form.external_id.trim().to_string();
    let k = key.clone();
    match db::run(&page.state.pool, move |c| {
        crm::upsert_account(c, &user, &k, &input)
    })
    .await
    {
        Ok(_) => {
            page.flash_next("crm-saved");
            Ok(redirect(&format!("/accounts/{}", urlencode(&key))))
        }
        Err(e @ AppError::Invalid { .. }) => account_form_page(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            false,
            Some(e.shown(page.lang)),
        ),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Serialize, Default)]
pub struct CompetitorForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    website: String,
}

fn competitor_form_page(
    page: &Page,
    status: StatusCode,
    values: &CompetitorForm,
    editing: bool,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    form_page(
        page,
        status,
        "crm/competitor_form.html",
        values,
        editing,
        error,
    )
}

pub async fn new_competitor_form(page: Page) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageCrm)?;
    competitor_form_page(
        &page,
        StatusCode::OK,
        &CompetitorForm::default(),
        false,
        None,
    )
}

pub async fn edit_competitor_form(
    page: Page,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageCrm)?;
    let slug = slug.into_inner();
    let comp = db::run(&page.state.pool, move |c| {
        competitors::find(c, &slug)?.ok_or(AppError::NotFound)
    })
    .await?;
    let values = CompetitorForm {
        slug: comp.slug,
        name: comp.name,
        website: comp.website.unwrap_or_default(),
    };
    competitor_form_page(&page, StatusCode::OK, &values, true, None)
}

pub async fn save_competitor(
    page: Page,
    CsrfForm(form): CsrfForm<CompetitorForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(Action::ManageCrm)?.clone();
    let input = CompetitorInput {
        name: form.name.clone(),
        website: Some(form.website.clone()),
    };
    let slug = form.slug.trim().to_lowercase();
    let s = slug.clone();
    match db::run(&page.state.pool, move |c| {
        crm::upsert_competitor(c, &user, &s, &input)
    })
    .await
    {
        Ok(_) => {
            page.flash_next("crm-saved");
            Ok(redirect(&format!("/competitors/{slug}")))
        }
        Err(e @ AppError::Invalid { .. }) => competitor_form_page(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            false,
            Some(e.shown(page.lang)),
        ),
        Err(e) => Err(e),
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .unwrap_or_default()
        .trim_start_matches('=')
        .to_string()
}

pub async fn import_form(page: Page) -> Result<HttpResponse, AppError> {
    page.require(Action::ManageCrm)?;
    let mut ctx = tera::Context::new();
    ctx.insert("summary", &Option::<import::Summary>::None);
    ctx.insert("file_error", &Option::<String>::None);
    ctx.insert("row_errors", &Vec::<import::RowError>::new());
    page.render("crm/import.html", ctx)
}

/// How long an import from the page may take before the page answers 503
/// (the import itself then finishes or rolls back as a whole).
const IMPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The largest CSV the upload page takes (a 100,000-row file is about 8 MiB).
const MAX_CSV: usize = 64 << 20;

/// Reads the upload form as a stream, after the permission check: the
/// `_csrf` part comes first and is checked before a byte of the file is
/// read; the file is read up to `MAX_CSV`.
async fn read_upload(page: &Page, form: Multipart) -> Result<Vec<u8>, AppError> {
    let rules = crate::uploads::receive::Rules {
        file_fields: &["file"],
        max_file: MAX_CSV,
        max_files: 1,
        csrf: Some(&page.session),
    };
    let mut parts = crate::uploads::receive::read(form, rules).await?;
    parts
        .files
        .pop()
        .map(|f| f.bytes)
        .ok_or_else(|| AppError::invalid("file_required", "choose a CSV file to import"))
}

pub async fn import_upload(
    req: actix_web::HttpRequest,
    page: Page,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let actor = page.require(Action::ManageCrm)?.id;
    let ip = crate::client_addr::of(&req);
    let bytes = read_upload(&page, form).await?;
    // A large file is long, legitimate work: it gets its own deadline.
    let result = db::run_within(&page.state.pool, IMPORT_TIMEOUT, move |c| {
        let rows = match import::parse(&bytes) {
            Ok(rows) => rows,
            Err(e) => return Ok(Err(e)),
        };
        let done = import::import(c, &rows, &|_| {});
        if let Ok(summary) = &done {
            let detail = format!("{} rows: {summary}", rows.len());
            crate::models::audit::record_from(
                c,
                actor,
                "accounts.import",
                ("import", 0),
                &detail,
                Some(&ip),
            )?;
        }
        Ok(done)
    })
    .await?;
    let mut ctx = tera::Context::new();
    let mut status = StatusCode::OK;
    ctx.insert("summary", &Option::<import::Summary>::None);
    ctx.insert("file_error", &Option::<String>::None);
    ctx.insert("row_errors", &Vec::<import::RowError>::new());
    match result {
        Ok(summary) => ctx.insert("summary", &Some(summary)),
        Err(import::ImportError::Rows(rows)) => {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            ctx.insert("row_errors", &rows);
        }
        Err(import::ImportError::File(m)) => {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            ctx.insert("file_error", &Some(m));
        }
        Err(import::ImportError::Db(e)) => return Err(e),
    }
    page.render_status(status, "crm/import.html", ctx)
}

#[derive(Deserialize)]
pub struct FollowForm {
    kind: String,
    key: String,
    #[serde(default)]
    unfollow: Option<String>,
    next: Option<String>,
}

/// The follow / unfollow button of account, competitor, category and thread pages.
pub async fn follow(
    page: Page,
    CsrfForm(form): CsrfForm<FollowForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let kind = FollowKind::parse(&form.kind).ok_or(AppError::NotFound)?;
    let unfollow = form.unfollow.is_some();
    let key = form.key.clone();
    db::run(&page.state.pool, move |c| {
        if unfollow {
            Ok(follows::unfollow(c, user.id, kind, &key)?)
        } else {
            let key = check_follow_target(c, &user, kind, &key)?;
            Ok(follows::follow(c, user.id, kind, &key)?)
        }
    })
    .await?;
    page.flash_next(if unfollow {
        "crm-unfollowed"
    } else {
        "crm-followed"
    });
    Ok(redirect(&safe_next(form.next.as_deref())))
}

pub async fn links_form(page: Page, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let (thread, links) = db::run(&page.state.pool, move |c| {
        let (thread, _) = forum::visible_thread(c, &user, id)?;
        if thread.author_id != user.id && !authz::allows(&user, Action::Moderate) {
            return Err(AppError::Forbidden);
        }
        let links = threads::links_of(c, &[id])?.remove(&id).unwrap_or_default();
        Ok((thread, links))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("thread", &thread);
    ctx.insert("accounts", &links.account_keys().join(", "));
    ctx.insert("competitors", &links.competitor_keys().join(", "));
    ctx.insert("error", &Option::<String>::None);
    page.render("crm/links.html", ctx)
}

#[derive(Deserialize)]
pub struct LinksForm {
    #[serde(default)]
    accounts: String,
    #[serde(default)]
    competitors: String,
}

pub async fn save_links(
    page: Page,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<LinksForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let id = id.into_inner();
    let (a, c) = (
        super::comma_list(&form.accounts),
        super::comma_list(&form.competitors),
    );
    match db::run(&page.state.pool, move |conn| {
        crm::set_thread_links(conn, &user, id, &a, &c, true)
    })
    .await
    {
        Ok(_) => Ok(redirect(&format!("/t/{id}"))),
        Err(e @ AppError::Invalid { .. }) => {
            let user = page.user()?.clone();
            let thread = db::run(&page.state.pool, move |c| {
                Ok(forum::visible_thread(c, &user, id)?.0)
            })
            .await?;
            let mut ctx = tera::Context::new();
            ctx.insert("thread", &thread);
            ctx.insert("accounts", &form.accounts);
            ctx.insert("competitors", &form.competitors);
            ctx.insert("error", &Some(e.shown(page.lang)));
            page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "crm/links.html", ctx)
        }
        Err(e) => Err(e),
    }
}
