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
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, body = Me),
    (status = 401, description = "No or wrong credentials", body = crate::error::ErrorBody)
))]
pub async fn me(CurrentUser(u): CurrentUser) -> Json<Me> {
    Json(Me {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role,
        locale: u.locale,
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
