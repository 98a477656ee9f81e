//! A database that stops answering (frozen, not stopped) must not hang the
//! server: the health check, the API and pages answer 503 in bounded time,
//! and everything works again once the database does.

use std::time::Duration;

use grapevine::domain::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

/// A TCP relay to PostgreSQL that can stop passing bytes while keeping
/// every connection open: to the server's clients, the database freezes.
struct FreezingRelay {
    port: u16,
    frozen: tokio::sync::watch::Sender<bool>,
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut frozen: tokio::sync::watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // Held until the relay thaws.
        if frozen.wait_for(|f| !*f).await.is_err() {
            return;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

impl FreezingRelay {
    /// Runs on its own thread and runtime: the test's own thread blocks in
    /// synchronous database calls (set-up, the test pool) that go through it.
    async fn start(target: String) -> FreezingRelay {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let port = std_listener.local_addr().unwrap().port();
        let (frozen, f) = tokio::sync::watch::channel(false);
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                while let Ok((client, _)) = listener.accept().await {
                    let Ok(server) = tokio::net::TcpStream::connect(&target).await else {
                        continue;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    tokio::spawn(pump(cr, sw, f.clone()));
                    tokio::spawn(pump(sr, cw, f.clone()));
                }
            });
        });
        FreezingRelay { port, frozen }
    }
}

#[actix_web::test]
#[ignore = "needs PostgreSQL: set GRAPEVINE_TEST_DATABASE_URL (.ci/run does)"]
async fn a_frozen_database_answers_503_in_bounded_time_then_recovers() {
    let db = fresh_database(Db::Postgres);
    // postgres://user@HOST:PORT/db?… → the same through the relay.
    let (scheme_user, rest) = db.url.split_once('@').unwrap();
    let (host_port, path) = rest.split_once('/').unwrap();
    let relay = FreezingRelay::start(host_port.to_string()).await;
    let relayed = format!("{scheme_user}@127.0.0.1:{}/{path}", relay.port);
    let app = spawn_app_on(TestDb {
        url: relayed,
        dir: db.dir,
    })
    .await;
    let (api, _) = app.api_user("rep@example.com", Role::Rep);
    let (browser, _) = app.signed_in("page@example.com", Role::Rep).await;
    let thread = api.thread("customers", "Before the freeze", "x").await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_secs(4))
        .build()
        .unwrap();
    assert_eq!(
        quick
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    relay.frozen.send_replace(true);
    let health = quick
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("/healthz answers while the database is frozen");
    assert_eq!(health.status(), 503);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["error"]["code"], "database_unavailable");

    let patient = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let res = patient
        .get(app.url(&format!("/api/v1/threads/{thread}")))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("the API answers while the database is frozen");
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "database_unavailable");
    let page = browser
        .get(app.url("/forums"))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .expect("pages answer while the database is frozen");
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("</html>"));

    relay.frozen.send_replace(false);
    wait_until(Duration::from_secs(30), "the API to work again", || {
        let (api, thread) = (api.clone_api(), thread);
        async move { api.get(&format!("/threads/{thread}")).await.0 == 200 }
    })
    .await;
    assert_eq!(
        quick
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
