//! Password links by email: an admin's invitation and a user's reset. The
//! link is issued and its mail recorded in the caller's transaction, so a
//! link exists exactly when its mail will leave.

use crate::db::DbConn;
use crate::error::AppError;
use crate::mail::compose::Composer;
use crate::mail::outbox;
use crate::models::password_links::{self, Purpose};
use crate::models::users::User;

/// Issues a link for `user` and records the mail that carries it.
/// `inviter` names who invited them (invitations only).
pub fn send(
    conn: &mut DbConn,
    composer: Composer,
    user: &User,
    purpose: Purpose,
    inviter: Option<&str>,
) -> Result<(), AppError> {
    let token = password_links::issue(conn, user.id, purpose)?;
    let lang = crate::mail::compose::lang_of(user);
    let subject = crate::i18n::t(lang, &format!("email-subject-{}", purpose.as_str()));
    let mut ctx = tera::Context::new();
    ctx.insert("purpose", purpose.as_str());
    ctx.insert("inviter", inviter.unwrap_or_default());
    ctx.insert(
        "link",
        &format!("{}/password/set?token={token}", composer.settings.base_url),
    );
    let mail = composer
        .compose(
            user,
            "password_link",
            &subject,
            ctx,
            None,
            // One mail per link: the token's hash names it.
            format!(
                "password:{}:{}:{}",
                purpose.as_str(),
                user.id,
                &crate::models::tokens::hash_token(&token)[..16]
            ),
            None,
        )
        .map_err(AppError::Internal)?;
    outbox::enqueue(conn, &mail)?;
    Ok(())
}

/// Whether a user may be sent a reset link: an active person (not the
/// system account, not a placeholder address).
pub fn may_reset(user: &User) -> bool {
    user.active && user.email != crate::ideas::SYSTEM_EMAIL && !user.email.ends_with(".invalid")
}
