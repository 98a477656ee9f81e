//! Search at scale: N posts in N/10 threads of generated French and English
//! text (seeded, so every run and both engines get the same corpus), then
//! - the full reindex rate (`search::index::rebuild`),
//! - the index size per post,
//! - a two-word query, a phrase query and a filtered query through
//!   `search::find`, 16 at a time, p50 and p99,
//! - what a reply pays for indexing (the indexing step alone against the
//!   whole reply, both in-process).
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench search                               # SQLite
//! GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench search                           # and PostgreSQL
//! ```
//!
//! GRAPEVINE_BENCH_POSTS sets N (default 1,000,000).

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use grapevine::db::schema::{posts, threads};
use grapevine::db::DbConn;
use grapevine::domain::{Email, NewPassword, PersonName, PostBody, Role};
use rand::{Rng, SeedableRng};

const WORDS: &[&str] = &[
    "prix",
    "remise",
    "client",
    "livraison",
    "hôpital",
    "brochure",
    "salon",
    "concurrent",
    "offre",
    "commande",
    "pharmacie",
    "batterie",
    "scanner",
    "chariot",
    "contrat",
    "devis",
    "price",
    "discount",
    "customer",
    "delivery",
    "hospital",
    "tender",
    "competitor",
    "offer",
    "order",
    "pharmacy",
    "battery",
    "cart",
    "contract",
    "quote",
    "nurse",
    "clinic",
    "rumour",
    "acheteur",
    "buyer",
    "directrice",
    "manager",
    "région",
    "region",
    "printemps",
    "spring",
    "volume",
    "unités",
    "units",
    "rivalco",
    "globex",
    "umbrella",
    "acme",
    "initech",
    "contoso",
    "nouveau",
    "new",
    "moins",
    "less",
    "plus",
    "more",
    "semaine",
    "week",
    "mois",
    "month",
];

