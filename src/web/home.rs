use actix_web::{HttpRequest, HttpResponse};

use super::page::PageSeed;
use super::redirect;
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::forum::view;
use crate::models::categories;
use crate::models::threads::{self, ThreadFilter};

/// The signed-in home page: a big "share" button and the latest threads the
/// user may read, kept per viewer like every list (`forum::view::ListKey`).
/// Visitors go to the sign-in form.
pub async fn home(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let seed = PageSeed::of(&req)?;
    let state = seed.state.clone();
    let trip = seed
        .one_trip(&req, move |c, seen_as, user| {
            let (mut ctx, keep) = (seen_as.kept_context(), seen_as.may_keep());
            let (seen, lang) = (seen_as.kept_digest(user), seen_as.lang);
            let readable = categories::readable_by(c, user.role)?;
            let filter = ThreadFilter {
                // Idea discussions are the idea box's, not field news.
                category_ids: readable
                    .iter()
                    .filter(|c| c.slug != crate::ideas::CATEGORY)
                    .map(|c| c.id)
                    .collect(),
                include_hidden: authz::allows(user, Action::Moderate),
                viewer_id: user.id,
                page: 1,
                per_page: 10,
                ..Default::default()
            };
            let rows = threads::page_of(c, &filter)?;
            let kinds = super::reports::home_kinds(c, lang)?;
            let key = view::ListKey {
                viewer_id: user.id,
                route: "home",
                lang,
                digest: view::hash_of(&(seen, &filter, rows.digest(), &readable, &kinds)),
            };
            view::cached(&state.list_cache, key, keep, || {
                ctx.insert("threads", &threads::items_of(c, rows)?);
                ctx.insert("kinds", &kinds);
                Ok(state.tera.render("home.html", &ctx)?.into())
            })
        })
        .await;
    match trip {
        Ok((page, html)) => Ok(page.send_kept(&html)),
        Err(AppError::Unauthorized) => Ok(redirect("/login")),
        Err(e) => Err(e),
    }
}
