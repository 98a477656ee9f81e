//! The notifications page: the latest notifications, marked read when seen.

use actix_web::HttpResponse;

use super::Page;
use crate::db;
use crate::error::AppError;
use crate::notify;

pub async fn page(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let items = db::run(&page.state.pool, move |c| {
        let items = notify::list(c, user.id, 100)?;
        notify::mark_all_read(c, user.id)?;
        Ok(items)
    })
    .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("items", &items);
    page.render("notifications.html", ctx)
}
