use std::net::TcpListener;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use grapevine::config::Settings;
use grapevine::db::{self, DbConn, Pool};
use grapevine::domain::{Email, NewPassword, PersonName, Role};
use grapevine::models::users::{self, NewUser, User};
use grapevine::startup::{Application, RunOptions};
use rand::Rng;

pub const PG_ENV: &str = "GRAPEVINE_TEST_DATABASE_URL";
pub const PASSWORD: &str = "correct horse battery";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates `mod NAME { sqlite, postgres }` running `async fn NAME(db: Db)`
/// on each database. The PostgreSQL run is ignored unless asked for.
macro_rules! db_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }
            #[actix_web::test]
            #[ignore = "needs PostgreSQL: set GRAPEVINE_TEST_DATABASE_URL (.ci/run does)"]
            async fn postgres() {
                super::$name($crate::helpers::Db::Postgres).await
            }
        }
    )+};
}

/// Like `db_test!` for tests that also need Chromium and chromedriver: both
/// runs are ignored unless asked for.
macro_rules! browser_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            #[ignore = "needs chromium and chromedriver (.ci/run installs them)"]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }
            #[actix_web::test]
            #[ignore = "needs chromium, chromedriver and PostgreSQL (.ci/run provides them)"]
            async fn postgres() {
                super::$name($crate::helpers::Db::Postgres).await
            }
        }
    )+};
}

/// A free port never handed out before in this process: tests running in
/// parallel must not start their SMTP servers on the same port.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap();
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
}

/// A fresh, empty database of the requested kind.
pub fn fresh_database(db: Db) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match db {
        Db::Sqlite => format!("sqlite://{}", dir.path().join("grapevine.db").display()),
        Db::Postgres => {
            let admin = std::env::var(PG_ENV).unwrap_or_else(|_| {
                panic!("{PG_ENV} must point at a PostgreSQL server for this test")
            });
            let name = format!("gv_test_{:016x}", rand::thread_rng().gen::<u64>());
            let mut conn =
                diesel::PgConnection::establish(&admin).expect("connect to test PostgreSQL");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create test database");
            let (base, query) = match admin.split_once('?') {
                Some((b, q)) => (b.to_string(), format!("?{q}")),
                None => (admin.clone(), String::new()),
            };
            let cut = base
                .rfind('/')
                .filter(|&i| i > "postgres://".len())
                .unwrap_or(base.len());
            format!("{}/{name}{query}", &base[..cut])
        }
    };
    TestDb { url, dir }
}

pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub setup_link: Option<String>,
    pub db: TestDb,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_on(fresh_database(db)).await
}

/// Another instance on the same database as `other` (several instances
/// behind a load balancer).
pub async fn spawn_second_instance(other: &TestApp) -> TestApp {
    let db = TestDb {
        url: other.db.url.clone(),
        dir: tempfile::tempdir().unwrap(),
    };
    spawn_app_on(db).await
}

pub async fn spawn_app_on(db: TestDb) -> TestApp {
    spawn_app_with(db, |_, _| {}).await
}

/// An app whose settings and run options a test adjusts. By default the
/// digest scheduler is off (a test runs it on purpose) and the outbox is
/// sent every 100 ms.
pub async fn spawn_app_with(
    db: TestDb,
    tune: impl FnOnce(&mut Settings, &mut RunOptions),
) -> TestApp {
    if std::env::var_os("RUST_LOG").is_some() {
        grapevine::init_tracing();
    }
    let mut settings = Settings {
        data_dir: db.dir.path().to_path_buf(),
        database_url: db.url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        base_url: "http://127.0.0.1".into(),
        smtp_url: None,
        mail_from: "grapevine@localhost".into(),
        secret_key: vec![7u8; 64],
        trusted_proxies: Vec::new(),
        uploads: Default::default(),
        auth: Default::default(),
        mail_batch: std::time::Duration::ZERO,
    };
    let mut options = RunOptions {
        workers: 2,
        handle_signals: false,
        mail_every: Duration::from_millis(100),
        digest_every: Duration::from_secs(365 * 24 * 3600),
        ..RunOptions::default()
    };
    tune(&mut settings, &mut options);
    let app = Application::build(settings, options)
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let setup_link = app
        .setup_link
        .as_ref()
        .map(|l| l.replace("http://127.0.0.1", &address));
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let pool = db::connect(&db.url, 4).expect("test pool");
    TestApp {
        address,
        pool,
        setup_link,
        db,
        handle,
    }
}

