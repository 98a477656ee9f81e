//! The JSON API under `/api/v1` (see the contract). Every endpoint carries a
//! `utoipa::path` so `/api/v1/openapi.json` lists it by construction.

pub mod crm;
pub mod forum;
pub mod health;
pub mod ideas;
pub mod me;

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
        ideas::merge, ideas::similar, crate::live::socket::live,
    ),
    components(schemas(ErrorBody, ErrorDetail, me::Me, crate::domain::Role)),
    modifiers(&BearerAuth),
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

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses((status = 200, description = "OpenAPI 3 description of the API")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
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
