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
