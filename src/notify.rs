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

use crate::db::schema::{
    follows, idea_votes, ideas, mail_batches, notifications, outbox as outbox_table, users,
    worker_cursors,
};
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

/// What one notification mail says; a batch mail lists several.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct MailItem {
    event_id: i64,
    /// The post it is about, checked again before a batch leaves.
    post_id: Option<i64>,
    /// The unsubscribe kind (replies, mentions, ideas, follows).
    kind: String,
    title: String,
    headline: String,
    excerpt: String,
    url: String,
    dedup_key: String,
}

/// Records the email of a notification, if the user wants it: at once for
/// ideas, else into the thread's batch when batching is on.
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
                &[("title", title.clone()), ("status", status)],
            )
        }
        "follow" => i18n::t_args(lang, "email-subject-follow", &[("title", title.clone())]),
        r => i18n::t_args(
            lang,
            &format!("email-subject-{r}"),
            &[("name", actor), ("title", title.clone())],
        ),
    };
    let excerpt = match &e.data {
        EventData::IdeaStatusChanged(s) => s.excerpt.clone().unwrap_or_default(),
        other => other.post().map(|p| p.excerpt.clone()).unwrap_or_default(),
    };
    let post_id = match &e.data {
        EventData::PostUseful(m) => Some(m.post_id),
        other => other.post().map(|p| p.post_id),
    };
    let item = MailItem {
        event_id: e.id,
        post_id,
        kind: kind.to_string(),
        title,
        headline,
        excerpt,
        url: e.data.url().unwrap_or_default(),
        dedup_key: dedup_key(e, user.id, reason),
    };
    let window = composer.settings.mail_batch;
    match (&e.data, e.data.thread_id()) {
        (EventData::IdeaStatusChanged(s), _) => send(
            conn,
            composer,
            user,
            &[item],
            &format!("idea-{}", s.idea_id),
        ),
        (_, Some(thread)) if reason != "idea" && !window.is_zero() => {
            add_to_batch(conn, user.id, thread, item, window)
        }
        (_, Some(thread)) => send(conn, composer, user, &[item], &format!("thread-{thread}")),
        (_, None) => send(conn, composer, user, &[item], ""),
    }
}

