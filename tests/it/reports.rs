//! Report forms ("grids") and the reports filed with them: definitions,
//! every question type, one 422 for every wrong answer and nothing written,
//! figures and CSV that match what was filed and only what the caller may
//! read, and `client_id` replays.

use grapevine::domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

db_test!(
    forms_are_defined_by_marketing_and_filed_with_every_type,
    wrong_answers_are_one_422_and_write_nothing,
    figures_and_csv_match_what_was_filed,
    a_replayed_report_is_filed_once_per_user,
    pages_file_a_report_and_show_figures_to_marketing_only,
);

fn every_type() -> Value {
    json!({
        "title": "Shop visit",
        "category": "customers",
        "kind": "pricing",
        "translations": {"fr": {"title": "Visite en magasin", "questions": {"shelf": {"label": "En rayon", "options": {"Top": "Haut"}}}}},
        "questions": [
            {"key": "promo", "label": "Promotion running", "type": "check"},
            {"key": "shelf", "label": "Shelf", "type": "choice", "options": ["Top", "Middle", "Bottom"], "required": true},
            {"key": "channels", "label": "Channels", "type": "choices", "options": ["Web", "Shop", "Phone"]},
            {"key": "price", "label": "Price", "type": "number", "required": true},
            {"key": "note", "label": "Note", "type": "text"},
            {"key": "account", "label": "Account", "type": "account", "required": true},
            {"key": "rival", "label": "Competitor", "type": "competitor"}
        ]
    })
}

/// A marketer with a form of every type, an account and a competitor.
async fn setup(app: &TestApp) -> Api {
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (status, form) = mkt.put("/report-forms/shop-visit", every_type()).await;
    assert_eq!(status, 201, "{form}");
    let (status, a) = mkt
        .put("/accounts/ACME-1", json!({"name": "Acme Corp"}))
        .await;
    assert_eq!(status, 201, "{a}");
    let (status, c) = mkt
        .put("/competitors/globex", json!({"name": "Globex"}))
        .await;
    assert_eq!(status, 201, "{c}");
    mkt
}

