//! API tokens: shown once, stored as a SHA-256 hash.

use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::schema::{api_tokens, users};
use crate::db::{now, DbConn};
use crate::models::users::{User, UserRow};

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    use base64::Engine;
    format!(
        "gv_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Creates a token for the user and returns the clear text, once.
pub fn create(conn: &mut DbConn, user_id: i64) -> QueryResult<String> {
    let token = generate_secret();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(hash_token(&token)),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The active user holding this token, if any.
pub fn authenticate(conn: &mut DbConn, token: &str) -> QueryResult<Option<User>> {
    let hash = hash_token(token);
    let row: Option<UserRow> = crate::on_each_backend!(conn, |c| api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(&hash))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(c)
        .optional())?;
    Ok(row.map(User::from))
}
