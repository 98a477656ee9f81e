//! The one-time setup link printed at first start, with which the first
//! visitor creates the admin account.

use diesel::prelude::*;

use crate::db::schema::setup_tokens;
use crate::db::{now, DbConn};
use crate::models::tokens::{generate_secret, hash_token};

/// Replaces any earlier setup token with a new one and returns it.
pub fn issue(conn: &mut DbConn) -> QueryResult<String> {
    let token = generate_secret();
    crate::db::write_tx(conn, |conn| {
        diesel::delete(setup_tokens::table).execute(conn)?;
        diesel::insert_into(setup_tokens::table)
            .values((
                setup_tokens::token_hash.eq(hash_token(&token)),
                setup_tokens::created_at.eq(now()),
            ))
            .execute(conn)
    })?;
    Ok(token)
}

pub fn is_valid(conn: &mut DbConn, token: &str) -> QueryResult<bool> {
    let n: i64 = setup_tokens::table
        .filter(setup_tokens::token_hash.eq(hash_token(token)))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Consumes the token; true if it was there. Call inside the transaction
/// that creates the admin so the link works exactly once.
pub fn consume(conn: &mut DbConn, token: &str) -> QueryResult<bool> {
    let n =
        diesel::delete(setup_tokens::table.filter(setup_tokens::token_hash.eq(hash_token(token))))
            .execute(conn)?;
    Ok(n > 0)
}
