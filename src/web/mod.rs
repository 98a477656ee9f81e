//! HTML pages. Handlers stay thin: they extract, ask `authz`, call `models`,
//! and render a template through `Page`.

mod admin;
mod contributions;
mod crm;
mod errors;
mod forum;
mod home;
mod ideas;
mod live;
mod notifications;
mod page;
mod password;
mod reports;
mod search;
mod session;
mod settings;
mod sso;
mod unsubscribe;

use actix_web::middleware::ErrorHandlers;
use actix_web::web;

use crate::error::AppError;

pub use errors::not_found_page;
pub use page::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(actix_web::middleware::from_fn(
                crate::text_guard::reject_nul,
            ))
            .wrap(ErrorHandlers::new().default_handler(errors::render))
            .route("/", web::get().to(home::home))
            .route("/login", web::get().to(session::login_form))
            .route("/login", web::post().to(session::login))
            .route("/login/oidc", web::get().to(sso::start))
            .route("/login/oidc/callback", web::get().to(sso::callback))
            .route("/logout", web::get().to(session::logout_form))
            .route("/logout", web::post().to(session::logout))
            .route(
                "/logout/everywhere",
                web::post().to(session::logout_everywhere),
            )
            .route("/password/forgot", web::get().to(password::forgot_form))
            .route("/password/forgot", web::post().to(password::forgot))
            .route("/password/set", web::get().to(password::set_form))
            .route("/password/set", web::post().to(password::set))
            .route("/setup", web::get().to(session::setup_form))
            .route("/setup", web::post().to(session::setup))
            .route("/lang/{code}", web::get().to(settings::choose_language))
            .route("/settings", web::get().to(settings::show))
            .route("/settings", web::post().to(settings::save))
            .route("/settings/digest", web::post().to(settings::save_digest))
            .route("/unsubscribe", web::get().to(unsubscribe::confirm))
            .route("/unsubscribe", web::post().to(unsubscribe::unsubscribe))
            .route("/admin/users", web::get().to(admin::users))
            .route("/admin/users", web::post().to(admin::create_user))
            .route("/admin/users/{id}/role", web::post().to(admin::change_role))
            .route("/admin/users/{id}/team", web::post().to(admin::set_team))
            .route(
                "/admin/users/{id}/active",
                web::post().to(admin::set_active),
            )
            .route("/admin/categories", web::get().to(admin::categories))
            .route("/admin/categories", web::post().to(admin::create_category))
            .route(
                "/admin/categories/{id}",
                web::post().to(admin::update_category),
            )
            .route("/admin/audit", web::get().to(admin::audit))
            .route("/forums", web::get().to(forum::index))
            .route("/search", web::get().to(search::page))
            .route("/c/{slug}", web::get().to(forum::category))
            .route("/new", web::get().to(forum::new_thread_form))
            .route("/new", web::post().to(forum::create_thread))
            .route("/t/{id}", web::get().to(forum::show_thread))
            .route("/t/{id}/posts/{post}", web::get().to(forum::post_fragment))
            .route("/t/{id}/reply", web::post().to(forum::reply))
            .route("/t/{id}/moderate", web::post().to(forum::moderate_thread))
            .route("/posts/{id}/edit", web::get().to(forum::edit_form))
            .route("/posts/{id}/edit", web::post().to(forum::edit))
            .route("/posts/{id}/delete", web::get().to(forum::delete_confirm))
            .route("/posts/{id}/delete", web::post().to(forum::delete))
            .route(
                "/posts/{id}/moderate",
                web::get().to(forum::moderate_post_confirm),
            )
            .route("/t/{id}/move", web::get().to(forum::move_form))
            .route("/posts/{id}/history", web::get().to(forum::history))
            .route("/posts/{id}/moderate", web::post().to(forum::moderate_post))
            .route("/posts/{id}/useful", web::post().to(forum::mark_useful))
            .route("/users/{id}", web::get().to(forum::user_page))
            .route("/accounts", web::get().to(crm::index))
            .route("/accounts/new", web::get().to(crm::new_account_form))
            .route("/accounts/import", web::get().to(crm::import_form))
            .route("/accounts/import", web::post().to(crm::import_upload))
            .route("/accounts", web::post().to(crm::save_account))
            .route("/accounts/{key}", web::get().to(crm::account))
            .route(
                "/accounts/{key}/edit",
                web::get().to(crm::edit_account_form),
            )
            .route("/competitors", web::get().to(crm::index))
            .route("/competitors/new", web::get().to(crm::new_competitor_form))
            .route("/competitors", web::post().to(crm::save_competitor))
            .route("/competitors/{slug}", web::get().to(crm::competitor))
            .route(
                "/competitors/{slug}/edit",
                web::get().to(crm::edit_competitor_form),
            )
            .route("/follow", web::post().to(crm::follow))
            .route("/ideas", web::get().to(ideas::list))
            .route("/ideas/new", web::get().to(ideas::new_form))
            .route("/ideas/new", web::post().to(ideas::create))
            .route("/ideas/{id}", web::get().to(ideas::show))
            .route("/ideas/{id}/vote", web::post().to(ideas::vote))
            .route("/ideas/{id}/status", web::post().to(ideas::set_status))
            .route("/ideas/{id}/merge", web::post().to(ideas::merge))
            .route("/roadmap", web::get().to(ideas::roadmap))
            .route("/live", web::get().to(live::page))
            .route("/notifications", web::get().to(notifications::page))
            .route("/report", web::get().to(reports::capture))
            .route("/report/share", web::post().to(reports::share))
            .route("/report/{key}", web::get().to(reports::grid))
            .route("/report/{key}", web::post().to(reports::file))
            .route("/impact", web::get().to(contributions::impact))
            .route("/stats", web::get().to(contributions::stats))
            .route("/reports", web::get().to(reports::figures_index))
            .route("/reports/{key}", web::get().to(reports::figures_page))
            .route("/t/{id}/links", web::get().to(crm::links_form))
            .route("/t/{id}/links", web::post().to(crm::save_links))
            .default_service(web::to(errors::not_found_page)),
    );
}

