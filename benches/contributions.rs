//! The contributors' figures at scale: 5,000 users (a tenth of them in
//! marketing), N posts in N/10 threads spread over a year, marketing's read
//! markers on a third of the threads, useful marks on one post in twenty,
//! ideas and votes; then `contributions::contributors` for the last quarter
//! (median of five runs) and the process's resident memory around it, at
//! N/4 and at N posts, so "flat in the number of posts" is measured.
//!
//! ```text
//! cargo bench --bench contributions                          # SQLite
//! GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo bench --bench contributions                      # and PostgreSQL
//! ```
//!
//! GRAPEVINE_BENCH_POSTS sets N (default 1,000,000).

use std::time::Instant;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use grapevine::db::schema::{idea_votes, ideas, post_marks, posts, thread_reads, threads, users};
use grapevine::db::DbConn;
use rand::{Rng, SeedableRng};

const USERS: i64 = 5_000;
const MARKETERS: i64 = 500;

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser {
    id: i64,
    email: String,
    name: String,
    role: &'static str,
    password_hash: &'static str,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    team: Option<String>,
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
    body: &'static str,
    body_html: &'static str,
    created_at: NaiveDateTime,
}

fn insert<T>(conn: &mut DbConn, rows: &[T], f: impl Fn(&mut DbConn, &[T]))
where
    T: Sized,
{
    for c in rows.chunks(500) {
        f(conn, c);
    }
}

/// Posts `from..to` (thread by thread), written straight into the tables.
fn seed_posts(conn: &mut DbConn, rng: &mut rand::rngs::StdRng, from: i64, to: i64) {
    let category: i64 = grapevine::models::categories::find_by_slug(conn, "customers")
        .unwrap()
        .unwrap()
        .id;
    let year_ago = grapevine::db::now() - chrono::TimeDelta::days(365);
    let per_thread = 10;
    let total_threads = 100_000_i64.max(to / per_thread);
    // (the bench seeds N/4 then N: slots are laid out for N.)
    for chunk in (from / per_thread..to / per_thread)
        .collect::<Vec<_>>()
        .chunks(1000)
    {
        let mut ts = Vec::new();
        let mut ps = Vec::new();
        let mut reads = Vec::new();
        let mut marks = Vec::new();
        for &t in chunk {
            let thread_id = t + 1;
            let opening = t * per_thread + 1;
            // Spread over the whole year at every stage of seeding: the
            // first quarter of the threads takes every fourth slot, and so on.
            let slot = (t % 4) * (total_threads / 4) + t / 4;
            let at = year_ago + chrono::TimeDelta::seconds(slot * 365 * 86_400 / total_threads);
            let author = rng.gen_range(MARKETERS + 1..=USERS);
            for i in 0..per_thread {
                let id = opening + i;
                ps.push(NewPost {
                    id,
                    thread_id,
                    parent_id: (i > 0).then_some(opening),
                    author_id: if i == 0 {
                        author
                    } else {
                        rng.gen_range(1..=USERS)
                    },
                    path: if i == 0 {
                        format!("{opening:012}")
                    } else {
                        format!("{opening:012}.{id:012}")
                    },
                    depth: (i > 0) as i32,
                    body: "Heard at the fair: a price cut",
                    body_html: "<p>Heard at the fair: a price cut</p>",
                    created_at: at + chrono::TimeDelta::minutes(i * 7),
                });
                if rng.gen_ratio(1, 20) {
                    marks.push((
                        id,
                        rng.gen_range(1..=MARKETERS),
                        at + chrono::TimeDelta::hours(2),
                    ));
                }
            }
            if rng.gen_ratio(1, 3) {
                for m in rand::seq::index::sample(rng, MARKETERS as usize, 3) {
                    reads.push((m as i64 + 1, thread_id, opening + per_thread - 1));
                }
            }
            ts.push(NewThread {
                id: thread_id,
                category_id: category,
                author_id: author,
                title: format!("Field report {thread_id}"),
                kind: "other",
                last_post_id: opening + per_thread - 1,
                created_at: at,
                last_activity_at: at,
            });
        }
        insert(conn, &ts, |c, rows| {
            grapevine::on_each_backend!(c, |c2| diesel::insert_into(threads::table)
                .values(rows)
                .execute(c2))
            .unwrap();
        });
        insert(conn, &ps, |c, rows| {
            grapevine::on_each_backend!(c, |c2| diesel::insert_into(posts::table)
                .values(rows)
                .execute(c2))
            .unwrap();
        });
        let reads: Vec<_> = reads
            .iter()
            .map(|(u, t, p)| {
                (
                    thread_reads::user_id.eq(*u),
                    thread_reads::thread_id.eq(*t),
                    thread_reads::last_read_post_id.eq(*p),
                )
            })
            .collect();
        insert(conn, &reads, |c, rows| {
            grapevine::on_each_backend!(c, |c2| diesel::insert_into(thread_reads::table)
                .values(rows)
                .execute(c2))
            .unwrap();
        });
        let marks: Vec<_> = marks
            .iter()
            .map(|(p, m, at)| {
                (
                    post_marks::post_id.eq(*p),
                    post_marks::marker_id.eq(*m),
                    post_marks::created_at.eq(*at),
                )
            })
            .collect();
        insert(conn, &marks, |c, rows| {
            grapevine::on_each_backend!(c, |c2| diesel::insert_into(post_marks::table)
                .values(rows)
                .execute(c2))
            .unwrap();
        });
    }
}

