use actix_web::{web, HttpResponse};

use crate::state::AppState;

/// 200 `{"status":"ok"}` when the database answers.
#[utoipa::path(get, path = "/healthz", security(()), responses(
    (status = 200, description = "The database answers"),
    (status = 503, description = "The database does not answer", body = crate::error::ErrorBody)
))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    // Load balancers need an answer, not a hang: two seconds at most.
    let wait = std::time::Duration::from_secs(2);
    let ok = crate::db::run_within(&state.pool, wait, |c| Ok(c.ping()?))
        .await
        .is_ok();
    if ok {
        HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
    } else {
        HttpResponse::ServiceUnavailable().json(serde_json::json!({
            "error": {"code": "database_unavailable", "message": "the database does not answer"}
        }))
    }
}

/// `/healthz` answers GET only.
pub async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header(("Allow", "GET"))
        .json(serde_json::json!({
            "error": {"code": "method_not_allowed", "message": "this address answers GET"}
        }))
}
