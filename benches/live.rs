//! Live feed under load: N websocket subscribers on loopback, posts through
//! the API, post-to-delivered latency for every subscriber (p50, p99, max)
//! and the server's memory per idle connection (RSS before and after the
//! connections open). The server is the release binary, in its own process.
//!
//!     bash -c 'ulimit -n 65536; GRAPEVINE_BENCH_N=1000,10000 cargo bench --bench live'
//!     # PostgreSQL, two instances (subscribers split between them, posts through the first):
//!     bash -c 'ulimit -n 65536; GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench live'

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

mod common;
use common::{bench_user, create_pg_database, pct, rss_kib, start, Server};

async fn run(name: &str, servers: &[Server], token: &str, n: usize, posts: usize) -> String {
    let rss_before: u64 = servers.iter().map(|s| rss_kib(s.child.id())).sum();
    // Open the subscribers, spread over the servers.
    let received: Arc<Mutex<Vec<(i64, Instant)>>> =
        Arc::new(Mutex::new(Vec::with_capacity(n * posts)));
    let mut ready = Vec::with_capacity(n);
    let opened = Instant::now();
    for i in 0..n {
        let port = servers[i % servers.len()].port;
        let token = token.to_string();
        let received = received.clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        ready.push(rx);
        tokio::spawn(async move {
            let mut req = format!("ws://127.0.0.1:{port}/api/v1/live")
                .into_client_request()
                .unwrap();
            req.headers_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            let (mut ws, _) = match tokio_tungstenite::connect_async(req).await {
                Ok(x) => x,
                Err(e) => panic!("connect {i}: {e}"),
            };
            ws.send(Message::Text(
                r#"{"type":"subscribe","topics":["all"],"since":0}"#.into(),
            ))
            .await
            .unwrap();
            let mut tx = Some(tx);
            while let Some(Ok(msg)) = ws.next().await {
                if let Message::Text(t) = msg {
                    let at = Instant::now();
                    let v: serde_json::Value = serde_json::from_str(&t).unwrap();
                    if v["type"] == "caught_up" {
                        if let Some(tx) = tx.take() {
                            let _ = tx.send(());
                        }
                    } else if v["type"] == "event" {
                        if let Some(tid) = v["data"]["thread_id"].as_i64() {
                            received.lock().await.push((tid, at));
                        }
                    }
                }
            }
        });
        if i % 500 == 499 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for r in ready {
        r.await.expect("subscriber ready");
    }
    let open_secs = opened.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after: u64 = servers.iter().map(|s| rss_kib(s.child.id())).sum();
    // Post, one thread at a time, through the first server.
    let client = reqwest::Client::new();
    let mut sent: Vec<(i64, Instant)> = Vec::new();
    for i in 0..posts {
        let at = Instant::now();
        let res: serde_json::Value = client
            .post(format!("http://127.0.0.1:{}/api/v1/threads", servers[0].port))
            .bearer_auth(token)
            .json(&serde_json::json!({"category": "customers", "title": format!("Load {i}"), "body": "x"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        sent.push((res["id"].as_i64().unwrap(), at));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.lock().await.len() < n * posts && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = received.lock().await;
    let mut lat: Vec<f64> = got
        .iter()
        .filter_map(|(tid, at)| {
            sent.iter()
                .find(|s| s.0 == *tid)
                .map(|s| (*at - s.1).as_secs_f64() * 1000.0)
        })
        .collect();
    lat.sort_by(|a, b| a.total_cmp(b));
    let per_conn = (rss_after.saturating_sub(rss_before)) as f64 / n as f64;
    format!(
        "| {name} | {n} | {:.1} s | {}/{} | {:.0} ms | {:.0} ms | {:.0} ms | {:.1} KiB |",
        open_secs,
        got.len(),
        n * posts,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN),
        per_conn
    )
}

fn main() {
    let ns: Vec<usize> = std::env::var("GRAPEVINE_BENCH_N")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let posts: usize = std::env::var("GRAPEVINE_BENCH_POSTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for &n in &ns {
        // SQLite, one instance.
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("live.db").display());
        let token = bench_user(dir.path(), &url);
        let server = start(dir.path(), &url);
        rows.push(rt.block_on(run(
            "SQLite, 1 instance",
            std::slice::from_ref(&server),
            &token,
            n,
            posts,
        )));
        drop(server);
        // PostgreSQL, two instances.
        if let Ok(admin) = std::env::var("GRAPEVINE_BENCH_PG") {
            let url = create_pg_database(&admin);
            let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let token = bench_user(d1.path(), &url);
            let servers = [start(d1.path(), &url), start(d2.path(), &url)];
            rows.push(rt.block_on(run("PostgreSQL, 2 instances", &servers, &token, n, posts)));
        }
    }
    println!("\n| database | subscribers | connect all | delivered | p50 | p99 | max | RSS per idle connection |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!("{r}");
    }
}
