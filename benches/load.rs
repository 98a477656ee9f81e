//! A mixed workload at a fixed request rate: reads of pages and JSON,
//! searches, replies, and live subscribers receiving what the replies
//! announce; p50/p99 per request type and errors, beside the static asset's
//! ceiling (wrk, same server, same run). The server is the release binary
//! in its own process.
//!
//!     cargo bench --bench load
//!     GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench load
//!
//! GRAPEVINE_BENCH_RATE (requests/s, default 400), GRAPEVINE_BENCH_SECS
//! (default 60), GRAPEVINE_BENCH_SUBSCRIBERS (default 500).
//!
//! Latency is measured from when a request was due, not when it was sent,
//! so a server falling behind shows in the figures (no coordinated
//! omission).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::{bench_user, create_pg_database, pct, sign_in, start, wrk, BENCH_PASSWORD};

/// What the mix holds, with its share of the requests (out of 100).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    ThreadPage,
    ThreadJson,
    ThreadList,
    CategoryPage,
    HomePage,
    Search,
    Reply,
    Static,
}

const MIX: [(Kind, u32); 8] = [
    (Kind::ThreadPage, 20),
    (Kind::ThreadJson, 20),
    (Kind::ThreadList, 15),
    (Kind::CategoryPage, 10),
    (Kind::HomePage, 5),
    (Kind::Search, 10),
    (Kind::Reply, 10),
    (Kind::Static, 10),
];

fn pick(rng: &mut impl Rng) -> Kind {
    let mut n = rng.gen_range(0..100);
    for (kind, share) in MIX {
        if n < share {
            return kind;
        }
        n -= share;
    }
    Kind::Static
}

#[derive(Default)]
struct Tally {
    ms: Vec<f64>,
    errors: u64,
}

struct Setup {
    port: u16,
    token: String,
    cookie: String,
    threads: Vec<i64>,
}

