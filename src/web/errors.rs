//! Error pages: the same `AppError` the API answers as JSON, rendered as HTML
//! in the reader's language. A page that needs a sign-in redirects to it.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::AppError;
use crate::state::AppState;

fn title_key(status: StatusCode, err: Option<&AppError>) -> &'static str {
    match (status.as_u16(), err) {
        (_, Some(AppError::Csrf)) => "error-page-csrf",
        (400, _) => "error-page-400",
        (403, _) => "error-page-403",
        (404, _) => "error-page-404",
        (409, _) | (422, _) => "error-page-422",
        (413, _) => "error-page-413",
        (429, _) => "error-page-429",
        (503, _) => "error-page-503",
        _ => "error-page-500",
    }
}

fn error_html(req: &HttpRequest, status: StatusCode, err: Option<&AppError>) -> HttpResponse {
    let lang = crate::i18n::negotiate(None, req);
    let detail = match err {
        Some(
            e
            @ (AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::BadRequest { .. }),
        ) => Some(e.shown(lang)),
        _ => None,
    };
    let mut ctx = tera::Context::new();
    ctx.insert("lang", lang);
    ctx.insert("status", &status.as_u16());
    ctx.insert("title_key", title_key(status, err));
    ctx.insert("detail", &detail);
    ctx.insert("user", &Option::<()>::None);
    ctx.insert("path", &req.uri().to_string());
    ctx.insert("flash", &Option::<String>::None);
    let body = match req.app_data::<web::Data<AppState>>() {
        Some(s) => s.tera.render("error.html", &ctx).unwrap_or_else(|e| {
            tracing::error!(error = ?e, "cannot render the error page");
            status.to_string()
        }),
        None => status.to_string(),
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Replaces error responses of HTML routes with a page. Responses a handler
/// rendered itself (a form shown again with its errors) pass through.
pub fn render<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if res.response().error().is_none() {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let new = if status == StatusCode::UNAUTHORIZED {
        let next =
            serde_urlencoded::to_string([("next", req.uri().to_string())]).unwrap_or_default();
        super::redirect(&format!("/login?{next}"))
    } else {
        let err = old.error().and_then(|e| e.as_error::<AppError>());
        error_html(&req, status, err)
    };
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body(),
    ))
}

pub async fn not_found_page(req: HttpRequest) -> HttpResponse {
    error_html(&req, StatusCode::NOT_FOUND, Some(&AppError::NotFound))
}
