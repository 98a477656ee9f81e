//! Recognition: "useful" marks, a rep's own impact and the contributors'
//! figures, from a scripted stretch of activity with known answers.

use grapevine::domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

db_test!(
    a_scripted_month_gives_the_expected_figures,
    the_impact_and_contributors_pages_show_the_figures
);
browser_test!(browser_marketing_marks_a_post_useful_and_the_rep_sees_it_live);

fn row<'a>(list: &'a Value, email: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user"]["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {list}"))
}

async fn opening(api: &Api, thread: i64) -> i64 {
    let (_, t) = api.get(&format!("/threads/{thread}")).await;
    t["post"]["id"].as_i64().unwrap()
}

async fn a_scripted_month_gives_the_expected_figures(db: Db) {
    let app = spawn_app(db).await;
    let (rep1, r1) = app.api_user("rep1@example.com", Role::Rep);
    let (rep2, r2) = app.api_user("rep2@example.com", Role::Rep);
    let (rep3, r3) = app.api_user("rep3@example.com", Role::Rep);
    let (mkt1, _) = app.api_user("mkt1@example.com", Role::Marketer);
    let (mkt2, _) = app.api_user("mkt2@example.com", Role::Marketer);
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    app.with_conn(|c| {
        use grapevine::models::users::set_team;
        set_team(c, r1.id, Some("North")).unwrap();
        set_team(c, r2.id, Some("North")).unwrap();
        set_team(c, r3.id, Some("South")).unwrap();
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "UPDATE users SET name = '=HYPERLINK(1)' WHERE id = {}",
            r3.id
        ))
        .execute(c)
        .unwrap();
    });
    let (s, _) = mkt1
        .put("/competitors/globex", json!({"name": "Globex"}))
        .await;
    assert_eq!(s, 201);

    // rep1: a thread, a report, a reply in rep2's thread, an idea, a vote.
    let a = rep1
        .thread("customers", "Acme wants a discount", "Their buyer called")
        .await;
    let (s, report) = rep1
        .post(
            "/threads",
            json!({"form": "competitor-price", "answers": {"competitor": "globex", "price": 10}}),
        )
        .await;
    assert_eq!(s, 201, "{report}");
    let r = report["id"].as_i64().unwrap();
    let b = rep2
        .thread("customers", "Initech is moving", "New site")
        .await;
    rep1.reply(b, None, "I heard the same").await;
    let (s, i1) = rep1
        .post(
            "/ideas",
            json!({"title": "Match Globex prices", "body": "They cut by 10%"}),
        )
        .await;
    assert_eq!(s, 201, "{i1}");
    let (s, i2) = rep2
        .post(
            "/ideas",
            json!({"title": "A brochure in French", "body": "Customers ask"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = rep1
        .put(&format!("/ideas/{}/vote", i2["id"]), json!({}))
        .await;
    assert!(s == 200 || s == 201 || s == 204, "{s}");
    let (s, _) = rep2
        .put(&format!("/ideas/{}/vote", i2["id"]), json!({}))
        .await;
    assert!(
        s < 300,
        "a vote on one's own idea is taken, and not counted: {s}"
    );
    // rep3: a thread marketing hides.
    let c = rep3.thread("customers", "Noise", "Nothing useful").await;
    let (s, _) = mkt1
        .post(
            &format!("/threads/{c}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(s, 200);

    // Marketing reads, answers and marks.
    for (who, thread) in [(&mkt1, a), (&mkt2, a), (&mkt2, r), (&admin, b), (&rep2, a)] {
        let (s, _) = who.get(&format!("/threads/{thread}")).await;
        assert_eq!(s, 200);
    }
    let mkt1_reply = mkt1.reply(a, None, "Thanks, we are on it").await;
    mkt2.reply(a, None, "Which product?").await;
    let a_post = opening(&rep1, a).await;
    let b_post = opening(&rep2, b).await;
    for (who, post) in [
        (&mkt1, a_post),
        (&mkt2, a_post),
        (&mkt1, b_post),
        (&mkt2, mkt1_reply),
    ] {
        let (s, body) = who.put(&format!("/posts/{post}/useful"), json!({})).await;
        assert_eq!(s, 200, "{body}");
    }
    let (s, again) = mkt1
        .put(&format!("/posts/{a_post}/useful"), json!({}))
        .await;
    assert_eq!(
        (s, again["useful"].as_i64()),
        (200, Some(2)),
        "once per marker"
    );
    let (s, _) = rep3
        .put(&format!("/posts/{a_post}/useful"), json!({}))
        .await;
    assert_eq!(s, 403, "reps do not mark");
    let (s, err) = mkt1
        .put(&format!("/posts/{mkt1_reply}/useful"), json!({}))
        .await;
    assert_eq!((s, err["error"]["code"].as_str()), (422, Some("own_post")));
    // A mark taken back and put again; a marked post deleted loses its mark.
    let (_, down) = mkt1.delete(&format!("/posts/{b_post}/useful")).await;
    assert_eq!(down["useful"], 0);
    let (_, up) = mkt1
        .put(&format!("/posts/{b_post}/useful"), json!({}))
        .await;
    assert_eq!(up["useful"], 1);
    let (s, _) = mkt1.delete(&format!("/posts/{mkt1_reply}")).await;
    assert!(s < 300, "{s}");
    let (s, _) = mkt1
        .put(
            &format!("/ideas/{}/status", i1["id"]),
            json!({"status": "planned", "response": "Next quarter"}),
        )
        .await;
    assert_eq!(s, 200);

    // Spread over a month and a half: rep1's reply 12 days ago, rep2's
    // idea 45 days ago (outside the default 30 days).
    let rep1_reply: i64 = {
        let (_, t) = rep2.get(&format!("/threads/{b}")).await;
        t["post"]["replies"][0]["id"].as_i64().unwrap()
    };
    app.with_conn(|c| {
        use diesel::RunQueryDsl;
        let ago =
            |d: i64| (chrono::Utc::now().naive_utc() - chrono::TimeDelta::days(d)).to_string();
        let posts = format!(
            "UPDATE posts SET created_at = '{}' WHERE id = {rep1_reply}",
            ago(12)
        );
        let ideas = format!(
            "UPDATE ideas SET created_at = '{}' WHERE id = {}",
            ago(45),
            i2["id"]
        );
        for sql in [posts, ideas] {
            diesel::sql_query(sql).execute(c).unwrap();
        }
    });
    let twelve_ago = (chrono::Utc::now().date_naive() - chrono::Days::new(12)).to_string();
    let (_, that_day) = rep1
        .get(&format!("/me/impact?from={twelve_ago}&to={twelve_ago}"))
        .await;
    assert_eq!(
        (that_day["replies"].as_i64(), that_day["threads"].as_i64()),
        (Some(1), Some(0)),
        "{that_day}"
    );

    // The rep's own figures; another user's id in the query changes nothing.
    let (s, me) = rep1.get(&format!("/me/impact?user_id={}", r2.id)).await;
    assert_eq!(s, 200, "{me}");
    let expected = json!({"threads": 1, "replies": 1, "reports": 1, "ideas": 1, "useful_marks": 2,
        "read_by_marketing": 3, "marketing_replies": 1, "ideas_adopted": 1});
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&me[k], v, "{k} in {me}");
    }
    let (_, later) = rep1.get("/me/impact?from=2030-01-01&to=2030-01-31").await;
    assert_eq!(later["threads"], 0);
    let (s, _) = rep1.get("/me/impact?from=yesterday").await;
    assert_eq!(s, 422);

    // Managers' figures: per user and per team, JSON and CSV.
    let (s, _) = rep1.get("/stats/contributors").await;
    assert_eq!(s, 403, "a rep never sees another's figures");
    let (s, list) = mkt1.get("/stats/contributors").await;
    assert_eq!(s, 200, "{list}");
    let want = |email: &str, v: Value| {
        let got = row(&list, email);
        for (k, n) in v.as_object().unwrap() {
            assert_eq!(&got[k], n, "{email}: {k} in {got}");
        }
    };
    want(
        "rep1@example.com",
        json!({"team": "North", "threads": 1, "replies": 1, "reports": 1, "ideas": 1,
        "votes": 1, "useful_marks": 2, "read_by_marketing": 3, "ideas_adopted": 1, "days_active": 2}),
    );
    want(
        "rep2@example.com",
        json!({"team": "North", "threads": 1, "replies": 0, "reports": 0, "ideas": 0,
        "votes": 0, "useful_marks": 1, "read_by_marketing": 1, "ideas_adopted": 0, "days_active": 1}),
    );
    want(
        "rep3@example.com",
        json!({"team": "South", "threads": 0, "useful_marks": 0, "days_active": 0}),
    );
    want(
        "mkt1@example.com",
        json!({"team": null, "replies": 0, "useful_marks": 0}),
    );
    want("mkt2@example.com", json!({"replies": 1, "useful_marks": 0}));
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["user"]["email"] != "system@grapevine.invalid"));
    let north = list["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team"] == "North")
        .unwrap();
    assert_eq!(
        (
            north["users"].as_i64(),
            north["threads"].as_i64(),
            north["useful_marks"].as_i64()
        ),
        (Some(2), Some(2), Some(3))
    );
    let res = mkt1
        .client
        .get(format!(
            "{}/api/v1/stats/contributors?format=csv",
            mkt1.base
        ))
        .bearer_auth(&mkt1.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "user_id",
            "name",
            "email",
            "team",
            "threads",
            "replies",
            "reports",
            "ideas",
            "votes",
            "useful_marks",
            "read_by_marketing",
            "ideas_adopted",
            "days_active"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let rep3_row = rows.iter().find(|r| r[2] == "rep3@example.com").unwrap();
    assert_eq!(rep3_row[1], "'=HYPERLINK(1)");
    let rep1_row = rows.iter().find(|r| r[2] == "rep1@example.com").unwrap();
    assert_eq!(
        &rep1_row[3..],
        ["North", "1", "1", "1", "1", "1", "2", "3", "1", "2"]
    );
    let sixty_ago = (chrono::Utc::now().date_naive() - chrono::Days::new(60)).to_string();
    let (_, wider) = mkt1
        .get(&format!("/stats/contributors?from={sixty_ago}"))
        .await;
    assert_eq!(
        row(&wider, "rep2@example.com")["ideas"],
        1,
        "the idea of 45 days ago"
    );
    // The mark reached the rep's bell.
    wait_until(
        std::time::Duration::from_secs(10),
        "the useful notification",
        || async {
            let (_, n) = rep1.get("/me/notifications").await;
            n.to_string().contains("\"useful\"")
        },
    )
    .await;
}

