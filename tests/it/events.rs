//! The durable event log on both databases.

use chrono::TimeDelta;
use diesel::Connection;
use grapevine::domain::Role;
use grapevine::events::{self, EventData, IdeaVoted, NewEvent, Topic};

use crate::helpers::*;

db_test!(
    event_log_appends_reads_and_prunes,
    event_ids_grow_under_concurrent_writers
);

fn voted(n: i64) -> EventData {
    EventData::IdeaVoted(IdeaVoted {
        idea_id: n,
        title: format!("idea {n}"),
        votes: n,
        url: format!("/ideas/{n}"),
    })
}

fn event(n: i64, topic: &str) -> NewEvent {
    NewEvent {
        data: voted(n),
        topics: vec![Topic::All, Topic::parse(topic).unwrap()],
        readable_by: vec![Role::Marketer, Role::Admin],
    }
}

async fn event_log_appends_reads_and_prunes(db: Db) {
    let test_db = fresh_database(db);
    let pool = grapevine::db::connect(&test_db.url, 4).unwrap();
    let mut conn = pool.get().unwrap();
    grapevine::db::run_migrations(&mut conn).unwrap();
    assert_eq!(events::last_id(&mut conn).unwrap(), 0);

    let a = events::append(&mut conn, &event(1, "category:rumors")).unwrap();
    // An append in a transaction that rolls back leaves nothing behind.
    let rolled_back: Result<(), diesel::result::Error> = conn.transaction(|c| {
        events::append(c, &event(99, "category:rumors"))?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(rolled_back.is_err());
    let b = conn
        .transaction(|c| events::append(c, &event(2, "account:ACME-1")))
        .unwrap();
    assert!(b > a, "ids grow: {a} then {b}");

    let all = events::after(&mut conn, 0, 100).unwrap();
    assert_eq!(
        all.iter()
            .map(|e| e.payload["idea_id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(all[1].topics, ["all", "account:ACME-1"]);
    assert_eq!(all[1].kind, "idea.voted");
    assert_eq!(all[1].data, voted(2), "read back as it was written");
    assert!(all[1].visible_to(Role::Marketer) && !all[1].visible_to(Role::Rep));
    assert_eq!(events::after(&mut conn, a, 100).unwrap().len(), 1);
    assert_eq!(events::after(&mut conn, 0, 1).unwrap()[0].id, a);
    assert_eq!(events::last_id(&mut conn).unwrap(), b);

    // Pruning by age keeps the recent ones, and ids are never reused.
    assert_eq!(
        events::prune(&mut conn, grapevine::db::now() - TimeDelta::days(7)).unwrap(),
        0
    );
    assert_eq!(
        events::prune(&mut conn, grapevine::db::now() + TimeDelta::seconds(1)).unwrap(),
        2
    );
    assert!(events::after(&mut conn, 0, 100).unwrap().is_empty());
    let c = events::append(&mut conn, &event(3, "ideas")).unwrap();
    assert!(c > b, "no id reuse after pruning: {c} after {b}");
}

async fn event_ids_grow_under_concurrent_writers(db: Db) {
    let test_db = fresh_database(db);
    let pool = grapevine::db::connect(&test_db.url, 8).unwrap();
    grapevine::db::run_migrations(&mut pool.get().unwrap()).unwrap();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    let mut conn = pool.get().unwrap();
                    conn.transaction(|c| events::append(c, &event(w * 100 + i, "all")))
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let all = events::after(&mut pool.get().unwrap(), 0, 1000).unwrap();
    assert_eq!(all.len(), 100);
    assert!(all.windows(2).all(|p| p[0].id < p[1].id));
}
