//! One-time links that set a password: an admin's invitation, or a reset
//! a user asked for. Like the setup link, only a hash of the token is kept.

use chrono::TimeDelta;
use diesel::prelude::*;

use crate::db::schema::password_links;
use crate::db::{now, DbConn};
use crate::models::tokens::{generate_secret, hash_token};

/// Why a link was sent; it decides how long the link lasts and what the
/// mail and the page say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::Reset => "reset",
        }
    }

    fn parse(text: &str) -> Option<Purpose> {
        match text {
            "invite" => Some(Purpose::Invite),
            "reset" => Some(Purpose::Reset),
            _ => None,
        }
    }

    /// An invitation waits for a week; a reset for an hour (it arrives
    /// while the user is waiting for it).
    pub fn lifetime(self) -> TimeDelta {
        match self {
            Purpose::Invite => TimeDelta::days(7),
            Purpose::Reset => TimeDelta::hours(1),
        }
    }
}

/// A new link for the user, replacing their earlier links of that purpose.
pub fn issue(conn: &mut DbConn, user_id: i64, purpose: Purpose) -> QueryResult<String> {
    let token = generate_secret();
    let t = now();
    diesel::delete(
        password_links::table
            .filter(password_links::user_id.eq(user_id))
            .filter(password_links::purpose.eq(purpose.as_str())),
    )
    .execute(conn)?;
    diesel::insert_into(password_links::table)
        .values((
            password_links::token_hash.eq(hash_token(&token)),
            password_links::user_id.eq(user_id),
            password_links::purpose.eq(purpose.as_str()),
            password_links::created_at.eq(t),
            password_links::expires_at.eq(t + purpose.lifetime()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// When the user was last sent a link of that purpose (to send at most one
/// reset a minute, whoever asks).
pub fn last_issued(
    conn: &mut DbConn,
    user_id: i64,
    purpose: Purpose,
) -> QueryResult<Option<chrono::NaiveDateTime>> {
    password_links::table
        .filter(password_links::user_id.eq(user_id))
        .filter(password_links::purpose.eq(purpose.as_str()))
        .select(diesel::dsl::max(password_links::created_at))
        .first(conn)
}

/// The user and purpose of a link that is there and not expired.
pub fn find(conn: &mut DbConn, token: &str) -> QueryResult<Option<(i64, Purpose)>> {
    let row: Option<(i64, String)> = password_links::table
        .filter(password_links::token_hash.eq(hash_token(token)))
        .filter(password_links::expires_at.gt(now()))
        .select((password_links::user_id, password_links::purpose))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(u, p)| Purpose::parse(&p).map(|p| (u, p))))
}

/// Uses a link: returns its user and purpose and removes every link of
/// that user, so each works once. Call in the transaction that sets the
/// password.
pub fn consume(conn: &mut DbConn, token: &str) -> QueryResult<Option<(i64, Purpose)>> {
    let found = find(conn, token)?;
    if let Some((user_id, _)) = found {
        diesel::delete(password_links::table.filter(password_links::user_id.eq(user_id)))
            .execute(conn)?;
    }
    Ok(found)
}