async fn the_impact_and_contributors_pages_show_the_figures(db: Db) {
    let app = spawn_app(db).await;
    let (rep, rep_user) = app.signed_in("rep@example.com", Role::Rep).await;
    let (mkt, _) = app.signed_in("mkt@example.com", Role::Marketer).await;
    let token = grapevine::models::tokens::create(&mut app.conn(), rep_user.id).unwrap();
    let rep_api = Api {
        base: app.address.clone(),
        token,
        client: api_client(),
    };
    let thread = rep_api
        .thread("customers", "Acme's buyer left", "Big news")
        .await;
    let (_, html) = app.get_html(&mkt, &format!("/t/{thread}")).await;
    let post = opening(&rep_api, thread).await;
    let res = app
        .post_form(
            &mkt,
            &format!("/t/{thread}"),
            &format!("/posts/{post}/useful"),
            &[("useful", "1")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        html.contains("mark-useful"),
        "the button is offered to marketing"
    );
    // The thread page shows who marked it, to the rep too; the rep has no button.
    let (_, page) = app.get_html(&rep, &format!("/t/{thread}")).await;
    assert!(
        page.contains("Useful to marketing: User mkt@example.com"),
        "{page}"
    );
    assert!(!page.contains("mark-useful"));
    let (status, page) = app.get_html(&rep, "/impact").await;
    assert_eq!(status, 200);
    assert_eq!(
        texts(&page, "#impact tr[data-row=threads] td"),
        ["1", "1", "1"]
    );
    assert_eq!(
        texts(&page, "#impact tr[data-row=read_by_marketing] td"),
        ["1", "1", "1"]
    );
    assert!(texts(&page, "#timeline li")[0].contains("marked useful by User mkt@example.com"));
    let (status, _) = app.get_html(&rep, "/stats").await;
    assert_eq!(status, 403);
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    let res = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{}/team", rep_user.id),
            &[("team", " East ")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, users_page) = app.get_html(&admin, "/admin/users").await;
    assert!(
        users_page.contains("value=\"East\""),
        "the team shows on the users page"
    );
    let res = app
        .post_form(
            &mkt,
            "/settings",
            &format!("/admin/users/{}/team", rep_user.id),
            &[("team", "West")],
        )
        .await;
    assert_eq!(res.status(), 403, "only admins set teams");
    let (status, page) = app.get_html(&mkt, "/stats?sort=useful_marks").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"weekly-chart\""));
    let first = texts(&page, "#contributors tbody th");
    assert_eq!(first[0], "User rep@example.com", "sorted by useful marks");
    assert_eq!(
        texts(&page, "#contributors tbody tr:first-child td")[0],
        "East"
    );
}

