//! What users follow: categories, threads, accounts, competitors, tags. The
//! live feed and the digests read these.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::follows;
use crate::db::{now, DbConn};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FollowKind {
    Category,
    Thread,
    Account,
    Competitor,
    Tag,
    Idea,
}

impl FollowKind {
    pub fn parse(raw: &str) -> Option<FollowKind> {
        Some(match raw {
            "category" => FollowKind::Category,
            "thread" => FollowKind::Thread,
            "account" => FollowKind::Account,
            "competitor" => FollowKind::Competitor,
            "tag" => FollowKind::Tag,
            "idea" => FollowKind::Idea,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FollowKind::Category => "category",
            FollowKind::Thread => "thread",
            FollowKind::Account => "account",
            FollowKind::Competitor => "competitor",
            FollowKind::Tag => "tag",
            FollowKind::Idea => "idea",
        }
    }
}

/// Idempotent: following twice is one follow.
pub fn follow(conn: &mut DbConn, user_id: i64, kind: FollowKind, key: &str) -> QueryResult<()> {
    let values = (
        follows::user_id.eq(user_id),
        follows::kind.eq(kind.as_str()),
        follows::key.eq(key),
        follows::created_at.eq(now()),
    );
    crate::on_each_backend!(conn, |c| diesel::insert_into(follows::table)
        .values(values)
        .on_conflict((follows::user_id, follows::kind, follows::key))
        .do_nothing()
        .execute(c))?;
    Ok(())
}

pub fn unfollow(conn: &mut DbConn, user_id: i64, kind: FollowKind, key: &str) -> QueryResult<()> {
    diesel::delete(
        follows::table
            .filter(follows::user_id.eq(user_id))
            .filter(follows::kind.eq(kind.as_str()))
            .filter(follows::key.eq(key)),
    )
    .execute(conn)
    .map(|_| ())
}

pub fn is_following(
    conn: &mut DbConn,
    user_id: i64,
    kind: FollowKind,
    key: &str,
) -> QueryResult<bool> {
    let n: i64 = follows::table
        .filter(follows::user_id.eq(user_id))
        .filter(follows::kind.eq(kind.as_str()))
        .filter(follows::key.eq(key))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// `(kind, key)` pairs the user follows.
pub fn of_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(String, String)>> {
    follows::table
        .filter(follows::user_id.eq(user_id))
        .order((follows::kind, follows::key))
        .select((follows::kind, follows::key))
        .load(conn)
}
