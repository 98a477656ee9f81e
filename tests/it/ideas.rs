//! The idea box: votes, status and answers, merging, anonymity, sorting.

use diesel::prelude::*;
use grapevine::domain::Role;
use grapevine::events;
use serde_json::{json, Value};

use crate::helpers::*;

db_test!(
    votes_count_once_and_exactly_under_concurrency,
    status_changes_are_for_marketing_with_answers,
    merging_moves_votes_without_double_counting,
    anonymous_authors_are_seen_by_admins_only,
    sorting_against_a_known_data_set,
    similar_ideas_and_bad_input,
    idea_pages_name_links_check_similar_in_one_form_and_merge_by_picker,
);

async fn idea(api: &Api, title: &str, extra: Value) -> i64 {
    let mut body = json!({"title": title, "body": format!("Details of {title}")});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, i) = api.post("/ideas", body).await;
    assert_eq!(status, 201, "{i}");
    assert_eq!(i["status"], "open");
    assert_eq!(i["votes"], 0);
    i["id"].as_i64().unwrap()
}

async fn votes_count_once_and_exactly_under_concurrency(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let id = idea(&rep, "Offline mode for the mobile app", json!({})).await;
    let (status, v) = rep.put(&format!("/ideas/{id}/vote"), json!({})).await;
    assert_eq!((status, v["votes"].as_i64()), (200, Some(1)));
    let (_, v) = rep.put(&format!("/ideas/{id}/vote"), json!({})).await;
    assert_eq!(v["votes"], 1, "voting twice counts once");
    let (_, i) = rep.get(&format!("/ideas/{id}")).await;
    assert_eq!(i["voted_by_me"], true);
    let (_, v) = rep.delete(&format!("/ideas/{id}/vote")).await;
    assert_eq!(v["votes"], 0);

    let voters: Vec<Api> = (0..50)
        .map(|n| app.api_user(&format!("voter{n}@example.com"), Role::Rep).0)
        .collect();
    let path = format!("/ideas/{id}/vote");
    let results =
        futures_util::future::join_all(voters.iter().map(|v| v.put(&path, json!({})))).await;
    assert!(results.iter().all(|(s, _)| *s == 200), "{results:?}");
    let (_, i) = rep.get(&format!("/ideas/{id}")).await;
    assert_eq!(i["votes"], 50, "50 concurrent votes by 50 users");
    assert_eq!(i["voted_by_me"], false);
    let voted = app
        .with_conn(|c| events::after(c, 0, 1000).unwrap())
        .iter()
        .filter(|e| e.kind == "idea.voted")
        .count();
    assert_eq!(voted, 52, "one event per vote that changed something");
    // Voters follow what they voted for.
    let (_, follows) = voters[0].get("/me/follows").await;
    assert_eq!(follows, json!([{"kind": "idea", "key": id.to_string()}]));
}

async fn status_changes_are_for_marketing_with_answers(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let id = idea(&rep, "Price list in French", json!({})).await;
    let (status, err) = rep
        .put(&format!("/ideas/{id}/status"), json!({"status": "planned"}))
        .await;
    assert_eq!(status, 403);
    assert_eq!(err["error"]["code"], "forbidden");
    let (status, i) = mkt
        .put(
            &format!("/ideas/{id}/status"),
            json!({"status": "planned", "response": "Coming in **Q3**."}),
        )
        .await;
    assert_eq!(status, 200, "{i}");
    let (_, i) = rep.get(&format!("/ideas/{id}")).await;
    assert_eq!(i["status"], "planned");
    assert_eq!(i["responses"][0]["status"], "planned");
    assert_eq!(
        i["responses"][0]["response_html"],
        "<p>Coming in <strong>Q3</strong>.</p>\n"
    );
    assert_eq!(i["responses"][0]["by"], "User mkt@example.com");
    mkt.put(
        &format!("/ideas/{id}/status"),
        json!({"status": "in_progress"}),
    )
    .await;
    let (_, i) = rep.get(&format!("/ideas/{id}")).await;
    assert_eq!(i["responses"].as_array().unwrap().len(), 2, "a timeline");
    assert_eq!(i["responses"][1]["response_html"], Value::Null);
    assert_eq!(
        mkt.put(&format!("/ideas/{id}/status"), json!({"status": "shipped"}))
            .await
            .0,
        422
    );
    let (_, list) = rep.get("/ideas?status=in_progress").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let changed = app
        .with_conn(|c| events::after(c, 0, 100).unwrap())
        .into_iter()
        .filter(|e| e.kind == "idea.status_changed")
        .count();
    assert_eq!(changed, 2);
}