async fn browser_marketing_marks_a_post_useful_and_the_rep_sees_it_live(db: Db) {
    use crate::browser::{click, sign_in, Browser};
    let app = spawn_app(db).await;
    let (rep_api, _) = app.api_user("rep@example.com", Role::Rep);
    app.create_user("mkt@example.com", Role::Marketer);
    let thread = rep_api
        .thread("competitors", "RivalCo cut prices by 10%", "Seen at Acme")
        .await;
    let phone = Browser::start(390).await;
    let p = &phone;
    sign_in(p, &app, "rep@example.com").await;
    p.client
        .execute("window.__noReload = true", vec![])
        .await
        .unwrap();
    let desk = Browser::start(1024).await;
    let d = &desk;
    sign_in(d, &app, "mkt@example.com").await;
    d.client
        .goto(&app.url(&format!("/t/{thread}")))
        .await
        .unwrap();
    click(d, "article.opening form.mark-useful button").await;
    d.wait_for("article.opening .badge.useful").await;
    wait_until(
        std::time::Duration::from_secs(10),
        "the rep's bell",
        || async { p.text_of("#menu-count").await == "1" },
    )
    .await;
    assert_eq!(
        p.client
            .execute("return window.__noReload === true", vec![])
            .await
            .unwrap(),
        json!(true),
        "the bell rose live"
    );
    p.client.goto(&app.url("/impact")).await.unwrap();
    p.wait_for("#timeline li[data-what=useful]").await;
    assert!(p
        .text_of("#timeline")
        .await
        .contains("marked useful by User mkt@example.com"));
    p.screenshot("impact-390").await;
    // The manager's page: the chart, and the CSV behind its link.
    d.client.goto(&app.url("/stats")).await.unwrap();
    d.wait_for("#weekly-chart rect").await;
    d.screenshot("stats-1024").await;
    let csv = d
        .client
        .execute_async(
            "var done = arguments[arguments.length - 1]; fetch(document.getElementById('stats-csv').href).then(function (r) { return r.text(); }).then(done);",
            vec![],
        )
        .await
        .unwrap();
    let text = csv.as_str().unwrap();
    assert!(
        text.starts_with("user_id,name,email,team,threads"),
        "{text}"
    );
    assert!(text.contains("rep@example.com"));
    phone.close().await;
    desk.close().await;
}
