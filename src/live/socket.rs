//! `GET /api/v1/live`: the contract's live feed over a websocket. One task
//! per connection selects over the client's frames, its hub queue and a
//! heartbeat.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use serde::Deserialize;
use serde_json::json;

use super::{Hub, Outgoing};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::events;
use crate::models::users::User;
use crate::state::AppState;

/// Largest client message accepted.
pub const MAX_MESSAGE: usize = 16 * 1024;
const PING_EVERY: Duration = Duration::from_secs(15);
const DEAD_AFTER: Duration = Duration::from_secs(45);
const REPLAY_PAGE: i64 = 500;
/// Topics one connection may follow: a page needs a handful, a dashboard a
/// few dozen; without a cap one socket could grow the server's memory.
pub const MAX_TOPICS: usize = 100;
/// Client frames: a burst of this many, then this many per second.
pub const FRAME_BURST: f64 = 20.0;
pub const FRAMES_PER_SECOND: f64 = 5.0;

/// A token bucket for the client's frames.
struct FrameBudget {
    tokens: f64,
    at: Instant,
}

impl FrameBudget {
    fn new() -> Self {
        FrameBudget {
            tokens: FRAME_BURST,
            at: Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.at).as_secs_f64() * FRAMES_PER_SECOND;
        self.tokens = (self.tokens + earned).min(FRAME_BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    Subscribe {
        topics: Vec<String>,
        #[serde(default)]
        since: Option<i64>,
    },
}

/// A topic as the contract names them (`events::Topic`), and of users'
/// topics only the caller's own (the bell).
fn valid_topic(t: &str, user_id: i64) -> bool {
    match crate::events::Topic::parse(t) {
        Some(crate::events::Topic::User(id)) => id == user_id,
        Some(_) => true,
        None => false,
    }
}

fn error_frame(code: &str, message: &str) -> String {
    json!({"type": "error", "code": code, "message": message}).to_string()
}

/// Browsers send cookies on cross-site websocket handshakes: refuse any
/// page of another origin.
fn same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = req.headers().get("origin").and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = req.connection_info().host().to_string();
    origin.split_once("://").is_some_and(|(_, h)| h == host)
}

/// The live feed.
#[utoipa::path(get, path = "/api/v1/live", responses(
    (status = 101, description = "Upgraded to a websocket; see the contract's live-feed section"),
    (status = 401, body = crate::error::ErrorBody)))]
pub async fn live(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, actix_web::Error> {
    if !same_origin(&req) {
        return Err(AppError::Forbidden.into());
    }
    let (response, session, stream) = actix_ws::handle(&req, body).map_err(|e| {
        AppError::bad_request(
            "websocket_required",
            format!("open this address as a websocket: {e}"),
        )
    })?;
    let stream = stream
        .max_frame_size(MAX_MESSAGE)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE);
    actix_web::rt::spawn(connection(
        session,
        stream,
        user,
        state.hub.clone(),
        state.pool.clone(),
    ));
    Ok(response)
}

async fn send(session: &mut actix_ws::Session, frame: &str) -> bool {
    session.text(frame.to_string()).await.is_ok()
}

