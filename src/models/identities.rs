//! Who a signed-in person is, when an identity provider or a trusted proxy
//! vouches for them: one rule for finding, linking and creating the user.
//!
//! A provider's user is its issuer + `sub`. A first sign-in takes over an
//! existing account by email only when the provider says the email is
//! verified; otherwise anyone who can type an address at the provider could
//! enter its owner's account. An unverified address is not kept either (it
//! would be the account's sign-in and mail address): such a user gets an
//! undeliverable placeholder in the `.invalid` domain until an admin sets one.

use diesel::prelude::*;
use sha2::Digest;

use crate::auth::oidc::{Claims, Failure};
use crate::db::schema::{oidc_logins, user_identities, users as users_t};
use crate::db::{now, DbConn};
use crate::domain::{Email, PersonName, Role};
use crate::error::AppError;
use crate::models::audit;
use crate::models::users::{self, NewUser, User};

/// The domain of addresses that are not real (RFC 2606): no mail is sent there.
pub const PLACEHOLDER_DOMAIN: &str = "unverified.invalid";

/// The user the provider's claims make, created or refreshed: name, email
/// (when verified and free) and, with a role map, the role. A deactivated
/// user stays out.
pub fn sign_in(
    conn: &mut DbConn,
    claims: &Claims,
    role: Option<Role>,
    ip: &str,
) -> Result<Result<User, Failure>, AppError> {
    if claims.subject.is_empty() {
        return Ok(Err(Failure::Incomplete));
    }
    crate::db::write_tx(conn, |conn| {
        let verified_email = claims
            .email
            .as_deref()
            .filter(|_| claims.email_verified)
            .and_then(|e| Email::parse(e).ok());
        let linked: Option<i64> = user_identities::table
            .filter(user_identities::issuer.eq(&claims.issuer))
            .filter(user_identities::subject.eq(&claims.subject))
            .select(user_identities::user_id)
            .first(conn)
            .optional()?;
        let user = match linked {
            Some(id) => users::find(conn, id)?.ok_or(AppError::NotFound)?,
            None => {
                let existing = match &verified_email {
                    Some(e) => users::find_by_email(conn, e)?,
                    None => None,
                };
                let user = match existing {
                    Some(u) => u,
                    None => {
                        let email = match &verified_email {
                            Some(e) => e.clone(),
                            None => placeholder(claims),
                        };
                        let new = NewUser {
                            name: person_name(claims.name.as_deref(), &email),
                            email,
                            role: role.unwrap_or(Role::Rep),
                            locale: None,
                        };
                        create_vouched(conn, &new, "single sign-on", ip)?
                    }
                };
                diesel::insert_into(user_identities::table)
                    .values((
                        user_identities::user_id.eq(user.id),
                        user_identities::issuer.eq(&claims.issuer),
                        user_identities::subject.eq(&claims.subject),
                        user_identities::created_at.eq(now()),
                    ))
                    .execute(conn)?;
                user
            }
        };
        if !user.active {
            return Ok(Err(Failure::Deactivated));
        }
        let user = refresh(conn, user, claims, verified_email, role)?;
        audit::record_from(
            conn,
            user.id,
            "user.sign_in",
            ("user", user.id),
            "single sign-on",
            Some(ip),
        )?;
        Ok(Ok(user))
    })
}

