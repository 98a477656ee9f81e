//! Building the digests of many users: 10,000 users over 50,000 posts
//! (10,000 threads of five posts across the last week, linked accounts,
//! follows, reads, ideas with votes and status changes), every user due
//! (`digest send` without a period: daily and weekly). Measures the run's
//! time and its peak memory above the resident size before the run; the
//! same content with 2,000 users shows memory does not grow with users.
//!
//!     cargo bench --bench digest                                  # SQLite
//!     GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres \
//!         cargo bench --bench digest                              # and PostgreSQL
//!
//! GRAPEVINE_BENCH_USERS (default "2000,10000") and GRAPEVINE_BENCH_POSTS
//! (default 50000) change the sizes.

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{TimeDelta, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use grapevine::config::Settings;
use grapevine::db::DbConn;
use grapevine::digest::send::{self, Period};
use grapevine::domain::{PostBody, Role, Tags, Title};
use grapevine::mail::compose::Composer;
use rand::{Rng, SeedableRng};

/// Rows per INSERT statement.
const BATCH: usize = 500;

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Resets the peak resident size (VmHWM) to the current one.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn insert_rows(conn: &mut DbConn, head: &str, rows: &[String]) {
    for chunk in rows.chunks(BATCH) {
        let sql = format!("{head} VALUES {}", chunk.join(","));
        conn.batch_execute(&sql).unwrap();
    }
}

fn ts(t: chrono::NaiveDateTime) -> String {
    format!("'{}'", t.format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// Seeds the content; returns the number of users.
fn seed(conn: &mut DbConn, users: usize, posts: usize) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let now = Utc::now().naive_utc();
    let roles = [
        "rep", "rep", "rep", "rep", "rep", "rep", "rep", "marketer", "marketer", "admin",
    ];
    let rows: Vec<String> = (1..=users)
        .map(|i| {
            let locale = if i % 2 == 0 { "'fr'" } else { "NULL" };
            format!(
                "('user{i}@example.com', 'User {i}', '{}', {locale}, '!', TRUE, {}, {})",
                roles[i % roles.len()],
                ts(now),
                ts(now)
            )
        })
        .collect();
    insert_rows(
        conn,
        "INSERT INTO users (email, name, role, locale, password_hash, active, created_at, updated_at)",
        &rows,
    );
    let rows: Vec<String> = (1..=1000)
        .map(|i| format!("('ACC-{i}', 'Account {i}', {}, {})", ts(now), ts(now)))
        .collect();
    insert_rows(
        conn,
        "INSERT INTO accounts (external_id, name, created_at, updated_at)",
        &rows,
    );
    let threads = posts / 5;
    let rows: Vec<String> = (1..=threads)
        .map(|i| {
            let created = now - TimeDelta::seconds(rng.gen_range(0..7 * 24 * 3600));
            format!(
                "({}, {}, 'Thread {i}: what the customer said about prices', 'anecdote', 4, {}, {})",
                rng.gen_range(1..=5),
                rng.gen_range(1..=users),
                ts(created),
                ts(created + TimeDelta::minutes(rng.gen_range(0..600)))
            )
        })
        .collect();
    insert_rows(
        conn,
        "INSERT INTO threads (category_id, author_id, title, kind, reply_count, created_at, last_activity_at)",
        &rows,
    );
    let mut rows = Vec::with_capacity(posts);
    for t in 1..=threads {
        for p in 0..5 {
            rows.push(format!(
                "({t}, {}, '{:06}', {}, 'Post {p} of thread {t}: the buyer mentioned a cheaper offer.', '<p>Post {p} of thread {t}: the buyer mentioned a cheaper offer.</p>', {})",
                rng.gen_range(1..=users),
                p,
                if p == 0 { 0 } else { 1 },
                ts(now)
            ));
        }
    }
    insert_rows(
        conn,
        "INSERT INTO posts (thread_id, author_id, path, depth, body, body_html, created_at)",
        &rows,
    );
    conn.batch_execute(
        "UPDATE threads SET last_post_id = (SELECT MAX(id) FROM posts WHERE posts.thread_id = threads.id)",
    )
    .unwrap();
    let rows: Vec<String> = (1..=threads)
        .filter(|t| t % 3 == 0)
        .map(|t| format!("({t}, {})", rng.gen_range(1..=1000)))
        .collect();
    insert_rows(
        conn,
        "INSERT INTO thread_accounts (thread_id, account_id)",
        &rows,
    );
    let cats = [
        "customers",
        "competitors",
        "market-rumors",
        "product-feedback",
    ];
    let mut rows = Vec::new();
    for u in 1..=users {
        rows.push(format!(
            "({u}, 'category', '{}', {})",
            cats[u % cats.len()],
            ts(now)
        ));
        rows.push(format!(
            "({u}, 'account', 'ACC-{}', {})",
            u % 1000 + 1,
            ts(now)
        ));
        rows.push(format!(
            "({u}, 'thread', '{}', {})",
            u % threads + 1,
            ts(now)
        ));
    }
    insert_rows(
        conn,
        "INSERT INTO follows (user_id, kind, key, created_at)",
        &rows,
    );
    let mut rows = Vec::new();
    for u in 1..=users {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..20 {
            let t = rng.gen_range(1..=threads);
            if seen.insert(t) {
                rows.push(format!("({u}, {t}, {})", t * 5));
            }
        }
    }
    insert_rows(
        conn,
        "INSERT INTO thread_reads (user_id, thread_id, last_read_post_id)",
        &rows,
    );
    // Ideas through the application, with votes and status changes.
    let marketer = grapevine::models::users::find(conn, 8).unwrap().unwrap();
    assert_eq!(marketer.role, Role::Marketer);
    for i in 0..200 {
        let author = grapevine::models::users::find(conn, rng.gen_range(1..=users as i64))
            .unwrap()
            .unwrap();
        let idea = grapevine::ideas::create(
            conn,
            &author,
            &grapevine::ideas::NewIdea {
                title: Title::parse(&format!("Idea {i}: a loyalty discount for clinics")).unwrap(),
                body: PostBody::parse("Reps hear it every week.").unwrap(),
                accounts: Vec::new(),
                competitors: Vec::new(),
                tags: Tags::parse(&[] as &[&str]).unwrap(),
                anonymous: i % 4 == 0,
                attachments: Vec::new(),
                links_by_name: false,
                client_id: None,
            },
        )
        .unwrap();
        let mut voters = std::collections::HashSet::new();
        for _ in 0..25 {
            voters.insert(rng.gen_range(1..=users as i64));
        }
        let rows: Vec<String> = voters
            .iter()
            .map(|v| format!("({}, {v}, {})", idea.id, ts(now)))
            .collect();
        insert_rows(
            conn,
            "INSERT INTO idea_votes (idea_id, user_id, created_at)",
            &rows,
        );
        if i % 3 == 0 {
            grapevine::ideas::set_status(conn, &marketer, idea.id, "planned", Some("On the way."))
                .unwrap();
        }
    }
}

fn seed_database(url: &str, users: usize, posts: usize) {
    let pool = grapevine::db::connect(url, 2).unwrap();
    let mut conn = pool.get().unwrap();
    grapevine::db::run_migrations(&mut conn).unwrap();
    let t = Instant::now();
    seed(&mut conn, users, posts);
    eprintln!("seeded {users} users, {posts} posts in {:.1?}", t.elapsed());
}

fn run(url: &str, users: usize, posts: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pool = grapevine::db::connect(url, 2).unwrap();
    let mut conn = pool.get().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        database_url: url.to_string(),
        bind: "127.0.0.1:0".parse().unwrap(),
        base_url: "https://grapevine.example.com".into(),
        smtp_url: None,
        mail_from: "grapevine@example.com".into(),
        secret_key: vec![3u8; 64],
        trusted_proxies: Vec::new(),
        uploads: Default::default(),
        auth: Default::default(),
        mail_batch: std::time::Duration::ZERO,
    };
    let tera = grapevine::assets::build_tera().unwrap();
    let composer = Composer {
        tera: &tera,
        settings: &settings,
    };
    let opts = send::RunOptions {
        periods: Period::ALL.to_vec(),
        any_hour: true,
        dry_run: false,
    };
    reset_peak();
    let before = status_kib("VmRSS:");
    let t = Instant::now();
    let report = send::run(&mut conn, composer, &opts, Utc::now(), &mut |_| {}).unwrap();
    let secs = t.elapsed().as_secs_f64();
    let peak = status_kib("VmHWM:");
    // Heap only, without pages of the memory-mapped SQLite file.
    let anon = status_kib("RssAnon:");
    let rows: i64 = grapevine::db::schema::outbox::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(rows as usize, report.queued, "one outbox row per digest");
    let mut line = String::new();
    write!(
        line,
        "| {users} | {posts} | {} | {} | {:.1} s | {:.0} | {} MiB | {} MiB | {} MiB |",
        report.queued,
        report.empty,
        secs,
        users as f64 / secs,
        before / 1024,
        peak / 1024,
        anon / 1024
    )
    .unwrap();
    eprintln!("{line}");
    line
}

fn pg_database(admin: &str) -> String {
    let name = format!("gv_bench_{:08x}", rand::random::<u32>());
    let mut conn = diesel::PgConnection::establish(admin).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .unwrap();
    let cut = admin.rfind('/').unwrap();
    format!("{}/{name}", &admin[..cut])
}

/// Each size is seeded by one process and run by another, so neither the
/// seeding nor another run counts in the memory measured.
fn main() {
    let posts: usize = std::env::var("GRAPEVINE_BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    if let (Ok(url), Ok(n)) = (
        std::env::var("GRAPEVINE_BENCH_CHILD_URL"),
        std::env::var("GRAPEVINE_BENCH_CHILD_USERS"),
    ) {
        let n = n.parse().unwrap();
        if std::env::var("GRAPEVINE_BENCH_CHILD_SEED").is_ok() {
            seed_database(&url, n, posts);
        } else {
            println!("{}", run(&url, n, posts));
        }
        return;
    }
    let users: Vec<usize> = std::env::var("GRAPEVINE_BENCH_USERS")
        .unwrap_or_else(|_| "2000,10000".into())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let child = |url: &str, n: usize| -> String {
        let seeded = std::process::Command::new(std::env::current_exe().unwrap())
            .env("GRAPEVINE_BENCH_CHILD_URL", url)
            .env("GRAPEVINE_BENCH_CHILD_USERS", n.to_string())
            .env("GRAPEVINE_BENCH_CHILD_SEED", "1")
            .status()
            .unwrap();
        assert!(seeded.success(), "seeding failed");
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("GRAPEVINE_BENCH_CHILD_URL", url)
            .env("GRAPEVINE_BENCH_CHILD_USERS", n.to_string())
            .stderr(std::process::Stdio::inherit())
            .output()
            .unwrap();
        assert!(out.status.success(), "benchmark run failed");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let mut out = vec![
        "| database | users | posts | digests queued | nothing new | time | users/s | resident before | peak during the run | heap after |".to_string(),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|".to_string(),
    ];
    for &n in &users {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        out.push(format!("| SQLite {}", child(&url, n)));
    }
    if let Ok(admin) = std::env::var("GRAPEVINE_BENCH_PG") {
        for &n in &users {
            out.push(format!("| PostgreSQL {}", child(&pg_database(&admin), n)));
        }
    }
    println!("{}", out.join("\n"));
}
