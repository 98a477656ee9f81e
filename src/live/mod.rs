//! Live feeds. The event log is the source of truth: one poller per process
//! reads new events in id order (`events::after`) and hands each to the hub,
//! which serializes it once and offers it to every matching subscriber's
//! bounded queue. A subscriber that cannot keep up is dropped (it resumes
//! with `since`), so it never slows anyone else. Several instances on one
//! PostgreSQL each poll the shared log, so an event written anywhere reaches
//! every instance's subscribers; a missed wake-up loses nothing.

pub mod listen;
pub mod socket;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;

use crate::db::Pool;
use crate::domain::Role;
use crate::events::{self, Event};

/// Queue length per subscriber before it counts as too slow.
pub const QUEUE: usize = 512;
/// How often the poller looks for new events without being woken (the
/// safety net behind the wake-ups).
pub const POLL_EVERY: Duration = Duration::from_millis(100);

/// Wakes this process's pollers right after a local write commits, and on
/// PostgreSQL when another instance's write commits (`listen`), so nobody
/// waits for the next poll.
static WAKE: std::sync::LazyLock<tokio::sync::Notify> =
    std::sync::LazyLock::new(tokio::sync::Notify::new);

pub fn wake() {
    WAKE.notify_waiters();
}

/// An event ready to send: serialized once, with what is needed to filter.
#[derive(Debug)]
pub struct Outgoing {
    pub id: i64,
    pub topics: Vec<String>,
    pub readable_by: Vec<Role>,
    pub frame: String,
}

impl Outgoing {
    pub fn of(e: &Event) -> Outgoing {
        let frame = json!({"type": "event", "id": e.id, "kind": e.kind, "topics": e.topics, "data": e.payload}).to_string();
        Outgoing {
            id: e.id,
            topics: e.topics.clone(),
            readable_by: e.readable_by.clone(),
            frame,
        }
    }

    pub fn visible_to(&self, role: Role) -> bool {
        self.readable_by.contains(&role)
    }

    pub fn matches(&self, topics: &HashSet<String>) -> bool {
        self.topics.iter().any(|t| topics.contains(t))
    }
}

struct Subscriber {
    role: Role,
    topics: Arc<RwLock<HashSet<String>>>,
    tx: mpsc::Sender<Arc<Outgoing>>,
}

/// The per-process hub. Cloning shares it.
#[derive(Clone, Default)]
pub struct Hub {
    subscribers: Arc<Mutex<HashMap<u64, Subscriber>>>,
    next_id: Arc<AtomicU64>,
    /// The id of the last event published (the poller's cursor).
    published: Arc<AtomicI64>,
}

/// A registered subscriber: its queue and topic set. Dropping it leaves.
pub struct Subscription {
    pub id: u64,
    pub rx: mpsc::Receiver<Arc<Outgoing>>,
    pub topics: Arc<RwLock<HashSet<String>>>,
    hub: Hub,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Ok(mut subs) = self.hub.subscribers.lock() {
            subs.remove(&self.id);
        }
    }
}

impl Hub {
    pub fn subscribe(&self, role: Role) -> Subscription {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(QUEUE);
        let topics = Arc::new(RwLock::new(HashSet::new()));
        self.subscribers.lock().expect("hub lock").insert(
            id,
            Subscriber {
                role,
                topics: topics.clone(),
                tx,
            },
        );
        Subscription {
            id,
            rx,
            topics,
            hub: self.clone(),
        }
    }

    pub fn published(&self) -> i64 {
        self.published.load(Ordering::SeqCst)
    }

    pub fn subscriber_count(&self) -> usize {
        self.subscribers.lock().map(|s| s.len()).unwrap_or(0)
    }

    /// Offers an event to every subscriber that may see it and asked for one
    /// of its topics. A full queue drops that subscriber: its receiver then
    /// ends and the socket closes with a reason.
    pub fn publish(&self, event: &Event) {
        let out = Arc::new(Outgoing::of(event));
        let mut subs = self.subscribers.lock().expect("hub lock");
        subs.retain(|_, s| {
            if !out.visible_to(s.role) || !out.matches(&s.topics.read().expect("topics lock")) {
                return true;
            }
            s.tx.try_send(out.clone()).is_ok()
        });
        drop(subs);
        self.published.store(event.id, Ordering::SeqCst);
    }

    /// Reads the log after the last published id and publishes, forever.
    pub fn start_poller(&self, pool: Pool, every: Duration) {
        let hub = self.clone();
        let start = {
            let mut conn = match pool.get() {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "live feed cannot start");
                    return;
                }
            };
            events::last_id(&mut conn).unwrap_or(0)
        };
        hub.published.store(start, Ordering::SeqCst);
        actix_web::rt::spawn(async move {
            let mut tick = actix_web::rt::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut ticks: u64 = 0;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = WAKE.notified() => {}
                }
                // Hourly (and at start): drop events past the retention.
                if ticks.is_multiple_of((3600 * 1000 / every.as_millis().max(1) as u64).max(1)) {
                    let p = pool.clone();
                    let _ = actix_web::web::block(move || {
                        let cutoff =
                            crate::db::now() - chrono::TimeDelta::days(events::RETENTION_DAYS);
                        p.get().map(|mut c| events::prune(&mut c, cutoff))
                    })
                    .await;
                }
                ticks += 1;
                let after = hub.published();
                let p = pool.clone();
                let batch = actix_web::web::block(move || -> Result<Vec<Event>, String> {
                    let mut conn = p.get().map_err(|e| e.to_string())?;
                    events::after(&mut conn, after, 1000).map_err(|e| e.to_string())
                })
                .await;
                match batch {
                    Ok(Ok(list)) => list.iter().for_each(|e| hub.publish(e)),
                    Ok(Err(e)) => tracing::warn!(error = %e, "live feed poll failed"),
                    Err(e) => tracing::warn!(error = %e, "live feed poll failed"),
                }
            }
        });
    }
}
