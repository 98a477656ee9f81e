//! The durable event log. Every write of content appends its event in the
//! same transaction as the write; live feeds, notifications and digests read
//! it back by id.
//!
//! Ids grow strictly *in commit order*: on PostgreSQL an append takes a
//! transaction-scoped advisory lock, so a reader that has seen id N can never
//! later find a committed id below N (SQLite serialises writers anyway).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::events;
use crate::db::{now, DbConn};
use crate::domain::Role;

/// Serialises event appends across transactions on PostgreSQL.
const APPEND_LOCK: i64 = 0x6772_6170_6576_0002;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EventKind {
    #[serde(rename = "thread.created")]
    ThreadCreated,
    #[serde(rename = "post.created")]
    PostCreated,
    #[serde(rename = "post.edited")]
    PostEdited,
    #[serde(rename = "post.deleted")]
    PostDeleted,
    #[serde(rename = "thread.moderated")]
    ThreadModerated,
    #[serde(rename = "links.changed")]
    LinksChanged,
    #[serde(rename = "idea.created")]
    IdeaCreated,
    #[serde(rename = "idea.voted")]
    IdeaVoted,
    #[serde(rename = "idea.status_changed")]
    IdeaStatusChanged,
    #[serde(rename = "idea.merged")]
    IdeaMerged,
    /// A notification for one user (topic `user:ID`), for the bell.
    #[serde(rename = "notification.created")]
    NotificationCreated,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ThreadCreated => "thread.created",
            EventKind::PostCreated => "post.created",
            EventKind::PostEdited => "post.edited",
            EventKind::PostDeleted => "post.deleted",
            EventKind::ThreadModerated => "thread.moderated",
            EventKind::LinksChanged => "links.changed",
            EventKind::IdeaCreated => "idea.created",
            EventKind::IdeaVoted => "idea.voted",
            EventKind::IdeaStatusChanged => "idea.status_changed",
            EventKind::IdeaMerged => "idea.merged",
            EventKind::NotificationCreated => "notification.created",
        }
    }
}

/// An event to append. `readable_by` lists the roles that may see it (the
/// roles that may read the content it is about).
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub topics: Vec<String>,
    pub readable_by: Vec<Role>,
    pub payload: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub topics: Vec<String>,
    pub readable_by: Vec<Role>,
    pub payload: serde_json::Value,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
}

impl Event {
    pub fn visible_to(&self, role: Role) -> bool {
        self.readable_by.contains(&role)
    }
}

#[derive(Queryable)]
struct EventRow {
    id: i64,
    kind: String,
    topics: String,
    readable_by: String,
    payload: String,
    created_at: NaiveDateTime,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Self {
        Event {
            id: r.id,
            kind: r.kind,
            topics: serde_json::from_str(&r.topics).unwrap_or_default(),
            readable_by: r
                .readable_by
                .split(',')
                .filter_map(|s| Role::parse(s).ok())
                .collect(),
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
            created_at: r.created_at,
        }
    }
}

/// Appends an event; call it inside the transaction of the write it records.
/// Returns the new event's id.
pub fn append(conn: &mut DbConn, event: &NewEvent) -> QueryResult<i64> {
    crate::db::write_tx(conn, |conn| {
        if let DbConn::Postgres(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))
                .execute(pg)?;
        }
        let roles: Vec<&str> = event.readable_by.iter().map(|r| r.as_str()).collect();
        diesel::insert_into(events::table)
            .values((
                events::kind.eq(event.kind.as_str()),
                events::topics.eq(serde_json::to_string(&event.topics).unwrap_or_default()),
                events::readable_by.eq(roles.join(",")),
                events::payload.eq(event.payload.to_string()),
                events::created_at.eq(now()),
            ))
            .returning(events::id)
            .get_result(conn)
    })
}

/// Events with an id above `after`, oldest first, at most `limit`.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<Event>> {
    events::table
        .filter(events::id.gt(after))
        .order(events::id.asc())
        .limit(limit)
        .load::<EventRow>(conn)
        .map(|rows| rows.into_iter().map(Event::from).collect())
}

/// The highest id written so far (0 on an empty log).
pub fn last_id(conn: &mut DbConn) -> QueryResult<i64> {
    events::table
        .select(diesel::dsl::max(events::id))
        .first::<Option<i64>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// Deletes events older than `cutoff`; returns how many.
pub fn prune(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(events::table.filter(events::created_at.lt(cutoff))).execute(conn)
}

/// How long events are kept: resuming clients may ask for a week back.
pub const RETENTION_DAYS: i64 = 7;

/// The most recent events, newest first.
pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Event>> {
    events::table
        .order(events::id.desc())
        .limit(limit)
        .load::<EventRow>(conn)
        .map(|rows| rows.into_iter().map(Event::from).collect())
}

/// Narrows what the log says about content whose audience just shrank (a
/// thread or post hidden, a thread moved, a category's readers narrowed):
/// every logged event with `topic` keeps only the roles also in `audience`,
/// so replay can no longer serve it to the others; notifications already
/// made from those events for users outside the audience are withdrawn, with
/// their emails not yet sent. Never widens: restoring content does not
/// re-open what was said while it was hidden. Returns how many events changed.
pub fn restrict(conn: &mut DbConn, topic: &str, audience: &[Role]) -> QueryResult<usize> {
    use crate::db::schema::{notifications, outbox, users};
    let pattern = format!("%\"{}\"%", crate::db::like_escape(topic));
    let logged: Vec<(i64, String)> = events::table
        .filter(events::topics.like(&pattern).escape('\\'))
        .select((events::id, events::readable_by))
        .load(conn)?;
    let mut changed: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for (id, roles) in logged {
        let before = crate::models::categories::roles_from_text(&roles);
        let after: Vec<Role> = before
            .iter()
            .copied()
            .filter(|r| audience.contains(r))
            .collect();
        if after.len() != before.len() {
            let text: Vec<&str> = after.iter().map(|r| r.as_str()).collect();
            changed.entry(text.join(",")).or_default().push(id);
        }
    }
    let mut count = 0;
    let outside: Vec<&str> = Role::ALL
        .iter()
        .filter(|r| !audience.contains(r))
        .map(|r| r.as_str())
        .collect();
    for (roles, ids) in changed {
        for chunk in ids.chunks(500) {
            count += diesel::update(events::table.filter(events::id.eq_any(chunk)))
                .set(events::readable_by.eq(&roles))
                .execute(conn)?;
            let gone: Vec<(i64, i64, i64)> = notifications::table
                .inner_join(users::table.on(users::id.eq(notifications::user_id)))
                .filter(notifications::event_id.eq_any(chunk))
                .filter(users::role.eq_any(&outside))
                .select((
                    notifications::id,
                    notifications::event_id,
                    notifications::user_id,
                ))
                .load(conn)?;
            let ids: Vec<i64> = gone.iter().map(|g| g.0).collect();
            let keys: Vec<String> = gone
                .iter()
                .map(|(_, e, u)| format!("notify:{e}:{u}"))
                .collect();
            diesel::delete(notifications::table.filter(notifications::id.eq_any(&ids)))
                .execute(conn)?;
            diesel::delete(
                outbox::table
                    .filter(outbox::dedup_key.eq_any(&keys))
                    .filter(outbox::state.eq("pending")),
            )
            .execute(conn)?;
        }
    }
    Ok(count)
}
