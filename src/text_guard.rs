//! One rule for every text input: no NUL character. PostgreSQL cannot store
//! one (a NUL in a query parameter is an error there) and SQLite would
//! keep it silently, so the two engines would disagree; a NUL is never
//! meaningful in what people type. Checked once, before any handler, in
//! the path, the query and JSON or form bodies: 422 with the error shape
//! (a page for pages). Multipart uploads are checked by their own readers.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{Error, HttpMessage};
use futures_util::StreamExt;

use crate::error::AppError;

/// Bodies read here are the ones the JSON and form extractors accept.
const BODY_LIMIT: usize = 1 << 20;

fn nul_error() -> AppError {
    AppError::invalid(
        "invalid_text",
        "text may not contain NUL characters (\\u0000, %00)",
    )
}

/// Whether a percent-encoded part of a URL or form decodes to a NUL.
fn encoded_nul(raw: &[u8]) -> bool {
    raw.contains(&0) || raw.windows(3).any(|w| w == b"%00")
}

fn json_has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(a) => a.iter().any(json_has_nul),
        serde_json::Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v)),
        _ => false,
    }
}

pub async fn reject_nul(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let refuse = |req: ServiceRequest, e: AppError| Ok(req.error_response(e).map_into_right_body());
    if encoded_nul(req.path().as_bytes()) || encoded_nul(req.query_string().as_bytes()) {
        return refuse(req, nul_error());
    }
    let kind = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json = kind.starts_with("application/json");
    let form = kind.starts_with("application/x-www-form-urlencoded");
    if json || form {
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            body.extend_from_slice(&chunk?);
            if body.len() > BODY_LIMIT {
                return refuse(req, AppError::PayloadTooLarge);
            }
        }
        let body: Bytes = body.freeze();
        let bad = if json {
            // Malformed JSON is left for the extractor to name.
            serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| json_has_nul(&v))
        } else {
            encoded_nul(&body)
        };
        if bad {
            return refuse(req, nul_error());
        }
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The highest page number a list answers; beyond it, lists are empty.
pub const MAX_PAGE: i64 = 100_000;

/// A page number from a query: at least 1, at most `MAX_PAGE`, so an
/// offset can never overflow.
pub fn page_number(raw: Option<i64>) -> i64 {
    raw.unwrap_or(1).clamp(1, MAX_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_in_every_encoding() {
        assert!(encoded_nul(b"/accounts/a%00b"));
        assert!(!encoded_nul(b"/accounts/a%2500b"));
        assert!(json_has_nul(&serde_json::json!({"accounts": ["a\u{0}b"]})));
        assert!(json_has_nul(&serde_json::json!({"a\u{0}": 1})));
        assert!(!json_has_nul(&serde_json::json!({"title": "a\\u0000b"})));
        assert_eq!(page_number(Some(576460752303423489)), MAX_PAGE);
        assert_eq!(page_number(Some(-3)), 1);
        assert_eq!(page_number(None), 1);
    }
}
