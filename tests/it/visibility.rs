//! "What a caller may not read does not exist for them", on every channel:
//! pages, API, live feed, replay, notifications and email. One test per hole
//! found from outside.

use std::time::Duration;

use grapevine::domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::live::{connect, next, subscribe, subscribe_ready, until, Ws};

db_test!(
    hidden_threads_say_nothing_to_readers_who_may_not_moderate,
    hidden_posts_are_frozen_and_withdrawn,
    a_restricted_idea_box_is_closed_to_reps_everywhere,
    a_deleted_posts_history_is_for_moderators_only,
    next_never_leads_off_site,
    character_references_cannot_forge_page_placeholders,
    forwarded_addresses_are_believed_only_from_trusted_proxies,
    nul_bytes_and_huge_pages_are_clear_errors_on_both_databases,
    post_fragments_show_each_reader_only_what_they_may_read,
);

async fn post_fragments_show_each_reader_only_what_they_may_read(db: Db) {
    let app = spawn_app(db).await;
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let secret = mkt
        .thread("marketing-only", "Internal plan", "INTERNAL-PLAN")
        .await;
    let secret_post = mkt.get(&format!("/threads/{secret}")).await.1["post"]["id"]
        .as_i64()
        .unwrap();
    let open = author.thread("customers", "Open thread", "hello").await;
    let rude = author.reply(open, None, "RUDE-REPLY").await;
    let (status, _) = mkt
        .post(
            &format!("/posts/{rude}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 204);
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;
    let (status, html) = app
        .get_html(&rep, &format!("/t/{secret}/posts/{secret_post}"))
        .await;
    assert_eq!(status, 404);
    assert!(!html.contains("INTERNAL-PLAN"));
    let (status, html) = app.get_html(&rep, &format!("/t/{open}/posts/{rude}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("RUDE-REPLY"), "{html}");
    assert!(html.contains("placeholder"));
    // The post must belong to the thread named.
    assert_eq!(
        app.get_html(&rep, &format!("/t/{open}/posts/{secret_post}"))
            .await
            .0,
        404
    );
    let (moderator, _) = app.signed_in("mkt2@example.com", Role::Marketer).await;
    let (status, html) = app
        .get_html(&moderator, &format!("/t/{open}/posts/{rude}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("RUDE-REPLY") && html.contains("/moderate"));
}

async fn nul_bytes_and_huge_pages_are_clear_errors_on_both_databases(db: Db) {
    let app = spawn_app(db).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let (browser, _) = app.signed_in("rep@example.com", Role::Rep).await;
    for path in [
        "/accounts/a%00b",
        "/threads?tag=a%00",
        "/threads?category=%00",
        "/accounts?q=%00",
        "/ideas?tag=x%00",
        "/accounts/ACME/intel?tag=%00",
    ] {
        let (status, body) = admin.get(path).await;
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_text", "{path}");
    }
    for (path, body) in [
        (
            "/threads",
            json!({"category": "customers", "title": "t", "body": "b", "accounts": ["A\u{0}"]}),
        ),
        (
            "/threads",
            json!({"category": "customers", "title": "t\u{0}", "body": "b"}),
        ),
        (
            "/ideas",
            json!({"title": "An idea", "body": "b", "competitors": ["x\u{0}"]}),
        ),
        (
            "/categories",
            json!({"slug": "new-one", "name": "Na\u{0}me"}),
        ),
    ] {
        let (status, answer) = admin.post(path, body.clone()).await;
        assert_eq!(status, 422, "{path} {body}: {answer}");
    }
    let (status, _) = admin.get("/threads").await;
    assert_eq!(status, 200, "nothing was half-written");
    assert_eq!(admin.get("/threads").await.1["items"], json!([]));
    // Pages answer a page, in the error shape's spirit.
    let (status, html) = app.get_html(&browser, "/accounts/a%00b").await;
    assert_eq!(status, 422);
    assert!(html.contains("</html>"));
    let res = app
        .post_form(
            &browser,
            "/new?category=customers",
            "/new",
            &[
                ("category", "customers"),
                ("title", "T\u{0}"),
                ("body", "b"),
                ("kind", "rumor"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Page numbers beyond any list are empty lists, never a server error.
    let huge = "576460752303423489";
    for path in [
        format!("/threads?page={huge}"),
        format!("/ideas?page={huge}"),
        format!("/accounts/ACME/intel?page={huge}"),
    ] {
        let (status, body) = admin.get(&path).await;
        assert!(status == 200 || status == 404, "{path}: {status} {body}");
    }
    let (admin_browser, _) = app.signed_in("admin2@example.com", Role::Admin).await;
    for path in [
        format!("/c/customers?page={huge}"),
        format!("/admin/audit?page={huge}"),
    ] {
        assert_eq!(app.get_html(&admin_browser, &path).await.0, 200, "{path}");
    }
}

/// Failed sign-ins with a different email each time (so only the
/// per-address limit can apply), each claiming its own `X-Forwarded-For`;
/// returns the status of the attempt after the limit.
async fn sign_in_flood(app: &TestApp, forwarded: impl Fn(usize) -> String) -> u16 {
    let c = client();
    let (_, html) = app.get_html(&c, "/login").await;
    let token = csrf_of(&html);
    let limit = grapevine::models::throttle::MAX_PER_IP as usize;
    let mut last = 0;
    for i in 0..=limit {
        let res = c
            .post(app.url("/login"))
            .header("x-forwarded-for", forwarded(i))
            .form(&[
                ("_csrf", token.as_str()),
                ("email", &format!("nobody{i}@example.com")),
                ("password", "wrong password"),
            ])
            .send()
            .await
            .unwrap();
        last = res.status().as_u16();
    }
    last
}

async fn forwarded_addresses_are_believed_only_from_trusted_proxies(db: Db) {
    // No trusted proxy: rotating the header changes nothing.
    let app = spawn_app(db).await;
    assert_eq!(
        sign_in_flood(&app, |i| format!("203.0.113.{i}")).await,
        429,
        "rotating X-Forwarded-For escaped the per-address limit"
    );
    // Behind a trusted proxy (this test's loopback): each client is its own.
    let app = spawn_app_with(fresh_database(db), |s, _| {
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    assert_eq!(sign_in_flood(&app, |i| format!("203.0.113.{i}")).await, 200);
    assert_eq!(sign_in_flood(&app, |_| "198.51.100.9".into()).await, 429);
}

async fn character_references_cannot_forge_page_placeholders(db: Db) {
    let app = spawn_app(db).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let thread = author
        .thread("customers", "Odd \u{1}C\u{2} title", "cut &#1; here")
        .await;
    author.reply(thread, None, "token: &#x1;C&#x2; end").await;
    author.reply(thread, None, "raw \u{1}C\u{2} bytes").await;
    let (reader, _) = app.signed_in("reader@example.com", Role::Rep).await;
    let (status, html) = app.get_html(&reader, &format!("/t/{thread}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains('\u{1}') && !html.contains('\u{2}'));
    let token = {
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse(r#"meta[name="csrf-token"]"#).unwrap();
        doc.select(&sel)
            .next()
            .unwrap()
            .value()
            .attr("content")
            .unwrap()
            .to_string()
    };
    assert!(!token.is_empty());
    let bodies = texts(&html, "article .body").join("\n");
    assert!(
        bodies.contains("cut") && bodies.contains("here"),
        "{bodies}"
    );
    assert!(
        !bodies.contains(&token),
        "the viewer's token printed in a post"
    );
    assert!(!texts(&html, "h1").join("").contains(&token));
    // The rest of the page is whole: the reply form and its token.
    assert!(html.contains(r#"name="_csrf""#) && html.contains("</html>"));
    assert_eq!(
        texts(&html, "form textarea[name=body]").len(),
        1,
        "reply form present"
    );
    let (_, t) = author.get(&format!("/threads/{thread}")).await;
    assert!(!t.to_string().contains("\\u0001"), "{t}");
}

/// Where a browser at `base` goes with this `Location`.
fn lands_on(base: &str, location: &str) -> Option<String> {
    url::Url::parse(base)
        .unwrap()
        .join(location)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
}

async fn next_never_leads_off_site(db: Db) {
    let app = spawn_app(db).await;
    let tricks = [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%5cevil.example",
        "/%5c/evil.example",
        "%20//evil.example",
        "/.//evil.example",
        "//evil.example",
        "https://evil.example/",
    ];
    let anon = client();
    let (signed, _) = app.signed_in("rep@example.com", Role::Rep).await;
    for (n, trick) in tricks.into_iter().enumerate() {
        for (who, path) in [
            (&anon, format!("/lang/fr?next={trick}")),
            (&signed, format!("/login?next={trick}")),
        ] {
            let res = who.get(app.url(&path)).send().await.unwrap();
            assert_eq!(res.status(), 303, "{path}");
            let location = res.headers()["location"].to_str().unwrap().to_string();
            assert_eq!(
                lands_on(&app.address, &location).as_deref(),
                Some("127.0.0.1"),
                "{path} → {location}"
            );
        }
        let fresh = client();
        app.create_user(&format!("u{n}@example.com"), Role::Rep);
        let (_, html) = app.get_html(&fresh, "/login").await;
        let res = fresh
            .post(app.url("/login"))
            .form(&[
                ("_csrf", csrf_of(&html).as_str()),
                ("email", &format!("u{n}@example.com")),
                ("password", PASSWORD),
                ("next", &percent_decode(trick)),
            ])
            .send()
            .await
            .unwrap();
        let location = res.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(
            lands_on(&app.address, &location).as_deref(),
            Some("127.0.0.1"),
            "sign-in with next={trick} → {location}"
        );
    }
    let res = anon
        .get(app.url("/lang/fr?next=/t/1%3Fx%3D1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"],
        "/t/1?x=1",
        "a local next is kept"
    );
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// Every frame up to `caught_up` of a replay from the start of the log.
async fn replay_all(app: &TestApp, api: &Api, topics: &[&str]) -> Vec<Value> {
    let mut ws = connect(app, api).await;
    subscribe(&mut ws, topics, Some(0)).await;
    let mut out = Vec::new();
    loop {
        let v = next(&mut ws, Duration::from_secs(3))
            .await
            .expect("replay frames");
        if v["type"] == "caught_up" {
            return out;
        }
        out.push(v);
    }
}

/// Waits until the notifications worker has turned `event` into the user's
/// notification, then returns the user's notifications.
async fn notifications_after(api: &Api, thread: i64) -> Vec<Value> {
    let mut items = Vec::new();
    wait_until(Duration::from_secs(5), "the sentinel notification", || {
        let api = api.clone_api();
        async move {
            let (_, n) = api.get("/me/notifications").await;
            n["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|i| i["event"]["data"]["thread_id"] == thread))
        }
    })
    .await;
    let (_, n) = api.get("/me/notifications").await;
    items.extend(n["items"].as_array().unwrap().iter().cloned());
    items
}

fn mentions(frames: &[Value], thread: i64) -> Vec<String> {
    frames
        .iter()
        .filter(|v| v["data"]["thread_id"] == thread)
        .map(|v| v["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

fn outbox_has(app: &TestApp, needle: &str) -> bool {
    use diesel::prelude::*;
    use grapevine::db::schema::outbox;
    app.with_conn(|c| {
        outbox::table
            .select(outbox::message)
            .load::<String>(c)
            .unwrap()
            .iter()
            .any(|m| m.contains(needle))
    })
}

async fn sentinel_seen(ws: &mut Ws, thread: i64) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let v = until(ws, Duration::from_secs(3), "the sentinel", |_| true).await;
        let done = v["data"]["thread_id"] == thread;
        seen.push(v);
        if done {
            return seen;
        }
    }
}

async fn hidden_threads_say_nothing_to_readers_who_may_not_moderate(db: Db) {
    let app = spawn_app(db).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (reader, _) = app.api_user("reader@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let thread = author.thread("customers", "Rumour", "first words").await;
    let opening = author.get(&format!("/threads/{thread}")).await.1["post"]["id"]
        .as_i64()
        .unwrap();
    for api in [&author, &reader] {
        assert_eq!(
            api.put(&format!("/me/follows/thread/{thread}"), json!({}))
                .await
                .0,
            204
        );
        assert_eq!(
            api.put("/me/follows/category/customers", json!({})).await.0,
            204
        );
    }
    let (status, _) = mkt
        .post(
            &format!("/threads/{thread}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 200);
    let mut live = connect(&app, &reader).await;
    subscribe_ready(&mut live, &["all", &format!("thread:{thread}")]).await;
    let mut mkt_live = connect(&app, &mkt).await;
    subscribe_ready(&mut mkt_live, &["all"]).await;

    // A moderator answers in the hidden thread, then edits the answer.
    let answer = mkt
        .reply(thread, Some(opening), "SECRET-ANSWER about the price")
        .await;
    assert_eq!(
        mkt.patch(&format!("/posts/{answer}"), json!({"body": "SECRET-EDIT"}))
            .await
            .0,
        200
    );
    let sentinel = mkt
        .thread("customers", "Public sentinel", "nothing secret")
        .await;

    let seen = sentinel_seen(&mut live, sentinel).await;
    assert!(mentions(&seen, thread).is_empty(), "live: {seen:?}");
    let moderators = until(&mut mkt_live, Duration::from_secs(3), "the edit", |v| {
        v["kind"] == "post.edited" && v["data"]["thread_id"] == thread
    })
    .await;
    assert_eq!(moderators["data"]["body_html"], "<p>SECRET-EDIT</p>\n");

    let replayed = replay_all(&app, &reader, &["all", &format!("thread:{thread}")]).await;
    assert!(
        mentions(&replayed, thread).is_empty(),
        "replay still tells of the hidden thread: {replayed:?}"
    );
    assert!(
        mentions(&replay_all(&app, &mkt, &["all"]).await, thread).contains(&"post.edited".into())
    );

    for api in [&author, &reader] {
        let items = notifications_after(api, sentinel).await;
        assert!(
            items
                .iter()
                .all(|i| i["event"]["data"]["thread_id"] != thread),
            "a notification about the hidden thread: {items:?}"
        );
    }
    assert!(
        !outbox_has(&app, "SECRET"),
        "an email tells of the hidden thread"
    );
    assert_eq!(author.get(&format!("/threads/{thread}")).await.0, 404);
}

async fn hidden_posts_are_frozen_and_withdrawn(db: Db) {
    let app = spawn_app(db).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (reader, _) = app.api_user("reader@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let thread = reader.thread("customers", "Visit report", "all fine").await;
    let post = author.reply(thread, None, "RUDE-WORDS here").await;
    let (status, _) = mkt
        .post(
            &format!("/posts/{post}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 204);
    let mut live = connect(&app, &reader).await;
    subscribe_ready(&mut live, &["all"]).await;

    let (status, body) = author
        .patch(&format!("/posts/{post}"), json!({"body": "RUDE-AGAIN"}))
        .await;
    assert_eq!(
        status, 403,
        "the author may not change a hidden post: {body}"
    );
    let sentinel = mkt.thread("customers", "Sentinel", "x").await;
    let seen = sentinel_seen(&mut live, sentinel).await;
    assert!(seen.iter().all(|v| v["kind"] != "post.edited"), "{seen:?}");

    let replayed = replay_all(&app, &reader, &["all"]).await;
    assert!(
        replayed
            .iter()
            .all(|v| v["data"]["post_id"] != post || v["kind"] == "thread.moderated"),
        "replay still carries the hidden post: {replayed:?}"
    );
    assert!(replayed.iter().all(|v| !v.to_string().contains("RUDE")));
    let (_, t) = reader.get(&format!("/threads/{thread}")).await;
    assert!(!t.to_string().contains("RUDE"), "{t}");
    // Moderators still see it, and may restore it.
    let (_, t) = mkt.get(&format!("/threads/{thread}")).await;
    assert!(t.to_string().contains("RUDE-WORDS"));
}

async fn a_restricted_idea_box_is_closed_to_reps_everywhere(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let (status, idea) = rep
        .post(
            "/ideas",
            json!({"title": "Cheaper shipping for Acme", "body": "please"}),
        )
        .await;
    assert_eq!(status, 201, "{idea}");
    let id = idea["id"].as_i64().unwrap();
    assert_eq!(
        rep.put(&format!("/ideas/{id}/vote"), json!({})).await.0,
        200
    );

    // Only admins change categories; a narrowed idea box takes effect at once.
    assert_eq!(
        mkt.patch("/categories/ideas", json!({"readable_by": ["marketer"]}))
            .await
            .0,
        403
    );
    let (status, cat) = admin
        .patch(
            "/categories/ideas",
            json!({"readable_by": ["marketer", "admin"]}),
        )
        .await;
    assert_eq!(status, 200, "{cat}");
    assert_eq!(cat["readable_by"], json!(["marketer", "admin"]));
    assert_eq!(admin.patch("/categories/nope", json!({})).await.0, 404);
    assert_eq!(
        admin
            .patch("/categories/ideas", json!({"readable_by": ["boss"]}))
            .await
            .0,
        422
    );

    for path in [
        "/ideas".to_string(),
        format!("/ideas/{id}"),
        "/ideas/similar?title=cheaper%20shipping".to_string(),
    ] {
        assert_eq!(rep.get(&path).await.0, 404, "{path}");
    }
    assert_eq!(
        rep.put(&format!("/ideas/{id}/vote"), json!({})).await.0,
        404
    );
    assert_eq!(rep.delete(&format!("/ideas/{id}/vote")).await.0, 404);
    assert_eq!(
        rep.post("/ideas", json!({"title": "Another idea", "body": "x"}))
            .await
            .0,
        404
    );
    assert_eq!(mkt.get(&format!("/ideas/{id}")).await.0, 200);

    // Pages.
    let (browser, _) = app.signed_in("rep-page@example.com", Role::Rep).await;
    for path in [
        "/ideas".to_string(),
        format!("/ideas/{id}"),
        "/ideas/new".into(),
        "/roadmap".into(),
    ] {
        assert_eq!(app.get_html(&browser, &path).await.0, 404, "{path}");
    }

    // The feed, replay and notifications: a status change reaches the
    // marketer's feed but no rep, not even the idea's author and voter.
    let mut live = connect(&app, &rep).await;
    subscribe_ready(&mut live, &["all", "ideas"]).await;
    assert_eq!(
        mkt.put(
            &format!("/ideas/{id}/status"),
            json!({"status": "planned", "response": "ANSWER-FOR-MARKETING"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        rep.put("/me/follows/category/customers", json!({})).await.0,
        204
    );
    let sentinel = mkt.thread("customers", "Sentinel", "x").await;
    let seen = sentinel_seen(&mut live, sentinel).await;
    assert!(
        seen.iter()
            .all(|v| !v["kind"].as_str().unwrap().starts_with("idea.")),
        "{seen:?}"
    );
    let replayed = replay_all(&app, &rep, &["all", "ideas"]).await;
    assert!(
        replayed
            .iter()
            .all(|v| !v["kind"].as_str().unwrap().starts_with("idea.")),
        "{replayed:?}"
    );
    let items = notifications_after(&rep, sentinel).await;
    assert!(items.iter().all(|i| i["reason"] != "idea"), "{items:?}");
    assert!(!outbox_has(&app, "ANSWER-FOR-MARKETING"));
}

async fn a_deleted_posts_history_is_for_moderators_only(db: Db) {
    let app = spawn_app(db).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (reader, _) = app.api_user("reader@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let thread = reader
        .thread("customers", "Prices", "what do you hear?")
        .await;
    let post = author.reply(thread, None, "FIRST-TEXT with a name").await;
    assert_eq!(
        author
            .patch(&format!("/posts/{post}"), json!({"body": "second text"}))
            .await
            .0,
        200
    );
    assert_eq!(reader.get(&format!("/posts/{post}/revisions")).await.0, 200);
    assert_eq!(author.delete(&format!("/posts/{post}")).await.0, 204);
    for api in [&reader, &author] {
        let (status, body) = api.get(&format!("/posts/{post}/revisions")).await;
        assert_eq!(status, 404, "{body}");
    }
    let (status, list) = mkt.get(&format!("/posts/{post}/revisions")).await;
    assert_eq!(status, 200);
    assert!(list.to_string().contains("FIRST-TEXT"));
    let (browser, _) = app.signed_in("page@example.com", Role::Rep).await;
    let (status, html) = app
        .get_html(&browser, &format!("/posts/{post}/history"))
        .await;
    assert_eq!(status, 404);
    assert!(!html.contains("FIRST-TEXT"));
}
