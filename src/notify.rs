//! In-app notifications, derived from the event log by a background worker:
//! a reply to your post, a mention, a status change on an idea you wrote,
//! voted for or follow, and new posts in what you follow. The worker keeps
//! its place in `worker_cursors`; notifications are unique per user and
//! event, so instances reading the same events write each one once.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{follows, idea_votes, ideas, notifications, users, worker_cursors};
use crate::db::{now, DbConn};
use crate::digest::DigestSettings;
use crate::domain::Role;
use crate::events::{self, Event, EventData, Topic};
use crate::i18n;
use crate::mail::compose::{lang_of, Composer};
use crate::mail::outbox;
use crate::models::users::User;
use crate::state::AppState;

const WORKER: &str = "notifications";
const EVERY: Duration = Duration::from_millis(250);
/// Serialises the worker across instances on PostgreSQL.
const WORKER_LOCK: i64 = 0x6772_6170_6576_0003;

/// Who should hear of an event, with the first reason that applies.
pub fn recipients(conn: &mut DbConn, e: &Event) -> QueryResult<BTreeMap<i64, &'static str>> {
    let mut out: BTreeMap<i64, &'static str> = BTreeMap::new();
    let actor = e.data.actor().map(|p| p.id);
    let mut add = |id: i64, why: &'static str| {
        out.entry(id).or_insert(why);
    };
    match &e.data {
        EventData::ThreadCreated(_) | EventData::PostCreated(_) => {
            if let EventData::PostCreated(p) = &e.data {
                add(p.parent_author_id, "reply");
            }
            let post = e.data.post().expect("a post event");
            post.mentions.iter().for_each(|id| add(*id, "mention"));
            // Followers of any of the event's topics, in one query: keys
            // first, then the exact (kind, key) pairs checked here.
            let pairs: Vec<(&str, &str)> =
                e.topics.iter().filter_map(|t| t.split_once(':')).collect();
            let keys: Vec<&str> = pairs.iter().map(|p| p.1).collect();
            let candidates: Vec<(i64, String, String)> = follows::table
                .filter(follows::key.eq_any(&keys))
                .select((follows::user_id, follows::kind, follows::key))
                .load(conn)?;
            for (id, kind, key) in candidates {
                if pairs.iter().any(|(k, v)| *k == kind && *v == key) {
                    add(id, "follow");
                }
            }
        }
        EventData::PostUseful(m) if m.marked => add(m.author_id, "useful"),
        EventData::IdeaStatusChanged(events::IdeaStatusChanged { idea_id: idea, .. })
        | EventData::IdeaMerged(events::IdeaMerged { idea_id: idea, .. }) => {
            let idea = *idea;
            let mut ids: Vec<i64> = ideas::table
                .find(idea)
                .select(ideas::author_id)
                .load(conn)?;
            ids.extend(
                idea_votes::table
                    .filter(idea_votes::idea_id.eq(idea))
                    .select(idea_votes::user_id)
                    .load::<i64>(conn)?,
            );
            ids.extend(
                follows::table
                    .filter(follows::kind.eq("idea"))
                    .filter(follows::key.eq(idea.to_string()))
                    .select(follows::user_id)
                    .load::<i64>(conn)?,
            );
            ids.into_iter().for_each(|id| add(id, "idea"));
        }
        _ => {}
    }
    if let Some(a) = actor {
        out.remove(&a);
    }
    // Only active users who may read what the event is about.
    let ids: Vec<i64> = out.keys().copied().collect();
    let allowed: Vec<(i64, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .filter(users::active.eq(true))
        .select((users::id, users::role))
        .load(conn)?;
    out.retain(|id, _| {
        allowed
            .iter()
            .any(|(u, role)| u == id && Role::parse(role).is_ok_and(|r| e.visible_to(r)))
    });
    Ok(out)
}

/// Turns the events after the worker's cursor into notifications, each with
/// its bell event and, per the user's settings, its email (when `mail` is
/// given); returns how many events it read.
pub fn process(conn: &mut DbConn, limit: i64, mail: Option<Composer>) -> QueryResult<usize> {
    crate::db::write_tx(conn, |conn| {
        if let DbConn::Postgres(pg) = &mut *conn {
            // One instance at a time reads the batch: the others wait here
            // and then find the cursor moved.
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({WORKER_LOCK})"))
                .execute(pg)?;
        }
        let cursor: i64 = worker_cursors::table
            .find(WORKER)
            .select(worker_cursors::last_event_id)
            .first(conn)
            .optional()?
            .unwrap_or(0);
        let batch = events::after(conn, cursor, limit)?;
        let Some(last) = batch.last().map(|e| e.id) else {
            return Ok(0);
        };
        for e in &batch {
            for (user, reason) in recipients(conn, e)? {
                let values = (
                    notifications::user_id.eq(user),
                    notifications::event_id.eq(e.id),
                    notifications::reason.eq(reason),
                    notifications::payload
                        .eq(serde_json::json!({"kind": e.kind, "data": e.payload}).to_string()),
                    notifications::created_at.eq(now()),
                );
                let created = crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(
                    notifications::table
                )
                .values(values)
                .on_conflict((notifications::user_id, notifications::event_id))
                .do_nothing()
                .execute(c))?;
                if created == 0 {
                    continue;
                }
                let Some(recipient) = crate::models::users::find(conn, user)? else {
                    continue;
                };
                events::append(
                    conn,
                    &events::NewEvent {
                        data: EventData::NotificationCreated(events::NotificationCreated {
                            user_id: user,
                            reason: reason.to_string(),
                            event_id: e.id,
                            event_kind: e.kind.clone(),
                            title: e.data.title().map(str::to_string),
                            url: e.data.url(),
                        }),
                        // Only that user may subscribe to this topic.
                        topics: vec![Topic::User(user)],
                        readable_by: vec![recipient.role],
                    },
                )?;
                if let Some(composer) = mail {
                    email(conn, composer, e, &recipient, reason)?;
                }
            }
        }
        let values = (
            worker_cursors::name.eq(WORKER),
            worker_cursors::last_event_id.eq(last),
        );
        crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(worker_cursors::table)
            .values(values)
            .on_conflict(worker_cursors::name)
            .do_update()
            .set(worker_cursors::last_event_id.eq(last))
            .execute(c))?;
        Ok(batch.len())
    })
}

