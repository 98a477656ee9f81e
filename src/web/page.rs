//! Everything a page template needs about the request: language, user,
//! CSRF token, a one-shot flash message.
//!
//! `PageSeed` is what can be read without the database; `finish` adds the
//! user. The `Page` extractor does both; a hot page can look the user up in
//! the same trip to the database as its own queries (see `web::forum`).

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};

use crate::auth::{csrf, MaybeUser};
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::forum::view;
use crate::models::users::User;
use crate::state::AppState;

const SESSION_FLASH: &str = "flash";
/// The key of a local draft the last request sent: the next page tells the
/// browser to forget it (only once the server has it).
const SESSION_DRAFT_SENT: &str = "draft_sent";
pub(crate) const SESSION_LANG: &str = "lang";

/// The language preferences that don't need the user: a choice made in this
/// session, then the browser's.
#[derive(Clone, Debug)]
pub struct LangPrefs {
    chosen: Option<&'static str>,
    browser: &'static str,
}

impl LangPrefs {
    /// The user's own setting wins over both.
    pub fn pick(&self, user: Option<&User>) -> &'static str {
        user.and_then(|u| u.locale.as_deref())
            .and_then(crate::i18n::supported)
            .or(self.chosen)
            .unwrap_or(self.browser)
    }
}

/// What a page knows about its request, without the session handle: `Send`,
/// so it can travel into database closures that render.
#[derive(Clone, Debug)]
pub struct PageView {
    pub lang: &'static str,
    pub user: Option<User>,
    pub path: String,
    pub flash: Option<String>,
    pub draft_sent: Option<String>,
}

impl PageView {
    /// Nothing shown once (a flash, a sent draft) goes into a kept page.
    pub fn may_keep(&self) -> bool {
        self.flash.is_none() && self.draft_sent.is_none()
    }

    /// The context of a page to keep (`forum::view::cached`): the CSRF
    /// token and the live feed's position are placeholders that
    /// `Page::send_kept` stamps per request.
    pub fn kept_context(&self) -> tera::Context {
        let mut ctx = self.context(view::CSRF_MARK);
        ctx.insert("live_since", view::SINCE_MARK);
        ctx
    }

    /// What the page shows of the request and its viewer, for a `ListKey`.
    pub fn kept_digest(&self, user: &User) -> u64 {
        view::hash_of(&(&self.path, view::viewer_digest(user)))
    }

    /// The base template context, with `csrf` as given (the real token, or a
    /// placeholder for a page that is cached and stamped per request).
    pub fn context(&self, csrf: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", self.lang);
        ctx.insert("csrf", csrf);
        ctx.insert("path", &self.path);
        ctx.insert("flash", &self.flash);
        ctx.insert("draft_sent", &self.draft_sent);
        ctx.insert("user", &self.user);
        let is_admin = self
            .user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Action::ManageUsers));
        ctx.insert("can_manage_users", &is_admin);
        let figures = self
            .user
            .as_ref()
            .is_some_and(|u| authz::allows(u, Action::ReportFigures));
        ctx.insert("can_see_figures", &figures);
        ctx
    }
}

pub struct PageSeed {
    pub prefs: LangPrefs,
    pub csrf: String,
    pub path: String,
    pub flash: Option<String>,
    pub draft_sent: Option<String>,
    pub session: Session,
    pub state: web::Data<AppState>,
}

impl PageSeed {
    pub fn of(req: &HttpRequest) -> Result<PageSeed, AppError> {
        let session = req.get_session();
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?;
        slide_session(&session);
        let chosen = session
            .get::<String>(SESSION_LANG)
            .ok()
            .flatten()
            .and_then(|l| crate::i18n::supported(&l));
        Ok(PageSeed {
            prefs: LangPrefs {
                chosen,
                browser: crate::i18n::from_browser(req),
            },
            csrf: csrf::token(&session),
            path: req.uri().to_string(),
            // `remove` marks the session changed even when the key is absent,
            // which would re-encrypt and re-send the cookie on every page.
            flash: match session.get::<String>(SESSION_FLASH) {
                Ok(Some(f)) => {
                    session.remove(SESSION_FLASH);
                    Some(f)
                }
                _ => None,
            },
            draft_sent: match session.get::<String>(SESSION_DRAFT_SENT) {
                Ok(Some(d)) => {
                    session.remove(SESSION_DRAFT_SENT);
                    Some(d)
                }
                _ => None,
            },
            session,
            state,
        })
    }

