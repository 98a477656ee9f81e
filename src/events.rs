//! The durable event log. Every write of content appends its event in the
//! same transaction as the write; live feeds, notifications and digests read
//! it back by id.
//!
//! Ids grow strictly *in commit order*: on PostgreSQL an append takes a
//! transaction-scoped advisory lock, so a reader that has seen id N can never
//! later find a committed id below N (SQLite serialises writers anyway).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::events;
use crate::db::{now, DbConn};
use crate::domain::Role;

/// Serialises event appends across transactions on PostgreSQL.
const APPEND_LOCK: i64 = 0x6772_6170_6576_0002;

/// Someone named in an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

impl From<&crate::models::users::User> for Person {
    fn from(u: &crate::models::users::User) -> Self {
        Person {
            id: u.id,
            name: u.name.clone(),
        }
    }
}

/// What a page needs to show a post without another request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostData {
    pub thread_id: i64,
    pub title: String,
    pub category: String,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub depth: i32,
    pub author: Person,
    pub body_html: String,
    pub excerpt: String,
    /// RFC 3339.
    pub created_at: String,
    pub url: String,
    /// Users mentioned, by id.
    pub mentions: Vec<i64>,
    /// Its photos and documents (URLs served to its readers only).
    #[serde(default)]
    pub attachments: Vec<crate::uploads::Attachment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadCreated {
    #[serde(flatten)]
    pub post: PostData,
    pub kind: String,
    pub tags: Vec<String>,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostCreated {
    #[serde(flatten)]
    pub post: PostData,
    /// The author of the post answered (a reply notification).
    pub parent_author_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostEdited {
    #[serde(flatten)]
    pub post: PostData,
    pub editor: Person,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostDeleted {
    pub thread_id: i64,
    pub post_id: i64,
    pub title: String,
}

/// A post marked useful to marketing (or the mark taken back: `useful`
/// is the count after the change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostUseful {
    pub thread_id: i64,
    pub post_id: i64,
    pub title: String,
    pub url: String,
    /// The post's author, who hears of it.
    pub author_id: i64,
    pub by: Person,
    pub useful: i64,
    /// `false`: a mark taken back.
    pub marked: bool,
}

/// A thread pinned, locked, hidden or moved, or one post hidden (`post_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadModerated {
    pub thread_id: i64,
    /// `thread.pin`, `thread.hide`, `post.hide`, …
    pub action: String,
    pub moderator: Person,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinksChanged {
    pub thread_id: i64,
    pub title: String,
    pub category: String,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub by: Person,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaCreated {
    pub idea_id: i64,
    pub title: String,
    /// None for anonymous ideas, whoever reads.
    pub author: Option<Person>,
    pub body_html: String,
    pub excerpt: String,
    pub status: String,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaVoted {
    pub idea_id: i64,
    pub title: String,
    pub votes: i64,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaStatusChanged {
    pub idea_id: i64,
    pub title: String,
    pub old_status: String,
    pub status: String,
    pub response_html: Option<String>,
    pub by: Person,
    pub url: String,
    /// The official answer as plain text.
    pub excerpt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaMerged {
    /// The idea kept.
    pub idea_id: i64,
    pub merged_id: i64,
    pub title: String,
    pub merged_title: String,
    pub votes: i64,
    pub by: Person,
    pub url: String,
}

/// A notification for one user (topic `user:ID`), for the bell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationCreated {
    pub user_id: i64,
    pub reason: String,
    pub event_id: i64,
    pub event_kind: String,
    pub title: Option<String>,
    pub url: Option<String>,
}

/// Every kind of event with its payload: a kind's name and the shape of its
/// `data` are written here once. Serialized as `{"kind": …, "data": …}`,
/// as the live feed sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum EventData {
    #[serde(rename = "thread.created")]
    ThreadCreated(ThreadCreated),
    #[serde(rename = "post.created")]
    PostCreated(PostCreated),
    #[serde(rename = "post.edited")]
    PostEdited(PostEdited),
    #[serde(rename = "post.deleted")]
    PostDeleted(PostDeleted),
    #[serde(rename = "post.useful")]
    PostUseful(PostUseful),
    #[serde(rename = "thread.moderated")]
    ThreadModerated(ThreadModerated),
    #[serde(rename = "links.changed")]
    LinksChanged(LinksChanged),
    #[serde(rename = "idea.created")]
    IdeaCreated(IdeaCreated),
    #[serde(rename = "idea.voted")]
    IdeaVoted(IdeaVoted),
    #[serde(rename = "idea.status_changed")]
    IdeaStatusChanged(IdeaStatusChanged),
    #[serde(rename = "idea.merged")]
    IdeaMerged(IdeaMerged),
    #[serde(rename = "notification.created")]
    NotificationCreated(NotificationCreated),
    /// A kind this build does not know (written by a newer one): skipped.
    #[serde(other)]
    Unknown,
}

impl EventData {
    pub fn kind(&self) -> &'static str {
        match self {
            EventData::ThreadCreated(_) => "thread.created",
            EventData::PostCreated(_) => "post.created",
            EventData::PostEdited(_) => "post.edited",
            EventData::PostDeleted(_) => "post.deleted",
            EventData::PostUseful(_) => "post.useful",
            EventData::ThreadModerated(_) => "thread.moderated",
            EventData::LinksChanged(_) => "links.changed",
            EventData::IdeaCreated(_) => "idea.created",
            EventData::IdeaVoted(_) => "idea.voted",
            EventData::IdeaStatusChanged(_) => "idea.status_changed",
            EventData::IdeaMerged(_) => "idea.merged",
            EventData::NotificationCreated(_) => "notification.created",
            EventData::Unknown => "unknown",
        }
    }

    /// The payload alone (the live feed's `data`).
    pub fn payload(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v.get_mut("data")
            .map(serde_json::Value::take)
            .unwrap_or_default()
    }

    /// The post an event shows, if it shows one.
    pub fn post(&self) -> Option<&PostData> {
        match self {
            EventData::ThreadCreated(e) => Some(&e.post),
            EventData::PostCreated(e) => Some(&e.post),
            EventData::PostEdited(e) => Some(&e.post),
            _ => None,
        }
    }

    /// Who did what the event records.
    pub fn actor(&self) -> Option<&Person> {
        match self {
            EventData::ThreadCreated(e) => Some(&e.post.author),
            EventData::PostCreated(e) => Some(&e.post.author),
            EventData::PostEdited(e) => Some(&e.editor),
            EventData::ThreadModerated(e) => Some(&e.moderator),
            EventData::LinksChanged(e) => Some(&e.by),
            EventData::PostUseful(e) => Some(&e.by),
            EventData::IdeaCreated(e) => e.author.as_ref(),
            EventData::IdeaStatusChanged(e) => Some(&e.by),
            EventData::IdeaMerged(e) => Some(&e.by),
            _ => None,
        }
    }

    pub fn title(&self) -> Option<&str> {
        match self {
            EventData::ThreadCreated(e) => Some(&e.post.title),
            EventData::PostCreated(e) => Some(&e.post.title),
            EventData::PostEdited(e) => Some(&e.post.title),
            EventData::PostDeleted(e) => Some(&e.title),
            EventData::PostUseful(e) => Some(&e.title),
            EventData::ThreadModerated(e) => e.title.as_deref(),
            EventData::LinksChanged(e) => Some(&e.title),
            EventData::IdeaCreated(e) => Some(&e.title),
            EventData::IdeaVoted(e) => Some(&e.title),
            EventData::IdeaStatusChanged(e) => Some(&e.title),
            EventData::IdeaMerged(e) => Some(&e.title),
            EventData::NotificationCreated(e) => e.title.as_deref(),
            EventData::Unknown => None,
        }
    }

    pub fn url(&self) -> Option<String> {
        match self {
            EventData::ThreadCreated(e) => Some(e.post.url.clone()),
            EventData::PostCreated(e) => Some(e.post.url.clone()),
            EventData::PostEdited(e) => Some(e.post.url.clone()),
            EventData::PostDeleted(e) => Some(format!("/t/{}", e.thread_id)),
            EventData::PostUseful(e) => Some(e.url.clone()),
            EventData::ThreadModerated(e) => Some(format!("/t/{}", e.thread_id)),
            EventData::LinksChanged(e) => Some(e.url.clone()),
            EventData::IdeaCreated(e) => Some(e.url.clone()),
            EventData::IdeaVoted(e) => Some(e.url.clone()),
            EventData::IdeaStatusChanged(e) => Some(e.url.clone()),
            EventData::IdeaMerged(e) => Some(e.url.clone()),
            EventData::NotificationCreated(e) => e.url.clone(),
            EventData::Unknown => None,
        }
    }

    /// The thread an event is about, if any.
    pub fn thread_id(&self) -> Option<i64> {
        match self {
            EventData::PostDeleted(e) => Some(e.thread_id),
            EventData::PostUseful(e) => Some(e.thread_id),
            EventData::ThreadModerated(e) => Some(e.thread_id),
            EventData::LinksChanged(e) => Some(e.thread_id),
            other => other.post().map(|p| p.thread_id),
        }
    }
}

/// What an event is filed under; subscribers ask for topics. Written as
/// `all`, `ideas`, `category:SLUG`, `thread:ID`, `post:ID`,
/// `account:EXTERNAL_ID`, `competitor:SLUG`, `tag:TAG`, `user:ID`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    All,
    Ideas,
    Category(String),
    Thread(i64),
    Post(i64),
    Account(String),
    Competitor(String),
    Tag(String),
    User(i64),
}

impl std::fmt::Display for Topic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Topic::All => f.write_str("all"),
            Topic::Ideas => f.write_str("ideas"),
            Topic::Category(s) => write!(f, "category:{s}"),
            Topic::Thread(id) => write!(f, "thread:{id}"),
            Topic::Post(id) => write!(f, "post:{id}"),
            Topic::Account(k) => write!(f, "account:{k}"),
            Topic::Competitor(s) => write!(f, "competitor:{s}"),
            Topic::Tag(t) => write!(f, "tag:{t}"),
            Topic::User(id) => write!(f, "user:{id}"),
        }
    }
}