fn seed_people(conn: &mut DbConn) {
    let now = grapevine::db::now();
    let people: Vec<NewUser> = (1..=USERS)
        .map(|id| NewUser {
            id,
            email: format!("user{id}@example.com"),
            name: format!("User {id}"),
            role: if id <= MARKETERS { "marketer" } else { "rep" },
            password_hash: "x",
            active: true,
            created_at: now,
            updated_at: now,
            team: Some(format!("Team {}", id % 40)),
        })
        .collect();
    insert(conn, &people, |c, rows| {
        grapevine::on_each_backend!(c, |c2| diesel::insert_into(users::table)
            .values(rows)
            .execute(c2))
        .unwrap();
    });
}

fn seed_ideas(conn: &mut DbConn, rng: &mut rand::rngs::StdRng) {
    let now = grapevine::db::now();
    // 5,000 ideas with their (system-free) discussion threads left out: the
    // figures read ideas and votes only.
    let year_ago = now - chrono::TimeDelta::days(365);
    let list: Vec<_> = (1..=5_000i64)
        .map(|id| {
            (
                ideas::id.eq(id),
                ideas::title.eq(format!("Idea {id}")),
                ideas::body.eq("Customers ask"),
                ideas::body_html.eq("<p>Customers ask</p>"),
                ideas::author_id.eq(rng.gen_range(1..=USERS)),
                ideas::thread_id.eq(1i64),
                ideas::created_at.eq(year_ago + chrono::TimeDelta::minutes(id * 100)),
                ideas::updated_at.eq(now),
            )
        })
        .collect();
    insert(conn, &list, |c, rows| {
        grapevine::on_each_backend!(c, |c2| diesel::insert_into(ideas::table)
            .values(rows)
            .execute(c2))
        .unwrap();
    });
    let mut votes = std::collections::BTreeSet::new();
    while votes.len() < 50_000 {
        votes.insert((rng.gen_range(1..=5_000i64), rng.gen_range(1..=USERS)));
    }
    let votes: Vec<_> = votes
        .into_iter()
        .map(|(i, u)| {
            (
                idea_votes::idea_id.eq(i),
                idea_votes::user_id.eq(u),
                idea_votes::created_at.eq(year_ago + chrono::TimeDelta::minutes(i * 100 + 5)),
            )
        })
        .collect();
    insert(conn, &votes, |c, rows| {
        grapevine::on_each_backend!(c, |c2| diesel::insert_into(idea_votes::table)
            .values(rows)
            .execute(c2))
        .unwrap();
    });
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn measure(conn: &mut DbConn, posts: i64) {
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query("ANALYZE").execute(pg).unwrap();
    }
    let today = chrono::Utc::now().date_naive();
    let quarter = grapevine::time::Days {
        from: today - chrono::Days::new(90),
        to: today,
    };
    let before = rss_kib();
    let mut times = Vec::new();
    let mut peak = before;
    let mut rows = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let figures = grapevine::contributions::contributors(conn, quarter).unwrap();
        times.push(t.elapsed().as_secs_f64());
        peak = peak.max(rss_kib());
        rows = figures.items.len();
        std::hint::black_box(figures);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "  {posts:>9} posts: contributors for a quarter ({rows} people) median {:.0} ms, best {:.0} ms; resident memory {:.1} MiB before, {:.1} MiB at most during",
        times[2] * 1000.0,
        times[0] * 1000.0,
        before as f64 / 1024.0,
        peak as f64 / 1024.0
    );
}

fn run(engine: &str, url: &str, total: i64) {
    println!("{engine}:");
    let pool = grapevine::db::connect(url, 2).unwrap();
    let mut conn = pool.get().unwrap();
    grapevine::db::run_migrations(&mut conn).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let started = Instant::now();
    seed_people(&mut conn);
    let quarter_of = total / 4;
    seed_posts(&mut conn, &mut rng, 0, quarter_of);
    seed_ideas(&mut conn, &mut rng);
    println!(
        "  seeded {quarter_of} posts in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    measure(&mut conn, quarter_of);
    seed_posts(&mut conn, &mut rng, quarter_of, total);
    println!(
        "  seeded {total} posts in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    measure(&mut conn, total);
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
