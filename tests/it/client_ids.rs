//! `client_id`: a phone's offline queue replays its requests; each report
//! is created once per user, whatever the number of repeats, even at once.

use grapevine::domain::Role;
use serde_json::json;

use crate::helpers::*;

db_test!(
    a_repeated_client_id_creates_once_per_user,
    concurrent_repeats_create_one_thread,
);

const CID: &str = "0b9f2c1e-6a4d-4b8e-9f3a-2c1d5e7f8a90";

async fn a_repeated_client_id_creates_once_per_user(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (other, _) = app.api_user("other@example.com", Role::Rep);
    let report = json!({"category": "competitors", "title": "RivalCo at 9.90", "body": "Seen at Acme", "client_id": CID});
    let (status, first) = rep.post("/threads", report.clone()).await;
    assert_eq!(status, 201, "{first}");
    // The same id in another spelling is the same id.
    let mut again = report.clone();
    again["client_id"] = json!(CID.to_uppercase());
    let (status, second) = rep.post("/threads", again).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["id"], first["id"]);
    // Another user's identical id is their own report.
    let (status, theirs) = other.post("/threads", report.clone()).await;
    assert_eq!(status, 201);
    assert_ne!(theirs["id"], first["id"]);
    let (_, list) = rep.get("/threads?category=competitors").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
    // Replies and ideas too.
    let thread = first["id"].as_i64().unwrap();
    let reply_cid = "5d1c0e2a-1b2c-4d3e-8f4a-5b6c7d8e9f01";
    let reply = json!({"body": "And at Globex", "client_id": reply_cid});
    let path = format!("/threads/{thread}/posts");
    let (s1, r1) = rep.post(&path, reply.clone()).await;
    let (s2, r2) = rep.post(&path, reply).await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(r1["id"], r2["id"]);
    let (_, t) = rep.get(&format!("/threads/{thread}")).await;
    assert_eq!(t["post"]["replies"].as_array().unwrap().len(), 1);
    let idea_cid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    let idea = json!({"title": "Match the 9.90", "body": "Customers ask", "client_id": idea_cid});
    let (s1, i1) = rep.post("/ideas", idea.clone()).await;
    let (s2, i2) = rep.post("/ideas", idea).await;
    assert_eq!((s1, s2), (201, 200), "{i1} {i2}");
    assert_eq!(i1["id"], i2["id"]);
    // An id already used for something else, and one that is no UUID.
    let (status, err) = rep
        .post(&path, json!({"body": "x", "client_id": CID}))
        .await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(err["error"]["code"], "client_id_reused");
    let (status, err) = rep
        .post("/threads", json!({"category": "competitors", "title": "Bad id", "body": "x", "client_id": "tomorrow"}))
        .await;
    assert_eq!(status, 422, "{err}");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("client_id"));
    // A refused report does not take its id: fixed, it goes through.
    let fix_cid = "11111111-2222-4333-8444-555555555555";
    let (status, _) = rep
        .post("/threads", json!({"category": "nowhere", "title": "Fixed later", "body": "x", "client_id": fix_cid}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = rep
        .post("/threads", json!({"category": "customers", "title": "Fixed later", "body": "x", "client_id": fix_cid}))
        .await;
    assert_eq!(status, 201);
}

async fn concurrent_repeats_create_one_thread(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let calls = (0..8).map(|_| {
        let rep = rep.clone_api();
        async move {
            rep.post(
                "/threads",
                json!({"category": "customers", "title": "Queued offline", "body": "Replayed", "client_id": CID}),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(calls).await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers.iter().all(|(s, _)| *s == 200 || *s == 201),
        "{answers:?}"
    );
    let ids: std::collections::BTreeSet<String> =
        answers.iter().map(|(_, v)| v["id"].to_string()).collect();
    assert_eq!(ids.len(), 1, "{answers:?}");
    let (_, list) = rep.get("/threads?category=customers").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
