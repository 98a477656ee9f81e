//! Building and running the server: `Application::build` prepares the
//! database and binds the listener (port 0 is fine, for tests), then
//! `run_until_stopped` serves until SIGINT/SIGTERM.

use std::net::TcpListener;
use std::sync::Arc;

use actix_session::config::CookieContentSecurity;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::state::AppState;
use crate::{api, assets, db, models};

pub struct Application {
    port: u16,
    server: Server,
    /// The first-run link, when no user exists yet.
    pub setup_link: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RunOptions {
    pub workers: usize,
    /// Off in tests, where many servers share one process.
    pub handle_signals: bool,
    /// Blocking threads per worker (database work, password hashing).
    pub blocking_threads: usize,
    /// How often due mails are sent from the outbox.
    pub mail_every: std::time::Duration,
    /// How often the digest scheduler looks for users due a digest.
    pub digest_every: std::time::Duration,
    /// How often the live feed reads the log without being woken.
    pub live_poll: std::time::Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            handle_signals: true,
            blocking_threads: std::env::var("GRAPEVINE_BLOCKING_THREADS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(2),
            mail_every: std::time::Duration::from_secs(5),
            digest_every: std::time::Duration::from_secs(60),
            live_poll: crate::live::POLL_EVERY,
        }
    }
}

/// Opens the pool, applies migrations, and issues the setup link if needed.
pub fn prepare(settings: &Settings) -> anyhow::Result<(db::Pool, Option<String>)> {
    let pool = db::connect(&settings.database_url, 16)?;
    let mut conn = pool.get()?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    let setup_link = if models::users::count(&mut conn)? == 0 {
        let token = models::setup::issue(&mut conn)?;
        Some(format!("{}/setup?token={token}", settings.base_url))
    } else {
        None
    };
    Ok((pool, setup_link))
}

impl Application {
    pub async fn build(settings: Settings, options: RunOptions) -> anyhow::Result<Application> {
        let settings = Arc::new(settings);
        let (pool, setup_link) = {
            let s = settings.clone();
            web::block(move || prepare(&s)).await??
        };
        let listener = TcpListener::bind(settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState {
            settings: settings.clone(),
            pool,
            tera: assets::build_tera()?,
            thread_cache: crate::forum::view::new_cache(64 << 20),
            thread_json_cache: crate::forum::view::new_cache(32 << 20),
            list_cache: crate::forum::view::new_cache(32 << 20),
            hub: crate::live::Hub::default(),
            store: crate::uploads::store::from_settings(&settings),
            uploads: crate::uploads::Workshop::new(),
            oidc: settings
                .auth
                .oidc
                .clone()
                .map(crate::auth::oidc::Provider::new),
        });
        state
            .hub
            .start_poller(state.pool.clone(), options.live_poll);
        if matches!(
            crate::db::Backend::of_url(&settings.database_url),
            Some(crate::db::Backend::Postgres)
        ) {
            crate::live::listen::start(settings.database_url.clone());
        }
        crate::notify::start_worker(state.clone());
        crate::uploads::start_pruner(state.clone());
        let mailer = crate::mail::Mailer::from_settings(&settings)?;
        crate::mail::worker::start(
            state.clone(),
            mailer,
            options.mail_every,
            options.digest_every,
        );
        let key = Key::from(&settings.secret_key);
        let session_days = settings.auth.session_days;
        let secure = settings.secure_cookies();
        let mut server =
            HttpServer::new(move || {
                App::new()
                .app_data(state.clone())
                .app_data(crate::error::json_config())
                .app_data(crate::error::form_config())
                .app_data(crate::error::query_config())
                .app_data(crate::error::path_config())
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "same-origin"))
                        .add((
                            "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; \
                             script-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
                             form-action 'self'; base-uri 'none'",
                        )),
                )
                .wrap(
                    SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
                        .session_lifecycle(session_lifecycle(session_days))
                        .cookie_name("grapevine_session".into())
                        .cookie_http_only(true)
                        .cookie_secure(secure)
                        .cookie_same_site(SameSite::Lax)
                        .cookie_content_security(CookieContentSecurity::Private)
                        .build(),
                )
                .wrap(Compress::default())
                .wrap(TracingLogger::<crate::access_log::AccessLog>::new())
                .service(
                    web::resource("/healthz")
                        .route(web::get().to(api::health::healthz))
                        .default_service(web::to(api::health::method_not_allowed)),
                )
                .route("/static/{path:.*}", web::get().to(assets::serve_static))
                .route("/sw.js", web::get().to(assets::service_worker))
                .route("/favicon.ico", web::get().to(assets::favicon))
                .route("/manifest.webmanifest", web::get().to(assets::manifest))
                .route("/files/{id}", web::get().to(api::uploads::file))
                .route("/files/{id}/thumbnail", web::get().to(api::uploads::thumbnail))
                .configure(api::routes)
                .configure(crate::web::routes)
            })
            .workers(options.workers)
            // Database work runs on the blocking pool; more threads than
            // connections only queue on the pool's lock and switch contexts.
            .worker_max_blocking_threads(options.blocking_threads)
            .shutdown_timeout(30)
            .listen(listener)?;
        if !options.handle_signals {
            server = server.disable_signals();
        }
        Ok(Application {
            port,
            server: server.run(),
            setup_link,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Sessions kept for `days` (0: until the browser closes). The cookie is
/// re-sent when the session changes, and pages change it once a day
/// (`web::page`), so the expiry slides while the user keeps coming.
fn session_lifecycle(days: u32) -> actix_session::config::SessionLifecycle {
    use actix_session::config::{BrowserSession, PersistentSession};
    if days == 0 {
        BrowserSession::default().into()
    } else {
        PersistentSession::default()
            .session_ttl(actix_web::cookie::time::Duration::days(i64::from(days)))
            .into()
    }
}
