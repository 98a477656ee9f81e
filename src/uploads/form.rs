//! `FilesForm`: a page form that may carry files. Sent as multipart (a form
//! with a file input) its `_csrf` part is checked before any file is read;
//! sent urlencoded it is a plain `CsrfForm`. Either way the handler gets the
//! same typed fields.

use std::future::Future;
use std::pin::Pin;

use actix_multipart::Multipart;
use actix_session::SessionExt;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::receive::{self, FilePart, Rules};
use crate::auth::csrf::CsrfForm;
use crate::error::AppError;
use crate::state::AppState;

/// The form field that carries files.
pub const FILES_FIELD: &str = "files";

pub struct FilesForm<T> {
    pub form: T,
    pub files: Vec<FilePart>,
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

impl<T: DeserializeOwned + 'static> FromRequest for FilesForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !is_multipart(req) {
            let plain = CsrfForm::<T>::from_request(req, payload);
            return Box::pin(async move {
                let CsrfForm(form) = plain.await?;
                Ok(FilesForm {
                    form,
                    files: Vec::new(),
                })
            });
        }
        let req = req.clone();
        let multipart = Multipart::new(req.headers(), payload.take());
        Box::pin(async move {
            let max_file = req
                .app_data::<web::Data<AppState>>()
                .map_or(20 << 20, |s| s.settings.uploads.max_bytes as usize);
            let session = req.get_session();
            let rules = Rules {
                file_fields: &[FILES_FIELD],
                max_file,
                max_files: super::MAX_PER_POST,
                csrf: Some(&session),
            };
            let parts = receive::read(multipart, rules).await?;
            let encoded = serde_urlencoded::to_string(&parts.fields)
                .map_err(|e| AppError::bad_request("malformed_form", e.to_string()))?;
            let form: T = serde_urlencoded::from_str(&encoded)
                .map_err(|e| AppError::bad_request("malformed_form", e.to_string()))?;
            Ok(FilesForm {
                form,
                files: parts.files,
            })
        })
    }
}

/// Upload ids from a form's `attachments` field ("12,13"); anything else
/// in it is ignored (the write checks each id is the writer's).
pub fn ids(field: &str) -> Vec<i64> {
    field
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}
