//! Read throughput at 64 concurrent connections, signed in: a static asset,
//! `GET /t/{id}` of a thread with 200 nested replies and its JSON, the
//! category and home pages and the thread list API, beside a trivial
//! actix-web handler measured in the same run on the same machine. Needs `wrk` (apt-get install wrk).
//!
//!     cargo bench --bench thread_page                       # SQLite
//!     GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres \
//!         cargo bench --bench thread_page                   # and PostgreSQL
//!
//! GRAPEVINE_BENCH_SECS sets the duration of each run (default 10).

use std::sync::mpsc;

use grapevine::config::Settings;
use grapevine::domain::{Email, NewPassword, PersonName, PostBody, Role, Tags, ThreadKind, Title};
use grapevine::startup::{Application, RunOptions};
use rand::{Rng, SeedableRng};

mod common;
use common::{create_pg_database, wrk};

const PASSWORD: &str = "benchmark password";

fn spawn_grapevine(database_url: String, dir: &std::path::Path) -> u16 {
    let settings = Settings {
        data_dir: dir.to_path_buf(),
        database_url,
        bind: "127.0.0.1:0".parse().unwrap(),
        base_url: "http://127.0.0.1".into(),
        smtp_url: None,
        mail_from: "grapevine@localhost".into(),
        secret_key: vec![9u8; 64],
        trusted_proxies: Vec::new(),
        uploads: Default::default(),
        auth: Default::default(),
        mail_batch: std::time::Duration::ZERO,
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(
                settings,
                RunOptions {
                    workers: 2,
                    handle_signals: false,
                    ..RunOptions::default()
                },
            )
            .await
            .expect("grapevine starts");
            tx.send(app.port()).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    rx.recv().unwrap()
}

fn spawn_trivial() -> u16 {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(|| {
                actix_web::App::new().route("/", actix_web::web::get().to(|| async { "ok" }))
            })
            .workers(2)
            .bind("127.0.0.1:0")
            .unwrap();
            tx.send(server.addrs()[0].port()).unwrap();
            server.run().await.unwrap();
        })
    });
    rx.recv().unwrap()
}

/// A thread whose 200 replies form a random tree (seeded, so every run and
/// both databases get the same shape).
fn seed(url: &str) -> (i64, usize) {
    let pool = grapevine::db::connect(url, 2).unwrap();
    let mut conn = pool.get().unwrap();
    grapevine::db::run_migrations(&mut conn).unwrap();
    let new = grapevine::models::users::NewUser {
        email: Email::parse("bench@example.com").unwrap(),
        name: PersonName::parse("Bench Rep").unwrap(),
        role: Role::Rep,
        locale: None,
    };
    let user =
        grapevine::models::users::create(&mut conn, &new, &NewPassword::parse(PASSWORD).unwrap())
            .unwrap();
    let input = grapevine::forum::NewThread {
        category: "customers".into(),
        title: Title::parse("A busy thread with 200 nested replies").unwrap(),
        body: PostBody::parse(
            "The opening post, with **Markdown** and a [link](https://example.com).",
        )
        .unwrap(),
        kind: ThreadKind::Anecdote,
        tags: Tags::parse(&["benchmark"]).unwrap(),
        accounts: Vec::new(),
        competitors: Vec::new(),
        links_by_name: false,
        attachments: Vec::new(),
        client_id: None,
    };
    let (thread, opening) = grapevine::forum::create_thread(&mut conn, &user, &input).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut ids = vec![opening.id];
    let mut max_depth = 0;
    for i in 0..200 {
        // Favour recent posts as parents, so the tree gets deep as well as wide.
        let pick = if rng.gen_bool(0.6) {
            ids.len() - 1 - rng.gen_range(0..ids.len().min(3))
        } else {
            rng.gen_range(0..ids.len())
        };
        let body = PostBody::parse(&format!(
            "Reply {i}: the customer said *something* about pricing, see the brochure.\n\n- point one\n- point two"
        ))
        .unwrap();
        let post =
            grapevine::forum::reply(&mut conn, &user, thread.id, Some(ids[pick]), &body).unwrap();
        max_depth = max_depth.max(post.depth as usize);
        ids.push(post.id);
    }
    // Enough other threads for full list pages (a page is 25 threads).
    for i in 0..60 {
        let other = grapevine::forum::NewThread {
            title: Title::parse(&format!("Field note {i} about a customer")).unwrap(),
            body: body_of(i),
            tags: Tags::parse(&["benchmark"]).unwrap(),
            accounts: Vec::new(),
            competitors: Vec::new(),
            attachments: Vec::new(),
            category: "customers".into(),
            client_id: None,
            ..input
        };
        let (t, _) = grapevine::forum::create_thread(&mut conn, &user, &other).unwrap();
        for _ in 0..3 {
            grapevine::forum::reply(&mut conn, &user, t.id, None, &body_of(i)).unwrap();
        }
    }
    (thread.id, max_depth)
}

fn body_of(i: usize) -> PostBody {
    PostBody::parse(&format!("Reply to note {i}: they asked about the price.")).unwrap()
}

fn session_cookie(port: u16) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(common::sign_in(port, "bench@example.com", PASSWORD))
}

fn main() {
    let secs: u32 = std::env::var("GRAPEVINE_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let trivial_port = spawn_trivial();
    let mut rows = Vec::new();
    let trivial = wrk(&format!("http://127.0.0.1:{trivial_port}/"), None, secs);
    rows.push((
        "trivial actix-web handler".to_string(),
        trivial.rps,
        trivial.p50_ms,
        trivial.p99_ms,
        100.0,
        f64::NAN,
    ));

    let mut backends = vec![("SQLite", None)];
    if let Ok(pg) = std::env::var("GRAPEVINE_BENCH_PG") {
        backends.push(("PostgreSQL", Some(pg)));
    }
    for (name, pg) in backends {
        let dir = tempfile::tempdir().unwrap();
        let url = match pg {
            Some(admin) => create_pg_database(&admin),
            None => format!("sqlite://{}", dir.path().join("bench.db").display()),
        };
        let (thread, depth) = seed(&url);
        let port = spawn_grapevine(url, dir.path());
        let cookie = session_cookie(port);
        let cases = [
            (
                "static asset `/static/app.js`",
                "/static/app.js".to_string(),
            ),
            ("thread page, 200 nested replies", format!("/t/{thread}")),
            (
                "thread JSON `/api/v1/threads/{id}`, same thread",
                format!("/api/v1/threads/{thread}"),
            ),
            ("category page `/c/customers`", "/c/customers".to_string()),
            ("home page `/`", "/".to_string()),
            (
                "thread list `/api/v1/threads`",
                "/api/v1/threads".to_string(),
            ),
        ];
        let mut ceiling = None;
        for (what, path) in cases {
            let r = wrk(
                &format!("http://127.0.0.1:{port}{path}"),
                Some(&cookie),
                secs,
            );
            let base = *ceiling.get_or_insert(r.rps);
            rows.push((
                format!("{name}: {what}"),
                r.rps,
                r.p50_ms,
                r.p99_ms,
                100.0 * r.rps / trivial.rps,
                100.0 * r.rps / base,
            ));
        }
        println!("(thread depth {depth})");
    }
    println!(
        "\n| what (wrk -t2 -c64, {secs} s) | requests/s | p50 | p99 | % of trivial | % of static asset |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (what, rps, p50, p99, pct, of_static) in rows {
        println!("| {what} | {rps:.0} | {p50:.2} ms | {p99:.2} ms | {pct:.1}% | {of_static:.0}% |");
    }
}