    pub fn view(&self, user: Option<User>) -> PageView {
        PageView {
            lang: self.prefs.pick(user.as_ref()),
            user,
            path: self.path.clone(),
            flash: self.flash.clone(),
            draft_sent: self.draft_sent.clone(),
        }
    }

    /// A signed-in user's page whose queries (`work`) run in the same trip
    /// to the database as the caller's lookup (`identity::with_caller`), as
    /// the thread page does; for reads. Visitors get `Unauthorized`.
    pub async fn one_trip<T: Send + 'static>(
        self,
        req: &HttpRequest,
        work: impl FnOnce(&mut crate::db::DbConn, &PageView, &User) -> Result<T, AppError>
            + Send
            + 'static,
    ) -> Result<(Page, T), AppError> {
        let (prefs, blank) = (self.prefs.clone(), self.view(None));
        let (user, out) = crate::auth::identity::with_caller(req, move |c, user| {
            let view = PageView {
                lang: prefs.pick(Some(user)),
                user: Some(user.clone()),
                ..blank
            };
            work(c, &view, user)
        })
        .await?;
        Ok((self.finish(Some(user)), out))
    }

    pub fn finish(self, user: Option<User>) -> Page {
        let view = self.view(user);
        remember_language(&self.state, view.user.as_ref(), view.lang);
        Page {
            lang: view.lang,
            user: view.user,
            csrf: self.csrf,
            path: view.path,
            flash: view.flash,
            draft_sent: view.draft_sent,
            session: self.session,
            state: self.state,
        }
    }
}

/// Once a day, a signed-in session is touched so its cookie (and expiry)
/// is sent again: a session lasts while the user keeps coming.
fn slide_session(session: &Session) {
    if !matches!(session.get::<i64>(crate::auth::SESSION_USER), Ok(Some(_))) {
        return;
    }
    let today = chrono::Utc::now().timestamp().div_euclid(86_400);
    if session.get::<i64>(crate::auth::SESSION_DAY).ok().flatten() != Some(today) {
        let _ = session.insert(crate::auth::SESSION_DAY, today);
    }
}

/// A user whose language is "the browser's" gets mail in the language their
/// browser last got; written only when it changes, off the request's path.
fn remember_language(state: &web::Data<AppState>, user: Option<&User>, lang: &'static str) {
    let Some(user) = user.filter(|u| u.locale.is_none() && u.seen_lang.as_deref() != Some(lang))
    else {
        return;
    };
    let (pool, id) = (state.pool.clone(), user.id);
    actix_web::rt::spawn(async move {
        let saved = crate::db::run(&pool, move |conn| {
            Ok(crate::models::users::remember_language(conn, id, lang)?)
        })
        .await;
        if let Err(e) = saved {
            tracing::warn!(error = %e, "could not remember a user's language");
        }
    });
}

pub struct Page {
    pub lang: &'static str,
    pub user: Option<User>,
    pub csrf: String,
    pub path: String,
    pub flash: Option<String>,
    pub draft_sent: Option<String>,
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
            Ok(PageSeed::of(&req)?.finish(user))
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

    /// The form's local draft (`_draft`) reached the server: the next page
    /// lets the browser forget it.
    pub fn draft_sent(&self, key: Option<&str>) {
        if let Some(k) = key.filter(|k| !k.is_empty() && k.len() <= 100) {
            let _ = self.session.insert(SESSION_DRAFT_SENT, k);
        }
    }

    pub fn view(&self) -> PageView {
        PageView {
            lang: self.lang,
            user: self.user.clone(),
            path: self.path.clone(),
            flash: self.flash.clone(),
            draft_sent: self.draft_sent.clone(),
        }
    }

    pub fn context(&self) -> tera::Context {
        self.view().context(&self.csrf)
    }

    pub fn send_kept(&self, html: &str) -> HttpResponse {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(view::stamp(
                html,
                &self.csrf,
                None,
                self.state.hub.published(),
            ))
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
        // Where a page's live banner resumes from: no update is missed
        // between rendering and the socket opening.
        ctx.insert("live_since", &self.state.hub.published());
        ctx.extend(extra);
        let html = self.state.tera.render(template, &ctx)?;
        Ok(HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body(html))
    }
}
