//! The JSON API under `/api/v1` (see the contract). Every endpoint carries a
//! `utoipa::path` so `/api/v1/openapi.json` lists it by construction.

pub mod contributions;
pub mod crm;
pub mod forum;
pub mod health;
pub mod ideas;
pub mod me;
pub mod reports;
pub mod search;
pub mod uploads;

use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{AppError, ErrorBody, ErrorDetail};

#[derive(OpenApi)]
#[openapi(
    info(title = "Grapevine API", description = "Field intelligence: forums, ideas, CRM links."),
    paths(
        health::healthz, me::me, me::get_digest, me::put_digest, me::notifications, me::notifications_read, openapi_json,
        forum::list_categories, forum::create_category, forum::update_category, forum::create_thread, forum::list_threads,
        forum::get_thread, forum::create_post, forum::edit_post, forum::delete_post, forum::revisions,
        forum::moderate_thread, forum::moderate_post,
        crm::put_account, crm::get_account, crm::search_accounts, crm::account_intel,
        crm::put_competitor, crm::get_competitor, crm::search_competitors, crm::competitor_intel,
        crm::put_links, crm::follow, crm::unfollow, crm::list_follows,
        ideas::create, ideas::list, ideas::get, ideas::vote, ideas::unvote, ideas::set_status,
        ideas::merge, ideas::similar, crate::live::socket::live, search::search,
        uploads::create, reports::list, reports::put, reports::answers,
        contributions::put_useful, contributions::delete_useful, contributions::impact, contributions::contributors,
    ),
    components(schemas(ErrorBody, ErrorDetail, me::Me, crate::domain::Role, crate::search::Results, crate::search::find::Hit, crate::search::find::HitAuthor, crate::search::DocKind)),
    modifiers(&BearerAuth, &CommonResponses),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The answers every operation can give whatever it does, added to each
/// so the document lists every status truthfully: 400 (unreadable input),
/// 401 (no or bad token), 422 (a NUL in any text), 503 (the database does
/// not answer); 404 where the path names something; 403 (role or CSRF) and
/// 413 (body over the limit) on writes.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |what: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(what)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = path == "/healthz" || path.ends_with("/openapi.json");
            let named = path.contains('{');
            let ops = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ];
            for (op, write) in ops {
                let Some(op) = op.as_mut() else { continue };
                let r = &mut op.responses.responses;
                let mut add = |status: &str, what: &str| {
                    r.entry(status.to_string()).or_insert_with(|| error(what));
                };
                if public {
                    continue;
                }
                add(
                    "400",
                    "The request could not be read (malformed JSON, query or form)",
                );
                add("401", "No valid token or session");
                add(
                    "422",
                    "The input breaks a rule (every rule broken is named)",
                );
                add(
                    "503",
                    "The database does not answer in time; retry after the Retry-After delay",
                );
                if named {
                    add("404", "Nothing the caller may see has this address");
                }
                if write {
                    add(
                        "403",
                        "The caller's role may not do this, or the CSRF token is missing",
                    );
                    add("413", "The body is larger than allowed");
                }
            }
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "OpenAPI 3 description of the API")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// The documented paths, as segments (`{…}` matches any one segment), with
/// the methods each answers: read once from the OpenAPI document, so the
/// 405 answers can never disagree with it.
static ROUTES: std::sync::LazyLock<Vec<(Vec<String>, Vec<&'static str>)>> =
    std::sync::LazyLock::new(|| {
        ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                (
                    path.split('/').map(str::to_string).collect(),
                    methods.into_iter().filter(|m| m.1).map(|m| m.0).collect(),
                )
            })
            .collect()
    });

/// The methods a documented path answers, if `path` is one.
fn allowed_methods(path: &str) -> Option<&'static [&'static str]> {
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES.iter().find_map(|(pattern, methods)| {
        let matches = pattern.len() == segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(p, s)| p == s || (p.starts_with('{') && p.ends_with('}') && !s.is_empty()));
        matches.then_some(methods.as_slice())
    })
}

/// `?format=`: `json` (the default) or `csv`; `true` for CSV.
pub fn wants_csv(format: Option<&str>) -> Result<bool, AppError> {
    match format {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(AppError::invalid(
            "invalid_input",
            format!("format: {other:?} is not json or csv"),
        )),
    }
}

