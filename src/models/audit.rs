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

/// A category created or changed, named with its slug.
pub fn category(
    conn: &mut DbConn,
    actor_id: i64,
    action: &str,
    c: &crate::models::categories::Category,
    ip: Option<&str>,
) -> QueryResult<()> {
    let detail = format!("{} ({})", c.name, c.slug);
    record_from(conn, actor_id, action, ("category", c.id), &detail, ip)
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

/// An entry as the audit page shows it: what it acted on by name or title.
#[derive(Debug, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// The thread's title (for a post, its thread's), the user's or the
    /// category's name; `None` once it is gone.
    pub target_label: Option<String>,
    /// For a post, the thread holding it.
    pub thread_id: Option<i64>,
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

/// `recent`, with each target named: one query per kind of target.
pub fn recent_shown(conn: &mut DbConn, limit: i64, offset: i64) -> QueryResult<Vec<Shown>> {
    use crate::db::schema::{categories, posts, threads};
    use std::collections::HashMap;
    let entries = recent(conn, limit, offset)?;
    let ids = |kind: &str| -> Vec<i64> {
        entries
            .iter()
            .filter(|e| e.target_kind == kind)
            .map(|e| e.target_id)
            .collect()
    };
    let post_threads: HashMap<i64, i64> = posts::table
        .filter(posts::id.eq_any(ids("post")))
        .select((posts::id, posts::thread_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let thread_ids: Vec<i64> = ids("thread")
        .into_iter()
        .chain(post_threads.values().copied())
        .collect();
    let titles: HashMap<i64, String> = threads::table
        .filter(threads::id.eq_any(thread_ids))
        .select((threads::id, threads::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(ids("user")))
        .select((users::id, users::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let category_names: HashMap<i64, String> = categories::table
        .filter(categories::id.eq_any(ids("category")))
        .select((categories::id, categories::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let id = entry.target_id;
            let (target_label, thread_id) = match entry.target_kind.as_str() {
                "thread" => (titles.get(&id).cloned(), Some(id)),
                "post" => {
                    let t = post_threads.get(&id).copied();
                    (t.and_then(|t| titles.get(&t).cloned()), t)
                }
                "user" => (names.get(&id).cloned(), None),
                "category" => (category_names.get(&id).cloned(), None),
                _ => (None, None),
            };
            Shown {
                entry,
                target_label,
                thread_id,
            }
        })
        .collect())
}
