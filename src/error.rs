//! One error type for the whole application, mapped to the contract's JSON
//! shape `{"error": {"code", "message"}}`. HTML pages render the same error
//! through `web::errors` (see `startup.rs`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in first")]
    Unauthorized,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Input that could not be read at all (malformed JSON, bad query).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// Input that was read but breaks a rule (missing field, unknown key).
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        /// Each broken field with the catalog key of what is wrong with it
        /// (pages show it in the reader's language, the API in English).
        fields: std::collections::BTreeMap<String, &'static str>,
        /// What a page says instead of `message`: catalog keys with their
        /// arguments, joined (empty: the code's own `apperror-…` message).
        says: Says,
    },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("the request is too large")]
    PayloadTooLarge,
    /// A file whose bytes are not of an accepted type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the form has expired; reload the page and try again")]
    Csrf,
    /// The database did not answer in time (frozen, overloaded, locked).
    #[error("the database does not answer; try again shortly")]
    Unavailable,
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// A message in the reader's language: catalog keys and their arguments.
pub type Says = Vec<(&'static str, Vec<(&'static str, String)>)>;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, snake_case.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// On a 422 from a form: each field (or `answers.KEY`) with what is
    /// wrong with it.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
}

impl AppError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code,
            message: message.into(),
            fields: Default::default(),
            says: Vec::new(),
        }
    }

    /// A rule broken with details a page can say in the reader's language.
    pub fn invalid_says(code: &'static str, message: impl Into<String>, says: Says) -> Self {
        AppError::Invalid {
            code,
            message: message.into(),
            fields: Default::default(),
            says,
        }
    }

    /// The error as a page shows it, in `lang`: its own words if it has
    /// them, else each broken field's, else its code's (`apperror-CODE` in
    /// the catalog), else the English message.
    pub fn shown(&self, lang: &str) -> String {
        use crate::i18n;
        if let AppError::Invalid { says, fields, .. } = self {
            if !says.is_empty() {
                return says
                    .iter()
                    .map(|(key, args)| i18n::t_args(lang, key, args))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            if !fields.is_empty() {
                return fields
                    .values()
                    .map(|key| i18n::t(lang, key))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        i18n::try_t(lang, &format!("apperror-{}", self.code())).unwrap_or_else(|| self.to_string())
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadRequest { code, .. }
            | AppError::Invalid { code, .. }
            | AppError::Conflict { code, .. } => code,
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Csrf => "csrf_failed",
            AppError::Unavailable => "database_unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.to_string(),
                fields: match self {
                    AppError::Invalid { fields, .. } => fields
                        .iter()
                        .map(|(f, key)| (f.clone(), crate::i18n::t("en", key)))
                        .collect(),
                    _ => Default::default(),
                },
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(e) = self {
            // The cause chain goes to the log; the client gets a clean message.
            tracing::error!(error = ?e, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after_secs } = self {
            res.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        if let AppError::Unavailable = self {
            res.insert_header(("Retry-After", "5"));
        }
        res.json(self.body())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // SQLite's busy timeout ran out, or PostgreSQL cancelled a
            // statement past its timeout: the database is there but stuck.
            diesel::result::Error::DatabaseError(_, info)
                if info.message().contains("database is locked")
                    || info.message().contains("statement timeout") =>
            {
                AppError::Unavailable
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<r2d2::Error> for AppError {
    /// No connection could be had within the pool's checkout timeout.
    fn from(e: r2d2::Error) -> Self {
        tracing::warn!(error = %e, "no database connection");
        AppError::Unavailable
    }
}

impl From<tera::Error> for AppError {
    fn from(e: tera::Error) -> Self {
        AppError::Internal(anyhow::anyhow!("template error: {e:?}"))
    }
}

/// Maps actix's extractor errors (bad JSON, form, query, path, too large) to
/// the contract's shape instead of actix's plain-text answers.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default()
        .limit(1 << 20)
        .error_handler(|err, _| {
            use actix_web::error::JsonPayloadError as J;
            match err {
                J::Overflow { .. } | J::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
                J::ContentType => {
                    AppError::bad_request("unsupported_media_type", "send application/json")
                }
                J::Deserialize(e) if e.is_data() => {
                    AppError::invalid("invalid_input", e.to_string())
                }
                other => AppError::bad_request("malformed_json", other.to_string()),
            }
            .into()
        })
}

pub fn form_config() -> actix_web::web::FormConfig {
    actix_web::web::FormConfig::default()
        .limit(1 << 20)
        .error_handler(|err, _| {
            use actix_web::error::UrlencodedError as U;
            match err {
                U::Overflow { .. } => AppError::PayloadTooLarge,
                other => AppError::bad_request("malformed_form", other.to_string()),
            }
            .into()
        })
}

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|err, _| AppError::bad_request("malformed_query", err.to_string()).into())
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}
