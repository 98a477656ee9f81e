//! "Forgot your password?" and the page a password link opens (a reset or
//! an invitation). Asking for a reset answers the same whether or not the
//! address has an account, so the form tells nobody who is a user.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{redirect, Page};
use crate::auth::csrf::CsrfForm;
use crate::auth::{links, password};
use crate::db;
use crate::domain::{Email, NewPassword};
use crate::error::AppError;
use crate::mail::compose::Composer;
use crate::models::password_links::{self, Purpose};
use crate::models::{audit, users};

/// A reset is sent at most this often to one user, whoever asks.
const RESET_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// Password links exist only where passwords sign in.
fn require_passwords(page: &Page) -> Result<(), AppError> {
    if page.state.settings.auth.password_login {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Deserialize)]
pub struct ForgotQuery {
    email: Option<String>,
}

pub async fn forgot_form(page: Page, q: web::Query<ForgotQuery>) -> Result<HttpResponse, AppError> {
    require_passwords(&page)?;
    let mut ctx = tera::Context::new();
    ctx.insert("email", q.email.as_deref().unwrap_or_default());
    ctx.insert("errors", &serde_json::json!({}));
    page.render("password_forgot.html", ctx)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    req: HttpRequest,
    page: Page,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    require_passwords(&page)?;
    let mut ctx = tera::Context::new();
    ctx.insert("email", form.email.trim());
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            ctx.insert(
                "errors",
                &serde_json::json!({"email": e.message(page.lang)}),
            );
            return page.render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "password_forgot.html",
                ctx,
            );
        }
    };
    let ip = crate::client_addr::of(&req);
    let state = page.state.clone();
    let lang = page.lang;
    db::run(&page.state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            let Some(user) = users::find_by_email(conn, &email)? else {
                return Ok(());
            };
            if !links::may_reset(&user) {
                return Ok(());
            }
            let recent = password_links::last_issued(conn, user.id, Purpose::Reset)?
                .is_some_and(|t| t > crate::db::now() - RESET_EVERY);
            if recent {
                return Ok(());
            }
            // The mail speaks the language of the page that asked for it
            // (unless the user chose one): that browser got it last.
            let user = if user.locale.is_none() {
                users::remember_language(conn, user.id, lang)?;
                users::find(conn, user.id)?.unwrap_or(user)
            } else {
                user
            };
            let composer = Composer {
                tera: &state.tera,
                settings: &state.settings,
            };
            links::send(conn, composer, &user, Purpose::Reset, None)?;
            audit::record_from(
                conn,
                user.id,
                "user.password_reset_requested",
                ("user", user.id),
                &user.email,
                Some(&ip),
            )?;
            Ok(())
        })
    })
    .await?;
    ctx.insert("sent", &true);
    page.render("password_forgot.html", ctx)
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The page for a link that is used up, expired or never was.
fn closed(page: &Page) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("closed", &true);
    ctx.insert("purpose", "reset");
    page.render_status(StatusCode::NOT_FOUND, "password_set.html", ctx)
}

pub async fn set_form(page: Page, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    require_passwords(&page)?;
    let token = q.into_inner().token.unwrap_or_default();
    let t = token.clone();
    let found = db::run(&page.state.pool, move |conn| {
        Ok(match password_links::find(conn, &t)? {
            Some((id, purpose)) => users::find(conn, id)?
                .filter(links::may_reset)
                .map(|u| (u.email, purpose)),
            None => None,
        })
    })
    .await?;
    let Some((email, purpose)) = found else {
        return closed(&page);
    };
    let mut ctx = tera::Context::new();
    ctx.insert("closed", &false);
    ctx.insert("purpose", purpose.as_str());
    ctx.insert("token", &token);
    ctx.insert("email", &email);
    ctx.insert("errors", &serde_json::json!({}));
    page.render("password_set.html", ctx)
}

#[derive(Deserialize)]
pub struct SetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Sets the password, uses the link up, signs the user out everywhere else
/// and in here.
pub async fn set(
    req: HttpRequest,
    page: Page,
    CsrfForm(form): CsrfForm<SetForm>,
) -> Result<HttpResponse, AppError> {
    require_passwords(&page)?;
    let password = match NewPassword::parse(&form.password) {
        Ok(p) => p,
        Err(e) => {
            let t = form.token.clone();
            let purpose = db::run(&page.state.pool, move |conn| {
                Ok(password_links::find(conn, &t)?)
            })
            .await?;
            let Some((_, purpose)) = purpose else {
                return closed(&page);
            };
            let mut ctx = tera::Context::new();
            ctx.insert("closed", &false);
            ctx.insert("purpose", purpose.as_str());
            ctx.insert("token", &form.token);
            ctx.insert("email", &form.email);
            ctx.insert(
                "errors",
                &serde_json::json!({"password": e.message(page.lang)}),
            );
            return page.render_status(StatusCode::UNPROCESSABLE_ENTITY, "password_set.html", ctx);
        }
    };
    let hash = web::block(move || password::hash(password.as_str()))
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
    let ip = crate::client_addr::of(&req);
    let token = form.token;
    let user = db::run(&page.state.pool, move |conn| {
        crate::db::write_tx(conn, |conn| {
            let Some((id, purpose)) = password_links::consume(conn, &token)? else {
                return Ok(None);
            };
            let Some(user) = users::find(conn, id)?.filter(links::may_reset) else {
                return Ok(None);
            };
            users::set_password_hash(conn, user.id, &hash)?;
            let action = match purpose {
                Purpose::Invite => "user.invitation_accepted",
                Purpose::Reset => "user.password_reset",
            };
            audit::record_from(
                conn,
                user.id,
                action,
                ("user", user.id),
                &user.email,
                Some(&ip),
            )?;
            Ok(users::find(conn, id)?)
        })
    })
    .await?;
    let Some(user) = user else {
        return closed(&page);
    };
    crate::auth::start_session(&page.session, &user)?;
    page.flash_next("password-set-done");
    Ok(redirect("/"))
}
