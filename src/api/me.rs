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