/// The settings flag and unsubscribe kind of each reason.
fn wants(settings: &DigestSettings, reason: &str) -> Option<&'static str> {
    match reason {
        "reply" | "useful" if settings.email_replies => Some("replies"),
        "mention" if settings.email_mentions => Some("mentions"),
        "idea" if settings.email_ideas => Some("ideas"),
        "follow" if settings.email_follows => Some("follows"),
        _ => None,
    }
}

/// One email per notification, except new posts in what the user follows:
/// at most one per thread and hour, so a busy thread does not flood the
/// inbox (the bell still counts every post).
fn dedup_key(e: &Event, user_id: i64, reason: &str) -> String {
    match (reason, e.data.thread_id()) {
        ("follow", Some(thread)) => format!(
            "notify:follow:{user_id}:{thread}:{}",
            e.created_at.format("%Y-%m-%dT%H")
        ),
        _ => format!("notify:{}:{user_id}", e.id),
    }
}

/// Records the immediate email of a notification, if the user wants it.
fn email(
    conn: &mut DbConn,
    composer: Composer,
    e: &Event,
    user: &User,
    reason: &str,
) -> QueryResult<()> {
    let Some(kind) = wants(&crate::digest::get(conn, user)?, reason) else {
        return Ok(());
    };
    let lang = lang_of(user);
    let title = e.data.title().unwrap_or_default().to_string();
    let actor = e.data.actor().map(|p| p.name.clone()).unwrap_or_default();
    let headline = match reason {
        "idea" => {
            let status = match &e.data {
                EventData::IdeaStatusChanged(s) => i18n::t(lang, &format!("status-{}", s.status)),
                _ => i18n::t(lang, "event-idea-merged"),
            };
            i18n::t_args(
                lang,
                "email-subject-idea",
                &[("title", title), ("status", status)],
            )
        }
        "follow" => i18n::t_args(lang, "email-subject-follow", &[("title", title)]),
        r => i18n::t_args(
            lang,
            &format!("email-subject-{r}"),
            &[("name", actor), ("title", title)],
        ),
    };
    let excerpt = match &e.data {
        EventData::IdeaStatusChanged(s) => s.excerpt.clone().unwrap_or_default(),
        other => other.post().map(|p| p.excerpt.clone()).unwrap_or_default(),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("headline", &headline);
    ctx.insert("excerpt", &excerpt);
    ctx.insert("url", &e.data.url().unwrap_or_default());
    let conversation = match (&e.data, e.data.thread_id()) {
        (EventData::IdeaStatusChanged(s), _) => Some(format!("idea-{}", s.idea_id)),
        (_, Some(thread)) => Some(format!("thread-{thread}")),
        _ => None,
    };
    match composer.compose(
        user,
        "notification",
        &headline,
        ctx,
        kind,
        dedup_key(e, user.id, reason),
        conversation.as_deref(),
    ) {
        Ok(mail) => {
            outbox::enqueue(conn, &mail)?;
        }
        // A mail that cannot be composed (a template bug) must not stop
        // notifications: log it and go on.
        Err(err) => {
            tracing::error!(user = user.id, event = e.id, error = %err, "email not composed")
        }
    }
    Ok(())
}

/// Runs `process` in the background, forever.
pub fn start_worker(state: actix_web::web::Data<AppState>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(EVERY);
        loop {
            tick.tick().await;
            let s = state.clone();
            let done = actix_web::web::block(move || -> Result<usize, String> {
                let mut conn = s.pool.get().map_err(|e| e.to_string())?;
                let composer = Composer {
                    tera: &s.tera,
                    settings: &s.settings,
                };
                process(&mut conn, 500, Some(composer)).map_err(|e| e.to_string())
            })
            .await;
            if let Ok(Err(e)) = done {
                tracing::warn!(error = %e, "notifications worker failed");
            }
        }
    });
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    pub id: i64,
    /// reply, mention, idea or follow.
    pub reason: String,
    /// The event: `{kind, data}` as in the live feed.
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    pub read: bool,
}

pub fn unread_count(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

pub fn list(conn: &mut DbConn, user_id: i64, limit: i64) -> QueryResult<Vec<Notification>> {
    let rows: Vec<(i64, String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .order(notifications::id.desc())
            .limit(limit)
            .select((
                notifications::id,
                notifications::reason,
                notifications::payload,
                notifications::created_at,
                notifications::read_at,
            ))
            .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, reason, payload, created_at, read_at)| Notification {
            id,
            reason,
            event: serde_json::from_str(&payload).unwrap_or_default(),
            created_at,
            read: read_at.is_some(),
        })
        .collect())
}

pub fn mark_all_read(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)
}