async fn merging_moves_votes_without_double_counting(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (both, _) = app.api_user("both@example.com", Role::Rep);
    let (only_a, _) = app.api_user("a@example.com", Role::Rep);
    mkt.put("/accounts/ACME-1", json!({"name": "Acme"})).await;
    let a = idea(&rep, "Dark mode", json!({"accounts": ["ACME-1"]})).await;
    let b = idea(&rep, "Night theme", json!({})).await;
    for (who, target) in [(&both, a), (&both, b), (&only_a, a), (&rep, b)] {
        who.put(&format!("/ideas/{target}/vote"), json!({})).await;
    }
    assert_eq!(
        rep.post(&format!("/ideas/{a}/merge"), json!({"into": b}))
            .await
            .0,
        403
    );
    let (status, merged) = mkt
        .post(&format!("/ideas/{a}/merge"), json!({"into": b}))
        .await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(
        merged["votes"], 3,
        "both + only_a + rep, the double voter counted once"
    );
    assert_eq!(merged["merged_from"], json!([a]));
    assert_eq!(
        merged["accounts"],
        json!(["ACME-1"]),
        "A's customers count for B"
    );
    let (_, old) = rep.get(&format!("/ideas/{a}")).await;
    assert_eq!(old["merged_into"], b, "A points to B");
    assert_eq!(old["votes"], 0);
    let (status, err) = rep.put(&format!("/ideas/{a}/vote"), json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["code"], "idea_merged");
    let (_, list) = rep.get("/ideas").await;
    assert_eq!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [b]
    );
    assert_eq!(
        mkt.post(&format!("/ideas/{b}/merge"), json!({"into": b}))
            .await
            .0,
        422
    );
}

async fn anonymous_authors_are_seen_by_admins_only(db: Db) {
    let app = spawn_app(db).await;
    let (author, author_user) = app.api_user("shy@example.com", Role::Rep);
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let id = idea(
        &author,
        "Let customers pay by instalments",
        json!({"anonymous": true}),
    )
    .await;
    for (who, api) in [("rep", &rep), ("marketer", &mkt), ("author", &author)] {
        let (_, i) = api.get(&format!("/ideas/{id}")).await;
        assert_eq!(i["author"], Value::Null, "{who}");
        assert_eq!(i["anonymous"], true);
        let (_, list) = api.get("/ideas").await;
        assert_eq!(list["items"][0]["author"], Value::Null, "{who}");
        assert!(
            !list.to_string().contains("shy@example.com")
                && !list.to_string().contains(&author_user.name),
            "{who}"
        );
        // The discussion thread does not reveal the author either.
        let (_, t) = api.get(&format!("/threads/{}", i["thread_id"])).await;
        assert_eq!(t["post"]["author"]["name"], "Grapevine", "{who}");
    }
    let (_, i) = admin.get(&format!("/ideas/{id}")).await;
    assert_eq!(i["author"]["id"], author_user.id);
    let created = app
        .with_conn(|c| events::after(c, 0, 100).unwrap())
        .into_iter()
        .find(|e| e.kind == "idea.created")
        .unwrap();
    assert_eq!(
        created.payload["author"],
        Value::Null,
        "no author in the feed"
    );
    // Pages: the idea page shows "anonymous" to a marketer, the name to an admin.
    let (m, _) = app.signed_in("mkt2@example.com", Role::Marketer).await;
    let (_, html) = app.get_html(&m, &format!("/ideas/{id}")).await;
    assert!(!html.contains(&author_user.name) && html.contains("Anonymous"));
    let (a, _) = app.signed_in("admin2@example.com", Role::Admin).await;
    let (_, html) = app.get_html(&a, &format!("/ideas/{id}")).await;
    assert!(html.contains(&author_user.name));
}

