//! Multipart bodies read as a stream, for the upload API and the forms that
//! carry files: a file part is refused the moment it passes the size limit
//! (nothing is buffered beyond it), and on forms it is refused unless the
//! `_csrf` part before it was right.

use actix_multipart::{Multipart, MultipartError};
use actix_session::Session;
use futures_util::TryStreamExt;

use crate::auth::csrf;
use crate::error::AppError;

/// A text part may be this long (a post body is at most 50,000 characters).
const MAX_TEXT: usize = 256 * 1024;
/// All text parts together.
const MAX_TEXT_TOTAL: usize = 1024 * 1024;

pub struct FilePart {
    /// The form field it came in.
    pub field: String,
    /// The name the sender gave the file.
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Parts {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl Parts {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Rules<'a> {
    /// The fields that carry files; any other part is text.
    pub file_fields: &'a [&'a str],
    /// The largest file, in bytes.
    pub max_file: usize,
    pub max_files: usize,
    /// Forms: the session whose CSRF token must come before any file.
    pub csrf: Option<&'a Session>,
}

fn malformed(e: MultipartError) -> AppError {
    AppError::bad_request(
        "malformed_form",
        format!("the upload could not be read: {e}"),
    )
}

/// Reads every part under `rules`. An empty file part (a form's file input
/// left empty) is skipped.
pub async fn read(mut form: Multipart, rules: Rules<'_>) -> Result<Parts, AppError> {
    let mut out = Parts::default();
    let mut checked = rules.csrf.is_none();
    let mut text_total = 0usize;
    while let Some(mut part) = form.try_next().await.map_err(malformed)? {
        let field = part.name().unwrap_or_default().to_string();
        let is_file = rules.file_fields.contains(&field.as_str());
        if is_file && !checked {
            return Err(AppError::Csrf);
        }
        let limit = if is_file { rules.max_file } else { MAX_TEXT };
        let mut data = Vec::new();
        while let Some(chunk) = part.try_next().await.map_err(malformed)? {
            if data.len() + chunk.len() > limit {
                return Err(AppError::PayloadTooLarge);
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            if data.is_empty() {
                continue;
            }
            if out.files.len() == rules.max_files {
                return Err(AppError::invalid(
                    "too_many_attachments",
                    format!("at most {} files at once", rules.max_files),
                ));
            }
            let name = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .to_string();
            out.files.push(FilePart {
                field,
                name,
                bytes: data,
            });
            continue;
        }
        text_total += data.len();
        if text_total > MAX_TEXT_TOTAL {
            return Err(AppError::PayloadTooLarge);
        }
        let text = String::from_utf8(data).map_err(|_| {
            AppError::bad_request("malformed_form", format!("{field}: not UTF-8 text"))
        })?;
        if text.contains('\0') {
            return Err(AppError::invalid(
                "invalid_input",
                format!("{field}: NUL characters are not allowed"),
            ));
        }
        if field == csrf::FIELD {
            if let Some(session) = rules.csrf {
                csrf::verify(session, Some(&text))?;
                checked = true;
            }
        }
        out.fields.push((field, text));
    }
    if !checked {
        return Err(AppError::Csrf);
    }
    Ok(out)
}