impl Topic {
    /// A topic as a client names it; `None` for anything else.
    pub fn parse(text: &str) -> Option<Topic> {
        match text {
            "all" => return Some(Topic::All),
            "ideas" => return Some(Topic::Ideas),
            _ => {}
        }
        let (kind, key) = text.split_once(':')?;
        if key.is_empty() || key.len() > 200 {
            return None;
        }
        let id = || key.parse::<i64>().ok();
        Some(match kind {
            "category" => Topic::Category(key.to_string()),
            "thread" => Topic::Thread(id()?),
            "post" => Topic::Post(id()?),
            "account" => Topic::Account(key.to_string()),
            "competitor" => Topic::Competitor(key.to_string()),
            "tag" => Topic::Tag(key.to_string()),
            "user" => Topic::User(id()?),
            _ => return None,
        })
    }
}

/// An event to append. `readable_by` lists the roles that may see it:
/// `authz::audience` of the content it is about.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub data: EventData,
    pub topics: Vec<Topic>,
    pub readable_by: Vec<Role>,
}

/// A logged event, typed (`data`) and as the wire carries it (`kind`,
/// `payload`, `topics` as text), for pages and filters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub topics: Vec<String>,
    pub readable_by: Vec<Role>,
    pub payload: serde_json::Value,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(skip)]
    pub data: EventData,
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
        let payload: serde_json::Value =
            serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null);
        let data = serde_json::from_value(serde_json::json!({"kind": r.kind, "data": payload}))
            .unwrap_or(EventData::Unknown);
        Event {
            id: r.id,
            kind: r.kind,
            topics: serde_json::from_str(&r.topics).unwrap_or_default(),
            readable_by: r
                .readable_by
                .split(',')
                .filter_map(|s| Role::parse(s).ok())
                .collect(),
            payload,
            created_at: r.created_at,
            data,
        }
    }
}