async fn connection(
    mut session: actix_ws::Session,
    mut stream: actix_ws::AggregatedMessageStream,
    user: User,
    hub: Hub,
    pool: crate::db::Pool,
) {
    let mut sub = hub.subscribe(user.role);
    let mut last_sent: i64 = 0;
    let mut heard = Instant::now();
    let mut heartbeat = actix_web::rt::time::interval(PING_EVERY);
    let mut budget = FrameBudget::new();
    let reason = loop {
        tokio::select! {
            msg = stream.recv() => {
                let Some(msg) = msg else { break None };
                heard = Instant::now();
                match msg {
                    Ok(AggregatedMessage::Text(_)) | Ok(AggregatedMessage::Binary(_)) if !budget.take() => {
                        let msg = format!("at most {FRAMES_PER_SECOND} messages a second: this one was ignored");
                        if !send(&mut session, &error_frame("rate_limited", &msg)).await { break None; }
                    }
                    Ok(AggregatedMessage::Text(text)) => {
                        match serde_json::from_str::<ClientMessage>(&text) {
                            Ok(ClientMessage::Subscribe { topics, since }) => {
                                if let Some(bad) = topics.iter().find(|t| !valid_topic(t, user.id)) {
                                    if !send(&mut session, &error_frame("invalid_topic", &format!("unknown topic {bad:?}"))).await { break None; }
                                    continue;
                                }
                                let wanted: HashSet<String> = topics.into_iter().collect();
                                let accepted = {
                                    let mut held = sub.topics.write().expect("topics lock");
                                    let fits = held.union(&wanted).count() <= MAX_TOPICS;
                                    if fits {
                                        held.extend(wanted.iter().cloned());
                                    }
                                    fits
                                };
                                if !accepted {
                                    let msg = format!("a connection follows at most {MAX_TOPICS} topics: this subscription was refused");
                                    if !send(&mut session, &error_frame("too_many_topics", &msg)).await { break None; }
                                    continue;
                                }
                                if let Some(since) = since {
                                    match replay(&mut session, &pool, &user, &wanted, since, &mut last_sent).await {
                                        Ok(high) => {
                                            let done = json!({"type": "caught_up", "id": high}).to_string();
                                            if !send(&mut session, &done).await { break None; }
                                        }
                                        Err(()) => break None,
                                    }
                                } else {
                                    last_sent = last_sent.max(hub.published());
                                }
                            }
                            Err(e) => {
                                if !send(&mut session, &error_frame("invalid_message", &format!("expected {{\"type\":\"subscribe\",\"topics\":[…]}}: {e}"))).await { break None; }
                            }
                        }
                    }
                    Ok(AggregatedMessage::Binary(_)) => {
                        if !send(&mut session, &error_frame("invalid_message", "send JSON text frames")).await { break None; }
                    }
                    Ok(AggregatedMessage::Ping(p)) => { if session.pong(&p).await.is_err() { break None; } }
                    Ok(AggregatedMessage::Pong(_)) => {}
                    Ok(AggregatedMessage::Close(_)) => break None,
                    Err(e) => {
                        let _ = send(&mut session, &error_frame("message_too_large", &format!("messages are at most {MAX_MESSAGE} bytes: {e}"))).await;
                        break Some(CloseReason { code: CloseCode::Size, description: Some("message too large".into()) });
                    }
                }
            }
            out = sub.rx.recv() => {
                let Some(out) = out else {
                    break Some(CloseReason { code: CloseCode::Again, description: Some("too slow to keep up: reconnect with since".into()) });
                };
                if out.id <= last_sent { continue; }
                last_sent = out.id;
                if !send(&mut session, &out.frame).await { break None; }
            }
            _ = heartbeat.tick() => {
                if heard.elapsed() > DEAD_AFTER { break Some(CloseReason { code: CloseCode::Away, description: Some("no answer to pings".into()) }); }
                if session.ping(b"").await.is_err() { break None; }
            }
        }
    };
    drop(sub);
    let _ = session.close(reason).await;
}

/// Sends, in order, every event after `since` that the user may see and that
/// matches `topics`, read from the durable log. Returns the highest id
/// examined: live events at or below it are skipped afterwards.
async fn replay(
    session: &mut actix_ws::Session,
    pool: &crate::db::Pool,
    user: &User,
    topics: &HashSet<String>,
    since: i64,
    last_sent: &mut i64,
) -> Result<i64, ()> {
    let mut cursor = since.max(0);
    loop {
        let p = pool.clone();
        let page = crate::db::run(&p, move |c| Ok(events::after(c, cursor, REPLAY_PAGE)?))
            .await
            .map_err(|_| ())?;
        let n = page.len() as i64;
        for e in page {
            cursor = e.id;
            if e.id <= *last_sent || !e.visible_to(user.role) {
                continue;
            }
            let out = Outgoing::of(&e);
            if out.matches(topics) {
                if !send(session, &out.frame).await {
                    return Err(());
                }
                *last_sent = e.id;
            }
        }
        if n < REPLAY_PAGE {
            *last_sent = (*last_sent).max(cursor);
            return Ok(cursor.max(since));
        }
    }
}
