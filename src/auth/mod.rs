//! Who is calling: password hashes, the session, API tokens, CSRF.

pub mod csrf;
pub mod identity;
pub mod oidc;
pub mod password;

pub use identity::{CurrentUser, MaybeUser};

/// Session keys.
pub(crate) const SESSION_USER: &str = "uid";
pub(crate) const SESSION_CSRF: &str = "csrf";
/// Set when the session began at the identity provider (offers its logout).
pub(crate) const SESSION_SSO: &str = "sso";
