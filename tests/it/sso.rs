//! Single sign-on against a real OpenID Connect provider (the Node
//! `oidc-provider` package, `tests/oidc/provider.mjs`, started here), over
//! plain HTTP and in Chromium; and the trusted proxy header.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use grapevine::config::{HeaderAuth, OidcSettings};
use grapevine::domain::Role;
use serde_json::json;

use crate::browser::{click, fill, Browser};
use crate::helpers::*;

/// Like `db_test!` for tests that also need Node and `oidc-provider`
/// (GRAPEVINE_TEST_OIDC_MODULES names the directory that holds its
/// node_modules).
macro_rules! oidc_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            #[ignore = "needs Node and oidc-provider (.ci/run installs it)"]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }
            #[actix_web::test]
            #[ignore = "needs Node, oidc-provider and PostgreSQL (.ci/run provides them)"]
            async fn postgres() {
                super::$name($crate::helpers::Db::Postgres).await
            }
        }
    )+};
}

oidc_test!(
    sign_in_maps_the_role_and_follows_group_changes,
    an_unverified_email_never_takes_over_an_account,
    failed_sign_ins_end_on_the_error_page_signed_out,
    a_second_instance_finishes_the_sign_in,
    password_login_off_hides_and_refuses_the_form,
    rotated_provider_keys_are_fetched_again,
);

db_test!(trusted_header_signs_in_only_from_trusted_proxies);

const ROLE_MAP: &str = "gv-admins=admin,marketing=marketer";

/// The provider, its users and its tricks in a JSON file it reads at every
/// request.
struct Provider {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    redirect_uris: Vec<String>,
}

impl Provider {
    async fn start(apps: &[&str]) -> Provider {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Provider {
            child: Command::new("true").spawn().unwrap(),
            port: free_port(),
            dir,
            redirect_uris: apps
                .iter()
                .map(|a| format!("{a}/login/oidc/callback"))
                .collect(),
        };
        p.set(json!({
            "users": {
                "alice": {"email": "alice@example.com", "email_verified": true, "name": "Alice Martin", "groups": ["marketing"]},
            },
            "tamper": null,
        }));
        p.launch(apps).await;
        p
    }