/// A local path to return to after signing in; anything else goes home.
pub fn safe_next(next: Option<&str>) -> String {
    // Parsed as a browser would (WHATWG: tabs and newlines dropped,
    // backslashes as slashes, leading spaces trimmed, dot segments
    // resolved), then kept only if it stays on this origin and cannot be
    // read as another host (`//host`).
    static BASE: std::sync::LazyLock<url::Url> =
        std::sync::LazyLock::new(|| url::Url::parse("http://grapevine.invalid/").expect("valid"));
    let Some(raw) = next.filter(|n| n.starts_with('/')) else {
        return "/".to_string();
    };
    match BASE.join(raw) {
        Ok(u) if u.origin() == BASE.origin() => {
            let local = &u[url::Position::BeforePath..];
            if local.starts_with("//") || local.contains('\\') {
                "/".to_string()
            } else {
                local.to_string()
            }
        }
        _ => "/".to_string(),
    }
}

/// A comma-separated form field as its trimmed, non-empty items (the
/// account and competitor fields without the picker).
pub fn comma_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

pub fn redirect(to: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .finish()
}

/// Keeps the files a form carried, for the writer: every upload id the
/// form names, and the message of a refused file (the ids kept before it
/// stay in the form, so nothing is lost).
pub(super) async fn keep_files(
    page: &Page,
    listed: &str,
    files: Vec<crate::uploads::receive::FilePart>,
) -> Result<(Vec<i64>, Option<String>), AppError> {
    let user = page.user()?.clone();
    let mut ids = crate::uploads::form::ids(listed);
    for file in files {
        match crate::uploads::keep(&page.state, &user, file).await {
            Ok(row) => ids.push(row.id),
            Err(e @ (AppError::UnsupportedMediaType(_) | AppError::Invalid { .. })) => {
                return Ok((ids, Some(format!("{} {e}", page.t("upload-refused")))));
            }
            Err(e) => return Err(e),
        }
    }
    Ok((ids, None))
}

pub(super) fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_must_be_local() {
        assert_eq!(super::safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(super::safe_next(Some("//evil.example")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example")), "/");
        assert_eq!(super::safe_next(None), "/");
        assert_eq!(super::safe_next(Some("/t/5?x=1#p3")), "/t/5?x=1#p3");
        // WHATWG tricks a browser would follow off-site.
        for trick in [
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            " //evil.example",
            "/.//evil.example",
            "/./\\evil.example",
            "/%2e//evil.example",
            "/..//evil.example",
        ] {
            let kept = super::safe_next(Some(trick));
            assert!(
                !kept.starts_with("//") && !kept.contains('\\') && !kept.contains('\t'),
                "{trick:?} → {kept:?}"
            );
            let url = url::Url::parse("http://here.example/")
                .unwrap()
                .join(&kept)
                .unwrap();
            assert_eq!(url.host_str(), Some("here.example"), "{trick:?} → {kept:?}");
        }
    }
}
