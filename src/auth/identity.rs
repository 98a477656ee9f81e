//! Extractors for the caller: a bearer token or the session cookie. The user
//! is loaded on every request, so deactivation takes effect at once.
//!
//! Reading the credentials needs no database (`Credentials::of`); looking
//! the user up is a plain function (`lookup`), so a hot page can do it in
//! the same trip to the database as its own queries.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};

use super::{csrf, SESSION_USER};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{tokens, users, users::User};
use crate::state::AppState;

/// The signed-in user; 401 otherwise.
pub struct CurrentUser(pub User);

/// The signed-in user, if any.
pub struct MaybeUser(pub Option<User>);

#[derive(Clone)]
struct Resolved(Option<User>);

/// What the request presents, read without the database.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// `Some(None)`: an Authorization header that is not a bearer token.
    token: Option<Option<String>>,
    session_uid: Option<i64>,
    /// The session number the session was signed with.
    session_epoch: i64,
    /// Email, name and client address a trusted proxy vouches for
    /// (`GRAPEVINE_AUTH_HEADER`).
    proxy_user: Option<ProxyUser>,
    /// Already looked up earlier in this request.
    resolved: Option<Option<User>>,
}

impl Credentials {
    pub fn of(req: &HttpRequest) -> Credentials {
        let resolved = req.extensions().get::<Resolved>().map(|r| r.0.clone());
        let token = req.headers().get(header::AUTHORIZATION).map(|value| {
            let text = value.to_str().ok().unwrap_or_default();
            text.strip_prefix("Bearer ")
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        });
        let proxy_user = match token {
            Some(_) => None,
            None => proxy_user(req),
        };
        let session_uid = match &token {
            None => req.get_session().get::<i64>(SESSION_USER).ok().flatten(),
            Some(_) => None,
        };
        let session_epoch = match session_uid {
            Some(_) => req
                .get_session()
                .get::<i64>(super::SESSION_EPOCH)
                .ok()
                .flatten()
                .unwrap_or(0),
            None => 0,
        };
        Credentials {
            token,
            session_uid,
            session_epoch,
            proxy_user,
            resolved,
        }
    }

    /// Credentials the browser sends by itself (a cookie, a proxy's
    /// header): state-changing API calls with them need the CSRF token.
    fn ambient(&self) -> bool {
        self.session_uid.is_some() || self.proxy_user.is_some()
    }
}

/// The identity header, believed only when the connection itself comes
/// from a trusted proxy (not from `X-Forwarded-For`, which anyone writes).
#[derive(Clone, Debug)]
struct ProxyUser {
    email: String,
    name: Option<String>,
    client: String,
}

fn proxy_user(req: &HttpRequest) -> Option<ProxyUser> {
    // Pages only: the JSON API keeps to tokens and the session a page made.
    if req.path().starts_with("/api/") {
        return None;
    }
    let state = req.app_data::<web::Data<AppState>>()?;
    let auth = state.settings.auth.header.as_ref()?;
    let email = req.headers().get(&auth.email)?.to_str().ok()?.trim();
    if email.is_empty() {
        return None;
    }
    let peer = req.peer_addr().map(|a| a.ip());
    let trusted = peer.is_some_and(|ip| {
        state
            .settings
            .trusted_proxies
            .iter()
            .any(|n| n.contains(&ip))
    });
    if !trusted {
        tracing::warn!(peer = ?peer, header = %auth.email, "identity header from an untrusted address ignored");
        return None;
    }
    let name = auth
        .name
        .as_ref()
        .and_then(|n| req.headers().get(n))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Some(ProxyUser {
        email: email.to_string(),
        name,
        client: crate::client_addr::of(req),
    })
}

/// The active user behind the credentials. A token that is present but
/// wrong is an error, not an anonymous call.
pub fn lookup(conn: &mut DbConn, creds: &Credentials) -> Result<Option<User>, AppError> {
    if let Some(user) = &creds.resolved {
        return Ok(user.clone());
    }
    match &creds.token {
        Some(Some(token)) => Ok(Some(
            tokens::authenticate(conn, token)?.ok_or(AppError::Unauthorized)?,
        )),
        Some(None) => Err(AppError::Unauthorized),
        None if creds.proxy_user.is_some() => {
            let p = creds.proxy_user.as_ref().expect("checked");
            crate::models::identities::from_header(conn, &p.email, p.name.as_deref(), &p.client)
        }
        None => match creds.session_uid {
            // A session from before "sign out everywhere" is over.
            Some(id) => Ok(users::find(conn, id)?
                .filter(|u| u.active && u.session_epoch == creds.session_epoch)),
            None => Ok(None),
        },
    }
}

/// After `lookup`: ends a session whose user is gone or deactivated, checks
/// CSRF on cookie-authenticated API writes, and remembers the user for the
/// rest of the request.
pub fn settle(
    req: &HttpRequest,
    creds: &Credentials,
    user: Option<User>,
) -> Result<Option<User>, AppError> {
    if creds.resolved.is_none() && creds.ambient() {
        match &user {
            None if creds.session_uid.is_some() => req.get_session().purge(),
            None => {}
            Some(_) => check_api_csrf(req)?,
        }
    }
    // The proxy's user gets a session like a password sign-in (renewed, so
    // a session started as someone else is not carried over).
    if let (Some(_), Some(u)) = (&creds.proxy_user, &user) {
        if creds.resolved.is_none() && creds.session_uid != Some(u.id) {
            super::start_session(&req.get_session(), u)?;
        }
    }
    req.extensions_mut().insert(Resolved(user.clone()));
    Ok(user)
}

/// Runs `work` for the signed-in caller in the same blocking call as the
/// caller's lookup: one trip to the pool instead of two, for the hottest
/// reads (GET only: a write's CSRF check comes before its work). Nobody
/// signed in is `Unauthorized`.
pub async fn with_caller<T: Send + 'static>(
    req: &HttpRequest,
    work: impl FnOnce(&mut DbConn, &User) -> Result<T, AppError> + Send + 'static,
) -> Result<(User, T), AppError> {
    let creds = Credentials::of(req);
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?
        .clone();
    let c = creds.clone();
    let (user, out) = crate::db::run(&state.pool, move |conn| {
        let Some(user) = lookup(conn, &c)? else {
            return Ok((None, None));
        };
        let out = work(conn, &user)?;
        Ok((Some(user), Some(out)))
    })
    .await?;
    match (settle(req, &creds, user)?, out) {
        (Some(user), Some(out)) => Ok((user, out)),
        _ => Err(AppError::Unauthorized),
    }
}

async fn resolve(req: &HttpRequest) -> Result<Option<User>, AppError> {
    let creds = Credentials::of(req);
    if let Some(user) = &creds.resolved {
        return Ok(user.clone());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?
        .clone();
    let c = creds.clone();
    let user = crate::db::run(&state.pool, move |conn| lookup(conn, &c)).await?;
    settle(req, &creds, user)
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
