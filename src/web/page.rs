//! Everything a page template needs about the request: language, user,
//! CSRF token, a one-shot flash message.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};

use crate::auth::{csrf, MaybeUser};
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::models::users::User;
use crate::state::AppState;

const SESSION_FLASH: &str = "flash";
pub(crate) const SESSION_LANG: &str = "lang";

pub struct Page {
    pub lang: &'static str,
    pub user: Option<User>,
    pub csrf: String,
    pub path: String,
    pub flash: Option<String>,
    pub session: Session,
    pub state: web::Data<AppState>,
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let user = MaybeUser::from_request(&req, payload);
        Box::pin(async move {
            let MaybeUser(user) = user.await?;
            let session = req.get_session();
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?;
            let chosen = session.get::<String>(SESSION_LANG).ok().flatten();
            let preferred = user.as_ref().and_then(|u| u.locale.clone()).or(chosen);
            let lang = crate::i18n::negotiate(preferred.as_deref(), &req);
            let flash = session
                .remove_as::<String>(SESSION_FLASH)
                .and_then(Result::ok);
            Ok(Page {
                lang,
                csrf: csrf::token(&session),
                path: req.uri().to_string(),
                user,
                flash,
                session,
                state,
            })
        })
    }
}

impl Page {
    pub fn t(&self, key: &str) -> String {
        crate::i18n::t(self.lang, key)
    }

    /// The signed-in user, or `Unauthorized` (pages turn it into a redirect
    /// to the sign-in form).
    pub fn user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    pub fn require(&self, action: Action) -> Result<&User, AppError> {
        let user = self.user()?;
        authz::require(user, action)?;
        Ok(user)
    }

    /// Shows `key` (a catalog key) once on the next page.
    pub fn flash_next(&self, key: &str) {
        let _ = self.session.insert(SESSION_FLASH, self.t(key));
    }

    pub fn context(&self) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", self.lang);
        ctx.insert("csrf", &self.csrf);
        ctx.insert("path", &self.path);
        ctx.insert("flash", &self.flash);
        ctx.insert("user", &self.user);
        let is_admin = self
            .user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Action::ManageUsers));
        ctx.insert("can_manage_users", &is_admin);
        ctx
    }

    pub fn render(&self, template: &str, ctx: tera::Context) -> Result<HttpResponse, AppError> {
        self.render_status(actix_web::http::StatusCode::OK, template, ctx)
    }

    pub fn render_status(
        &self,
        status: actix_web::http::StatusCode,
        template: &str,
        extra: tera::Context,
    ) -> Result<HttpResponse, AppError> {
        let mut ctx = self.context();
        ctx.extend(extra);
        let html = self.state.tera.render(template, &ctx)?;
        Ok(HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(html))
    }
}
