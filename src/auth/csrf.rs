//! CSRF protection: a random token kept in the session (synchronizer token).
//! Every state-changing form carries it in `_csrf`; cookie-authenticated API
//! calls that change state carry it in the `X-CSRF-Token` header.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::SESSION_CSRF;
use crate::error::AppError;

pub const HEADER: &str = "X-CSRF-Token";
pub const FIELD: &str = "_csrf";

/// The session's token, created on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(SESSION_CSRF) {
        return t;
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let t = hex::encode(bytes);
    let _ = session.insert(SESSION_CSRF, &t);
    t
}

pub fn verify(session: &Session, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = session
        .get::<String>(SESSION_CSRF)
        .ok()
        .flatten()
        .ok_or(AppError::Csrf)?;
    match submitted {
        Some(s) if bool::from(s.as_bytes().ct_eq(expected.as_bytes())) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// A urlencoded form whose `_csrf` field was checked against the session
/// before the handler runs.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await.map_err(|_| AppError::PayloadTooLarge)?;
            let field: CsrfField = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::bad_request("malformed_form", e.to_string()))?;
            verify(&req.get_session(), field.csrf.as_deref())?;
            let value: T = serde_urlencoded::from_bytes(&body)
                .map_err(|e| AppError::bad_request("malformed_form", e.to_string()))?;
            Ok(CsrfForm(value))
        })
    }
}
