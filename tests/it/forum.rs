//! Categories, threads, nested replies, edits, deletes, moderation,
//! visibility and the events they append.

use grapevine::domain::Role;
use grapevine::events;
use serde_json::{json, Value};

use crate::helpers::*;

db_test!(
    api_thread_tree_three_levels_in_order,
    edits_keep_revisions,
    marketing_only_is_invisible_to_reps,
    xss_corpus_is_stored_inert,
    bad_input_is_refused_whole,
    thread_pages_show_the_tree_and_take_replies,
    delete_leaves_a_placeholder,
    moderation_pin_lock_hide_move_and_audit,
    writes_append_events_in_their_transaction,
    unread_markers_and_category_pages,
    admins_manage_categories,
    categories_speak_the_readers_language,
    mentions_link_to_users,
    cached_thread_json_follows_every_write,
    cached_lists_follow_every_write,
);

async fn api_thread_tree_three_levels_in_order(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (status, created) = rep
        .post(
            "/threads",
            json!({"category": "competitors", "title": "Globex cuts prices by 15%", "body": "Heard at **ACME**.", "kind": "rumor", "tags": ["Pricing", "q3"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["category"], "competitors");
    assert_eq!(created["kind"], "rumor");
    assert_eq!(created["tags"], json!(["pricing", "q3"]));
    assert_eq!(
        created["post"]["body_html"],
        "<p>Heard at <strong>ACME</strong>.</p>\n"
    );
    let root = created["post"]["id"].as_i64().unwrap();

    let a = mkt.reply(id, None, "first answer").await;
    let b = rep.reply(id, Some(a), "second level").await;
    let c = mkt.reply(id, Some(b), "third level").await;
    let d = rep.reply(id, None, "another top-level reply").await;
    let e = mkt.reply(id, Some(a), "sibling at level two").await;

    let (status, t) = rep.get(&format!("/threads/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(t["title"], "Globex cuts prices by 15%");
    assert_eq!(t["accounts"], json!([]));
    assert_eq!(t["competitors"], json!([]));
    let post = &t["post"];
    assert_eq!(post["id"], root);
    assert_eq!(post["parent_id"], Value::Null);
    assert_eq!(post["author"]["name"], "User rep@example.com");
    let ids = |v: &Value| {
        v["replies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(post), [a, d]);
    let level1 = &post["replies"][0];
    assert_eq!(ids(level1), [b, e]);
    let level2 = &level1["replies"][0];
    assert_eq!(level2["parent_id"], a);
    assert_eq!(ids(level2), [c]);
    let level3 = &level2["replies"][0];
    assert_eq!(level3["body_html"], "<p>third level</p>\n");
    assert_eq!(level3["parent_id"], b);
    assert!(level3["created_at"].is_string() && level3["edited_at"].is_null());

    let (_, list) = rep.get("/threads?category=competitors").await;
    let item = &list["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["reply_count"], 5);
    assert_eq!(item["author"]["name"], "User rep@example.com");
    assert_eq!(list["next_page"], Value::Null);
    let (_, tagged) = rep.get("/threads?tag=q3").await;
    assert_eq!(tagged["items"].as_array().unwrap().len(), 1);
    let (_, none) = rep.get("/threads?tag=nothing").await;
    assert!(none["items"].as_array().unwrap().is_empty());

    // A parent from another thread is refused.
    let other = rep.thread("customers", "Another thread", "x").await;
    let (status, err) = rep
        .post(
            &format!("/threads/{other}/posts"),
            json!({"body": "x", "parent_id": a}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["code"], "unknown_parent");
}

async fn edits_keep_revisions(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (other, _) = app.api_user("other@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let id = rep
        .thread("customers", "Initech renewal", "first text")
        .await;
    let post = rep.reply(id, None, "reply v1").await;

    let (status, edited) = rep
        .patch(&format!("/posts/{post}"), json!({"body": "reply v2"}))
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["body_html"], "<p>reply v2</p>\n");
    assert!(edited["edited_at"].is_string());
    let (status, _) = mkt
        .patch(
            &format!("/posts/{post}"),
            json!({"body": "reply v3 by marketing"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, err) = other
        .patch(&format!("/posts/{post}"), json!({"body": "vandalism"}))
        .await;
    assert_eq!(status, 403);
    assert_eq!(err["error"]["code"], "forbidden");

    let (status, revs) = rep.get(&format!("/posts/{post}/revisions")).await;
    assert_eq!(status, 200);
    let revs = revs.as_array().unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0]["body"], "reply v2");
    assert_eq!(revs[0]["editor"], "User mkt@example.com");
    assert_eq!(revs[1]["body"], "reply v1");
    assert_eq!(revs[1]["editor"], "User rep@example.com");
    assert!(revs[0]["edited_at"].is_string());
    let (_, t) = rep.get(&format!("/threads/{id}")).await;
    assert_eq!(
        t["post"]["replies"][0]["body_html"],
        "<p>reply v3 by marketing</p>\n"
    );

    // The page shows "edited" and the history.
    let (c, _) = app.signed_in("reader@example.com", Role::Rep).await;
    let (_, html) = app.get_html(&c, &format!("/t/{id}")).await;
    assert!(html.contains(&format!("href=\"/posts/{post}/history\"")));
    let (status, history) = app.get_html(&c, &format!("/posts/{post}/history")).await;
    assert_eq!(status, 200);
    assert!(history.contains("reply v1") && history.contains("reply v2"));

    // Editing through the form keeps a revision too.
    let (rc, _) = (client(), ());
    app.login(&rc, "rep@example.com", PASSWORD).await;
    let res = app
        .post_form(
            &rc,
            &format!("/posts/{post}/edit"),
            &format!("/posts/{post}/edit"),
            &[("body", "reply v4 from the form")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, revs) = rep.get(&format!("/posts/{post}/revisions")).await;
    assert_eq!(revs.as_array().unwrap().len(), 3);
    let res = app
        .post_form(
            &rc,
            &format!("/posts/{post}/edit"),
            &format!("/posts/{post}/edit"),
            &[("body", "   ")],
        )
        .await;
    assert_eq!(
        res.status(),
        422,
        "an empty edit is refused and the form shown again"
    );
}

async fn marketing_only_is_invisible_to_reps(db: Db) {
    let app = spawn_app(db).await;
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (rep_api, _) = app.api_user("rep@example.com", Role::Rep);
    let secret = mkt
        .thread("marketing-only", "Q4 campaign plan", "internal")
        .await;
    let public = mkt.thread("customers", "Public thread", "hello").await;

    // API: categories, lists, the thread, replies, revisions, posting.
    let (_, cats) = rep_api.get("/categories").await;
    let slugs: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert!(
        !slugs.contains(&"marketing-only") && slugs.contains(&"customers"),
        "{slugs:?}"
    );
    let (_, mcats) = mkt.get("/categories").await;
    assert!(mcats
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["slug"] == "marketing-only"));
    let (_, list) = rep_api.get("/threads").await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [public]);
    let (_, list) = rep_api.get("/threads?category=marketing-only").await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let (status, err) = rep_api.get(&format!("/threads/{secret}")).await;
    assert_eq!(status, 404);
    assert_eq!(err["error"]["code"], "not_found");
    let opening = mkt.get(&format!("/threads/{secret}")).await.1["post"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        rep_api.get(&format!("/posts/{opening}/revisions")).await.0,
        404
    );
    assert_eq!(
        rep_api
            .post(&format!("/threads/{secret}/posts"), json!({"body": "x"}))
            .await
            .0,
        404
    );
    assert_eq!(
        rep_api
            .patch(&format!("/posts/{opening}"), json!({"body": "x"}))
            .await
            .0,
        404
    );
    let (status, _) = rep_api
        .post(
            "/threads",
            json!({"category": "marketing-only", "title": "Sneaky", "body": "x"}),
        )
        .await;
    assert_eq!(status, 404);

    // Pages.
    let (rep, _) = app.signed_in("rep2@example.com", Role::Rep).await;
    for path in [
        "/c/marketing-only".to_string(),
        format!("/t/{secret}"),
        format!("/posts/{opening}/history"),
        format!("/posts/{opening}/edit"),
    ] {
        let (status, html) = app.get_html(&rep, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("Q4 campaign"), "{path}");
    }
    for path in ["/", "/forums", "/c/customers", &format!("/users/{}", 1)] {
        let (_, html) = app.get_html(&rep, path).await;
        assert!(
            !html.contains("Q4 campaign") && !html.contains("Marketing only"),
            "{path} leaks"
        );
    }
    let res = app
        .post_form(
            &rep,
            "/new",
            "/new",
            &[
                ("category", "marketing-only"),
                ("kind", "other"),
                ("title", "Sneaky post"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(
            &rep,
            "/forums",
            &format!("/t/{secret}/reply"),
            &[("body", "x")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let (_, forums) = app.get_html(&rep, "/forums").await;
    assert!(forums.contains("Customers"));
    // The marketer sees it.
    let (m, _) = app.signed_in("mkt2@example.com", Role::Marketer).await;
    let (status, html) = app.get_html(&m, &format!("/t/{secret}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Q4 campaign plan"));
}

async fn xss_corpus_is_stored_inert(db: Db) {
    let app = spawn_app(db).await;
    let (rep, user) = app.api_user("rep@example.com", Role::Rep);
    let thread = rep
        .thread("market-rumors", "XSS corpus", "payloads follow")
        .await;
    let payloads = crate::markdown::xss_payloads();
    // Through the real write path (rendering, storage), without HTTP per payload.
    let stored: Vec<(String, i64)> = {
        let mut conn = app.conn();
        payloads
            .iter()
            .map(|(id, payload)| {
                let body = match grapevine::domain::PostBody::parse(payload) {
                    Ok(b) => b,
                    Err(_) => grapevine::domain::PostBody::parse(&format!("x{payload}")).unwrap(),
                };
                let post = grapevine::forum::reply(&mut conn, &user, thread, None, &body).unwrap();
                (id.clone(), post.id)
            })
            .collect()
    };
    let mut conn = app.conn();
    for (id, post_id) in &stored {
        let post = grapevine::models::posts::find(&mut conn, *post_id)
            .unwrap()
            .unwrap();
        crate::markdown::assert_inert(id, &post.body_html);
    }
    // And a few through the API, as a client would send them.
    for (id, payload) in payloads.iter().take(25) {
        let (status, post) = rep
            .post(
                &format!("/threads/{thread}/posts"),
                json!({"body": payload}),
            )
            .await;
        if status == 201 {
            crate::markdown::assert_inert(id, post["body_html"].as_str().unwrap());
        } else {
            assert_eq!(status, 422, "{id}");
        }
    }
    // The thread page renders them all without executable markup.
    let (c, _) = app.signed_in("reader@example.com", Role::Rep).await;
    let (status, html) = app.get_html(&c, &format!("/t/{thread}")).await;
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(".post .body").unwrap();
    for body in doc.select(&sel) {
        crate::markdown::assert_inert("page", &body.inner_html());
    }
}

async fn bad_input_is_refused_whole(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (status, err) = rep.post("/threads", json!({"category": "customers", "title": "no", "body": " ", "kind": "gossip", "tags": ["bad/tag"]})).await;
    assert_eq!(status, 422);
    let msg = err["error"]["message"].as_str().unwrap();
    for field in ["title", "body", "kind", "tags"] {
        assert!(msg.contains(field), "{field} named in {msg}");
    }
    let (status, err) = rep.post("/threads", json!({"category": "customers", "title": "Valid title", "body": "x", "accounts": ["NOPE-1"]})).await;
    assert_eq!(status, 422);
    assert!(err["error"]["message"].as_str().unwrap().contains("NOPE-1"));
    let (status, _) = rep
        .post(
            "/threads",
            json!({"category": "no-such", "title": "Valid title", "body": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, err) = rep.post("/threads", json!({"title": 5})).await;
    assert_eq!(status, 422, "{err}");
    // Malformed JSON is a 400 in the contract's shape.
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/threads"))
        .bearer_auth(&rep.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "malformed_json"
    );
    let big = "x".repeat(2 << 20);
    let (status, err) = rep
        .post(
            "/threads",
            json!({"category": "customers", "title": "Big", "body": big}),
        )
        .await;
    assert_eq!(status, 413, "{err}");
    assert_eq!(err["error"]["code"], "payload_too_large");
    // Nothing was written by any of these.
    let (_, list) = rep.get("/threads").await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let n = app.with_conn(|c| events::last_id(c).unwrap());
    assert_eq!(n, 0, "no event for refused input");

    // The form shows every error and keeps what was typed.
    let (c, _) = app.signed_in("form@example.com", Role::Rep).await;
    let res = app
        .post_form(
            &c,
            "/new",
            "/new",
            &[
                ("category", "customers"),
                ("kind", "rumor"),
                ("title", "ab"),
                ("body", "my precious text"),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("my precious text"), "the text is kept");
    assert!(html.contains("at least 3 characters"));
}

async fn thread_pages_show_the_tree_and_take_replies(db: Db) {
    let app = spawn_app(db).await;
    let (c, _) = app.signed_in("rep@example.com", Role::Rep).await;
    let res = app
        .post_form(
            &c,
            "/new",
            "/new",
            &[
                ("category", "customers"),
                ("kind", "customer_request"),
                ("title", "Initech wants SSO"),
                ("body", "They *need* it."),
                ("tags", "sso, security"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/t/"));
    let id: i64 = location.trim_start_matches("/t/").parse().unwrap();
    let (_, html) = app.get_html(&c, &location).await;
    assert_eq!(texts(&html, "h1"), ["Initech wants SSO"]);
    assert!(html.contains("<em>need</em>"));
    assert!(html.contains("#sso"));
    let opening = html
        .split("id=\"p")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse::<i64>()
        .unwrap();

    let res = app
        .post_form(
            &c,
            &location,
            &format!("/t/{id}/reply"),
            &[("body", "Level one"), ("parent_id", "")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let l1: i64 = res.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit("#p")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let res = app
        .post_form(
            &c,
            &location,
            &format!("/t/{id}/reply"),
            &[("body", "Level two"), ("parent_id", &l1.to_string())],
        )
        .await;
    let l2: i64 = res.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit("#p")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, html) = app.get_html(&c, &location).await;
    let doc = scraper::Html::parse_document(&html);
    let nested = scraper::Selector::parse(&format!(
        "ol.tree > li > article#p{l1} ~ ol.tree > li > article#p{l2}"
    ))
    .unwrap();
    assert_eq!(
        doc.select(&nested).count(),
        1,
        "level two sits inside level one's list: {html}"
    );
    assert!(opening < l1);

    // Quote-reply pre-fills the quoted text (without script).
    let (_, html) = app
        .get_html(&c, &format!("/t/{id}?reply_to={l1}&quote=1"))
        .await;
    assert_eq!(texts(&html, "#reply-body"), ["> Level one"]);
    assert_eq!(
        texts(&html, "#reply-heading"),
        ["Replying to User rep@example.com"]
    );

    // An empty reply is refused and the page comes back with the error.
    let res = app
        .post_form(&c, &location, &format!("/t/{id}/reply"), &[("body", "  ")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Write something first."));
}

async fn delete_leaves_a_placeholder(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (other, _) = app.api_user("other@example.com", Role::Rep);
    let id = rep.thread("customers", "Deletion", "root").await;
    let mid = rep.reply(id, None, "middle post to delete").await;
    let child = other.reply(id, Some(mid), "child stays").await;
    assert_eq!(other.delete(&format!("/posts/{mid}")).await.0, 403);
    assert_eq!(rep.delete(&format!("/posts/{mid}")).await.0, 204);
    let (_, t) = rep.get(&format!("/threads/{id}")).await;
    let middle = &t["post"]["replies"][0];
    assert_eq!(middle["id"], mid);
    assert_eq!(middle["deleted"], true);
    assert_eq!(middle["body_html"], "");
    assert_eq!(middle["replies"][0]["id"], child);
    assert_eq!(t["reply_count"], 1);
    let (c, _) = app.signed_in("reader@example.com", Role::Rep).await;
    let (_, html) = app.get_html(&c, &format!("/t/{id}")).await;
    assert!(!html.contains("middle post to delete"));
    assert!(html.contains("This post was deleted by its author."));
    assert!(html.contains("child stays"));
}

async fn moderation_pin_lock_hide_move_and_audit(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let first = rep.thread("customers", "Older thread", "a").await;
    let second = rep.thread("customers", "Newer thread", "b").await;
    let reply = rep.reply(first, None, "a reply to hide").await;

    assert_eq!(
        rep.post(
            &format!("/threads/{first}/moderation"),
            json!({"action": "pin"})
        )
        .await
        .0,
        403
    );
    let (status, t) = mkt
        .post(
            &format!("/threads/{first}/moderation"),
            json!({"action": "pin"}),
        )
        .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["pinned"], true);
    let (_, list) = rep.get("/threads?category=customers").await;
    assert_eq!(list["items"][0]["id"], first, "pinned on top");
    assert_eq!(list["items"][1]["id"], second);

    mkt.post(
        &format!("/threads/{first}/moderation"),
        json!({"action": "lock"}),
    )
    .await;
    let (status, err) = rep
        .post(
            &format!("/threads/{first}/posts"),
            json!({"body": "too late"}),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["code"], "thread_locked");
    mkt.post(
        &format!("/threads/{first}/moderation"),
        json!({"action": "unlock"}),
    )
    .await;
    assert_eq!(
        rep.post(
            &format!("/threads/{first}/posts"),
            json!({"body": "now fine"})
        )
        .await
        .0,
        201
    );

    assert_eq!(
        mkt.post(
            &format!("/posts/{reply}/moderation"),
            json!({"action": "hide"})
        )
        .await
        .0,
        204
    );
    let (_, t) = rep.get(&format!("/threads/{first}")).await;
    let hidden = t["post"]["replies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == reply)
        .unwrap();
    assert_eq!(hidden["hidden"], true);
    assert_eq!(hidden["body_html"], "");
    let (_, t) = mkt.get(&format!("/threads/{first}")).await;
    let seen = t["post"]["replies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == reply)
        .unwrap();
    assert_eq!(
        seen["body_html"], "<p>a reply to hide</p>\n",
        "moderators still see it"
    );

    mkt.post(
        &format!("/threads/{second}/moderation"),
        json!({"action": "hide"}),
    )
    .await;
    assert_eq!(rep.get(&format!("/threads/{second}")).await.0, 404);
    mkt.post(
        &format!("/threads/{second}/moderation"),
        json!({"action": "unhide"}),
    )
    .await;
    assert_eq!(rep.get(&format!("/threads/{second}")).await.0, 200);

    let (status, t) = mkt
        .post(
            &format!("/threads/{second}/moderation"),
            json!({"action": "move", "category": "marketing-only"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(t["category"], "marketing-only");
    assert_eq!(
        rep.get(&format!("/threads/{second}")).await.0,
        404,
        "moved out of the rep's sight"
    );
    let (status, _) = mkt
        .post(
            &format!("/threads/{second}/moderation"),
            json!({"action": "move", "category": "nowhere"}),
        )
        .await;
    assert_eq!(status, 422);

    // The audit log, for admins only, through its page.
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    let (status, html) = app.get_html(&admin, "/admin/audit").await;
    assert_eq!(status, 200);
    for action in [
        "thread.pin",
        "thread.lock",
        "thread.unlock",
        "post.hide",
        "thread.hide",
        "thread.unhide",
        "thread.move",
        "user.sign_in",
    ] {
        assert!(html.contains(action), "{action} in the audit log");
    }
    // A password sign-in, with the address it came from.
    assert!(
        texts(&html, "table.audit tr")
            .iter()
            .any(|row| row.contains("signed in password") && row.contains("127.0.0.1")),
        "{html}"
    );
    assert!(html.contains("User mkt@example.com"));
    let (m, _) = app.signed_in("mkt2@example.com", Role::Marketer).await;
    assert_eq!(app.get_html(&m, "/admin/audit").await.0, 403);

    // Moderation through the page's forms.
    let res = app
        .post_form(
            &m,
            &format!("/t/{first}"),
            &format!("/t/{first}/moderate"),
            &[("action", "unpin")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, t) = rep.get(&format!("/threads/{first}")).await;
    assert_eq!(t["pinned"], false);
}

async fn writes_append_events_in_their_transaction(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let id = rep
        .thread("competitors", "Globex brochure", "see photo")
        .await;
    let post = mkt.reply(id, None, "thanks").await;
    mkt.patch(&format!("/posts/{post}"), json!({"body": "thanks!"}))
        .await;
    mkt.post(
        &format!("/threads/{id}/moderation"),
        json!({"action": "pin"}),
    )
    .await;
    mkt.delete(&format!("/posts/{post}")).await;
    let secret = mkt.thread("marketing-only", "Internal", "x").await;

    // The notifications worker appends its own events meanwhile (the reply
    // notifies the thread's author): only the writes' events count here.
    let all: Vec<_> = app
        .with_conn(|c| events::after(c, 0, 100).unwrap())
        .into_iter()
        .filter(|e| e.kind != "notification.created")
        .collect();
    let kinds: Vec<&str> = all.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "thread.created",
            "post.created",
            "post.edited",
            "thread.moderated",
            "post.deleted",
            "thread.created"
        ]
    );
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let created = &all[0];
    let opening = created.payload["post_id"].as_i64().unwrap();
    assert_eq!(
        created.topics,
        [
            "all",
            "category:competitors",
            &format!("thread:{id}"),
            &format!("post:{opening}")
        ]
    );
    assert_eq!(created.payload["title"], "Globex brochure");
    assert_eq!(created.payload["author"]["name"], "User rep@example.com");
    assert_eq!(created.payload["body_html"], "<p>see photo</p>\n");
    assert_eq!(all[1].payload["post_id"], post);
    assert!(created.visible_to(Role::Rep));
    let internal = &all[5];
    assert_eq!(internal.payload["thread_id"], secret);
    assert!(!internal.visible_to(Role::Rep) && internal.visible_to(Role::Marketer));
}

async fn unread_markers_and_category_pages(db: Db) {
    let app = spawn_app(db).await;
    let (rep_api, _) = app.api_user("writer@example.com", Role::Rep);
    let (reader, _) = app.signed_in("reader@example.com", Role::Rep).await;
    let id = rep_api.thread("customers", "Unread test", "first").await;
    let (_, html) = app.get_html(&reader, &format!("/t/{id}")).await;
    assert!(
        !html.contains("post opening unread"),
        "nothing is marked on a first visit"
    );
    let new_post = rep_api.reply(id, None, "something new").await;

    let (_, list) = app.get_html(&reader, "/c/customers").await;
    assert!(
        list.contains(&format!("class=\"thread-item unread\" id=\"thread-{id}\"")),
        "the list marks the thread"
    );
    let (_, html) = app.get_html(&reader, &format!("/t/{id}")).await;
    let doc = scraper::Html::parse_document(&html);
    let unread = scraper::Selector::parse("article.post.unread").unwrap();
    let marked: Vec<&str> = doc
        .select(&unread)
        .map(|e| e.value().id().unwrap())
        .collect();
    assert_eq!(marked, [format!("p{new_post}")]);
    // Seen now: no marker on the next visit.
    let (_, html) = app.get_html(&reader, &format!("/t/{id}")).await;
    assert!(!html.contains("unread"));
    let (_, list) = app.get_html(&reader, "/c/customers").await;
    assert!(!list.contains("thread-item unread"));

    // Category list with counts; pagination of a long category.
    for i in 0..27 {
        rep_api
            .thread("market-rumors", &format!("Rumor number {i}"), "x")
            .await;
    }
    let (_, forums) = app.get_html(&reader, "/forums").await;
    assert!(forums.contains("27 threads"), "counts per category");
    let (_, p1) = app.get_html(&reader, "/c/market-rumors").await;
    assert_eq!(texts(&p1, ".thread-title").len(), 25);
    assert_eq!(
        texts(&p1, ".thread-title")[0],
        "Rumor number 26",
        "newest first"
    );
    let (_, p2) = app.get_html(&reader, "/c/market-rumors?page=2").await;
    assert_eq!(
        texts(&p2, ".thread-title"),
        ["Rumor number 1", "Rumor number 0"]
    );
    let (_, api_page) = rep_api.get("/threads?category=market-rumors").await;
    assert_eq!(api_page["next_page"], 2);
}

async fn admins_manage_categories(db: Db) {
    let app = spawn_app(db).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (status, c) = admin.post("/categories", json!({"slug": "trade-shows", "name": "Trade shows", "description": "Booths, brochures"})).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["slug"], "trade-shows");
    assert_eq!(
        admin
            .post(
                "/categories",
                json!({"slug": "trade-shows", "name": "Again"})
            )
            .await
            .0,
        409
    );
    assert_eq!(
        admin
            .post("/categories", json!({"slug": "Bad Slug!", "name": "X"}))
            .await
            .0,
        422
    );
    assert_eq!(
        rep.post("/categories", json!({"slug": "mine", "name": "Mine"}))
            .await
            .0,
        403
    );
    let (status, _) = admin
        .post(
            "/categories",
            json!({"slug": "board", "name": "Board", "readable_by": ["admin"]}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, cats) = rep.get("/categories").await;
    let slugs: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert!(slugs.contains(&"trade-shows") && !slugs.contains(&"board"));

    // Archive through the admin page: still readable, no new threads.
    let (page, _) = app.signed_in("admin2@example.com", Role::Admin).await;
    let (_, html) = app.get_html(&page, "/admin/categories").await;
    assert!(html.contains("Trade shows"));
    let id = c["id"].as_i64().unwrap();
    let res = app
        .post_form(
            &page,
            "/admin/categories",
            &format!("/admin/categories/{id}"),
            &[
                ("slug", "trade-shows"),
                ("name", "Trade shows"),
                ("description", "Booths"),
                ("position", "9"),
                ("archived", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (status, _) = rep
        .post(
            "/threads",
            json!({"category": "trade-shows", "title": "Too late", "body": "x"}),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.get_html(&page, "/admin/categories").await.0, 200);
    let (r, _) = app.signed_in("rep2@example.com", Role::Rep).await;
    assert_eq!(app.get_html(&r, "/admin/categories").await.0, 403);
}

async fn mentions_link_to_users(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let ann = app.create_user("ann.martin@example.com", Role::Marketer);
    let id = rep
        .thread("customers", "Mentions", "cc @ann.martin and @ghost")
        .await;
    let (_, t) = rep.get(&format!("/threads/{id}")).await;
    let html = t["post"]["body_html"].as_str().unwrap();
    assert!(
        html.contains(&format!("<a class=\"mention\" href=\"/users/{}\"", ann.id)),
        "{html}"
    );
    assert!(html.contains("@ghost") && !html.contains("/users/0"));
    let events = app.with_conn(|c| events::after(c, 0, 10).unwrap());
    assert_eq!(events[0].payload["mentions"], json!([ann.id]));
}

db_test!(
    thread_loads_in_constant_queries,
    confirmation_pages_delete_hide_and_move
);

/// Loading a thread costs the same number of queries with 10 posts or 1,000.
async fn thread_loads_in_constant_queries(db: Db) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use diesel::connection::{Connection, InstrumentationEvent};
    use grapevine::domain::PostBody;

    let app = spawn_app(db).await;
    let (api, user) = app.api_user("rep@example.com", Role::Rep);
    let small = api.thread("customers", "Small thread", "x").await;
    let big = api.thread("customers", "Big thread", "x").await;
    {
        let mut conn = app.conn();
        let body = PostBody::parse("a reply").unwrap();
        let mut parent = None;
        for i in 0..999 {
            let p = grapevine::forum::reply(&mut conn, &user, big, parent, &body).unwrap();
            parent = if i % 4 == 3 { None } else { Some(p.id) };
        }
        for _ in 0..9 {
            grapevine::forum::reply(&mut conn, &user, small, None, &body).unwrap();
        }
    }
    let pool = grapevine::db::connect(&app.db.url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let mut count = |id: i64| {
        queries.store(0, Ordering::SeqCst);
        let loaded = grapevine::forum::load_thread(&mut conn, &user, id).unwrap();
        (loaded.posts.len(), queries.load(Ordering::SeqCst))
    };
    let (small_posts, small_queries) = count(small);
    let (big_posts, big_queries) = count(big);
    assert_eq!((small_posts, big_posts), (10, 1000));
    assert_eq!(small_queries, big_queries, "queries do not grow with posts");
    // Thread, posts, their attachments and useful marks, tags.
    assert!(big_queries <= 5, "{big_queries} queries");
    // The API answers the 1,000-post thread as one tree.
    let (status, t) = api.get(&format!("/threads/{big}")).await;
    assert_eq!(status, 200);
    assert_eq!(t["reply_count"], 999);
}

async fn confirmation_pages_delete_hide_and_move(db: Db) {
    let app = spawn_app(db).await;
    let (rep_api, _) = app.api_user("rep@example.com", Role::Rep);
    let id = rep_api.thread("customers", "Confirm pages", "root").await;
    let mine = rep_api.reply(id, None, "my reply to delete").await;
    let theirs = rep_api.reply(id, None, "a reply to hide").await;

    let rep = client();
    app.login(&rep, "rep@example.com", PASSWORD).await;
    let (status, html) = app.get_html(&rep, &format!("/posts/{mine}/delete")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("my reply to delete"),
        "the page shows what will be deleted"
    );
    let res = app
        .post_form(
            &rep,
            &format!("/posts/{mine}/delete"),
            &format!("/posts/{mine}/delete"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, t) = rep_api.get(&format!("/threads/{id}")).await;
    assert_eq!(t["post"]["replies"][0]["deleted"], true);
    // Reps cannot reach the moderation pages.
    assert_eq!(
        app.get_html(&rep, &format!("/posts/{theirs}/moderate"))
            .await
            .0,
        403
    );
    assert_eq!(app.get_html(&rep, &format!("/t/{id}/move")).await.0, 403);

    let (m, _) = app.signed_in("mkt@example.com", Role::Marketer).await;
    let res = app
        .post_form(
            &m,
            &format!("/posts/{theirs}/moderate"),
            &format!("/posts/{theirs}/moderate"),
            &[("action", "hide")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, t) = rep_api.get(&format!("/threads/{id}")).await;
    assert_eq!(t["post"]["replies"][1]["hidden"], true);
    let (status, html) = app.get_html(&m, &format!("/t/{id}/move")).await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"market-rumors\""));
    let res = app
        .post_form(
            &m,
            &format!("/t/{id}/move"),
            &format!("/t/{id}/moderate"),
            &[("action", "move"), ("category", "market-rumors")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, t) = rep_api.get(&format!("/threads/{id}")).await;
    assert_eq!(t["category"], "market-rumors");
}

db_test!(pages_and_api_apply_the_same_rules);

/// Threads, ideas and post moderation are parsed by one input type each, so
/// a form and a JSON call with the same mistakes get the same answer.
async fn pages_and_api_apply_the_same_rules(db: Db) {
    let app = spawn_app(db).await;
    let (api, _) = app.api_user("api@example.com", Role::Marketer);
    let (browser, _) = app.signed_in("page@example.com", Role::Marketer).await;
    let bad_tag = "x".repeat(31);
    let (status, body) = api
        .post(
            "/threads",
            json!({"category": "customers", "title": "no", "body": " ", "tags": [bad_tag]}),
        )
        .await;
    assert_eq!(status, 422);
    let message = body["error"]["message"].as_str().unwrap().to_string();
    for field in ["title", "body", "tags"] {
        assert!(message.contains(&format!("{field}:")), "{message}");
    }
    let res = app
        .post_form(
            &browser,
            "/new?category=customers",
            "/new",
            &[
                ("category", "customers"),
                ("kind", "rumor"),
                ("title", "no"),
                ("body", " "),
                ("tags", &bad_tag),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for field in ["title", "body", "tags"] {
        assert!(
            html.contains(&format!("id=\"{field}\" ")) && html.contains("aria-invalid=\"true\""),
            "{field}"
        );
    }
    // Tags are normalised alike: a form's "Price War" is the API's "price-war".
    let (status, t) = api
        .post(
            "/threads",
            json!({"category": "customers", "title": "Tagged by API", "body": "x", "tags": ["Price War"]}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(t["tags"], json!(["price-war"]));
    // The same moderation words on both: `restore` undoes a hide.
    let thread = t["id"].as_i64().unwrap();
    let post = api.reply(thread, None, "to hide").await;
    assert_eq!(
        api.post(
            &format!("/posts/{post}/moderation"),
            json!({"action": "hide"})
        )
        .await
        .0,
        204
    );
    let res = app
        .post_form(
            &browser,
            &format!("/posts/{post}/moderate"),
            &format!("/posts/{post}/moderate"),
            &[("action", "restore")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, t) = api.get(&format!("/threads/{thread}")).await;
    assert_eq!(t["post"]["replies"][0]["hidden"], false);
}

/// The default categories have French words; an admin gives a new one its
/// own; a language without words shows the category's own.
async fn categories_speak_the_readers_language(db: Db) {
    let app = spawn_app(db).await;
    let (fr, fr_user) = app.signed_in("rep.fr@example.com", Role::Rep).await;
    app.with_conn(|c| grapevine::models::users::set_locale(c, fr_user.id, Some("fr")).unwrap());
    let (en, _) = app.signed_in("rep.en@example.com", Role::Rep).await;
    let (api, _) = app.api_user("writer@example.com", Role::Rep);
    api.thread("customers", "Clinic wants a trial", "Three sites.")
        .await;

    let (_, html) = app.get_html(&fr, "/forums").await;
    let names = texts(&html, ".category-list h2 a");
    assert!(names.contains(&"Clients".to_string()), "{names:?}");
    assert!(names.contains(&"Concurrents".to_string()), "{names:?}");
    assert!(!names.contains(&"Customers".to_string()), "{names:?}");
    assert!(
        html.contains("Ce que disent les clients"),
        "French description"
    );
    let (_, html) = app.get_html(&en, "/forums").await;
    let names = texts(&html, ".category-list h2 a");
    assert!(names.contains(&"Customers".to_string()), "{names:?}");
    assert!(!names.contains(&"Clients".to_string()), "{names:?}");

    let (_, html) = app.get_html(&fr, "/c/customers").await;
    assert_eq!(texts(&html, "h1"), vec!["Clients"]);
    let (_, html) = app.get_html(&fr, "/new").await;
    let options = texts(&html, "#category option");
    assert!(
        options.contains(&"Rumeurs du marché".to_string()),
        "{options:?}"
    );
    // The home page's latest threads and the thread page's crumbs.
    let (_, html) = app.get_html(&fr, "/").await;
    assert!(html.contains(">Clients</a>"), "{html}");
    let (_, html) = app.get_html(&fr, "/t/1").await;
    assert_eq!(texts(&html, "nav.crumbs a").last().unwrap(), "Clients");

    // An admin names a new category in French only.
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    let res = app
        .post_form(
            &admin,
            "/admin/categories",
            "/admin/categories",
            &[
                ("slug", ""),
                ("name", "Pricing intel"),
                ("description", "Prices heard in the field."),
                ("name_fr", "Veille tarifaire"),
                ("description_fr", ""),
                ("name_en", ""),
                ("description_en", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, html) = app.get_html(&fr, "/c/pricing-intel").await;
    assert_eq!(texts(&html, "h1"), vec!["Veille tarifaire"]);
    assert_eq!(
        texts(&html, "p.lead"),
        vec!["Prices heard in the field."],
        "no French description: the category's own"
    );
    let (_, html) = app.get_html(&en, "/c/pricing-intel").await;
    assert_eq!(texts(&html, "h1"), vec!["Pricing intel"]);
    // The admin page shows what is stored, so saving it again keeps it.
    let (_, html) = app.get_html(&admin, "/admin/categories").await;
    assert!(html.contains("value=\"Veille tarifaire\""), "{html}");
    // Too long a translation: refused, nothing changed.
    let long = "x".repeat(81);
    let res = app
        .post_form(
            &admin,
            "/admin/categories",
            "/admin/categories",
            &[("slug", "other"), ("name", "Other"), ("name_fr", &long)],
        )
        .await;
    assert_eq!(res.status(), 422);
    let (status, _) = app.get_html(&admin, "/c/other").await;
    assert_eq!(status, 404);
    // The API keeps its words when a change does not name them.
    let (status, _) = app
        .api_user("api-admin@example.com", Role::Admin)
        .0
        .patch("/categories/pricing-intel", json!({"position": 3}))
        .await;
    assert_eq!(status, 200);
    let (_, html) = app.get_html(&fr, "/c/pricing-intel").await;
    assert_eq!(texts(&html, "h1"), vec!["Veille tarifaire"]);
}

/// `GET /threads/{id}` is served from a cache; every write that changes
/// the answer, and the reader's role, give a fresh one.
async fn cached_thread_json_follows_every_write(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (reader, reader_user) = app.api_user("reader@example.com", Role::Marketer);
    mkt.put("/accounts/ACME-1", json!({"name": "Acme Corp"}))
        .await;
    let id = rep
        .thread("customers", "Acme wants a rebate", "first")
        .await;
    let path = format!("/threads/{id}");
    let read = |api: &Api| {
        let (api, path) = (api.clone_api(), path.clone());
        async move {
            let (status, body) = api.get(&path).await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    // Read twice: the second answer comes from the cache, and is the same.
    let first = read(&rep).await;
    assert_eq!(read(&rep).await, first);
    assert_eq!(first["post"]["replies"], json!([]));

    let reply = rep.reply(id, None, "a rebate of 5%").await;
    let t = read(&rep).await;
    assert_eq!(t["reply_count"], 1);
    assert_eq!(t["post"]["replies"][0]["id"], reply);

    let (status, _) = rep
        .patch(
            &format!("/posts/{reply}"),
            json!({"body": "a rebate of 7%"}),
        )
        .await;
    assert_eq!(status, 200);
    let t = read(&rep).await;
    assert!(t["post"]["replies"][0]["body_html"]
        .as_str()
        .unwrap()
        .contains("7%"));

    // A marketer reads the same version before and after the hide: each
    // role has its own copy, and a rep never gets the moderator's.
    assert!(read(&reader).await["post"]["replies"][0]["body_html"]
        .as_str()
        .unwrap()
        .contains("7%"));
    let (status, _) = mkt
        .post(
            &format!("/posts/{reply}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 204);
    let seen_by_marketer = read(&reader).await;
    assert_eq!(seen_by_marketer["post"]["replies"][0]["hidden"], true);
    assert!(seen_by_marketer["post"]["replies"][0]["body_html"]
        .as_str()
        .unwrap()
        .contains("7%"));
    let seen_by_rep = read(&rep).await;
    assert_eq!(seen_by_rep["post"]["replies"][0]["hidden"], true);
    assert_eq!(seen_by_rep["post"]["replies"][0]["body_html"], "");

    // The reader becomes a rep: the moderator's copy is no longer theirs.
    app.with_conn(|c| grapevine::models::users::set_role(c, reader_user.id, Role::Rep))
        .unwrap();
    assert_eq!(read(&reader).await["post"]["replies"][0]["body_html"], "");

    let (status, _) = mkt
        .put(
            &format!("/threads/{id}/links"),
            json!({"accounts": ["ACME-1"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read(&rep).await["accounts"], json!(["ACME-1"]));

    let (status, _) = mkt
        .post(
            &format!("/threads/{id}/moderation"),
            json!({"action": "move", "category": "competitors"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read(&rep).await["category"], "competitors");

    // Moved where reps may not read: the cached copy is no answer for them.
    let (status, _) = mkt
        .post(
            &format!("/threads/{id}/moderation"),
            json!({"action": "move", "category": "marketing-only"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(rep.get(&path).await.0, 404);
    assert_eq!(read(&mkt).await["category"], "marketing-only");
    // Hidden as a whole: gone for the rep even back in a readable category.
    mkt.post(
        &format!("/threads/{id}/moderation"),
        json!({"action": "move", "category": "customers"}),
    )
    .await;
    assert_eq!(read(&rep).await["category"], "customers");
    let (status, _) = mkt
        .post(
            &format!("/threads/{id}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read(&mkt).await["hidden"], true);
    assert_eq!(rep.get(&path).await.0, 404);
}

/// Category and home pages and `GET /threads` are kept per viewer; every
/// write that changes what they show, and the reader's role, give a fresh
/// one.
async fn cached_lists_follow_every_write(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let (reader, reader_user) = app.api_user("reader@example.com", Role::Marketer);
    let (page, _) = app.signed_in("rep2@example.com", Role::Rep).await;
    mkt.put("/accounts/ACME-1", json!({"name": "Acme Corp"}))
        .await;
    let id = rep
        .thread("customers", "Acme wants a rebate", "first")
        .await;
    let list = |api: &Api| {
        let api = api.clone_api();
        async move {
            let (status, body) = api.get("/threads?category=customers").await;
            assert_eq!(status, 200, "{body}");
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == id)
                .cloned()
        }
    };
    let row = |html: &str, what: &str| texts(html, &format!("#thread-{id} {what}"));
    let category = || app.get_html(&page, "/c/customers");

    // Twice the same, the second from the cache.
    let first = list(&mkt).await.expect("listed");
    assert_eq!(list(&mkt).await, Some(first.clone()));
    assert_eq!(first["reply_count"], 0);
    let (_, html) = category().await;
    assert_eq!(row(&html, ".thread-title"), vec!["Acme wants a rebate"]);
    assert_eq!(category().await.1, html);
    let (_, home) = app.get_html(&page, "/").await;
    assert_eq!(row(&home, ".thread-title"), vec!["Acme wants a rebate"]);
    // What is stamped per request: the live feed's position, the token.
    let since = |html: &str, css: &str| -> Option<i64> {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse(css).unwrap();
        let found = doc
            .select(&sel)
            .next()?
            .value()
            .attr("data-since")?
            .parse()
            .ok();
        found
    };
    assert!(since(&html, "#live-banner").is_some(), "{html}");
    assert!(since(&html, "#bell").is_some());
    assert!(since(&home, "#bell").is_some());
    assert!(!html.contains('\u{fffd}') && !html.contains('\u{1}'));
    let token = csrf_of(&html);
    assert!(token.len() >= 16 && token.chars().all(|c| c.is_ascii_alphanumeric()));

    // A reply: counted, and unread for those who had read the thread.
    mkt.get(&format!("/threads/{id}")).await;
    assert_eq!(list(&mkt).await.unwrap()["unread"], false);
    rep.reply(id, None, "a rebate of 5%").await;
    let t = list(&mkt).await.unwrap();
    assert_eq!(
        (t["reply_count"].clone(), t["unread"].clone()),
        (json!(1), json!(true))
    );
    mkt.get(&format!("/threads/{id}")).await;
    assert_eq!(list(&mkt).await.unwrap()["unread"], false, "read again");
    assert!(row(&category().await.1, ".replies")[0].contains('1'));

    // A new thread shows on the home page at once.
    let other = rep.thread("competitors", "RivalCo cut prices", "x").await;
    let (_, home) = app.get_html(&page, "/").await;
    assert!(texts(&home, &format!("#thread-{other} .thread-title")) == vec!["RivalCo cut prices"]);

    // Links, and a rename of the linked account.
    let (status, _) = mkt
        .put(
            &format!("/threads/{id}/links"),
            json!({"accounts": ["ACME-1"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list(&rep).await.unwrap()["accounts"], json!(["ACME-1"]));
    assert_eq!(row(&category().await.1, ".chip-small"), vec!["Acme Corp"]);
    mkt.put("/accounts/ACME-1", json!({"name": "Acme Group"}))
        .await;
    assert_eq!(row(&category().await.1, ".chip-small"), vec!["Acme Group"]);

    // The category renamed.
    let (status, body) = admin
        .patch("/categories/customers", json!({"name": "Clients"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(texts(&category().await.1, "h1"), vec!["Clients"]);

    // Hidden: gone from reps' lists and pages, kept for moderators.
    assert!(list(&reader).await.is_some());
    let (status, _) = mkt
        .post(
            &format!("/threads/{id}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list(&rep).await, None);
    assert!(row(&category().await.1, ".thread-title").is_empty());
    assert!(row(&app.get_html(&page, "/").await.1, ".thread-title").is_empty());
    assert_eq!(list(&reader).await.unwrap()["id"], id);
    // The reader becomes a rep: the moderator's list is no longer theirs.
    app.with_conn(|c| grapevine::models::users::set_role(c, reader_user.id, Role::Rep))
        .unwrap();
    assert_eq!(list(&reader).await, None);
}
