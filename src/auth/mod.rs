//! Who is calling: password hashes, the session, API tokens, CSRF.

pub mod csrf;
pub mod identity;
pub mod links;
pub mod oidc;
pub mod password;

pub use identity::{CurrentUser, MaybeUser};

/// Session keys.
pub(crate) const SESSION_USER: &str = "uid";
pub(crate) const SESSION_CSRF: &str = "csrf";
/// Set when the session began at the identity provider (offers its logout).
pub(crate) const SESSION_SSO: &str = "sso";
/// The user's session number when the session began (see
/// `users::end_sessions`).
pub(crate) const SESSION_EPOCH: &str = "ep";
/// The day (days since the epoch) the session was last refreshed: a new day
/// re-sends the cookie, so its expiry slides while the user keeps coming.
pub(crate) const SESSION_DAY: &str = "day";

/// Begins a signed-in session: a new cookie (no fixation), a new CSRF
/// token, the user and their session number.
pub fn start_session(
    session: &actix_session::Session,
    user: &crate::models::users::User,
) -> Result<(), crate::error::AppError> {
    session.renew();
    session.remove(SESSION_CSRF);
    session
        .insert(SESSION_USER, user.id)
        .and_then(|_| session.insert(SESSION_EPOCH, user.session_epoch))
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("session: {e}")))
}
