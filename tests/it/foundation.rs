//! Start-up, sign-in, CSRF, throttling, tokens, deactivation, authorization,
//! the error shape, languages.

use grapevine::domain::Role;
use grapevine::models::{throttle, tokens, users};
use serde_json::Value;

use crate::helpers::*;

db_test!(
    health_and_error_shape,
    first_run_setup_link_works_once,
    login_and_logout,
    csrf_is_required_on_forms,
    login_is_throttled,
    token_auth_and_wrong_token,
    deactivated_user_is_locked_out_at_once,
    authorization_matrix,
    admin_manages_users,
    sessions_last_a_month_and_end_everywhere_at_once,
    pages_speak_french,
    openapi_lists_endpoints,
);

async fn health_and_error_shape(db: Db) {
    let app = spawn_app(db).await;
    let c = client();
    let res = c.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        serde_json::json!({"status": "ok"})
    );

    for path in ["/api/v1/me", "/api/v1/does-not-exist", "/api/other"] {
        let res = c.get(app.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        assert!(matches!(status, 401 | 404), "{path}: {status}");
        let body: Value = res.json().await.unwrap();
        let code = body["error"]["code"].as_str().unwrap_or_default();
        assert_eq!(
            code,
            if status == 401 {
                "unauthorized"
            } else {
                "not_found"
            },
            "{path}"
        );
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }

    // An HTML page that does not exist gets a page, not JSON.
    let res = c.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("<h1>Page not found</h1>"));

    // Too large a body is refused with a clear status, not a crash.
    let big = "x".repeat(3 << 20);
    let res = c
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
}