/// Words drawn log-uniformly over a 20,000-word vocabulary (the words
/// above are the most frequent, then `motN`), as in real text: a few words
/// are everywhere, most are rare.
fn sentence(rng: &mut rand::rngs::StdRng, n: usize) -> String {
    const VOCABULARY: f64 = 20_000.0;
    (0..n)
        .map(|_| {
            let rank = (VOCABULARY.powf(rng.gen::<f64>()) as usize).saturating_sub(1);
            match WORDS.get(rank) {
                Some(w) => w.to_string(),
                None => format!("mot{rank}"),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Insertable)]
#[diesel(table_name = threads)]
struct NewThread {
    id: i64,
    category_id: i64,
    author_id: i64,
    title: String,
    kind: &'static str,
    last_post_id: i64,
    created_at: NaiveDateTime,
    last_activity_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = posts)]
struct NewPost {
    id: i64,
    thread_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    path: String,
    depth: i32,
    body: String,
    body_html: String,
    created_at: NaiveDateTime,
}

/// Writes the corpus straight into the tables (the forum's own code path is
/// measured separately below), then returns the bench user.
fn seed(conn: &mut DbConn, total: i64) -> grapevine::models::users::User {
    let user = grapevine::models::users::create(
        conn,
        &grapevine::models::users::NewUser {
            email: Email::parse("bench@example.com").unwrap(),
            name: PersonName::parse("Bench Rep").unwrap(),
            role: Role::Marketer,
            locale: None,
        },
        &NewPassword::parse("benchmark password").unwrap(),
    )
    .unwrap();
    let customers: i64 = grapevine::models::categories::find_by_slug(conn, "customers")
        .unwrap()
        .unwrap()
        .id;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let per_thread = 10;
    let n_threads = total / per_thread;
    let t0 = grapevine::db::now() - chrono::TimeDelta::days(365);
    let mut post_id = 0i64;
    let started = Instant::now();
    for chunk_start in (0..n_threads).step_by(1000) {
        let chunk_end = (chunk_start + 1000).min(n_threads);
        let mut ts = Vec::new();
        let mut ps = Vec::new();
        for t in chunk_start..chunk_end {
            let thread_id = t + 1;
            let opening = post_id + 1;
            let at = t0 + chrono::TimeDelta::seconds(t * 30);
            for i in 0..per_thread {
                post_id += 1;
                let body = sentence(&mut rng, 20);
                ps.push(NewPost {
                    id: post_id,
                    thread_id,
                    parent_id: (i > 0).then_some(opening),
                    author_id: user.id,
                    path: if i == 0 {
                        format!("{opening:012}")
                    } else {
                        format!("{opening:012}.{post_id:012}")
                    },
                    depth: (i > 0) as i32,
                    body_html: format!("<p>{body}</p>"),
                    body,
                    created_at: at + chrono::TimeDelta::seconds(i),
                });
            }
            ts.push(NewThread {
                id: thread_id,
                category_id: customers,
                author_id: user.id,
                title: sentence(&mut rng, 6),
                kind: "other",
                last_post_id: post_id,
                created_at: at,
                last_activity_at: at,
            });
        }
        for c in ts.chunks(500) {
            grapevine::on_each_backend!(&mut *conn, |c2| diesel::insert_into(threads::table)
                .values(c)
                .execute(c2))
            .unwrap();
        }
        for c in ps.chunks(500) {
            grapevine::on_each_backend!(&mut *conn, |c2| diesel::insert_into(posts::table)
                .values(c)
                .execute(c2))
            .unwrap();
        }
    }
    if let DbConn::Postgres(pg) = conn {
        for seq in ["threads_id_seq", "posts_id_seq"] {
            let table = seq.trim_end_matches("_id_seq");
            diesel::sql_query(format!(
                "SELECT setval('{seq}', (SELECT MAX(id) FROM {table}))"
            ))
            .execute(pg)
            .unwrap();
        }
        diesel::sql_query("ANALYZE").execute(pg).unwrap();
    }
    println!(
        "  seeded {post_id} posts in {n_threads} threads in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    user
}

fn index_bytes(conn: &mut DbConn) -> Option<i64> {
    #[derive(QueryableByName)]
    struct Size {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    let sql = match conn {
        DbConn::Postgres(_) => "SELECT pg_total_relation_size('search_docs')::BIGINT AS bytes",
        DbConn::Sqlite(_) => {
            "SELECT CAST(SUM(pgsize) AS BIGINT) AS bytes FROM dbstat \
             WHERE name LIKE 'search%' OR name LIKE 'sqlite_autoindex_search%'"
        }
    };
    grapevine::on_each_backend!(&mut *conn, |c| diesel::sql_query(sql).get_result::<Size>(c))
        .ok()
        .map(|s| s.bytes)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn queries(pool: &grapevine::db::Pool, user: &grapevine::models::users::User) {
    let cases = [
        ("two words", "mot300 mot700"),
        ("common", "prix remise"),
        ("phrase", "\"prix remise\""),
        ("filtered", "mot300 category:customers after:2025-06-01"),
        ("rare word", "mot15000"),
    ];
    for (name, text) in cases {
        let q = grapevine::search::parse(text).unwrap();
        let per_worker = 40;
        let started = Instant::now();
        let times: Vec<Duration> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..16)
                .map(|_| {
                    let (pool, user, q) = (pool.clone(), user.clone(), q.clone());
                    s.spawn(move || {
                        let mut conn = pool.get().unwrap();
                        // A pooled connection is warm in a server: the
                        // first query of each (reading the index into its
                        // page cache) is not counted.
                        grapevine::search::find(
                            &mut conn,
                            &user,
                            &q,
                            None,
                            grapevine::search::Sort::Relevance,
                            1,
                        )
                        .unwrap();
                        (0..per_worker)
                            .map(|_| {
                                let t = Instant::now();
                                let r = grapevine::search::find(
                                    &mut conn,
                                    &user,
                                    &q,
                                    None,
                                    grapevine::search::Sort::Relevance,
                                    1,
                                )
                                .unwrap();
                                std::hint::black_box(r);
                                t.elapsed()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let mut sorted = times;
        sorted.sort();
        println!(
            "  {name:10} {text:45} p50 {:6.1} ms  p99 {:6.1} ms  ({:.0} queries/s)",
            percentile(&sorted, 0.5),
            percentile(&sorted, 0.99),
            sorted.len() as f64 / started.elapsed().as_secs_f64()
        );
    }
}

fn write_cost(conn: &mut DbConn, user: &grapevine::models::users::User) {
    let mut whole = Duration::ZERO;
    let mut indexing = Duration::ZERO;
    let n = 200;
    for i in 0..n {
        let body = PostBody::parse(&format!(
            "Reply {i}: the buyer wants a discount on batteries"
        ))
        .unwrap();
        let t = Instant::now();
        let post = grapevine::forum::reply(conn, user, 1 + i, None, &body).unwrap();
        whole += t.elapsed();
        // The indexing step alone, as the reply ran it (again: it replaces
        // the document the reply wrote).
        let thread = grapevine::models::threads::find(conn, post.thread_id)
            .unwrap()
            .unwrap();
        // Timed inside the transaction, as in the reply.
        indexing += grapevine::db::write_tx(conn, |c| {
            let t = Instant::now();
            grapevine::search::index::reply(c, &thread, &post, String::new())?;
            Ok::<_, grapevine::error::AppError>(t.elapsed())
        })
        .unwrap();
    }
    println!(
        "  a reply takes {:.2} ms, its indexing {:.2} ms ({:.1}% of the reply)",
        whole.as_secs_f64() * 1000.0 / n as f64,
        indexing.as_secs_f64() * 1000.0 / n as f64,
        100.0 * indexing.as_secs_f64() / whole.as_secs_f64()
    );
}

fn run(engine: &str, url: &str, total: i64) {
    println!("{engine}:");
    let pool = grapevine::db::connect(url, 17).unwrap();
    let mut conn = pool.get().unwrap();
    grapevine::db::run_migrations(&mut conn).unwrap();
    let user = seed(&mut conn, total);
    let started = Instant::now();
    let items = grapevine::search::index::rebuild(&mut conn, &|_| {}).unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  reindex: {items} items in {secs:.1} s = {:.0} items/s",
        items as f64 / secs
    );
    if let Some(bytes) = index_bytes(&mut conn) {
        println!(
            "  index size: {:.0} MiB, {:.0} bytes per post",
            bytes as f64 / (1 << 20) as f64,
            bytes as f64 / items as f64
        );
    }
    drop(conn);
    queries(&pool, &user);
    write_cost(&mut pool.get().unwrap(), &user);
}

fn main() {
    let total: i64 = std::env::var("GRAPEVINE_BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    run("SQLite", &sqlite, total);
    if let Ok(admin) = std::env::var("GRAPEVINE_BENCH_PG") {
        let name = format!("gv_bench_{}", rand::thread_rng().gen::<u32>());
        let mut c = diesel::PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .unwrap();
        let cut = admin.rfind('/').unwrap();
        run("PostgreSQL", &format!("{}/{name}", &admin[..cut]), total);
    }
}
