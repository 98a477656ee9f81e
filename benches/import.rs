//! Accounts import: 100,000 rows through the real importer (parse, owner
//! lookup, one transaction), first into an empty database, then the same
//! file again (every row unchanged), then with every row changed.
//!
//!     cargo bench --bench import
//!     GRAPEVINE_BENCH_PG=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench import
//!
//! GRAPEVINE_BENCH_ROWS sets the row count (default 100000).

use std::time::Instant;

use diesel::prelude::*;
use grapevine::crm::import;
use grapevine::domain::{Email, NewPassword, PersonName, Role};
use rand::Rng;

fn csv(rows: usize, suffix: &str) -> Vec<u8> {
    let mut out = String::from("external_id,name,domain,industry,owner_email\n");
    for i in 0..rows {
        let owner = if i % 3 == 0 {
            format!("rep{}@example.com", i % 10)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "CRM-{i:07},\"Account {i}, {suffix}\",acct{i}.example.com,Industry {},{owner}\n",
            i % 40
        ));
    }
    out.into_bytes()
}

fn main() {
    let rows: usize = std::env::var("GRAPEVINE_BENCH_ROWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut backends: Vec<(&str, String)> = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    backends.push((
        "SQLite",
        format!("sqlite://{}", dir.path().join("import.db").display()),
    ));
    if let Ok(admin) = std::env::var("GRAPEVINE_BENCH_PG") {
        let name = format!("gv_bench_{}", rand::thread_rng().gen::<u32>());
        let mut conn = diesel::PgConnection::establish(&admin).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let cut = admin.rfind('/').unwrap();
        backends.push(("PostgreSQL", format!("{}/{name}", &admin[..cut])));
    }
    let first = csv(rows, "Ltd");
    let changed = csv(rows, "Inc");
    println!(
        "\n| database | run ({rows} rows, {:.1} MB) | parse | import | total | result |",
        first.len() as f64 / 1e6
    );
    println!("|---|---|---:|---:|---:|---|");
    for (name, url) in backends {
        let pool = grapevine::db::connect(&url, 2).unwrap();
        let mut conn = pool.get().unwrap();
        grapevine::db::run_migrations(&mut conn).unwrap();
        for i in 0..10 {
            let new = grapevine::models::users::NewUser {
                email: Email::parse(&format!("rep{i}@example.com")).unwrap(),
                name: PersonName::parse(&format!("Rep {i}")).unwrap(),
                role: Role::Rep,
                locale: None,
            };
            let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
            let _ = NewPassword::MIN_CHARS;
            grapevine::models::users::create_with_hash(&mut conn, &new, hash).unwrap();
        }
        for (run, bytes) in [
            ("first import", &first),
            ("same file again", &first),
            ("every row changed", &changed),
        ] {
            let t0 = Instant::now();
            let parsed = import::parse(bytes).unwrap();
            let t1 = Instant::now();
            let summary = import::import(&mut conn, &parsed, &|_| {}).unwrap();
            let t2 = Instant::now();
            println!(
                "| {name} | {run} | {:.2} s | {:.2} s | {:.2} s | {summary} |",
                (t1 - t0).as_secs_f64(),
                (t2 - t1).as_secs_f64(),
                (t2 - t0).as_secs_f64()
            );
        }
    }
}
