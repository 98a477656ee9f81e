use actix_web::HttpResponse;

use super::{redirect, Page};
use crate::error::AppError;

/// The signed-in home page; visitors go to the sign-in form.
pub async fn home(page: Page) -> Result<HttpResponse, AppError> {
    if page.user.is_none() {
        return Ok(redirect("/login"));
    }
    page.render("home.html", tera::Context::new())
}
