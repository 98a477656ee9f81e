use actix_web::web::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::domain::Role;

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Preferred language, when the user chose one.
    pub locale: Option<String>,
    /// Signed in by the session cookie (a page's script, the phone's
    /// outbox): the token its writes carry in `X-CSRF-Token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, body = Me),
    (status = 401, description = "No or wrong credentials", body = crate::error::ErrorBody)
))]
pub async fn me(req: actix_web::HttpRequest, CurrentUser(u): CurrentUser) -> Json<Me> {
    use actix_session::SessionExt;
    let by_session = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .is_none();
    Json(Me {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role,
        locale: u.locale,
        csrf_token: by_session.then(|| crate::auth::csrf::token(&req.get_session())),
    })
}

/// The caller's digest and notification settings.
#[utoipa::path(get, path = "/api/v1/me/digest", responses((status = 200, body = crate::digest::DigestSettings)))]
pub async fn get_digest(
    state: actix_web::web::Data<crate::state::AppState>,
    CurrentUser(u): CurrentUser,
) -> Result<Json<crate::digest::DigestSettings>, crate::error::AppError> {
    Ok(Json(
        crate::db::run(&state.pool, move |c| Ok(crate::digest::get(c, &u)?)).await?,
    ))
}

/// Changes the caller's digest frequency (`daily`, `weekly`, `off`) and,
/// optionally, hour, time zone and immediate emails.
#[utoipa::path(put, path = "/api/v1/me/digest", request_body = crate::digest::SettingsChange, responses(
    (status = 200, body = crate::digest::DigestSettings), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_digest(
    state: actix_web::web::Data<crate::state::AppState>,
    CurrentUser(u): CurrentUser,
    body: Json<crate::digest::SettingsChange>,
) -> Result<Json<crate::digest::DigestSettings>, crate::error::AppError> {
    let change = body.into_inner();
    Ok(Json(
        crate::db::run(&state.pool, move |c| crate::digest::update(c, &u, &change)).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct NotificationsOut {
    pub unread: i64,
    pub items: Vec<crate::notify::Notification>,
}

/// The caller's latest notifications and unread count.
#[utoipa::path(get, path = "/api/v1/me/notifications", responses((status = 200, body = NotificationsOut)))]
pub async fn notifications(
    state: actix_web::web::Data<crate::state::AppState>,
    CurrentUser(u): CurrentUser,
) -> Result<Json<NotificationsOut>, crate::error::AppError> {
    Ok(Json(
        crate::db::run(&state.pool, move |c| {
            Ok(NotificationsOut {
                unread: crate::notify::unread_count(c, u.id)?,
                items: crate::notify::list(c, u.id, 50)?,
            })
        })
        .await?,
    ))
}

/// Marks every notification of the caller read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read", responses((status = 204)))]
pub async fn notifications_read(
    state: actix_web::web::Data<crate::state::AppState>,
    CurrentUser(u): CurrentUser,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    crate::db::run(&state.pool, move |c| {
        Ok(crate::notify::mark_all_read(c, u.id)?)
    })
    .await?;
    Ok(actix_web::HttpResponse::NoContent().finish())
}
