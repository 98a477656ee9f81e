//! The moderation audit log: who did what to which thread or post.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{audit_log, users};
use crate::db::{now, DbConn};

pub fn record(
    conn: &mut DbConn,
    actor_id: i64,
    action: &str,
    target_kind: &str,
    target_id: i64,
    detail: &str,
) -> QueryResult<()> {
    record_from(
        conn,
        actor_id,
        action,
        (target_kind, target_id),
        detail,
        None,
    )
}

/// `record`, with the client's address (`client_addr::of`).
pub fn record_from(
    conn: &mut DbConn,
    actor_id: i64,
    action: &str,
    (target_kind, target_id): (&str, i64),
    detail: &str,
    ip: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(actor_id),
            audit_log::action.eq(action),
            audit_log::target_kind.eq(target_kind),
            audit_log::target_id.eq(target_id),
            audit_log::detail.eq(detail),
            audit_log::created_at.eq(now()),
            audit_log::ip.eq(ip),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Serialize, Queryable)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_name: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: i64,
    pub detail: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    pub ip: Option<String>,
}

pub fn recent(conn: &mut DbConn, limit: i64, offset: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .inner_join(users::table)
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .select((
            audit_log::id,
            users::name,
            audit_log::action,
            audit_log::target_kind,
            audit_log::target_id,
            audit_log::detail,
            audit_log::created_at,
            audit_log::ip,
        ))
        .load(conn)
}