thread_local! {
    /// Set by `append`, taken by `db::write_tx` when its outermost
    /// transaction ends: only a commit that wrote an event wakes the feed.
    static APPENDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread appended an event since it was last asked.
pub fn take_appended() -> bool {
    APPENDED.with(|a| a.replace(false))
}

/// Appends an event; call it inside the transaction of the write it records.
/// Returns the new event's id.
pub fn append(conn: &mut DbConn, event: &NewEvent) -> QueryResult<i64> {
    APPENDED.with(|a| a.set(true));
    crate::db::write_tx(conn, |conn| {
        if let DbConn::Postgres(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))
                .execute(pg)?;
            // Delivered at commit to every instance's listener (`live::listen`).
            diesel::sql_query(format!(
                "SELECT pg_notify('{}', '')",
                crate::live::listen::CHANNEL
            ))
            .execute(pg)?;
        }
        let roles: Vec<&str> = event.readable_by.iter().map(|r| r.as_str()).collect();
        let topics: Vec<String> = event.topics.iter().map(Topic::to_string).collect();
        diesel::insert_into(events::table)
            .values((
                events::kind.eq(event.data.kind()),
                events::topics.eq(serde_json::to_string(&topics).unwrap_or_default()),
                events::readable_by.eq(roles.join(",")),
                events::payload.eq(event.data.payload().to_string()),
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
pub fn restrict(conn: &mut DbConn, topic: &Topic, audience: &[Role]) -> QueryResult<usize> {
    use crate::db::schema::{notifications, outbox, users};
    let pattern = format!("%\"{}\"%", crate::db::like_escape(&topic.to_string()));
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