/// Name, email and role as the provider says them now.
fn refresh(
    conn: &mut DbConn,
    user: User,
    claims: &Claims,
    verified_email: Option<Email>,
    role: Option<Role>,
) -> Result<User, AppError> {
    let name = claims
        .name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok())
        .map(PersonName::into_inner)
        .unwrap_or_else(|| user.name.clone());
    let email = match verified_email {
        Some(e) if e.as_str() != user.email => {
            let taken = users::find_by_email(conn, &e)?.is_some();
            if taken {
                tracing::warn!(user = user.id, "single sign-on: the provider's new email belongs to another account; kept the old one");
                user.email.clone()
            } else {
                e.into_inner()
            }
        }
        _ => user.email.clone(),
    };
    let role = role.unwrap_or(user.role);
    if name != user.name || email != user.email || role != user.role {
        diesel::update(users_t::table.find(user.id))
            .set((
                users_t::name.eq(&name),
                users_t::email.eq(&email),
                users_t::role.eq(role.as_str()),
                users_t::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(User {
        name,
        email,
        role,
        ..user
    })
}

/// The user a trusted proxy names by email: found, or created as a rep on
/// first sight. `None` for an address that is not one, or a deactivated user.
pub fn from_header(
    conn: &mut DbConn,
    email: &str,
    name: Option<&str>,
    ip: &str,
) -> Result<Option<User>, AppError> {
    let Ok(email) = Email::parse(email) else {
        tracing::warn!("trusted header: not an email address");
        return Ok(None);
    };
    if let Some(user) = users::find_by_email(conn, &email)? {
        return Ok(Some(user).filter(|u| u.active));
    }
    let new = NewUser {
        name: person_name(name, &email),
        email: email.clone(),
        role: Role::Rep,
        locale: None,
    };
    match create_vouched(conn, &new, "proxy header", ip) {
        Ok(user) => Ok(Some(user)),
        // Two first requests at once: the other one created it.
        Err(_) => Ok(users::find_by_email(conn, &email)?.filter(|u| u.active)),
    }
}

/// The name given (the provider's `name`, else `preferred_username`; a
/// proxy's name header), else the email.
/// A user someone else vouches for (no password: none verifies against
/// an empty hash), audited with who vouched.
fn create_vouched(conn: &mut DbConn, new: &NewUser, via: &str, ip: &str) -> Result<User, AppError> {
    let user = users::create_with_hash(conn, new, "")?;
    let detail = format!("{} · {via}", user.email);
    audit::record_from(
        conn,
        user.id,
        "user.create",
        ("user", user.id),
        &detail,
        Some(ip),
    )?;
    Ok(user)
}

fn person_name(given: Option<&str>, email: &Email) -> PersonName {
    given
        .and_then(|n| PersonName::parse(n).ok())
        .or_else(|| PersonName::parse(email.as_str()).ok())
        .unwrap_or_else(|| PersonName::parse("user").expect("valid name"))
}

fn placeholder(claims: &Claims) -> Email {
    let digest = sha2::Sha256::digest(format!("{}\n{}", claims.issuer, claims.subject));
    Email::parse(&format!(
        "sso-{}@{PLACEHOLDER_DOMAIN}",
        &hex::encode(digest)[..16]
    ))
    .expect("valid placeholder")
}

/// Keeps a sign-in under way; drops the ones nobody came back for.
pub fn keep_pending(
    conn: &mut DbConn,
    p: &crate::auth::oidc::Pending,
    next: &str,
) -> QueryResult<()> {
    let stale = now() - chrono::TimeDelta::minutes(crate::auth::oidc::PENDING_TTL_MINUTES);
    diesel::delete(oidc_logins::table.filter(oidc_logins::created_at.lt(stale))).execute(conn)?;
    diesel::insert_into(oidc_logins::table)
        .values((
            oidc_logins::state.eq(&p.state),
            oidc_logins::nonce.eq(&p.nonce),
            oidc_logins::pkce_verifier.eq(&p.pkce_verifier),
            oidc_logins::redirect_uri.eq(&p.redirect_uri),
            oidc_logins::next.eq(next),
            oidc_logins::created_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Takes a sign-in under way (once: a second callback with the same
/// `state` finds nothing), with the page to return to.
pub fn take_pending(
    conn: &mut DbConn,
    state: &str,
) -> QueryResult<Option<(crate::auth::oidc::Pending, String)>> {
    let row: Option<(String, String, String, String, chrono::NaiveDateTime)> = oidc_logins::table
        .find(state)
        .select((
            oidc_logins::nonce,
            oidc_logins::pkce_verifier,
            oidc_logins::redirect_uri,
            oidc_logins::next,
            oidc_logins::created_at,
        ))
        .first(conn)
        .optional()?;
    let Some((nonce, pkce_verifier, redirect_uri, next, created)) = row else {
        return Ok(None);
    };
    // Whoever deletes the row owns the sign-in, even with two callbacks at once.
    let taken = diesel::delete(oidc_logins::table.find(state)).execute(conn)?;
    let fresh =
        created > now() - chrono::TimeDelta::minutes(crate::auth::oidc::PENDING_TTL_MINUTES);
    Ok((taken == 1 && fresh).then(|| {
        (
            crate::auth::oidc::Pending {
                state: state.to_string(),
                nonce,
                pkce_verifier,
                redirect_uri,
            },
            next,
        )
    }))
}