async fn first_run_setup_link_works_once(db: Db) {
    let app = spawn_app(db).await;
    let link = app
        .setup_link
        .clone()
        .expect("a fresh install prints a setup link");
    let path = link.trim_start_matches(&app.address).to_string();
    assert!(path.starts_with("/setup?token="));

    let c = client();
    let (status, _) = app.get_html(&c, "/setup?token=wrong").await;
    assert_eq!(status, 404, "a wrong token does not open setup");

    let (status, html) = app.get_html(&c, &path).await;
    assert_eq!(status, 200);
    let token = path.trim_start_matches("/setup?token=");

    // Bad input is shown again with the reason, and nothing is created.
    let res = app
        .post_form(
            &c,
            &path,
            "/setup",
            &[
                ("token", token),
                ("name", "Ada"),
                ("email", "nope"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter a valid email address"), "{body}");
    assert!(body.contains("at least 10 characters"));
    assert_eq!(app.with_conn(|c| users::count(c).unwrap()), 0);
    drop(html);

    let res = app
        .post_form(
            &c,
            &path,
            "/setup",
            &[
                ("token", token),
                ("name", "Ada Admin"),
                ("email", "ada@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let me: Value = c
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["role"], "admin");

    // The link works once.
    let other = client();
    let (status, html) = app.get_html(&other, &path).await;
    assert_eq!(status, 404);
    assert!(html.contains("already been used"));
    let res = app
        .post_form(
            &other,
            "/login",
            "/setup",
            &[
                ("token", token),
                ("name", "Mallory"),
                ("email", "m@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.with_conn(|c| users::count(c).unwrap()), 1);
}

async fn login_and_logout(db: Db) {
    let app = spawn_app(db).await;
    app.create_user("rep@example.com", Role::Rep);
    let c = client();

    // Pages need a sign-in and come back to where the reader was going.
    let res = c.get(app.url("/settings")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login?next=%2Fsettings");

    let res = app.login(&c, "rep@example.com", "wrong password!").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        texts(&res.text().await.unwrap(), "#login-error"),
        ["Wrong email or password."]
    );
    assert_eq!(app.me_status(&c).await, 401);

    let res = app
        .post_form(
            &c,
            "/login?next=/settings",
            "/login",
            &[
                ("email", "REP@example.com"),
                ("password", PASSWORD),
                ("next", "/settings"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/settings");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_lowercase();
    assert!(
        cookie.contains("httponly") && cookie.contains("samesite=lax"),
        "{cookie}"
    );
    assert_eq!(app.me_status(&c).await, 200);
    let (status, home) = app.get_html(&c, "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Hello, User rep@example.com"));

    let res = app.post_form(&c, "/", "/logout", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.me_status(&c).await, 401);
}

async fn csrf_is_required_on_forms(db: Db) {
    let app = spawn_app(db).await;
    app.create_user("rep@example.com", Role::Rep);
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;

    // No token at all.
    let c = client();
    app.get_html(&c, "/login").await;
    let res = c
        .post(app.url("/login"))
        .form(&[("email", "rep@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("This form has expired"));
    assert_eq!(app.me_status(&c).await, 401, "no sign-in without the token");

    // A wrong token on a signed-in admin's state-changing form.
    let res = admin
        .post(app.url("/admin/users"))
        .form(&[
            ("_csrf", "0000"),
            ("email", "x@example.com"),
            ("name", "X"),
            ("role", "rep"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let logout = admin
        .post(app.url("/logout"))
        .form(&[("_csrf", "bad")])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 403);
    assert_eq!(app.me_status(&admin).await, 200, "still signed in");
    let found = app.with_conn(|c| {
        users::find_by_email(
            c,
            &grapevine::domain::Email::parse("x@example.com").unwrap(),
        )
        .unwrap()
    });
    assert!(found.is_none(), "nothing was created");
}

async fn login_is_throttled(db: Db) {
    let app = spawn_app(db).await;
    app.create_user("rep@example.com", Role::Rep);
    let c = client();
    for _ in 0..throttle::MAX_PER_EMAIL {
        let res = app.login(&c, "rep@example.com", "not the password").await;
        assert_eq!(res.status(), 200);
    }
    // Even the right password is refused while throttled.
    let res = app.login(&c, "rep@example.com", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Too many failed attempts"));
    assert_eq!(app.me_status(&c).await, 401);
    // Another account is not locked by the first one's failures.
    app.create_user("other@example.com", Role::Rep);
    let res = app.login(&client(), "other@example.com", PASSWORD).await;
    assert_eq!(res.status(), 303);
}

async fn token_auth_and_wrong_token(db: Db) {
    let app = spawn_app(db).await;
    let user = app.create_user("crm@example.com", Role::Marketer);
    let token = app.with_conn(|c| tokens::create(c, user.id).unwrap());
    let c = client();
    let me: Value = c
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "crm@example.com");
    assert_eq!(me["role"], "marketer");
    assert_eq!(me["id"], user.id);

    for bad in [format!("{token}x"), "gv_nope".to_string()] {
        let res = c
            .get(app.url("/api/v1/me"))
            .bearer_auth(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
    }
    let res = c
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

async fn deactivated_user_is_locked_out_at_once(db: Db) {
    let app = spawn_app(db).await;
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    let (rep, rep_user) = app.signed_in("rep@example.com", Role::Rep).await;
    let token = app.with_conn(|c| tokens::create(c, rep_user.id).unwrap());
    let bearer = |t: &str| {
        client()
            .get(app.url("/api/v1/me"))
            .bearer_auth(t.to_string())
            .send()
    };
    assert_eq!(bearer(&token).await.unwrap().status(), 200);
    assert_eq!(app.me_status(&rep).await, 200);

    let res = app
        .post_form(
            &admin,
            "/admin/users",
            &format!("/admin/users/{}/active", rep_user.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status(), 303);

    assert_eq!(
        bearer(&token).await.unwrap().status(),
        401,
        "token refused on its next request"
    );
    assert_eq!(
        app.me_status(&rep).await,
        401,
        "session refused on its next request"
    );
    let res = app.login(&client(), "rep@example.com", PASSWORD).await;
    assert_eq!(res.status(), 200, "a deactivated user cannot sign in again");

    // The last admin cannot lock everybody out.
    let admin_id = app.with_conn(|c| {
        users::find_by_email(
            c,
            &grapevine::domain::Email::parse("admin@example.com").unwrap(),
        )
        .unwrap()
        .unwrap()
        .id
    });
    app.post_form(
        &admin,
        "/admin/users",
        &format!("/admin/users/{admin_id}/active"),
        &[("active", "false")],
    )
    .await;
    assert_eq!(app.me_status(&admin).await, 200);
}

async fn authorization_matrix(db: Db) {
    let app = spawn_app(db).await;
    let anonymous = client();
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;
    let (marketer, _) = app.signed_in("mkt@example.com", Role::Marketer).await;
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    // (page, anonymous, rep, marketer, admin)
    let matrix: [(&str, u16, u16, u16, u16); 4] = [
        ("/", 303, 200, 200, 200),
        ("/settings", 303, 200, 200, 200),
        ("/admin/users", 303, 403, 403, 200),
        ("/api/v1/me", 401, 200, 200, 200),
    ];
    for (path, a, r, m, ad) in matrix {
        for (who, c, expected) in [
            ("anonymous", &anonymous, a),
            ("rep", &rep, r),
            ("marketer", &marketer, m),
            ("admin", &admin, ad),
        ] {
            let status = c.get(app.url(path)).send().await.unwrap().status().as_u16();
            assert_eq!(status, expected, "{who} GET {path}");
        }
    }
    // A rep cannot change roles, even with a valid CSRF token.
    let rep_id = app.with_conn(|c| {
        users::find_by_email(
            c,
            &grapevine::domain::Email::parse("rep@example.com").unwrap(),
        )
        .unwrap()
        .unwrap()
        .id
    });
    let res = app
        .post_form(
            &rep,
            "/settings",
            &format!("/admin/users/{rep_id}/role"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        app.with_conn(|c| users::find(c, rep_id).unwrap().unwrap().role),
        Role::Rep
    );
}

async fn admin_manages_users(db: Db) {
    let app = spawn_app(db).await;
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    let res = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", "New.Rep@Example.com"),
                ("name", "Nina Rep"),
                ("role", "rep"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, html) = app.get_html(&admin, "/admin/users").await;
    assert!(html.contains("new.rep@example.com"));
    assert!(html.contains("The user was created."));

    // Duplicate email: the form comes back with the reason.
    let res = app
        .post_form(
            &admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", "new.rep@example.com"),
                ("name", "Again"),
                ("role", "rep"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("already exists"));

    let id = app.with_conn(|c| {
        users::find_by_email(
            c,
            &grapevine::domain::Email::parse("new.rep@example.com").unwrap(),
        )
        .unwrap()
        .unwrap()
        .id
    });
    app.post_form(
        &admin,
        "/admin/users",
        &format!("/admin/users/{id}/role"),
        &[("role", "marketer")],
    )
    .await;
    assert_eq!(
        app.with_conn(|c| users::find(c, id).unwrap().unwrap().role),
        Role::Marketer
    );
    let nina = client();
    assert_eq!(
        app.login(&nina, "new.rep@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    for active in ["false", "true"] {
        let res = app
            .post_form(
                &admin,
                "/admin/users",
                &format!("/admin/users/{id}/active"),
                &[("active", active)],
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = app
        .post_form(
            &admin,
            "/admin/categories",
            "/admin/categories",
            &[
                ("slug", "trade-shows"),
                ("name", "Trade shows"),
                ("description", "Booths and brochures."),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    // Left empty, the slug is made from the name.
    let res = app
        .post_form(
            &admin,
            "/admin/categories",
            "/admin/categories",
            &[
                ("slug", ""),
                ("name", "Salons & événements"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, cats) = app.get_html(&admin, "/admin/categories").await;
    assert!(
        texts(&cats, "summary code").contains(&"salons-evenements".to_string()),
        "{cats}"
    );
    // The system account (made by the first idea) is nobody an admin manages.
    let (rep_api, _) = app.api_user("idea@example.com", Role::Rep);
    let (s, _) = rep_api
        .post(
            "/ideas",
            serde_json::json!({"title": "An idea", "body": "Opens a discussion."}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, html) = app.get_html(&admin, "/admin/users").await;
    assert!(!html.contains(grapevine::ideas::SYSTEM_EMAIL), "{html}");

    // The audit log names each change, its target and where it came from.
    let (_, html) = app.get_html(&admin, "/admin/audit").await;
    let rows = texts(&html, "table.audit tbody tr");
    let row = |needle: &str| -> String {
        rows.iter()
            .find(|r| r.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {rows:#?}"))
            .clone()
    };
    assert!(row("created an account").contains("Nina Rep <new.rep@example.com> · rep"));
    let role = row("changed a role");
    assert!(
        role.contains("rep → marketer") && role.contains("Nina Rep") && role.contains("127.0.0.1"),
        "{role}"
    );
    assert!(row("deactivated an account").contains("Nina Rep"));
    assert!(row("reactivated an account").contains("Nina Rep"));
    assert!(rows
        .iter()
        .any(|r| r.contains("created a category") && r.contains("Trade shows (trade-shows)")));
    assert!(row("signed in").contains("password"));
    assert!(
        rows.iter().all(|r| !r.contains("user.role")),
        "actions are words, not codes"
    );
    // In French too.
    let html = admin
        .get(app.url("/admin/audit"))
        .header("accept-language", "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("a changé un rôle"), "{html}");
}

async fn pages_speak_french(db: Db) {
    let app = spawn_app(db).await;
    let c = client();
    let res = c
        .get(app.url("/login"))
        .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Connexion"]);
    assert!(html.contains(r#"<html lang="fr">"#));

    // A signed-in user's own setting wins over the browser.
    let (rep, _) = app.signed_in("rep@example.com", Role::Rep).await;
    let res = app
        .post_form(&rep, "/settings", "/settings", &[("locale", "fr")])
        .await;
    assert_eq!(res.status(), 303);
    let html = rep
        .get(app.url("/"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Bonjour, User rep@example.com"), "{html}");
    let res = app
        .post_form(&rep, "/settings", "/settings", &[("locale", "klingon")])
        .await;
    assert_eq!(res.status(), 422);
}

async fn openapi_lists_endpoints(db: Db) {
    let app = spawn_app(db).await;
    let doc: Value = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/me", "/healthz", "/api/v1/openapi.json"] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
}

db_test!(digest_settings_api_and_page);

async fn digest_settings_api_and_page(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    assert_eq!(
        rep.get("/me/digest").await.1["frequency"],
        "weekly",
        "reps default to weekly"
    );
    assert_eq!(
        mkt.get("/me/digest").await.1["frequency"],
        "daily",
        "marketers default to daily"
    );
    let (status, s) = rep
        .put("/me/digest", serde_json::json!({"frequency": "daily"}))
        .await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["frequency"], "daily");
    assert_eq!(s["hour"], 7);
    let (status, s) = rep.put("/me/digest", serde_json::json!({"frequency": "off", "hour": 18, "timezone": "America/Montreal", "email_follows": false})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            s["frequency"].as_str(),
            s["hour"].as_i64(),
            s["timezone"].as_str()
        ),
        (Some("off"), Some(18), Some("America/Montreal"))
    );
    assert_eq!(s["email_follows"], false);
    let (status, err) = rep
        .put(
            "/me/digest",
            serde_json::json!({"frequency": "hourly", "timezone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!(status, 422);
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("frequency") && msg.contains("timezone"),
        "{msg}"
    );
    assert_eq!(
        rep.get("/me/digest").await.1["frequency"],
        "off",
        "a refused change writes nothing"
    );
    // Through the settings page.
    let (c, _) = app.signed_in("page@example.com", Role::Rep).await;
    let res = app
        .post_form(
            &c,
            "/settings",
            "/settings/digest",
            &[
                ("frequency", "daily"),
                ("hour", "9"),
                ("timezone", "Europe/Paris"),
                ("email_mentions", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, html) = app.get_html(&c, "/settings").await;
    let doc = scraper::Html::parse_document(&html);
    let checked = |css: &str| {
        doc.select(&scraper::Selector::parse(css).unwrap())
            .next()
            .is_some()
    };
    assert!(checked("input[name=frequency][value=daily][checked]"));
    assert!(
        checked("input[name=email_mentions][checked]")
            && !checked("input[name=email_replies][checked]")
    );
    let res = app
        .post_form(
            &c,
            "/settings",
            "/settings/digest",
            &[
                ("frequency", "daily"),
                ("hour", "9"),
                ("timezone", "Nowhere"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
}

/// A sign-in's cookie lasts the configured days (not just until the browser
/// closes); "sign out everywhere" ends every session of the user, on every
/// device, and a new sign-in works.
async fn sessions_last_a_month_and_end_everywhere_at_once(db: Db) {
    let app = spawn_app(db).await;
    app.create_user("rep@example.com", Role::Rep);
    let phone = client();
    let res = app.login(&phone, "rep@example.com", PASSWORD).await;
    assert_eq!(res.status(), 303);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("grapevine_session="))
        .expect("a session cookie");
    assert!(cookie.contains("Max-Age=2592000"), "30 days: {cookie}");
    let laptop = client();
    assert_eq!(
        app.login(&laptop, "rep@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(app.me_status(&phone).await, 200);
    assert_eq!(app.me_status(&laptop).await, 200);
    // From the laptop's settings page: every session ends, the phone's too.
    let (status, html) = app.get_html(&laptop, "/settings").await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "#logout-everywhere"), ["Sign out everywhere"]);
    let res = app
        .post_form(&laptop, "/settings", "/logout/everywhere", &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.me_status(&laptop).await, 401);
    assert_eq!(
        app.me_status(&phone).await,
        401,
        "the other device is signed out too"
    );
    // Signing in again starts a good session.
    assert_eq!(
        app.login(&phone, "rep@example.com", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(app.me_status(&phone).await, 200);

    // GRAPEVINE_SESSION_DAYS=0: the cookie ends with the browser.
    let short = spawn_app_with(fresh_database(db), |s, _| s.auth.session_days = 0).await;
    short.create_user("rep@example.com", Role::Rep);
    let c = client();
    let res = short.login(&c, "rep@example.com", PASSWORD).await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("grapevine_session="))
        .unwrap();
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "{cookie}"
    );
}