/// A client for the JSON API. Idle connections are dropped well before the
/// server's 5 s keep-alive ends, so a call after a long pause never reuses
/// a connection the server is closing at that moment.
pub fn api_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(1))
        .build()
        .unwrap()
}

/// A client with its own cookie jar that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden `_csrf` field in a page.
pub fn csrf_of(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="_csrf"]"#).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("page has a CSRF field")
        .to_string()
}

/// Texts of the elements matching a CSS selector.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().unwrap()
    }

    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        f(&mut self.conn())
    }

    pub fn create_user(&self, email: &str, role: Role) -> User {
        let new = NewUser {
            email: Email::parse(email).unwrap(),
            name: PersonName::parse(&format!("User {email}")).unwrap(),
            role,
            locale: None,
        };
        users::create(
            &mut self.conn(),
            &new,
            &NewPassword::parse(PASSWORD).unwrap(),
        )
        .unwrap()
    }

    pub async fn get_html(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> (reqwest::StatusCode, String) {
        let res = client.get(self.url(path)).send().await.unwrap();
        let status = res.status();
        (status, res.text().await.unwrap())
    }

    /// Posts a form with the CSRF token of the page at `form_page`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.get_html(client, form_page).await;
        let token = csrf_of(&html);
        let mut body: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        body.extend_from_slice(fields);
        client
            .post(self.url(action))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    /// Signs in through the real form; returns the response to the POST.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.post_form(
            client,
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// A client signed in as a new user of that role.
    pub async fn signed_in(&self, email: &str, role: Role) -> (reqwest::Client, User) {
        let user = self.create_user(email, role);
        let c = client();
        let res = self.login(&c, email, PASSWORD).await;
        assert_eq!(res.status(), 303, "sign-in redirects");
        (c, user)
    }

    pub async fn me_status(&self, client: &reqwest::Client) -> u16 {
        client
            .get(self.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

/// A client of the JSON API acting with a user's token.
pub struct Api {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl Api {
    /// Another client with the same token.
    pub fn clone_api(&self) -> Api {
        Api {
            base: self.base.clone(),
            token: self.token.clone(),
            client: self.client.clone(),
        }
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }

    /// Creates a thread and returns its id.
    pub async fn thread(&self, category: &str, title: &str, body: &str) -> i64 {
        let (status, t) = self
            .post(
                "/threads",
                serde_json::json!({"category": category, "title": title, "body": body}),
            )
            .await;
        assert_eq!(status, 201, "{t}");
        t["id"].as_i64().unwrap()
    }

    /// Replies and returns the new post's id.
    pub async fn reply(&self, thread: i64, parent: Option<i64>, body: &str) -> i64 {
        let (status, p) = self
            .post(
                &format!("/threads/{thread}/posts"),
                serde_json::json!({"body": body, "parent_id": parent}),
            )
            .await;
        assert_eq!(status, 201, "{p}");
        p["id"].as_i64().unwrap()
    }
}

impl TestApp {
    /// A new user of that role with an API token.
    pub fn api_user(&self, email: &str, role: Role) -> (Api, User) {
        let user = self.create_user(email, role);
        let token = grapevine::models::tokens::create(&mut self.conn(), user.id).unwrap();
        (
            Api {
                base: self.address.clone(),
                token,
                client: api_client(),
            },
            user,
        )
    }
}

/// Waits until `check` holds, or panics after `timeout`.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    let mut poll = actix_web::rt::time::interval(Duration::from_millis(25));
    loop {
        poll.tick().await;
        if check().await {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
    }
}