async fn forms_are_defined_by_marketing_and_filed_with_every_type(db: Db) {
    let app = spawn_app(db).await;
    let mkt = setup(&app).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    // A fresh install ships forms, in English and French.
    let (status, forms) = rep.get("/report-forms").await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = forms
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    for shipped in [
        "competitor-price",
        "customer-request",
        "lost-deal",
        "shop-visit",
    ] {
        assert!(keys.contains(&shipped), "{keys:?}");
    }
    let price = forms
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "competitor-price")
        .unwrap();
    assert_eq!(price["translations"]["fr"]["title"], "Prix concurrent");
    assert!(price["questions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["type"] == "competitor"));
    // Reps may not define forms; a broken definition names each fault.
    let (status, _) = rep.put("/report-forms/mine", every_type()).await;
    assert_eq!(status, 403);
    let (status, err) = mkt
        .put(
            "/report-forms/broken",
            json!({"title": "", "questions": [
                {"key": "Bad Key", "label": "x", "type": "text"},
                {"key": "one", "label": "One", "type": "choice", "options": ["only"]},
                {"key": "one", "label": "Again", "type": "number", "options": ["no"]}
            ]}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    let fields = &err["error"]["fields"];
    for f in [
        "title",
        "questions[0].key",
        "questions[1].options",
        "questions[2].key",
        "questions[2].options",
    ] {
        assert!(fields.get(f).is_some(), "{f} in {err}");
    }
    let (status, _) = mkt.get("/report-forms/broken/answers").await;
    assert_eq!(status, 404, "a refused form is not written");
    // Filing with every type.
    let (status, t) = rep
        .post(
            "/threads",
            json!({"form": "shop-visit", "answers": {
                "promo": true, "shelf": "Top", "channels": ["Shop", "Web", "Shop"],
                "price": "12,5", "note": "  end   of aisle ", "account": "ACME-1", "rival": "Globex"
            }}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["category"], "customers");
    assert_eq!(t["kind"], "pricing");
    let title = t["title"].as_str().unwrap();
    assert!(title.starts_with("Shop visit: "), "{title}");
    assert!(
        title.contains("Globex") && title.contains("Acme Corp") && title.contains("12.5"),
        "{title}"
    );
    assert_eq!(t["accounts"], json!(["ACME-1"]));
    assert_eq!(t["competitors"], json!(["globex"]));
    let answers = t["report"]["answers"].as_array().unwrap();
    assert_eq!(t["report"]["form"], "shop-visit");
    let value = |k: &str| {
        answers
            .iter()
            .find(|a| a["key"] == k)
            .map(|a| a["value"].clone())
    };
    assert_eq!(value("promo"), Some(json!(true)));
    assert_eq!(value("shelf"), Some(json!("Top")));
    assert_eq!(
        value("channels"),
        Some(json!(["Web", "Shop"])),
        "in the form's order, once"
    );
    assert_eq!(value("price"), Some(json!(12.5)));
    assert_eq!(value("note"), Some(json!("end of aisle")));
    assert_eq!(value("account"), Some(json!("ACME-1")));
    assert_eq!(value("rival"), Some(json!("globex")));
    // The answers read as a table in the post, under nothing else.
    let html = t["post"]["body_html"].as_str().unwrap();
    assert!(
        html.contains("<table>") && html.contains("Acme Corp") && html.contains("end of aisle"),
        "{html}"
    );
    // An unanswered check is false; a title and words of one's own are kept.
    let (status, t2) = rep
        .post(
            "/threads",
            json!({"form": "shop-visit", "title": "Acme shelf check", "body": "Manager says it lasts a month",
                   "answers": {"shelf": "Bottom", "price": 9, "account": "ACME-1"}}),
        )
        .await;
    assert_eq!(status, 201, "{t2}");
    assert_eq!(t2["title"], "Acme shelf check");
    let a2 = t2["report"]["answers"].as_array().unwrap();
    assert_eq!(
        a2.iter().find(|a| a["key"] == "promo").unwrap()["value"],
        json!(false)
    );
    assert!(
        a2.iter().all(|a| a["key"] != "note"),
        "an unanswered text is not an answer"
    );
    assert!(t2["post"]["body_html"]
        .as_str()
        .unwrap()
        .starts_with("<p>Manager says it lasts a month</p>"));
    // Editing the form never changes a filed report.
    let mut edited = every_type();
    edited["questions"] =
        json!([{"key": "price", "label": "Shelf price", "type": "number", "required": true}]);
    let (status, _) = mkt.put("/report-forms/shop-visit", edited).await;
    assert_eq!(status, 200);
    let (_, again) = rep.get(&format!("/threads/{}", t["id"])).await;
    assert_eq!(again["report"], t["report"]);
    // A plain thread has no report, and answers need a form.
    let plain = rep.thread("customers", "Plain words", "No grid").await;
    let (_, p) = rep.get(&format!("/threads/{plain}")).await;
    assert!(p.get("report").is_none(), "{p}");
    let (status, _) = rep
        .post(
            "/threads",
            json!({"category": "customers", "title": "Odd", "body": "x", "answers": {"a": 1}}),
        )
        .await;
    assert_eq!(status, 422);
}

async fn thread_count(api: &Api) -> usize {
    let (_, list) = api.get("/threads").await;
    list["items"].as_array().unwrap().len()
}

async fn wrong_answers_are_one_422_and_write_nothing(db: Db) {
    let app = spawn_app(db).await;
    let mkt = setup(&app).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let before = thread_count(&mkt).await;
    let (status, err) = rep
        .post(
            "/threads",
            json!({"form": "shop-visit", "answers": {
                "promo": "yes", "shelf": "Roof", "channels": ["Fax"], "note": "x".repeat(201),
                "account": "GONE-9", "rival": "nobody", "colour": "red"
            }}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    let fields = err["error"]["fields"].as_object().unwrap();
    for key in [
        "promo", "shelf", "channels", "price", "note", "account", "rival", "colour",
    ] {
        assert!(
            fields.contains_key(&format!("answers.{key}")),
            "{key} in {err}"
        );
        assert!(err["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&format!("answers.{key}")));
    }
    assert_eq!(fields["answers.price"], "This answer is required.");
    assert_eq!(thread_count(&mkt).await, before, "nothing written");
    let (_, figures) = mkt.get("/report-forms/shop-visit/answers").await;
    assert_eq!(figures["count"], 0, "{figures}");
    // An unknown form, and a wrong answer next to a wrong category.
    let (status, err) = rep
        .post("/threads", json!({"form": "nope", "answers": {}}))
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("unknown_form"))
    );
    let (status, _) = rep
        .post(
            "/threads",
            json!({"form": "shop-visit", "category": "marketing-only",
               "answers": {"shelf": "Top", "price": 1, "account": "ACME-1"}}),
        )
        .await;
    assert_eq!(status, 404, "a category the rep cannot read does not exist");
    assert_eq!(thread_count(&mkt).await, before);
}

async fn figures_and_csv_match_what_was_filed(db: Db) {
    let app = spawn_app(db).await;
    let mkt = setup(&app).await;
    let (rep, rep_user) = app.api_user("rep@example.com", Role::Rep);
    let (status, _) = mkt.put("/accounts/BETA-2", json!({"name": "Beta"})).await;
    assert_eq!(status, 201);
    let filed = [
        json!({"promo": true, "shelf": "Top", "channels": ["Web", "Shop"], "price": 10, "note": "=HYPERLINK(\"x\")", "account": "ACME-1", "rival": "globex"}),
        json!({"shelf": "Top", "channels": ["Web"], "price": 20.5, "account": "BETA-2"}),
        json!({"promo": true, "shelf": "Bottom", "price": -3, "account": "ACME-1"}),
    ];
    let mut ids = Vec::new();
    for answers in &filed {
        let (status, t) = rep
            .post(
                "/threads",
                json!({"form": "shop-visit", "answers": answers}),
            )
            .await;
        assert_eq!(status, 201, "{t}");
        ids.push(t["id"].as_i64().unwrap());
    }
    // A hidden report does not count.
    let (status, hidden) = rep
        .post("/threads", json!({"form": "shop-visit", "answers": {"shelf": "Middle", "price": 999, "account": "ACME-1"}}))
        .await;
    assert_eq!(status, 201);
    let (status, _) = mkt
        .post(
            &format!("/threads/{}/moderation", hidden["id"]),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, f) = mkt.get("/report-forms/shop-visit/answers").await;
    assert_eq!(status, 200, "{f}");
    assert_eq!(f["form"], "shop-visit");
    assert_eq!(f["count"], 3, "{f}");
    let q = |k: &str| {
        f["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(q("promo")["counts"], json!({"true": 2, "false": 1}));
    assert_eq!(
        q("shelf")["counts"],
        json!({"Top": 2, "Middle": 0, "Bottom": 1})
    );
    assert_eq!(
        q("channels")["counts"],
        json!({"Web": 2, "Shop": 1, "Phone": 0})
    );
    assert_eq!(q("price")["min"], json!(-3.0));
    assert_eq!(q("price")["max"], json!(20.5));
    assert!((q("price")["mean"].as_f64().unwrap() - 27.5 / 3.0).abs() < 1e-9);
    assert_eq!(q("note")["answered"], 1);
    assert_eq!(q("account")["counts"], json!({"ACME-1": 2, "BETA-2": 1}));
    assert_eq!(q("rival")["counts"], json!({"globex": 1}));
    // Filters and periods.
    let (_, by_account) = mkt
        .get("/report-forms/shop-visit/answers?account=BETA-2")
        .await;
    assert_eq!(by_account["count"], 1);
    let (_, by_rival) = mkt
        .get("/report-forms/shop-visit/answers?competitor=globex")
        .await;
    assert_eq!(by_rival["count"], 1);
    app.with_conn(|c| grapevine::models::users::set_team(c, rep_user.id, Some("North")).unwrap());
    let (_, north) = mkt.get("/report-forms/shop-visit/answers?team=North").await;
    assert_eq!(north["count"], 3);
    let (_, south) = mkt.get("/report-forms/shop-visit/answers?team=South").await;
    assert_eq!(south["count"], 0);
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let (_, later) = mkt
        .get(&format!(
            "/report-forms/shop-visit/answers?from={tomorrow}&to={tomorrow}"
        ))
        .await;
    assert_eq!(later["count"], 0);
    let (status, err) = mkt
        .get("/report-forms/shop-visit/answers?from=2026-13-01")
        .await;
    assert_eq!(status, 422, "{err}");
    // Answers are for marketing.
    let (status, _) = rep.get("/report-forms/shop-visit/answers").await;
    assert_eq!(status, 403);
    let (status, _) = rep.get("/report-forms/shop-visit/answers?format=csv").await;
    assert_eq!(status, 403);
    // The CSV: one row a report, cells safe for a spreadsheet.
    let res = mkt
        .client
        .get(format!(
            "{}/api/v1/report-forms/shop-visit/answers?format=csv",
            mkt.base
        ))
        .bearer_auth(&mkt.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "thread_id",
            "created_at",
            "author",
            "promo",
            "shelf",
            "channels",
            "price",
            "note",
            "account",
            "rival"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert_eq!(rows[0][0], ids[0].to_string());
    assert!(!rows[0][2].is_empty(), "the author's name");
    assert_eq!(
        &rows[0][3..],
        [
            "true",
            "Top",
            "Web; Shop",
            "10",
            "'=HYPERLINK(\"x\")",
            "ACME-1",
            "globex"
        ]
    );
    assert_eq!(
        &rows[1][3..],
        ["false", "Top", "Web", "20.5", "", "BETA-2", ""]
    );
    assert_eq!(rows[2][6], "'-3");
    assert!(!text.contains("999"), "the hidden report is left out");
}

async fn a_replayed_report_is_filed_once_per_user(db: Db) {
    let app = spawn_app(db).await;
    let mkt = setup(&app).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (other, _) = app.api_user("other@example.com", Role::Rep);
    let report = json!({"form": "shop-visit", "client_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                        "answers": {"shelf": "Top", "price": 5, "account": "ACME-1"}});
    let (s1, first) = rep.post("/threads", report.clone()).await;
    let (s2, second) = rep.post("/threads", report.clone()).await;
    assert_eq!((s1, s2), (201, 200), "{first} {second}");
    assert_eq!(first["id"], second["id"]);
    assert_eq!(second["report"], first["report"]);
    let (s3, theirs) = other.post("/threads", report).await;
    assert_eq!(s3, 201);
    assert_ne!(theirs["id"], first["id"]);
    let (_, f) = mkt.get("/report-forms/shop-visit/answers").await;
    assert_eq!(f["count"], 2, "{f}");
}

async fn pages_file_a_report_and_show_figures_to_marketing_only(db: Db) {
    let app = spawn_app(db).await;
    let mkt_api = setup(&app).await;
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;
    let (mkt, _) = app.signed_in("boss@example.com", Role::Marketer).await;
    // The kinds of report, then the grid.
    let (status, html) = app.get_html(&rep, "/report").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/report/competitor-price\"") && html.contains("Shop visit"),
        "{html}"
    );
    let (status, html) = app.get_html(&rep, "/report/shop-visit").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"a.shelf\"") && html.contains("value=\"Middle\""));
    assert!(html.contains("Acme Corp") || html.contains("data-account-search"));
    // Without JavaScript: each error beside its question, answers kept.
    let res = app
        .post_form(
            &rep,
            "/report/shop-visit",
            "/report/shop-visit",
            &[
                ("a.shelf", "Top"),
                ("a.price", "cheap"),
                ("a.channels", "Web"),
                ("a.channels", "Phone"),
                ("a.account", "ACME-1"),
                ("body", "Kept words"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    let error = texts(&html, "#err-price");
    assert_eq!(error, ["Enter a number, like 1299 or 12.5."], "{html}");
    assert!(texts(&html, "#err-shelf").iter().all(|t| t.is_empty()));
    assert!(html.contains("Kept words"));
    assert!(
        html.contains("value=\"Phone\" checked"),
        "the picked channels stay picked"
    );
    assert_eq!(thread_count(&mkt_api).await, 0);
    let res = app
        .post_form(
            &rep,
            "/report/shop-visit",
            "/report/shop-visit",
            &[
                ("a.shelf", "Top"),
                ("a.price", "7"),
                ("a.promo", "true"),
                ("a.account", "ACME-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/t/"), "{to}");
    let (_, page) = app.get_html(&rep, &to).await;
    assert!(page.contains("<table>") && page.contains("Acme Corp"));
    // The figures page is for marketing.
    let (status, _) = app.get_html(&rep, "/reports/shop-visit").await;
    assert_eq!(status, 403);
    let (status, html) = app.get_html(&mkt, "/reports/shop-visit").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#figures-count"), ["1 report"]);
    assert!(html.contains("<svg class=\"bars\""));
    assert!(html.contains("format=csv"));
    // The share target keeps a shared photo as the rep's own upload.
    let photo = crate::uploads::corpus("orientation/portrait_6.jpg");
    let form = reqwest::multipart::Form::new()
        .text("text", "From the fair")
        .part(
            "files",
            reqwest::multipart::Part::bytes(photo)
                .file_name("b.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = rep
        .post(app.url("/report/share"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to.starts_with("/report?files=") && to.contains("From+the+fair"),
        "{to}"
    );
    let id = to
        .trim_start_matches("/report?files=")
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let (status, _) = app.get_html(&rep, &format!("/files/{id}")).await;
    assert_eq!(status, 200);
    let (status, _) = app.get_html(&mkt, &format!("/files/{id}")).await;
    assert_eq!(status, 404, "an unattached share is its sharer's alone");
}
