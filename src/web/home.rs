use actix_web::HttpResponse;

use super::{redirect, Page};
use crate::authz::{self, Action};
use crate::db;
use crate::error::AppError;
use crate::models::categories;
use crate::models::threads::{self, ThreadFilter};

/// The signed-in home page: a big "share" button and the latest threads the
/// user may read. Visitors go to the sign-in form.
pub async fn home(page: Page) -> Result<HttpResponse, AppError> {
    let Some(user) = page.user.clone() else {
        return Ok(redirect("/login"));
    };
    let lang = page.lang;
    let (latest, kinds) = db::run(&page.state.pool, move |c| {
        let readable = categories::readable_by(c, user.role)?;
        let filter = ThreadFilter {
            // Idea discussions are the idea box's, not field news.
            category_ids: readable
                .iter()
                .filter(|c| c.slug != crate::ideas::CATEGORY)
                .map(|c| c.id)
                .collect(),
            include_hidden: authz::allows(&user, Action::Moderate),
            viewer_id: user.id,
            page: 1,
            per_page: 10,
            ..Default::default()
        };
        Ok((
            threads::list(c, &filter)?.0,
            super::reports::home_kinds(c, lang)?,
        ))
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("threads", &latest);
    ctx.insert("kinds", &kinds);
    page.render("home.html", ctx)
}