/// Adds a notification to the user's batch for the thread, opening the
/// batch (due one window from now) if there is none. An item whose mail
/// was already recorded (the hourly mail of a followed thread) is dropped.
fn add_to_batch(
    conn: &mut DbConn,
    user_id: i64,
    thread_id: i64,
    item: MailItem,
    window: Duration,
) -> QueryResult<()> {
    let sent: i64 = outbox_table::table
        .filter(outbox_table::dedup_key.eq(&item.dedup_key))
        .count()
        .get_result(conn)?;
    if sent > 0 {
        return Ok(());
    }
    let current: Option<String> = mail_batches::table
        .find((user_id, thread_id))
        .select(mail_batches::items)
        .first(conn)
        .optional()?;
    match current {
        Some(items) => {
            let mut items: Vec<MailItem> = serde_json::from_str(&items).unwrap_or_default();
            if items.iter().any(|i| i.dedup_key == item.dedup_key) {
                return Ok(());
            }
            items.push(item);
            diesel::update(mail_batches::table.find((user_id, thread_id)))
                .set(mail_batches::items.eq(serde_json::to_string(&items).unwrap_or_default()))
                .execute(conn)?;
        }
        None => {
            let t = now();
            let due = t + chrono::TimeDelta::from_std(window).unwrap_or_default();
            diesel::insert_into(mail_batches::table)
                .values((
                    mail_batches::user_id.eq(user_id),
                    mail_batches::thread_id.eq(thread_id),
                    mail_batches::items.eq(serde_json::to_string(&[item]).unwrap_or_default()),
                    mail_batches::created_at.eq(t),
                    mail_batches::due_at.eq(due),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Sends the batches whose window has passed, each as one mail of what its
/// reader may still see (a post hidden or deleted meanwhile is left out, a
/// thread no longer readable drops the batch); returns how many mails.
pub fn flush_batches(conn: &mut DbConn, composer: Composer) -> QueryResult<usize> {
    crate::db::write_tx(conn, |conn| {
        let t = now();
        let due: Vec<(i64, i64, String)> = mail_batches::table
            .filter(mail_batches::due_at.le(t))
            .order(mail_batches::due_at.asc())
            .limit(200)
            .select((
                mail_batches::user_id,
                mail_batches::thread_id,
                mail_batches::items,
            ))
            .load(conn)?;
        let mut sent = 0;
        for (user_id, thread_id, items) in due {
            // Deleting is the claim: another instance's flush finds no row.
            let claimed =
                diesel::delete(mail_batches::table.find((user_id, thread_id))).execute(conn)?;
            if claimed == 0 {
                continue;
            }
            let Some(user) = crate::models::users::find(conn, user_id)? else {
                continue;
            };
            let items: Vec<MailItem> = serde_json::from_str(&items).unwrap_or_default();
            let items = still_visible(conn, &user, thread_id, items)?;
            if !items.is_empty() {
                send(
                    conn,
                    composer,
                    &user,
                    &items,
                    &format!("thread-{thread_id}"),
                )?;
                sent += 1;
            }
        }
        Ok(sent)
    })
}

/// The items of a batch its reader may still read now.
fn still_visible(
    conn: &mut DbConn,
    user: &User,
    thread_id: i64,
    items: Vec<MailItem>,
) -> QueryResult<Vec<MailItem>> {
    let Some(thread) = crate::models::threads::find(conn, thread_id)? else {
        return Ok(Vec::new());
    };
    let Some(category) = crate::models::categories::find(conn, thread.category_id)? else {
        return Ok(Vec::new());
    };
    let mut kept = Vec::new();
    for item in items {
        let hidden = match item.post_id {
            Some(id) => match crate::models::posts::find(conn, id)? {
                Some(p) if !p.deleted => p.hidden,
                _ => continue,
            },
            None => false,
        };
        if crate::authz::in_audience(
            user,
            &crate::authz::audience(&category, thread.hidden || hidden),
        ) {
            kept.push(item);
        }
    }
    Ok(kept)
}

/// Composes and records one mail of one or more items about one
/// conversation (`thread-12`, `idea-3`; empty for none).
fn send(
    conn: &mut DbConn,
    composer: Composer,
    user: &User,
    items: &[MailItem],
    conversation: &str,
) -> QueryResult<()> {
    let Some(first) = items.first() else {
        return Ok(());
    };
    let lang = lang_of(user);
    let subject = if items.len() == 1 {
        first.headline.clone()
    } else {
        i18n::t_args(
            lang,
            "email-subject-batch",
            &[
                ("count", items.len().to_string()),
                ("title", first.title.clone()),
            ],
        )
    };
    let mut ctx = tera::Context::new();
    ctx.insert("headline", &subject);
    ctx.insert("excerpt", &first.excerpt);
    ctx.insert("url", &first.url);
    ctx.insert("items", items);
    match composer.compose(
        user,
        "notification",
        &subject,
        ctx,
        Some(&first.kind),
        first.dedup_key.clone(),
        (!conversation.is_empty()).then_some(conversation),
    ) {
        Ok(mail) => {
            outbox::enqueue(conn, &mail)?;
        }
        // A mail that cannot be composed (a template bug) must not stop
        // notifications: log it and go on.
        Err(err) => {
            tracing::error!(user = user.id, event = first.event_id, error = %err, "email not composed")
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
                let read = process(&mut conn, 500, Some(composer)).map_err(|e| e.to_string())?;
                flush_batches(&mut conn, composer).map_err(|e| e.to_string())?;
                Ok(read)
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