async fn sorting_against_a_known_data_set(db: Db) {
    let app = spawn_app(db).await;
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    for key in ["C1", "C2", "C3"] {
        mkt.put(
            &format!("/accounts/{key}"),
            json!({"name": format!("Customer {key}")}),
        )
        .await;
    }
    let i1 = idea(&mkt, "Idea one", json!({})).await;
    let i2 = idea(&mkt, "Idea two", json!({"accounts": ["C1"]})).await;
    let i3 = idea(&mkt, "Idea three", json!({"accounts": ["C1", "C2", "C3"]})).await;
    let i4 = idea(&mkt, "Idea four", json!({})).await;
    let voters: Vec<(Api, grapevine::models::users::User)> = (0..3)
        .map(|n| app.api_user(&format!("v{n}@example.com"), Role::Rep))
        .collect();
    for (n, (v, _)) in voters.iter().enumerate() {
        v.put(&format!("/ideas/{i2}/vote"), json!({})).await;
        if n < 2 {
            v.put(&format!("/ideas/{i1}/vote"), json!({})).await;
        }
        if n == 0 {
            v.put(&format!("/ideas/{i3}/vote"), json!({})).await;
        }
    }
    let order = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        order(mkt.get("/ideas?sort=top").await.1),
        [i2, i1, i3, i4],
        "votes 3, 2, 1, 0"
    );
    assert_eq!(
        order(mkt.get("/ideas").await.1),
        [i2, i1, i3, i4],
        "top is the default"
    );
    assert_eq!(order(mkt.get("/ideas?sort=new").await.1), [i4, i3, i2, i1]);
    assert_eq!(
        order(mkt.get("/ideas?sort=impact").await.1),
        [i3, i2, i1, i4],
        "accounts 3, 1, then votes"
    );
    let (_, i) = mkt.get(&format!("/ideas/{i3}")).await;
    assert_eq!(i["impact"], 3);
    // Trending: the three votes on idea two are a month old.
    let month_ago = grapevine::db::now() - chrono::TimeDelta::days(30);
    app.with_conn(|c| {
        use grapevine::db::schema::idea_votes;
        diesel::update(idea_votes::table.filter(idea_votes::idea_id.eq(i2)))
            .set(idea_votes::created_at.eq(month_ago))
            .execute(c)
            .unwrap();
    });
    assert_eq!(
        order(mkt.get("/ideas?sort=trending").await.1),
        [i1, i3, i2, i4]
    );
    assert_eq!(mkt.get("/ideas?sort=random").await.0, 422);
    assert_eq!(order(mkt.get("/ideas?account=C2").await.1), [i3]);
    // The account's intel lists its ideas, newest first.
    let (_, intel) = mkt.get("/accounts/C1/intel").await;
    let ideas: Vec<i64> = intel["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ideas, [i3, i2]);
}

