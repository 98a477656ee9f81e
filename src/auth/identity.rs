//! Extractors for the caller: a bearer token or the session cookie. The user
//! is loaded on every request, so deactivation takes effect at once.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};

use super::{csrf, SESSION_USER};
use crate::error::AppError;
use crate::models::{tokens, users, users::User};
use crate::state::AppState;

/// The signed-in user; 401 otherwise.
pub struct CurrentUser(pub User);

/// The signed-in user, if any.
pub struct MaybeUser(pub Option<User>);

#[derive(Clone)]
struct Resolved(Option<User>);

fn bearer(req: &HttpRequest) -> Option<Result<String, AppError>> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let text = value.to_str().ok().unwrap_or_default();
    Some(match text.strip_prefix("Bearer ") {
        Some(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        _ => Err(AppError::Unauthorized),
    })
}

async fn resolve(req: &HttpRequest) -> Result<Option<User>, AppError> {
    if let Some(Resolved(u)) = req.extensions().get::<Resolved>() {
        return Ok(u.clone());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?
        .clone();
    let user = match bearer(req) {
        // A token that is present but wrong is an error, not an anonymous call.
        Some(token) => {
            let token = token?;
            let user = db_run(&state, move |c| Ok(tokens::authenticate(c, &token)?)).await?;
            Some(user.ok_or(AppError::Unauthorized)?)
        }
        None => {
            let session = req.get_session();
            match session.get::<i64>(SESSION_USER).ok().flatten() {
                None => None,
                Some(id) => {
                    let user = db_run(&state, move |c| Ok(users::find(c, id)?)).await?;
                    match user.filter(|u| u.active) {
                        Some(u) => {
                            check_api_csrf(req)?;
                            Some(u)
                        }
                        None => {
                            session.purge();
                            None
                        }
                    }
                }
            }
        }
    };
    req.extensions_mut().insert(Resolved(user.clone()));
    Ok(user)
}

/// Cookie-authenticated API calls that change state must echo the session's
/// CSRF token in a header (forms check theirs in `CsrfForm`).
fn check_api_csrf(req: &HttpRequest) -> Result<(), AppError> {
    let safe = matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    if safe || !req.path().starts_with("/api/") {
        return Ok(());
    }
    let sent = req
        .headers()
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok());
    csrf::verify(&req.get_session(), sent)
}

async fn db_run<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut crate::db::DbConn) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    crate::db::run(&state.pool, f).await
}

impl FromRequest for MaybeUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeUser(resolve(&req).await?)) })
    }
}

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match resolve(&req).await? {
                Some(u) => Ok(CurrentUser(u)),
                None => Err(AppError::Unauthorized.into()),
            }
        })
    }
}
