//! The user's own preferences (language for now).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::page::SESSION_LANG;
use super::{redirect, safe_next, Page};
use crate::auth::csrf::CsrfForm;
use crate::db;
use crate::error::AppError;
use crate::i18n;
use crate::models::users;

pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let digest = db::run(&page.state.pool, move |c| Ok(crate::digest::get(c, &user)?)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("languages", &i18n::SUPPORTED);
    ctx.insert("digest", &digest);
    ctx.insert("digest_error", &Option::<String>::None);
    ctx.insert("session_days", &page.state.settings.auth.session_days);
    page.render("settings.html", ctx)
}

#[derive(Deserialize)]
pub struct DigestForm {
    frequency: Option<String>,
    hour: Option<i32>,
    timezone: Option<String>,
    email_mentions: Option<String>,
    email_replies: Option<String>,
    email_ideas: Option<String>,
    email_follows: Option<String>,
}

pub async fn save_digest(
    page: Page,
    CsrfForm(form): CsrfForm<DigestForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    // Unchecked boxes are absent from a form: absent means off here.
    let change = crate::digest::SettingsChange {
        frequency: form.frequency,
        hour: form.hour,
        timezone: form.timezone,
        email_mentions: Some(form.email_mentions.is_some()),
        email_replies: Some(form.email_replies.is_some()),
        email_ideas: Some(form.email_ideas.is_some()),
        email_follows: Some(form.email_follows.is_some()),
    };
    let u = user.clone();
    match db::run(&page.state.pool, move |c| {
        crate::digest::update(c, &u, &change)
    })
    .await
    {
        Ok(_) => {
            page.flash_next("settings-saved");
            Ok(redirect("/settings"))
        }
        Err(e @ AppError::Invalid { .. }) => {
            let digest =
                db::run(&page.state.pool, move |c| Ok(crate::digest::get(c, &user)?)).await?;
            let mut ctx = tera::Context::new();
            ctx.insert("languages", &i18n::SUPPORTED);
            ctx.insert("digest", &digest);
            ctx.insert("digest_error", &Some(e.shown(page.lang)));
            ctx.insert("session_days", &page.state.settings.auth.session_days);
            page.render_status(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "settings.html",
                ctx,
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    locale: String,
}

pub async fn save(
    page: Page,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let id = page.user()?.id;
    // Empty means "follow the browser".
    let locale = match form.locale.as_str() {
        "" => None,
        l => Some(i18n::supported(l).ok_or_else(|| {
            AppError::invalid("unknown_language", format!("unknown language {l:?}"))
        })?),
    };
    db::run(&page.state.pool, move |c| {
        Ok(users::set_locale(c, id, locale)?)
    })
    .await?;
    let _ = page.session.insert(
        "flash",
        i18n::t(locale.unwrap_or(page.lang), "settings-saved"),
    );
    Ok(redirect("/settings"))
}

#[derive(Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// Language links for visitors who are not signed in (kept in the session).
pub async fn choose_language(
    page: Page,
    code: web::Path<String>,
    q: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = i18n::supported(&code).ok_or(AppError::NotFound)?;
    let _ = page.session.insert(SESSION_LANG, lang);
    Ok(redirect(&safe_next(q.next.as_deref())))
}