/// A user, a token, a signed-in session, and 40 threads of 10 replies.
async fn setup(port: u16, token: String) -> Setup {
    let api = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let mut threads = Vec::new();
    for i in 0..40 {
        let t: serde_json::Value = api
            .post(format!("{base}/threads"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "category": if i % 2 == 0 { "customers" } else { "competitors" },
                "title": format!("Field note {i}: the customer asked about the price"),
                "body": "RivalCo offered a rebate of 5% on the annual plan.",
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = t["id"].as_i64().expect("thread created");
        for r in 0..10 {
            let res = api
                .post(format!("{base}/threads/{id}/posts"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"body": format!("Reply {r}: they want a discount")}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
        }
        threads.push(id);
    }
    let cookie = sign_in(port, "bench@example.com", BENCH_PASSWORD).await;
    Setup {
        port,
        token,
        cookie,
        threads,
    }
}

async fn subscribe(port: u16, token: &str, n: usize, received: Arc<AtomicU64>) {
    let mut ready = Vec::with_capacity(n);
    for _ in 0..n {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        ready.push(rx);
        let received = received.clone();
        let mut req = format!("ws://127.0.0.1:{port}/api/v1/live")
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        tokio::spawn(async move {
            let (mut ws, _) = tokio_tungstenite::connect_async(req)
                .await
                .expect("connect");
            ws.send(Message::Text(
                r#"{"type":"subscribe","topics":["all"],"since":0}"#.into(),
            ))
            .await
            .unwrap();
            let mut tx = Some(tx);
            while let Some(Ok(msg)) = ws.next().await {
                if let Message::Text(t) = msg {
                    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                    // The setup's events are replayed first: count what
                    // comes after.
                    if v["type"] == "caught_up" {
                        if let Some(tx) = tx.take() {
                            let _ = tx.send(());
                        }
                    } else if tx.is_none() && v["type"] == "event" && v["kind"] == "post.created" {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    for rx in ready {
        tokio::time::timeout(Duration::from_secs(60), rx)
            .await
            .expect("subscriber caught up in time")
            .expect("subscriber caught up");
    }
}

async fn run(name: &str, s: Setup, rate: u32, secs: u64, subscribers: usize) -> Vec<String> {
    let ceiling = {
        let url = format!("http://127.0.0.1:{}/static/app.js", s.port);
        tokio::task::spawn_blocking(move || wrk(&url, None, 10))
            .await
            .unwrap()
    };
    let received = Arc::new(AtomicU64::new(0));
    subscribe(s.port, &s.token, subscribers, received.clone()).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    let tallies: Arc<Mutex<BTreeMap<Kind, Tally>>> = Arc::default();
    let s = Arc::new(s);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let total = rate as u64 * secs;
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let kind = pick(&mut rng);
        let thread = s.threads[rng.gen_range(0..s.threads.len())];
        let (client, s, tallies) = (client.clone(), s.clone(), tallies.clone());
        tasks.push(tokio::spawn(async move {
            let base = format!("http://127.0.0.1:{}", s.port);
            let page = |path: String| {
                client
                    .get(format!("{base}{path}"))
                    .header("cookie", &s.cookie)
            };
            let api = |path: String| {
                client
                    .get(format!("{base}/api/v1{path}"))
                    .bearer_auth(&s.token)
            };
            let req = match kind {
                Kind::ThreadPage => page(format!("/t/{thread}")),
                Kind::ThreadJson => api(format!("/threads/{thread}")),
                Kind::ThreadList => api("/threads".into()),
                Kind::CategoryPage => page("/c/customers".into()),
                Kind::HomePage => page("/".into()),
                Kind::Search => api("/search?q=rebate%20price".into()),
                Kind::Static => client.get(format!("{base}/static/app.js")),
                Kind::Reply => client
                    .post(format!("{base}/api/v1/threads/{thread}/posts"))
                    .bearer_auth(&s.token)
                    .json(&serde_json::json!({"body": "one more word from the field"})),
            };
            let ok = match req.send().await {
                Ok(res) => res.status().is_success() && res.bytes().await.is_ok(),
                Err(_) => false,
            };
            let ms = due.elapsed().as_secs_f64() * 1000.0;
            let mut t = tallies.lock().await;
            let tally = t.entry(kind).or_default();
            tally.ms.push(ms);
            if !ok {
                tally.errors += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let tallies = tallies.lock().await;
    let replies = tallies.get(&Kind::Reply).map_or(0, |t| t.ms.len() as u64);
    // Every subscriber should hear of every reply: wait for the stragglers.
    let expected = replies * subscribers as u64;
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut rows = vec![format!(
        "| {name} | static asset ceiling (wrk -t2 -c64, 10 s) | {:.0} req/s | | {:.2} | {:.2} | |",
        ceiling.rps, ceiling.p50_ms, ceiling.p99_ms
    )];
    for (kind, t) in tallies.iter() {
        let mut ms = t.ms.clone();
        ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
        rows.push(format!(
            "| {name} | {kind:?} | {:.1} req/s | {} | {:.2} | {:.2} | {} |",
            ms.len() as f64 / elapsed,
            ms.len(),
            pct(&ms, 0.5),
            pct(&ms, 0.99),
            t.errors
        ));
    }
    rows.push(format!(
        "| {name} | live: post.created delivered to {subscribers} subscribers | | {} of {expected} | | | {} |",
        received.load(Ordering::Relaxed),
        expected.saturating_sub(received.load(Ordering::Relaxed))
    ));
    rows
}

fn main() {
    let var = |name: &str, default: u64| -> u64 {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let (rate, secs, subscribers) = (
        var("GRAPEVINE_BENCH_RATE", 400) as u32,
        var("GRAPEVINE_BENCH_SECS", 60),
        var("GRAPEVINE_BENCH_SUBSCRIBERS", 500) as usize,
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut urls = Vec::new();
    let sqlite_dir = tempfile::tempdir().unwrap();
    urls.push((
        "SQLite",
        format!("sqlite://{}", sqlite_dir.path().join("load.db").display()),
    ));
    if let Ok(admin) = std::env::var("GRAPEVINE_BENCH_PG") {
        urls.push(("PostgreSQL", create_pg_database(&admin)));
    }
    let mut rows = Vec::new();
    for (name, url) in urls {
        let dir = tempfile::tempdir().unwrap();
        let token = bench_user(dir.path(), &url);
        let server = start(dir.path(), &url);
        let setup = rt.block_on(setup(server.port, token));
        rows.extend(rt.block_on(run(name, setup, rate, secs, subscribers)));
        drop(server);
    }
    println!(
        "\n{rate} requests/s for {secs} s, {subscribers} live subscribers\n\n| database | request | rate | count | p50 ms | p99 ms | errors |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for r in rows {
        println!("{r}");
    }
}