/// A CSV export, downloaded as `name`.
pub fn csv_download(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// Unknown addresses are 404; a known address asked with a method it does
/// not answer is 405 with `Allow`.
async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, AppError> {
    match allowed_methods(req.path()) {
        Some(methods) => Ok(HttpResponse::MethodNotAllowed()
            .insert_header(("Allow", methods.join(", ")))
            .json(ErrorBody {
                error: ErrorDetail {
                    code: "method_not_allowed".into(),
                    message: format!("this address answers {}", methods.join(", ")),
                    fields: Default::default(),
                },
            })),
        None => Err(AppError::NotFound),
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .wrap(actix_web::middleware::from_fn(
                crate::text_guard::reject_nul,
            ))
            .service(
                web::scope("/v1")
                    .route("/openapi.json", web::get().to(openapi_json))
                    .route("/me", web::get().to(me::me))
                    .route("/me/notifications", web::get().to(me::notifications))
                    .route(
                        "/me/notifications/read",
                        web::post().to(me::notifications_read),
                    )
                    .route("/me/impact", web::get().to(contributions::impact))
                    .route(
                        "/stats/contributors",
                        web::get().to(contributions::contributors),
                    )
                    .route(
                        "/posts/{id}/useful",
                        web::put().to(contributions::put_useful),
                    )
                    .route(
                        "/posts/{id}/useful",
                        web::delete().to(contributions::delete_useful),
                    )
                    .route("/me/digest", web::get().to(me::get_digest))
                    .route("/me/digest", web::put().to(me::put_digest))
                    .route("/me/follows", web::get().to(crm::list_follows))
                    .route("/me/follows/{kind}/{key}", web::put().to(crm::follow))
                    .route("/me/follows/{kind}/{key}", web::delete().to(crm::unfollow))
                    .route("/accounts", web::get().to(crm::search_accounts))
                    .route("/accounts/{key}", web::put().to(crm::put_account))
                    .route("/accounts/{key}", web::get().to(crm::get_account))
                    .route("/accounts/{key}/intel", web::get().to(crm::account_intel))
                    .route("/competitors", web::get().to(crm::search_competitors))
                    .route("/competitors/{slug}", web::put().to(crm::put_competitor))
                    .route("/competitors/{slug}", web::get().to(crm::get_competitor))
                    .route(
                        "/competitors/{slug}/intel",
                        web::get().to(crm::competitor_intel),
                    )
                    .route("/threads/{id}/links", web::put().to(crm::put_links))
                    .route("/live", web::get().to(crate::live::socket::live))
                    .route("/search", web::get().to(search::search))
                    .route("/uploads", web::post().to(uploads::create))
                    .route("/report-forms", web::get().to(reports::list))
                    .route("/report-forms/{key}", web::put().to(reports::put))
                    .route(
                        "/report-forms/{key}/answers",
                        web::get().to(reports::answers),
                    )
                    .route("/ideas", web::post().to(ideas::create))
                    .route("/ideas", web::get().to(ideas::list))
                    .route("/ideas/similar", web::get().to(ideas::similar))
                    .route("/ideas/{id}", web::get().to(ideas::get))
                    .route("/ideas/{id}/vote", web::put().to(ideas::vote))
                    .route("/ideas/{id}/vote", web::delete().to(ideas::unvote))
                    .route("/ideas/{id}/status", web::put().to(ideas::set_status))
                    .route("/ideas/{id}/merge", web::post().to(ideas::merge))
                    .route("/categories", web::get().to(forum::list_categories))
                    .route("/categories", web::post().to(forum::create_category))
                    .route(
                        "/categories/{slug}",
                        web::patch().to(forum::update_category),
                    )
                    .route("/threads", web::post().to(forum::create_thread))
                    .route("/threads", web::get().to(forum::list_threads))
                    .route("/threads/{id}", web::get().to(forum::get_thread))
                    .route("/threads/{id}/posts", web::post().to(forum::create_post))
                    .route(
                        "/threads/{id}/moderation",
                        web::post().to(forum::moderate_thread),
                    )
                    .route("/posts/{id}", web::patch().to(forum::edit_post))
                    .route("/posts/{id}", web::delete().to(forum::delete_post))
                    .route("/posts/{id}/revisions", web::get().to(forum::revisions))
                    .route(
                        "/posts/{id}/moderation",
                        web::post().to(forum::moderate_post),
                    )
                    .default_service(web::to(not_found)),
            )
            .default_service(web::to(not_found)),
    );
}
