//! `/unsubscribe?token=…`: the signed link of every email. It works without
//! signing in; GET asks to confirm (mail scanners follow links), POST turns
//! that kind of mail off, and is also the RFC 8058 one-click target.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::Page;
use crate::db;
use crate::error::AppError;
use crate::mail::unsubscribe;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn invalid(page: &Page) -> Result<HttpResponse, AppError> {
    let mut ctx = tera::Context::new();
    ctx.insert("state", "invalid");
    page.render_status(StatusCode::BAD_REQUEST, "unsubscribe.html", ctx)
}

pub async fn confirm(page: Page, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let Some((user_id, kind)) = unsubscribe::verify(&page.state.settings.secret_key, &q.token)
    else {
        return invalid(&page);
    };
    let Some(user) = db::run(&page.state.pool, move |c| {
        Ok(crate::models::users::find(c, user_id)?)
    })
    .await?
    else {
        return invalid(&page);
    };
    let mut ctx = tera::Context::new();
    ctx.insert("state", "confirm");
    ctx.insert("email", &user.email);
    ctx.insert("kind", kind);
    ctx.insert("token", &q.token);
    page.render("unsubscribe.html", ctx)
}

pub async fn unsubscribe(page: Page, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let Some((user_id, kind)) = unsubscribe::verify(&page.state.settings.secret_key, &q.token)
    else {
        return invalid(&page);
    };
    let Some(user) = db::run(&page.state.pool, move |c| {
        crate::digest::unsubscribe(c, user_id, kind)
    })
    .await?
    else {
        return invalid(&page);
    };
    tracing::info!(user = user.id, kind, "unsubscribed");
    let mut ctx = tera::Context::new();
    ctx.insert("state", "done");
    ctx.insert("email", &user.email);
    ctx.insert("kind", kind);
    page.render("unsubscribe.html", ctx)
}
