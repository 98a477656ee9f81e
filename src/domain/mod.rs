//! Domain types that parse input once, at the edge: the rest of the code
//! cannot hold an invalid value.

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
