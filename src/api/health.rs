use actix_web::{web, HttpResponse};

use crate::state::AppState;

/// 200 `{"status":"ok"}` when the database answers.
#[utoipa::path(get, path = "/healthz", security(()), responses(
    (status = 200, description = "The database answers"),
    (status = 503, description = "The database does not answer", body = crate::error::ErrorBody)
))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let ok = crate::db::run(&state.pool, |c| Ok(c.ping()?)).await.is_ok();
    if ok {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({
            "error": {"code": "database_unavailable", "message": "the database does not answer"}
        }))
    }
}
