//! Domain types that parse input once, at the edge: the rest of the code
//! cannot hold an invalid value.

use std::borrow::Cow;

mod email;
mod name;
mod password;
mod role;

pub use email::Email;
pub use name::PersonName;
pub use password::NewPassword;
pub use role::Role;

/// A rule broken by input, named by its message key in the translation
/// catalog (`src/locales/*/main.ftl`), so pages show it in the reader's
/// language and the API in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

impl Invalid {
    pub fn message(self, lang: &str) -> String {
        crate::i18n::t(lang, self.0)
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message("en"))
    }
}

impl std::error::Error for Invalid {}

mod forum;
pub use forum::{PostBody, Slug, Tags, ThreadKind, Title};

/// Collects every broken rule of a submission, so the user sees them all at
/// once: as one API error, or per field on a form.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(Cow<'static, str>, Invalid)>);

impl FieldErrors {
    pub fn check<T>(
        &mut self,
        field: impl Into<Cow<'static, str>>,
        result: Result<T, Invalid>,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push((field.into(), e));
                None
            }
        }
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, e: Invalid) {
        self.0.push((field.into(), e));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `field -> message` in the reader's language, for re-rendering a form.
    pub fn to_map(&self, lang: &str) -> serde_json::Map<String, serde_json::Value> {
        self.0
            .iter()
            .map(|(f, e)| (f.to_string(), e.message(lang).into()))
            .collect()
    }

    /// `Ok` when nothing is wrong; otherwise a 422 naming every field.
    pub fn into_result(self) -> Result<(), crate::error::AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The 422 naming every broken rule, as the API answers it.
    pub fn into_error(self) -> crate::error::AppError {
        let message = self
            .0
            .iter()
            .map(|(f, e)| format!("{f}: {e}"))
            .collect::<Vec<_>>()
            .join("; ");
        let fields = self
            .0
            .into_iter()
            .map(|(f, e)| (f.into_owned(), e.0))
            .collect();
        crate::error::AppError::Invalid {
            code: "invalid_input",
            message,
            fields,
            says: Vec::new(),
        }
    }
}

pub mod crm;
pub use crm::ExternalId;