async fn similar_ideas_and_bad_input(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let offline = idea(&rep, "Offline mode for the mobile app", json!({})).await;
    idea(&rep, "French price list", json!({})).await;
    let (_, similar) = rep
        .get("/ideas/similar?title=mobile%20offline%20sync")
        .await;
    assert_eq!(similar[0]["id"], offline);
    assert_eq!(similar.as_array().unwrap().len(), 1);
    let (status, err) = rep.post("/ideas", json!({"title": "x", "body": " "})).await;
    assert_eq!(status, 422);
    assert!(err["error"]["message"].as_str().unwrap().contains("title"));
    let (status, err) = rep
        .post(
            "/ideas",
            json!({"title": "Good title", "body": "x", "accounts": ["NOPE"]}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(err["error"]["code"], "unknown_links");
    assert_eq!(
        rep.get("/ideas").await.1["items"].as_array().unwrap().len(),
        2,
        "nothing half-written"
    );
    assert_eq!(rep.get("/ideas/999").await.0, 404);
}

db_test!(idea_pages_answer_and_roadmap);

async fn idea_pages_answer_and_roadmap(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;
    let res = app
        .post_form(
            &rep,
            "/ideas/new",
            "/ideas/new",
            &[
                ("title", "Shorter contracts"),
                ("body", "Asked by two buyers"),
                ("tags", "contracts"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location.trim_start_matches("/ideas/").parse().unwrap();
    let res = app
        .post_form(
            &rep,
            "/ideas/new",
            "/ideas/new",
            &[("title", "x"), ("body", "kept body")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("kept body"));
    // Similar ideas are listed before posting, without script.
    let (_, html) = app
        .get_html(&rep, "/ideas/new?title=contracts%20too%20long")
        .await;
    assert!(texts(&html, "#similar li")
        .iter()
        .any(|t| t.contains("Shorter contracts")));
    // A rep sees no answer form; a marketer answers through the page.
    let (_, html) = app.get_html(&rep, &location).await;
    assert!(texts(&html, "#status-form").is_empty());
    let (m, _) = app.signed_in("mkt@example.com", Role::Marketer).await;
    let res = app
        .post_form(
            &m,
            &location,
            &format!("/ideas/{id}/status"),
            &[("status", "planned"), ("response", "We will do it.")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, html) = app.get_html(&rep, &location).await;
    assert_eq!(texts(&html, "#idea-status"), ["Planned"]);
    assert!(texts(&html, "#timeline .official")[0].contains("We will do it."));
    let (_, roadmap) = app.get_html(&rep, "/roadmap").await;
    assert!(
        texts(&roadmap, "#roadmap-planned .idea-title").contains(&"Shorter contracts".to_string())
    );
    assert!(texts(&roadmap, "#roadmap-done .idea-title").is_empty());
    // Voting through the page toggles.
    app.post_form(
        &rep,
        &location,
        &format!("/ideas/{id}/vote"),
        &[("on", "1")],
    )
    .await;
    let (_, html) = app.get_html(&rep, &location).await;
    assert_eq!(texts(&html, "#vote-count"), ["1 vote"]);
    app.post_form(
        &rep,
        &location,
        &format!("/ideas/{id}/vote"),
        &[("on", "0")],
    )
    .await;
    let (_, html) = app.get_html(&rep, &location).await;
    assert_eq!(texts(&html, "#vote-count"), ["0 votes"]);
}

db_test!(status_changes_and_replies_notify_the_right_people);

/// An idea's status change notifies its author and voters in the app; a
/// reply notifies the author of the post it answers; nobody hears of what
/// they may not read, or of their own actions.
async fn status_changes_and_replies_notify_the_right_people(db: Db) {
    let app = spawn_app(db).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (voter, _) = app.api_user("voter@example.com", Role::Rep);
    let (bystander, _) = app.api_user("bystander@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let id = idea(&author, "Loyalty discount", json!({})).await;
    voter.put(&format!("/ideas/{id}/vote"), json!({})).await;
    mkt.put(
        &format!("/ideas/{id}/status"),
        json!({"status": "planned", "response": "Yes."}),
    )
    .await;
    for who in [&author, &voter] {
        let who = who.clone_api();
        wait_until(
            std::time::Duration::from_secs(5),
            "the idea notification",
            move || {
                let who = who.clone_api();
                async move {
                    let (_, n) = who.get("/me/notifications").await;
                    n["items"].as_array().is_some_and(|i| {
                        i.iter().any(|x| {
                            x["reason"] == "idea" && x["event"]["data"]["status"] == "planned"
                        })
                    })
                }
            },
        )
        .await;
    }
    let (_, n) = bystander.get("/me/notifications").await;
    assert_eq!(n["unread"], 0, "{n}");
    let (_, n) = mkt.get("/me/notifications").await;
    assert!(
        n["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["reason"] != "idea"),
        "not for one's own action: {n}"
    );

    // A reply notifies the parent's author; a restricted thread notifies nobody who can't read it.
    let thread = author.thread("customers", "Ask me", "question").await;
    let opening = author.get(&format!("/threads/{thread}")).await.1["post"]["id"]
        .as_i64()
        .unwrap();
    // Written first: once the later reply is seen, the worker (which reads
    // events in order) has handled this one too.
    let secret = mkt
        .thread(
            "marketing-only",
            "Internal about @author",
            "mentions @author",
        )
        .await;
    mkt.reply(thread, Some(opening), "an answer for @author")
        .await;
    let a = author.clone_api();
    wait_until(
        std::time::Duration::from_secs(5),
        "the reply notification",
        move || {
            let a = a.clone_api();
            async move {
                let (_, n) = a.get("/me/notifications").await;
                n["items"]
                    .as_array()
                    .is_some_and(|i| i.iter().any(|x| x["reason"] == "reply"))
            }
        },
    )
    .await;
    // Nothing about the restricted thread reached the rep.
    let (_, n) = author.get("/me/notifications").await;
    assert!(!n.to_string().contains("Internal about"), "{n}");
    assert!(secret > 0);
    // The page lists them and marks them read.
    let c = client();
    app.login(&c, "author@example.com", PASSWORD).await;
    let (_, html) = app.get_html(&c, "/notifications").await;
    assert!(texts(&html, "#notifications .kind").contains(&"Idea update".to_string()));
    let (_, n) = author.get("/me/notifications").await;
    assert_eq!(n["unread"], 0);
}

db_test!(idea_discussions_stay_in_the_idea_box);

/// The threads the system opens for ideas are not field news: not in the
/// home page's latest threads, and their category is not offered on the
/// new-post form. The vote button's name carries its visible count.
async fn idea_discussions_stay_in_the_idea_box(db: Db) {
    let app = spawn_app(db).await;
    let (api, _) = app.api_user("writer@example.com", Role::Rep);
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;
    idea(&api, "Loyalty discount for hospitals", json!({})).await;
    api.thread("customers", "Acme renews its contract", "Good news")
        .await;
    let (_, home) = app.get_html(&rep, "/").await;
    assert!(home.contains("Acme renews its contract"));
    assert!(!home.contains("Loyalty discount for hospitals"), "{home}");
    let (_, form) = app.get_html(&rep, "/new").await;
    assert!(form.contains("Customers"));
    assert!(!form.contains("value=\"ideas\""), "{form}");
    let (_, list) = app.get_html(&rep, "/ideas").await;
    let doc = scraper::Html::parse_document(&list);
    let sel = scraper::Selector::parse("button.vote-button").unwrap();
    let button = doc.select(&sel).next().expect("a vote button");
    assert!(button.value().attr("aria-label").is_none());
    let name: String = button.text().collect();
    assert!(
        name.contains('0') && name.contains("Loyalty discount for hospitals"),
        "{name}"
    );
    // The browser's icon request finds the app's icon, signed in or not.
    let res = client().get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
}

async fn idea_pages_name_links_check_similar_in_one_form_and_merge_by_picker(db: Db) {
    let app = spawn_app(db).await;
    let (crm, _) = app.api_user("crm@example.com", Role::Marketer);
    crm.put("/accounts/SF-005", json!({"name": "Contoso Clinics"}))
        .await;
    crm.put("/competitors/rivalsoft", json!({"name": "RivalSoft"}))
        .await;
    let (rep_api, _) = app.api_user("author@example.com", Role::Rep);
    let linked = idea(
        &rep_api,
        "Shorter contracts",
        json!({"accounts": ["SF-005"], "competitors": ["rivalsoft"]}),
    )
    .await;
    let other = idea(&rep_api, "Monthly billing", json!({})).await;
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;

    // Chips name the account and the competitor; links keep the keys.
    let (_, html) = app.get_html(&rep, &format!("/ideas/{linked}")).await;
    assert_eq!(texts(&html, "a.chip.account"), ["Contoso Clinics"]);
    assert_eq!(texts(&html, "a.chip.competitor"), ["RivalSoft"]);
    assert!(html.contains(r#"href="/accounts/SF-005""#));

    // One title field; "look for similar" keeps everything typed.
    let (_, html) = app.get_html(&rep, "/ideas/new").await;
    let doc = scraper::Html::parse_document(&html);
    let titles = doc
        .select(&scraper::Selector::parse("input[name=title]").unwrap())
        .count();
    assert_eq!(titles, 1);
    let res = app
        .post_form(
            &rep,
            "/ideas/new",
            "/ideas/new",
            &[
                ("title", "contracts too long"),
                ("body", "Three clinics asked."),
                ("check", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(
        texts(&html, "#similar li")
            .iter()
            .any(|t| t.contains("Shorter contracts")),
        "{html}"
    );
    assert_eq!(texts(&html, "textarea#body"), ["Three clinics asked."]);
    let (_, list) = rep_api.get("/ideas").await;
    assert_eq!(
        list["items"].as_array().map(|a| a.len()),
        Some(2),
        "nothing posted by the check"
    );

    // A marketer merges by choosing from the picker; a rep has no picker.
    assert!(texts(
        &app.get_html(&rep, &format!("/ideas/{other}")).await.1,
        "#merge-candidates option"
    )
    .is_empty());
    let (m, _) = app.signed_in("mkt@example.com", Role::Marketer).await;
    let (_, html) = app.get_html(&m, &format!("/ideas/{other}")).await;
    let doc = scraper::Html::parse_document(&html);
    let options: Vec<String> = doc
        .select(&scraper::Selector::parse("#merge-candidates option").unwrap())
        .filter_map(|o| o.value().attr("value").map(str::to_string))
        .collect();
    let pick = format!("#{linked} · Shorter contracts");
    assert_eq!(
        options,
        std::slice::from_ref(&pick),
        "every other live idea, not itself"
    );
    let res = app
        .post_form(
            &m,
            &format!("/ideas/{other}"),
            &format!("/ideas/{other}/merge"),
            &[("into", pick.as_str())],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, merged) = rep_api.get(&format!("/ideas/{other}")).await;
    assert_eq!(merged["merged_into"], linked);
}
