//! Single sign-on pages: `/login/oidc` sends the browser to the provider,
//! `/login/oidc/callback` takes it back. The `state` is bound twice: to the
//! browser (in its session) and to the server (a one-use row holding the
//! nonce and the PKCE verifier), so the callback may reach any instance but
//! no other browser can finish someone's sign-in.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{redirect, safe_next, Page};
use crate::auth::oidc::Failure;
use crate::auth::SESSION_SSO;
use crate::db;
use crate::error::AppError;
use crate::models::identities;

const SESSION_OIDC_STATE: &str = "oidc_state";

#[derive(Deserialize)]
pub struct Start {
    next: Option<String>,
}

pub async fn start(page: Page, q: web::Query<Start>) -> Result<HttpResponse, AppError> {
    let Some(provider) = page.state.oidc.as_ref() else {
        return Err(AppError::NotFound);
    };
    let next = safe_next(q.next.as_deref());
    let callback = format!("{}/login/oidc/callback", page.state.settings.base_url);
    let (url, pending) = match provider.begin(callback).await {
        Ok(v) => v,
        Err(f) => return failure(&page, f),
    };
    let state = pending.state.clone();
    db::run(&page.state.pool, move |conn| {
        identities::keep_pending(conn, &pending, &next).map_err(AppError::from)
    })
    .await?;
    page.session
        .insert(SESSION_OIDC_STATE, &state)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(redirect(&url))
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    req: actix_web::HttpRequest,
    page: Page,
    q: web::Query<Callback>,
) -> Result<HttpResponse, AppError> {
    let Some(provider) = page.state.oidc.as_ref() else {
        return Err(AppError::NotFound);
    };
    let q = q.into_inner();
    let expected: Option<String> = page
        .session
        .remove_as(SESSION_OIDC_STATE)
        .and_then(Result::ok);
    let state = q.state.unwrap_or_default();
    let taken = {
        let state = state.clone();
        db::run(&page.state.pool, move |conn| {
            identities::take_pending(conn, &state).map_err(AppError::from)
        })
        .await?
    };
    if let Some(error) = q.error {
        // The provider's own words are not shown: they may be anything.
        tracing::warn!(error = %error.chars().take(64).collect::<String>(), "single sign-on: the provider answered with an error");
        return refused(&page, Failure::Denied);
    }
    let same_browser = expected.is_some_and(|e| {
        use subtle::ConstantTimeEq;
        bool::from(e.as_bytes().ct_eq(state.as_bytes()))
    });
    let (Some((pending, next)), true, Some(code)) = (taken, same_browser, q.code) else {
        tracing::warn!(
            "single sign-on: a callback with an unknown, used, expired or another browser's state"
        );
        return refused(&page, Failure::BadState);
    };
    let claims = match provider.finish(&pending, code).await {
        Ok(c) => c,
        Err(f) => return refused(&page, f),
    };
    let role = crate::auth::oidc::mapped_role(&provider.settings, &claims.groups);
    let ip = crate::client_addr::of(&req);
    let user = db::run(&page.state.pool, move |conn| {
        identities::sign_in(conn, &claims, role, &ip)
    })
    .await?;
    let user = match user {
        Ok(u) => u,
        Err(f) => {
            tracing::warn!(failure = ?f, "single sign-on: refused");
            return refused(&page, f);
        }
    };
    tracing::info!(user = user.id, "single sign-on: signed in");
    crate::auth::start_session(&page.session, &user)?;
    page.session
        .insert(SESSION_SSO, true)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session: {e}")))?;
    Ok(redirect(&next))
}

/// A clear page in the user's language, with the way back to sign-in.
/// Nothing is signed in: a refused callback ends any session.
fn refused(page: &Page, f: Failure) -> Result<HttpResponse, AppError> {
    page.session.purge();
    failure(page, f)
}

fn failure(page: &Page, f: Failure) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("message", &page.t(f.key()));
    // The language links return to this path: never to the callback's code.
    ctx.insert("path", "/login");
    page.render_status(f.status(), "sso_error.html", ctx)
}