    async fn launch(&mut self, apps: &[&str]) {
        let modules = std::env::var("GRAPEVINE_TEST_OIDC_MODULES").expect(
            "GRAPEVINE_TEST_OIDC_MODULES names the directory holding node_modules/oidc-provider",
        );
        let logout: Vec<String> = apps.iter().map(|a| format!("{a}/login")).collect();
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child =
            Command::new(std::env::var("GRAPEVINE_TEST_NODE").unwrap_or_else(|_| "node".into()))
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/oidc/provider.mjs"
                ))
                .env("OIDC_MODULES", modules)
                .env("OIDC_PORT", self.port.to_string())
                .env("OIDC_STATE", self.dir.path().join("state.json"))
                .env("OIDC_REDIRECT_URIS", self.redirect_uris.join(","))
                .env("OIDC_LOGOUT_URIS", logout.join(","))
                .stdout(Stdio::null())
                // Its start-up warnings (Node version, in-memory store) are noise here.
                .stderr(std::fs::File::create(self.dir.path().join("provider.log")).unwrap())
                .spawn()
                .expect("node runs");
        let port = self.port;
        let url = format!("http://127.0.0.1:{port}/.well-known/openid-configuration");
        let client = reqwest::Client::new();
        wait_until(Duration::from_secs(30), "the provider to listen", || {
            let (client, url) = (client.clone(), url.clone());
            async move {
                client
                    .get(&url)
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200)
            }
        })
        .await;
    }

    fn set(&self, state: serde_json::Value) {
        let tmp = self.dir.path().join("state.tmp");
        std::fs::write(&tmp, state.to_string()).unwrap();
        std::fs::rename(tmp, self.dir.path().join("state.json")).unwrap();
    }

    fn state(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.dir.path().join("state.json")).unwrap()).unwrap()
    }

    fn put_user(&self, login: &str, user: serde_json::Value) {
        let mut s = self.state();
        s["users"][login] = user;
        self.set(s);
    }

    fn tamper(&self, how: Option<&str>) {
        let mut s = self.state();
        s["tamper"] = json!(how);
        self.set(s);
    }

    fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn settings(&self, role_map: &str) -> OidcSettings {
        OidcSettings {
            issuer: self.issuer(),
            client_id: "grapevine".into(),
            client_secret: Some("grapevine-test-secret".into()),
            display_name: "Test ID".into(),
            extra_scopes: vec!["groups".into()],
            role_claim: "groups".into(),
            role_map: grapevine::config::parse_role_map(role_map).unwrap(),
        }
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An app on a port known in advance (the provider must know its redirect
/// URI), signing in through `provider`.
async fn app_for(db: TestDb, port: u16, oidc: OidcSettings, password_login: bool) -> TestApp {
    spawn_app_with(db, move |s, _| {
        s.bind = format!("127.0.0.1:{port}").parse().unwrap();
        s.base_url = format!("http://127.0.0.1:{port}");
        s.auth.oidc = Some(oidc);
        s.auth.password_login = password_login;
    })
    .await
}

/// A browser without one: a cookie jar and no automatic redirects, so each
/// hop can be looked at.
fn agent() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(res: &reqwest::Response, base: &str) -> String {
    let loc = res
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("no Location on a {} answer", res.status()))
        .to_str()
        .unwrap();
    url::Url::parse(base)
        .unwrap()
        .join(loc)
        .unwrap()
        .to_string()
}

/// Starts a sign-in at `app` and goes through the provider as `login`
/// (`None`: presses Cancel); returns the callback URL the provider sends
/// the browser to, not yet followed.
async fn through_provider(agent: &reqwest::Client, app: &TestApp, login: Option<&str>) -> String {
    let res = agent
        .get(app.url("/login/oidc?next=/ideas"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "/login/oidc sends to the provider");
    let mut url = location(&res, &app.address);
    assert!(url.contains("code_challenge="), "PKCE is used: {url}");
    for _ in 0..10 {
        if url.contains("/login/oidc/callback") {
            return url;
        }
        let res = agent.get(&url).send().await.unwrap();
        if res.status().is_redirection() {
            url = location(&res, &url);
            continue;
        }
        assert_eq!(res.status(), 200, "{url}");
        let page = url.clone();
        let form = match login {
            Some(l) => vec![("login", l), ("action", "login")],
            None => vec![("action", "cancel")],
        };
        let res = agent.post(&page).form(&form).send().await.unwrap();
        assert!(
            res.status().is_redirection(),
            "the provider's form: {}",
            res.status()
        );
        url = location(&res, &page);
    }
    panic!("the provider never sent the browser back");
}

/// Follows the callback; returns its status and the page it lands on.
async fn finish(agent: &reqwest::Client, callback: &str) -> (u16, String) {
    let res = agent.get(callback).send().await.unwrap();
    let status = res.status().as_u16();
    let to = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    match to {
        Some(to) => (status, to),
        None => (status, res.text().await.unwrap()),
    }
}

async fn me(agent: &reqwest::Client, app: &TestApp) -> Option<serde_json::Value> {
    let res = agent.get(app.url("/api/v1/me")).send().await.unwrap();
    match res.status().as_u16() {
        200 => Some(res.json().await.unwrap()),
        401 => None,
        other => panic!("/api/v1/me answered {other}"),
    }
}

async fn sign_in_as(app: &TestApp, login: &str) -> (reqwest::Client, serde_json::Value) {
    let a = agent();
    let callback = through_provider(&a, app, Some(login)).await;
    let (status, to) = finish(&a, &callback).await;
    assert_eq!(
        (status, to.as_str()),
        (303, "/ideas"),
        "signed in and sent on"
    );
    let me = me(&a, app).await.expect("signed in");
    (a, me)
}

/// The audit log's entries, oldest first: action, detail, address.
fn audit_of(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    app.with_conn(|c| {
        let mut rows = grapevine::models::audit::recent(c, 100, 0).unwrap();
        rows.reverse();
        rows.into_iter()
            .map(|e| (e.action, e.detail, e.ip))
            .collect()
    })
}

async fn sign_in_maps_the_role_and_follows_group_changes(db: Db) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let idp = Provider::start(&[&base]).await;
    let app = app_for(fresh_database(db), port, idp.settings(ROLE_MAP), true).await;

    let (agent, first) = sign_in_as(&app, "alice").await;
    assert_eq!(first["role"], "marketer", "{first}");
    assert_eq!(first["email"], "alice@example.com");
    assert_eq!(first["name"], "Alice Martin");
    let local = Some("127.0.0.1".to_string());
    assert_eq!(
        audit_of(&app),
        [
            (
                "user.create".into(),
                "alice@example.com · single sign-on".into(),
                local.clone()
            ),
            (
                "user.sign_in".into(),
                "single sign-on".into(),
                local.clone()
            ),
        ]
    );

    // Signing out ends the Grapevine session and offers the provider's logout.
    let page = agent
        .get(app.url("/logout"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = agent
        .post(app.url("/logout"))
        .form(&[("_csrf", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&res, &app.address),
        app.url("/login?signed_out=sso")
    );
    assert!(me(&agent, &app).await.is_none(), "signed out");
    let login = agent
        .get(app.url("/login?signed_out=sso"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let links = texts(&login, "#provider-logout a");
    assert_eq!(links, ["Also sign out of Test ID"], "{login}");
    assert!(login.contains(&format!("{}/session/end?client_id=grapevine", idp.issuer())));

    // The provider moved Alice: the next sign-in carries it, and her name.
    idp.put_user(
        "alice",
        json!({"email": "alice@example.com", "email_verified": true, "name": "Alice Martin-Durand", "groups": ["marketing", "gv-admins"]}),
    );
    let (_, second) = sign_in_as(&app, "alice").await;
    assert_eq!(second["id"], first["id"], "the same account");
    assert_eq!(second["role"], "admin");
    assert_eq!(second["name"], "Alice Martin-Durand");
    idp.put_user(
        "alice",
        json!({"email": "alice@example.com", "email_verified": true, "name": "Alice Martin-Durand", "groups": ["sales"]}),
    );
    let (_, third) = sign_in_as(&app, "alice").await;
    assert_eq!(third["role"], "rep", "in none of the mapped groups");

    // Without a map, single sign-on never changes a role an admin set.
    let port2 = free_port();
    let base2 = format!("http://127.0.0.1:{port2}");
    let idp2 = Provider::start(&[&base2]).await;
    let app2 = app_for(fresh_database(db), port2, idp2.settings(""), true).await;
    let carol = app2.create_user("alice@example.com", Role::Marketer);
    let (_, linked) = sign_in_as(&app2, "alice").await;
    assert_eq!(linked["id"], carol.id, "a verified email links the account");
    assert_eq!(linked["role"], "marketer");
}

async fn an_unverified_email_never_takes_over_an_account(db: Db) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let idp = Provider::start(&[&base]).await;
    let app = app_for(fresh_database(db), port, idp.settings(ROLE_MAP), true).await;
    app.create_user("root@example.com", Role::Admin);
    let bob = app.create_user("bob@example.com", Role::Admin);
    idp.put_user(
        "mallory",
        json!({"email": "bob@example.com", "email_verified": false, "name": "Not Bob", "groups": []}),
    );
    let (_, mallory) = sign_in_as(&app, "mallory").await;
    assert_ne!(mallory["id"], bob.id, "a new account, not Bob's");
    assert_eq!(mallory["role"], "rep");
    let email = mallory["email"].as_str().unwrap();
    assert!(email.ends_with("@unverified.invalid"), "{email}");
    let bob_now = app.with_conn(|c| grapevine::models::users::find(c, bob.id).unwrap().unwrap());
    assert_eq!(
        (bob_now.name.as_str(), bob_now.role),
        (bob.name.as_str(), Role::Admin)
    );

    // The name: `name`, else `preferred_username`, else the email.
    idp.put_user(
        "pat",
        json!({"email": "pat@example.com", "email_verified": true, "preferred_username": "pat.m"}),
    );
    idp.put_user(
        "nn",
        json!({"email": "nn@example.com", "email_verified": true}),
    );
    assert_eq!(sign_in_as(&app, "pat").await.1["name"], "pat.m");
    assert_eq!(sign_in_as(&app, "nn").await.1["name"], "nn@example.com");
    // The same provider user signing in again is the same new account.
    let (_, again) = sign_in_as(&app, "mallory").await;
    assert_eq!(again["id"], mallory["id"]);

    // A deactivated account stays out, whatever the provider says.
    app.with_conn(|c| grapevine::models::users::set_active(c, bob.id, false).unwrap());
    idp.put_user(
        "bob",
        json!({"email": "bob@example.com", "email_verified": true, "name": "Bob", "groups": ["gv-admins"]}),
    );
    let a = agent();
    let callback = through_provider(&a, &app, Some("bob")).await;
    let (status, page) = finish(&a, &callback).await;
    assert_eq!(status, 403);
    assert_eq!(
        texts(&page, "#sso-error"),
        ["Your Grapevine account is deactivated. Ask an administrator to reactivate it."]
    );
    assert!(me(&a, &app).await.is_none());
}

async fn failed_sign_ins_end_on_the_error_page_signed_out(db: Db) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let idp = Provider::start(&[&base]).await;
    let app = app_for(fresh_database(db), port, idp.settings(ROLE_MAP), true).await;
    let expect_error = |(status, page): (u16, String), want: u16, text: &str| {
        assert_eq!(status, want, "{page}");
        assert_eq!(texts(&page, "#sso-error"), [text], "{page}");
        assert_eq!(texts(&page, "a.button"), ["Back to sign-in"]);
    };

    // A tampered state.
    let a = agent();
    let callback = through_provider(&a, &app, Some("alice")).await;
    let tampered = callback.replace("state=", "state=x");
    let state_error =
        "This sign-in link has expired or was already used. Start again from the sign-in page.";
    expect_error(finish(&a, &tampered).await, 400, state_error);
    assert!(me(&a, &app).await.is_none());
    // The state is bound to the browser that started: another one cannot use it.
    let other = agent();
    let callback = through_provider(&a, &app, Some("alice")).await;
    expect_error(finish(&other, &callback).await, 400, state_error);
    assert!(me(&other, &app).await.is_none());

    // A replayed code: the first use signs in, a second (under a fresh state) does not.
    let first = agent();
    let used = through_provider(&first, &app, Some("alice")).await;
    assert_eq!(finish(&first, &used).await.0, 303);
    let code = url::Url::parse(&used)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let second = agent();
    let fresh = through_provider(&second, &app, Some("alice")).await;
    let mut replay = url::Url::parse(&fresh).unwrap();
    let pairs: Vec<(String, String)> = replay
        .query_pairs()
        .map(|(k, v)| {
            (
                k.to_string(),
                if k == "code" {
                    code.clone()
                } else {
                    v.to_string()
                },
            )
        })
        .collect();
    replay.query_pairs_mut().clear().extend_pairs(pairs);
    expect_error(
        finish(&second, replay.as_str()).await,
        400,
        "The sign-in service refused the sign-in (it took too long, or was already used). Start again.",
    );
    assert!(me(&second, &app).await.is_none());
    // A refused callback ends the session the browser had.
    assert!(me(&first, &app).await.is_some());
    expect_error(finish(&first, &tampered).await, 400, state_error);
    assert!(
        me(&first, &app).await.is_none(),
        "no session after a refusal"
    );

    // An ID token signed by another key, then one that expired an hour ago.
    for (how, message) in [
        ("foreign-key", "The answer from the sign-in service could not be trusted, so nobody was signed in. Tell your administrator if it happens again."),
        ("expired", "The answer from the sign-in service had expired (check that this device's clock is right), so nobody was signed in. Start again."),
    ] {
        idp.tamper(Some(how));
        let a = agent();
        let callback = through_provider(&a, &app, Some("alice")).await;
        expect_error(finish(&a, &callback).await, 400, message);
        assert!(me(&a, &app).await.is_none(), "{how}");
    }
    idp.tamper(None);

    // Cancelled at the provider.
    let a = agent();
    let callback = through_provider(&a, &app, None).await;
    assert!(callback.contains("error=access_denied"), "{callback}");
    expect_error(
        finish(&a, &callback).await,
        403,
        "Sign-in was cancelled or refused at the sign-in service.",
    );
    assert!(me(&a, &app).await.is_none());

    // The provider down: a clear page, in French for a French browser.
    let port2 = free_port();
    let mut down = idp.settings(ROLE_MAP);
    down.issuer = format!("http://127.0.0.1:{}", free_port());
    let app2 = app_for(fresh_database(db), port2, down, true).await;
    let res = agent()
        .get(app2.url("/login/oidc"))
        .header("accept-language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    let page = res.text().await.unwrap();
    assert_eq!(
        texts(&page, "#sso-error"),
        ["Le service de connexion est injoignable pour le moment. Réessayez dans un instant ; si cela persiste, prévenez votre administrateur."]
    );

    // None of it created a user besides Alice.
    let names: Vec<String> = app.with_conn(|c| {
        grapevine::models::users::list(c)
            .unwrap()
            .into_iter()
            .filter(|u| !u.email.ends_with(".invalid"))
            .map(|u| u.email)
            .collect()
    });
    assert_eq!(names, ["alice@example.com"]);
}

async fn a_second_instance_finishes_the_sign_in(db: Db) {
    let (p1, p2) = (free_port(), free_port());
    let (b1, b2) = (
        format!("http://127.0.0.1:{p1}"),
        format!("http://127.0.0.1:{p2}"),
    );
    let idp = Provider::start(&[&b1, &b2]).await;
    let one = app_for(fresh_database(db), p1, idp.settings(ROLE_MAP), true).await;
    let shared = TestDb {
        url: one.db.url.clone(),
        dir: tempfile::tempdir().unwrap(),
    };
    let two = app_for(shared, p2, idp.settings(ROLE_MAP), true).await;
    let a = agent();
    // Started on the first instance; the balancer sends the callback to the second.
    let callback = through_provider(&a, &one, Some("alice")).await;
    let on_two = callback.replace(&b1, &b2);
    assert_ne!(on_two, callback);
    let (status, to) = finish(&a, &on_two).await;
    assert_eq!((status, to.as_str()), (303, "/ideas"));
    let me2 = me(&a, &two)
        .await
        .expect("signed in on the second instance");
    assert_eq!(me2["role"], "marketer");
    let me1 = me(&a, &one)
        .await
        .expect("and on the first (same session cookie)");
    assert_eq!(me1["id"], me2["id"]);
}

async fn password_login_off_hides_and_refuses_the_form(db: Db) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let idp = Provider::start(&[&base]).await;
    let app = app_for(fresh_database(db), port, idp.settings(ROLE_MAP), false).await;
    app.create_user("dave@example.com", Role::Rep);
    let a = agent();
    let page = a
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        texts(&page, "#password-login").is_empty(),
        "no password form"
    );
    assert_eq!(texts(&page, "#sso"), ["Sign in with Test ID"]);
    // The form posted anyway (with the page's CSRF token) is refused.
    let csrf = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse(r#"meta[name="csrf-token"]"#).unwrap())
        .next()
        .and_then(|m| m.value().attr("content").map(str::to_string))
        .unwrap();
    let res = a
        .post(app.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "dave@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let page = res.text().await.unwrap();
    assert_eq!(
        texts(&page, "#login-error"),
        ["Password sign-in is off here: use single sign-on."]
    );
    assert!(me(&a, &app).await.is_none());
    // Single sign-on still works, and so do API tokens.
    sign_in_as(&app, "alice").await;
    let (api, _) = app.api_user("erin@example.com", Role::Rep);
    assert_eq!(api.get("/me").await.0, 200);
}

async fn rotated_provider_keys_are_fetched_again(db: Db) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut idp = Provider::start(&[&base]).await;
    let app = app_for(fresh_database(db), port, idp.settings(ROLE_MAP), true).await;
    sign_in_as(&app, "alice").await;
    // A new provider process signs with a new key under a new kid.
    idp.launch(&[&base]).await;
    let (_, me) = sign_in_as(&app, "alice").await;
    assert_eq!(me["email"], "alice@example.com");
}

async fn trusted_header_signs_in_only_from_trusted_proxies(db: Db) {
    let header = || HeaderAuth {
        email: "x-remote-email".parse().unwrap(),
        name: Some("x-remote-name".parse().unwrap()),
    };
    let trusted = spawn_app_with(fresh_database(db), |s, _| {
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        s.auth.header = Some(header());
    })
    .await;
    // A browser behind the proxy: its page requests carry the header.
    let page = |c: &reqwest::Client, app: &TestApp, email: &str| {
        c.get(app.url("/"))
            .header("x-remote-email", email)
            .header("x-remote-name", "Field Rep")
            .header("x-forwarded-for", "203.0.113.9")
            .send()
    };
    let fiona = client();
    let res = page(&fiona, &trusted, "Fiona@Example.com").await.unwrap();
    assert_eq!(res.status(), 200);
    // It got a session like a password sign-in: the API answers to it.
    let me: serde_json::Value = fiona
        .get(trusted.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "fiona@example.com");
    assert_eq!(me["name"], "Field Rep");
    assert_eq!(me["role"], "rep", "created as a rep on first sight");
    // The audit log has the creation, from the address the proxy saw.
    assert_eq!(
        audit_of(&trusted),
        [(
            "user.create".to_string(),
            "fiona@example.com · proxy header".to_string(),
            Some("203.0.113.9".to_string())
        )]
    );
    // The JSON API itself keeps to tokens and that session, not the header.
    let bare = api_client();
    let res = bare
        .get(trusted.url("/api/v1/me"))
        .header("x-remote-email", "fiona@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // The same browser, the proxy now naming someone else: a new session as her.
    let mk = trusted.create_user("mona@example.com", Role::Marketer);
    assert_eq!(
        page(&fiona, &trusted, "mona@example.com")
            .await
            .unwrap()
            .status(),
        200
    );
    let as_mona: serde_json::Value = fiona
        .get(trusted.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (as_mona["id"].as_i64(), as_mona["role"].as_str()),
        (Some(mk.id), Some("marketer")),
        "an existing marketer keeps her role"
    );
    // A deactivated user is not signed in, header or not.
    trusted.with_conn(|c| grapevine::models::users::set_active(c, mk.id, false).unwrap());
    let fresh = client();
    let res = page(&fresh, &trusted, "mona@example.com").await.unwrap();
    assert_eq!(res.status(), 303, "sent to the sign-in page");
    assert_eq!(trusted.me_status(&fresh).await, 401);

    // From an address that is not a trusted proxy, the header is ignored.
    let untrusted = spawn_app_with(fresh_database(db), |s, _| {
        s.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
        s.auth.header = Some(header());
    })
    .await;
    let outsider = client();
    page(&outsider, &untrusted, "fiona@example.com")
        .await
        .unwrap();
    assert_eq!(untrusted.me_status(&outsider).await, 401);
    let nobody = untrusted.with_conn(|c| {
        grapevine::models::users::find_by_email(
            c,
            &grapevine::domain::Email::parse("fiona@example.com").unwrap(),
        )
        .unwrap()
    });
    assert!(nobody.is_none(), "and nobody was created");
}

browser_test!(a_browser_signs_in_through_the_provider);

async fn a_browser_signs_in_through_the_provider(db: Db) {
    if std::env::var_os("GRAPEVINE_TEST_OIDC_MODULES").is_none() {
        panic!("GRAPEVINE_TEST_OIDC_MODULES is not set (.ci/run sets it)");
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let idp = Provider::start(&[&base]).await;
    let app = app_for(fresh_database(db), port, idp.settings(ROLE_MAP), true).await;
    let b = Browser::start(390).await;
    // Cancelled first, in French: the error page speaks French and leads back.
    b.client.goto(&app.url("/lang/fr")).await.unwrap();
    b.client.goto(&app.url("/login")).await.unwrap();
    click(&b, "#sso").await;
    click(&b, "#cancel").await;
    let err = b.wait_for("#sso-error").await.text().await.unwrap();
    assert_eq!(
        err,
        "La connexion a été annulée ou refusée par le service de connexion."
    );
    b.screenshot("sso-error-fr-390").await;
    click(&b, "a.button").await;
    // Then through: the provider's page, back signed in with the mapped role.
    b.client.goto(&app.url("/lang/en")).await.unwrap();
    b.client.goto(&app.url("/login?next=/ideas")).await.unwrap();
    b.screenshot("sso-login-390").await;
    assert_eq!(
        b.wait_for("#sso").await.text().await.unwrap(),
        "Sign in with Test ID"
    );
    click(&b, "#sso").await;
    fill(&b, "#login", "alice").await;
    click(&b, "#sign-in").await;
    let landed = app.url("/ideas");
    let c = b.client.clone();
    wait_until(Duration::from_secs(10), "the ideas page, signed in", || {
        let (c, landed) = (c.clone(), landed.clone());
        async move { c.current_url().await.is_ok_and(|u| u.as_str() == landed) }
    })
    .await;
    let who = app.with_conn(|c| {
        grapevine::models::users::find_by_email(
            c,
            &grapevine::domain::Email::parse("alice@example.com").unwrap(),
        )
        .unwrap()
        .expect("created")
    });
    assert_eq!(who.role, Role::Marketer);
    b.wait_for("form[action='/logout']").await;
    b.screenshot("sso-signed-in-390").await;
    b.close().await;
}
