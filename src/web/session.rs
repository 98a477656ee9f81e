//! Sign-in, sign-out and the first-run setup link.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, safe_next, Page};
use crate::auth::csrf::CsrfForm;
use crate::auth::{password, SESSION_SSO};
use crate::db;
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::error::AppError;
use crate::models::{audit, setup, throttle, users};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

pub async fn login_form(page: Page, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    if page.user.is_some() {
        return Ok(redirect(&safe_next(q.next.as_deref())));
    }
    let mut ctx = login_context(&page, &safe_next(q.next.as_deref()));
    ctx.insert("email", "");
    if q.signed_out.as_deref() == Some("sso") {
        if let Some(provider) = &page.state.oidc {
            let back = format!("{}/login", page.state.settings.base_url);
            ctx.insert("provider_logout", &provider.end_session_url(&back).await);
        }
    }
    page.render("login.html", ctx)
}

/// What the sign-in page offers: the provider's button, the password form.
fn login_context(page: &Page, next: &str) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("next", next);
    let auth = &page.state.settings.auth;
    ctx.insert(
        "sso_name",
        &auth.oidc.as_ref().map(|o| o.display_name.as_str()),
    );
    ctx.insert("password_login", &auth.password_login);
    ctx
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

enum Outcome {
    Success(crate::models::users::User),
    Failed,
    Throttled(u64),
}

pub async fn login(
    req: HttpRequest,
    page: Page,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    if !page.state.settings.auth.password_login {
        let mut ctx = login_context(&page, &safe_next(form.next.as_deref()));
        ctx.insert("email", "");
        ctx.insert("error", &page.t("login-password-off"));
        return page.render_status(StatusCode::FORBIDDEN, "login.html", ctx);
    }
    let ip = crate::client_addr::of(&req);
    let email_key = form.email.trim().to_lowercase();
    let (email_in, password_in) = (form.email.clone(), form.password);
    let outcome = db::run(&page.state.pool, move |conn| {
        if let Some(wait) = throttle::retry_after(conn, &email_key, &ip)? {
            return Ok(Outcome::Throttled(wait));
        }
        let row = match Email::parse(&email_in) {
            Ok(e) => users::find_row_by_email(conn, &e)?,
            Err(_) => None,
        };
        let ok = match &row {
            Some(r) => password::verify(&password_in, &r.password_hash) && r.active,
            None => {
                password::verify_dummy(&password_in);
                false
            }
        };
        match row {
            Some(r) if ok => {
                throttle::clear(conn, &email_key)?;
                audit::record_from(
                    conn,
                    r.id,
                    "user.sign_in",
                    ("user", r.id),
                    "password",
                    Some(&ip),
                )?;
                Ok(Outcome::Success(r.into()))
            }
            _ => {
                throttle::record_failure(conn, &email_key, &ip)?;
                Ok(Outcome::Failed)
            }
        }
    })
    .await?;
    let next = safe_next(form.next.as_deref());
    let (status, message) = match outcome {
        Outcome::Success(user) => {
            crate::auth::start_session(&page.session, &user)?;
            return Ok(redirect(&next));
        }
        Outcome::Failed => (StatusCode::OK, page.t("login-failed")),
        Outcome::Throttled(secs) => (
            StatusCode::TOO_MANY_REQUESTS,
            crate::i18n::t_args(
                page.lang,
                "login-throttled",
                &[("minutes", secs.div_ceil(60).to_string())],
            ),
        ),
    };
    let mut ctx = login_context(&page, &next);
    ctx.insert("email", form.email.trim());
    ctx.insert("error", &message);
    page.render_status(status, "login.html", ctx)
}

pub async fn logout_form(page: Page) -> Result<HttpResponse, AppError> {
    if page.user.is_none() {
        return Ok(redirect("/login"));
    }
    page.render("logout.html", tera::Context::new())
}

#[derive(Deserialize)]
pub struct Empty {}

/// Ends every session of the user, on every device.
pub async fn logout_everywhere(
    page: Page,
    _form: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let id = page.user()?.id;
    db::run(&page.state.pool, move |c| Ok(users::end_sessions(c, id)?)).await?;
    page.session.purge();
    Ok(redirect("/login"))
}

pub async fn logout(page: Page, _form: CsrfForm<Empty>) -> HttpResponse {
    let sso = matches!(page.session.get::<bool>(SESSION_SSO), Ok(Some(true)));
    page.session.purge();
    redirect(if sso {
        "/login?signed_out=sso"
    } else {
        "/login"
    })
}

#[derive(Deserialize)]
pub struct SetupQuery {
    token: Option<String>,
}

async fn setup_open(page: &Page, token: String) -> Result<bool, AppError> {
    db::run(&page.state.pool, move |conn| {
        Ok(users::count(conn)? == 0 && setup::is_valid(conn, &token)?)
    })
    .await
}

pub async fn setup_form(page: Page, q: web::Query<SetupQuery>) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token.unwrap_or_default();
    let mut ctx = tera::Context::new();
    if !setup_open(&page, token.clone()).await? {
        ctx.insert("closed", &true);
        return page.render_status(StatusCode::NOT_FOUND, "setup.html", ctx);
    }
    ctx.insert("token", &token);
    ctx.insert("closed", &false);
    ctx.insert("values", &serde_json::json!({}));
    ctx.insert("errors", &serde_json::json!({}));
    page.render("setup.html", ctx)
}

#[derive(Deserialize, serde::Serialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default, skip_serializing)]
    password: String,
}

pub async fn setup(
    page: Page,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = serde_json::Map::new();
    let name = PersonName::parse(&form.name)
        .map_err(|e| errors.insert("name".into(), e.message(page.lang).into()))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.insert("email".into(), e.message(page.lang).into()))
        .ok();
    let password = NewPassword::parse(&form.password)
        .map_err(|e| errors.insert("password".into(), e.message(page.lang).into()))
        .ok();
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        let mut ctx = tera::Context::new();
        ctx.insert("closed", &false);
        ctx.insert("token", &form.token);
        ctx.insert("values", &form);
        ctx.insert("errors", &errors);
        return page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "setup.html", ctx);
    };
    let hash = web::block(move || password::hash(password.as_str()))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let token = form.token.clone();
    let created = db::run(&page.state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            if users::count(conn)? > 0 || !setup::consume(conn, &token)? {
                return Ok(None);
            }
            let new = users::NewUser {
                email,
                name,
                role: Role::Admin,
                locale: None,
            };
            users::create_with_hash(conn, &new, &hash).map(Some)
        })
    })
    .await?;
    let Some(user) = created else {
        let mut ctx = tera::Context::new();
        ctx.insert("closed", &true);
        return page.render_status(StatusCode::NOT_FOUND, "setup.html", ctx);
    };
    crate::auth::start_session(&page.session, &user)?;
    page.flash_next("setup-done");
    Ok(redirect("/"))
}
