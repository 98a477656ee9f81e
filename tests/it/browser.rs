//! Headless Chromium over WebDriver. Each test starts its own chromedriver on
//! a free port and a fresh profile directory.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use grapevine::domain::Role;

use crate::helpers::*;

pub struct Browser {
    pub client: Client,
    /// chromedriver's port, for its own commands (network conditions).
    port: u16,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens a browser window of the given width (pixels).
    pub async fn start(width: u32) -> Browser {
        let port = free_port();
        let driver =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver is installed (apt-get install chromium chromium-driver)");
        let profile = tempfile::tempdir().unwrap();
        let binary = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or("chromium");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": binary,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},900"),
                ]
            }
        });
        let mut caps: serde_json::Map<String, serde_json::Value> =
            caps.as_object().unwrap().clone();
        if width < 500 {
            // Headless windows are at least 500 px wide: emulate the phone's viewport.
            caps["goog:chromeOptions"]["mobileEmulation"] = serde_json::json!({"deviceMetrics": {"width": width, "height": 844, "pixelRatio": 3.0}});
        }
        let url = format!("http://127.0.0.1:{port}");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        // chromedriver needs a moment to listen: retry until a deadline.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let mut retry = actix_web::rt::time::interval(Duration::from_millis(100));
        let client = loop {
            retry.tick().await;
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) => {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "cannot start a browser session: {e}"
                    );
                }
            }
        };
        Browser {
            client,
            port,
            driver,
            _profile: profile,
        }
    }

    /// Switches the page's network off or on (Chromium's network
    /// conditions, as DevTools' "Offline").
    pub async fn set_offline(&self, offline: bool) {
        let session = self.client.session_id().await.unwrap().expect("a session");
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/chromium/network_conditions",
            self.port
        );
        let body = serde_json::json!({"network_conditions": {
            "offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1
        }});
        let res = reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "network conditions: {}",
            res.text().await.unwrap()
        );
    }

    /// The element's text; empty while it is missing or being replaced (a
    /// page loading), so callers can wait on it.
    pub async fn text_of(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits for an element, then returns it.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("element {css} never appeared: {e}"))
    }

    /// With `GRAPEVINE_SCREENSHOTS=DIR`, saves what the browser shows as
    /// `DIR/NAME.png`, to look at by eye; otherwise does nothing.
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("GRAPEVINE_SCREENSHOTS") {
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
        }
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // After a failed test the session was never closed: stop the browser
        // this test started (found by its profile dir), then its driver.
        let _ = Command::new("pkill")
            .args(["-f", &self._profile.path().display().to_string()])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Clicks an element once it is there.
pub async fn click(b: &Browser, css: &str) {
    b.wait_for(css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Types into an element once it is there (a file input takes a path).
pub async fn fill(b: &Browser, css: &str, text: &str) {
    b.wait_for(css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// Signs in through the real form.
pub async fn sign_in(b: &Browser, app: &TestApp, email: &str) {
    b.client.goto(&app.url("/login")).await.unwrap();
    b.wait_for("#email").await.send_keys(email).await.unwrap();
    b.client
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    b.client
        .find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_for("h1").await;
}

mod tests {
    use super::*;

    browser_test!(browser_signs_in_through_the_login_form);

    async fn browser_signs_in_through_the_login_form(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("marketer@example.com", Role::Marketer);
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "marketer@example.com").await;
        wait_until(
            Duration::from_secs(10),
            "the home page",
            move || async move { b.text_of("h1").await == "Hello, User marketer@example.com" },
        )
        .await;
        // The stylesheet loaded (served from the embedded assets).
        let bg = b
            .client
            .execute(
                "return getComputedStyle(document.querySelector('header.top')).backgroundColor",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(bg, serde_json::json!("rgb(91, 42, 134)"));
        // No horizontal scrolling on a phone-sized window.
        let overflow = b
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(overflow, serde_json::json!(true));
        browser.close().await;
    }
}

mod forum_pages {
    use super::*;

    browser_test!(
        browser_creates_a_thread_and_replies_to_a_reply,
        browser_deep_thread_fits_a_phone
    );

    async fn post_ids(b: &Browser) -> Vec<i64> {
        let v = b
            .client
            .execute("return Array.from(document.querySelectorAll('article.post')).map(a => Number(a.id.slice(1)))", vec![])
            .await
            .unwrap();
        serde_json::from_value(v).unwrap()
    }

    async fn browser_creates_a_thread_and_replies_to_a_reply(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("rep@example.com", Role::Rep);
        let browser = Browser::start(1024).await;
        let b = &browser;
        sign_in(b, &app, "rep@example.com").await;

        b.client.goto(&app.url("/new")).await.unwrap();
        click(b, "input[name=kind][value=rumor]").await;
        b.wait_for("#category")
            .await
            .send_keys("Market rumors")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#title"))
            .await
            .unwrap()
            .send_keys("Globex is hiring our reps")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#body"))
            .await
            .unwrap()
            .send_keys("Heard it at the *trade show*.")
            .await
            .unwrap();
        click(b, "#new-thread button[type=submit]").await;
        wait_until(
            Duration::from_secs(10),
            "the new thread page",
            move || async move { b.text_of("h1").await == "Globex is hiring our reps" },
        )
        .await;
        assert_eq!(b.text_of(".thread-head .kind").await, "Rumor");

        // Reply to the opening post at its place, without leaving the page.
        click(b, "article.opening a.reply-link").await;
        let form_follows_post = b
            .client
            .execute("return document.getElementById('reply').previousElementSibling.classList.contains('opening')", vec![])
            .await
            .unwrap();
        assert_eq!(
            form_follows_post,
            serde_json::json!(true),
            "the form moved under the post"
        );
        b.wait_for("#reply-body")
            .await
            .send_keys("First-level reply")
            .await
            .unwrap();
        click(b, "#reply-form button[type=submit]").await;
        wait_until(
            Duration::from_secs(10),
            "the first reply",
            move || async move { post_ids(b).await.len() == 2 },
        )
        .await;
        let first = post_ids(b).await[1];

        // Reply to that reply.
        click(b, &format!("#p{first} a.reply-link")).await;
        b.wait_for("#reply-body")
            .await
            .send_keys("Second-level reply")
            .await
            .unwrap();
        click(b, "#reply-form button[type=submit]").await;
        wait_until(
            Duration::from_secs(10),
            "the second reply",
            move || async move { post_ids(b).await.len() == 3 },
        )
        .await;
        let second = post_ids(b).await[2];

        // The page shows the nesting: the second reply's list item sits inside the first's.
        let parent_of_second = b
            .client
            .execute(
                &format!("return document.querySelector('#p{second}').closest('ol.tree').closest('li').querySelector('article').id"),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(parent_of_second, serde_json::json!(format!("p{first}")));
        let depths = b
            .client
            .execute("return Array.from(document.querySelectorAll('article.post')).map(a => a.getBoundingClientRect().left)", vec![])
            .await
            .unwrap();
        let lefts: Vec<f64> = serde_json::from_value(depths).unwrap();
        assert!(
            lefts[0] <= lefts[1] && lefts[1] < lefts[2],
            "a reply to a reply is indented further: {lefts:?}"
        );
        browser.close().await;
    }

    async fn browser_deep_thread_fits_a_phone(db: Db) {
        let app = spawn_app(db).await;
        let (api, _) = app.api_user("rep@example.com", Role::Rep);
        let thread = api
            .thread("customers", "A long conversation", "Let us go deep.")
            .await;
        let mut parent = None;
        for depth in 1..=10 {
            let body = format!("Reply at depth {depth} with a rather long sentence that must wrap on a small phone screen without pushing the page sideways.");
            parent = Some(api.reply(thread, parent, &body).await);
        }
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "rep@example.com").await;
        b.client
            .goto(&app.url(&format!("/t/{thread}")))
            .await
            .unwrap();
        b.wait_for("article.d6").await;
        let width = b
            .client
            .execute("return window.innerWidth", vec![])
            .await
            .unwrap();
        assert!(
            width.as_f64().unwrap() <= 400.0,
            "a phone-sized viewport: {width}"
        );
        let fits = b
            .client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(fits, serde_json::json!(true), "no horizontal scrolling");
        // Posts at depth 6 and beyond keep a readable width.
        let narrowest = b
            .client
            .execute("return Math.min(...Array.from(document.querySelectorAll('article.post')).map(a => a.getBoundingClientRect().width))", vec![])
            .await
            .unwrap();
        assert!(
            narrowest.as_f64().unwrap() > 250.0,
            "deepest post is {narrowest}px wide"
        );
        // Deeper levels are flattened with a note of whom they answer.
        assert!(b
            .text_of("article.d6:last-of-type .reply-to, .reply-to")
            .await
            .contains("in reply to"));
        browser.close().await;
    }
}

mod crm_pages {
    use super::*;

    browser_test!(browser_links_a_thread_through_the_picker);

    async fn browser_links_a_thread_through_the_picker(db: Db) {
        let app = spawn_app(db).await;
        let (crm, _) = app.api_user("crm@example.com", Role::Marketer);
        crm.put(
            "/accounts/ACME-1",
            serde_json::json!({"name": "Acme Corp", "domain": "acme.com"}),
        )
        .await;
        crm.put("/accounts/INI-2", serde_json::json!({"name": "Initech"}))
            .await;
        app.create_user("rep@example.com", Role::Rep);
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "rep@example.com").await;
        b.client
            .goto(&app.url("/new?category=customers"))
            .await
            .unwrap();
        b.wait_for("#title")
            .await
            .send_keys("Acme asks for a discount")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#body"))
            .await
            .unwrap()
            .send_keys("Their buyer called.")
            .await
            .unwrap();
        // The picker suggests from a few letters; choosing shows a chip with
        // the name and keeps the key in the form.
        let typing = b.client.find(Locator::Css("#accounts")).await.unwrap();
        typing.send_keys("acm").await.unwrap();
        let option = b.wait_for("#accounts-suggestions li").await;
        assert!(option.text().await.unwrap().contains("Acme Corp"));
        option.click().await.unwrap();
        assert_eq!(
            b.text_of("#accounts-chips li[data-key='ACME-1'] span")
                .await,
            "Acme Corp"
        );
        let keys = |b: &Browser| {
            let c = b.client.clone();
            async move {
                c.execute(
                    "return document.getElementById('accounts-keys').value",
                    vec![],
                )
                .await
                .unwrap()
            }
        };
        assert_eq!(keys(b).await, serde_json::json!("ACME-1"));
        // A name typed in full and not chosen, and one that is no account:
        // the page comes back with the problem summed up at the top, focused.
        typing.send_keys("initech, Nobody Inc").await.unwrap();
        b.client
            .find(Locator::Css("#new-thread button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let summary = b.wait_for("#error-summary").await;
        assert!(summary.text().await.unwrap().contains("Nobody Inc"));
        let focused = b
            .client
            .execute("return document.activeElement.id", vec![])
            .await
            .unwrap();
        assert_eq!(focused, serde_json::json!("error-summary"));
        let top = b
            .client
            .execute(
                "return document.getElementById('error-summary').getBoundingClientRect().top",
                vec![],
            )
            .await
            .unwrap();
        assert!(top.as_f64().unwrap() < 400.0, "summary at the top: {top}");
        b.screenshot("picker-error-summary-390").await;
        // What was sent comes back as chips; removing the unknown one and
        // sending again links the two accounts.
        b.wait_for("#accounts-chips li[data-key='Nobody Inc'] button")
            .await
            .click()
            .await
            .unwrap();
        wait_until(
            Duration::from_secs(5),
            "the chip removed",
            move || async move { keys(b).await == serde_json::json!("ACME-1, initech") },
        )
        .await;
        assert_eq!(
            b.text_of("#accounts-chips li[data-key='ACME-1'] span")
                .await,
            "Acme Corp"
        );
        b.client
            .find(Locator::Css("#new-thread button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_until(
            Duration::from_secs(10),
            "the thread page",
            move || async move { b.text_of("h1").await == "Acme asks for a discount" },
        )
        .await;
        assert_eq!(
            b.text_of("#links").await.matches("Initech").count(),
            1,
            "the typed name was linked"
        );
        // The chip leads to the account page, which lists the thread.
        b.wait_for("#links a.chip.account")
            .await
            .click()
            .await
            .unwrap();
        wait_until(
            Duration::from_secs(10),
            "the account page",
            move || async move { b.text_of("h1").await == "Acme Corp" },
        )
        .await;
        assert_eq!(
            b.text_of(".thread-list .thread-title").await,
            "Acme asks for a discount"
        );
        browser.close().await;
    }
}

mod header {
    use super::*;

    browser_test!(browser_phone_header_is_one_row_with_a_menu_and_big_targets);

    /// At 390 px the header is one row (name, search, Menu); the menu opens
    /// the links as rows of at least 44 px; a post's actions are at least
    /// 44 × 44 px. On a desktop the links show and there is no Menu button.
    async fn browser_phone_header_is_one_row_with_a_menu_and_big_targets(db: Db) {
        let app = spawn_app(db).await;
        let (api, _) = app.api_user("rep@example.com", Role::Rep);
        let (other, _) = app.api_user("other@example.com", Role::Rep);
        let thread = api
            .thread("customers", "Tap targets", "Opening post.")
            .await;
        other.reply(thread, None, "A reply to act on.").await;
        let js = |b: &Browser, script: &'static str| {
            let c = b.client.clone();
            async move { c.execute(script, vec![]).await.unwrap() }
        };
        let phone = Browser::start(390).await;
        let b = &phone;
        sign_in(b, &app, "rep@example.com").await;
        b.client
            .goto(&app.url(&format!("/t/{thread}")))
            .await
            .unwrap();
        b.wait_for("article.post").await;
        let header = js(
            b,
            "return document.querySelector('header.top').getBoundingClientRect().height",
        )
        .await;
        assert!(header.as_f64().unwrap() <= 72.0, "one row: {header}");
        let nav_shown = js(
            b,
            "return getComputedStyle(document.getElementById('main-nav')).display",
        )
        .await;
        assert_eq!(
            nav_shown,
            serde_json::json!("none"),
            "the links wait behind Menu"
        );
        click(b, ".menu-button").await;
        b.screenshot("header-menu-open-390").await;
        let heights = js(
            b,
            "return [...document.querySelectorAll('#main-nav li > a, #main-nav li .link')].map(a => a.getBoundingClientRect().height)",
        )
        .await;
        let heights: Vec<f64> = serde_json::from_value(heights).unwrap();
        assert!(heights.len() >= 8, "{heights:?}");
        assert!(heights.iter().all(|h| *h >= 44.0), "{heights:?}");
        let targets = js(
            b,
            "return [...document.querySelectorAll('.post-actions > a, .post-actions button')].map(a => { const r = a.getBoundingClientRect(); return [a.textContent.trim(), r.width, r.height]; })",
        )
        .await;
        let targets: Vec<(String, f64, f64)> = serde_json::from_value(targets).unwrap();
        assert!(targets.iter().any(|(t, _, _)| t == "Reply"), "{targets:?}");
        for (text, w, h) in &targets {
            assert!(*w >= 44.0 && *h >= 44.0, "{text}: {w} × {h}");
        }
        phone.close().await;

        let desk = Browser::start(1024).await;
        let d = &desk;
        sign_in(d, &app, "rep@example.com").await;
        let menu = js(
            d,
            "return getComputedStyle(document.querySelector('.menu-button')).display",
        )
        .await;
        assert_eq!(menu, serde_json::json!("none"));
        let nav = js(
            d,
            "return getComputedStyle(document.getElementById('main-nav')).display",
        )
        .await;
        assert_ne!(nav, serde_json::json!("none"));
        desk.close().await;
    }
}

mod drafts {
    use super::*;

    browser_test!(browser_keeps_drafts_until_the_server_has_them);

    /// On a phone: a new post typed, the page left, and it is back; sent,
    /// it is gone. A reply sent while the signal is down is still there
    /// when the page is opened again.
    async fn browser_keeps_drafts_until_the_server_has_them(db: Db) {
        let app = spawn_app(db).await;
        let (api, _) = app.api_user("writer@example.com", Role::Rep);
        let thread = api.thread("customers", "Draft test", "Opening.").await;
        app.create_user("rep@example.com", Role::Rep);
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "rep@example.com").await;
        let value = |css: &'static str| async move {
            b.client
                .execute(
                    &format!("return document.querySelector('{css}').value"),
                    vec![],
                )
                .await
                .unwrap()
        };
        b.client.goto(&app.url("/new")).await.unwrap();
        fill(b, "#title", "Half-typed title").await;
        fill(b, "#body", "Half-typed body").await;
        // Saved a moment after typing stops.
        wait_until(Duration::from_secs(5), "the draft saved", || async {
            b.client
                .execute("return localStorage.getItem('draft:new-thread')", vec![])
                .await
                .unwrap()
                .as_str()
                .is_some_and(|s| s.contains("Half-typed body"))
        })
        .await;
        b.client.goto(&app.url("/")).await.unwrap();
        b.client.goto(&app.url("/new")).await.unwrap();
        b.wait_for(".draft-note").await;
        assert_eq!(value("#title").await, serde_json::json!("Half-typed title"));
        assert_eq!(value("#body").await, serde_json::json!("Half-typed body"));
        b.screenshot("draft-restored-390").await;
        click(b, "#category option[value=customers]").await;
        click(b, "#new-thread button[type=submit]").await;
        wait_until(Duration::from_secs(10), "the thread page", || async {
            b.text_of("h1").await == "Half-typed title"
        })
        .await;
        b.client.goto(&app.url("/new")).await.unwrap();
        b.wait_for("#title").await;
        assert_eq!(
            value("#body").await,
            serde_json::json!(""),
            "sent: forgotten"
        );

        // A reply sent with no signal is kept.
        let url = app.url(&format!("/t/{thread}"));
        b.client.goto(&url).await.unwrap();
        fill(b, "#reply-form textarea[name=body]", "Typed in the lift").await;
        wait_until(Duration::from_secs(5), "the reply draft saved", || async {
            b.client
                .execute(
                    &format!("return localStorage.getItem('draft:reply-{thread}')"),
                    vec![],
                )
                .await
                .unwrap()
                .as_str()
                .is_some_and(|s| s.contains("Typed in the lift"))
        })
        .await;
        b.set_offline(true).await;
        let _ = b
            .client
            .execute(
                "document.getElementById('reply-form').requestSubmit()",
                vec![],
            )
            .await;
        b.set_offline(false).await;
        b.client.goto(&url).await.unwrap();
        b.wait_for(".draft-note").await;
        assert_eq!(
            value("#reply-form textarea[name=body]").await,
            serde_json::json!("Typed in the lift")
        );
        let replies: i64 = app.with_conn(|c| {
            use diesel::prelude::*;
            use grapevine::db::schema::posts;
            posts::table
                .filter(posts::thread_id.eq(thread))
                .count()
                .get_result(c)
                .unwrap()
        });
        assert_eq!(replies, 1, "nothing reached the server");
        browser.close().await;
    }
}

mod account_pages {
    use super::*;

    browser_test!(browser_posts_about_an_account_from_its_page_on_a_phone);

    /// On a phone: the account page lists its ideas and offers "Post about
    /// this account", which opens the form with the account linked.
    async fn browser_posts_about_an_account_from_its_page_on_a_phone(db: Db) {
        let app = spawn_app(db).await;
        let (crm, _) = app.api_user("crm@example.com", Role::Marketer);
        crm.put("/accounts/ACME-1", serde_json::json!({"name": "Acme Corp"}))
            .await;
        let (rep_api, _) = app.api_user("rep@example.com", Role::Rep);
        let (s, _) = rep_api
            .post(
                "/ideas",
                serde_json::json!({"title": "Faster quotes for Acme", "body": "They wait a week.", "accounts": ["ACME-1"]}),
            )
            .await;
        assert_eq!(s, 201);
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "rep@example.com").await;
        b.client.goto(&app.url("/accounts/ACME-1")).await.unwrap();
        assert_eq!(
            b.wait_for("#linked-ideas + ul .idea-title")
                .await
                .text()
                .await
                .unwrap(),
            "Faster quotes for Acme"
        );
        b.screenshot("account-page-390").await;
        click(b, "#post-about").await;
        click(b, "#category option[value=customers]").await;
        fill(b, "#title", "Acme moves to a yearly contract").await;
        fill(b, "#body", "Heard at their office.").await;
        click(b, "#new-thread button[type=submit]").await;
        wait_until(
            Duration::from_secs(10),
            "the thread page",
            move || async move { b.text_of("h1").await == "Acme moves to a yearly contract" },
        )
        .await;
        assert_eq!(b.text_of("#links a.chip.account").await, "Acme Corp");
        browser.close().await;
    }
}

mod idea_pages {
    use super::*;

    browser_test!(browser_posts_an_idea_votes_and_another_user_sees_the_count);

    async fn browser_posts_an_idea_votes_and_another_user_sees_the_count(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("rep@example.com", Role::Rep);
        app.create_user("mkt@example.com", Role::Marketer);
        let first = Browser::start(1024).await;
        let b = &first;
        sign_in(b, &app, "rep@example.com").await;
        b.client.goto(&app.url("/ideas/new")).await.unwrap();
        b.wait_for("#title")
            .await
            .send_keys("Quote templates in French")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#body"))
            .await
            .unwrap()
            .send_keys("Three customers asked this week.")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#new-idea button.primary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_until(
            Duration::from_secs(10),
            "the idea page",
            move || async move { b.text_of("h1").await == "Quote templates in French" },
        )
        .await;
        assert_eq!(b.text_of("#vote-count").await, "0 votes");
        b.wait_for("#vote-button").await.click().await.unwrap();
        wait_until(Duration::from_secs(10), "the vote", move || async move {
            b.text_of("#vote-count").await == "1 vote"
        })
        .await;
        let url = b.client.current_url().await.unwrap().to_string();

        let second = Browser::start(1024).await;
        let s = &second;
        sign_in(s, &app, "mkt@example.com").await;
        s.client.goto(&url).await.unwrap();
        wait_until(
            Duration::from_secs(10),
            "the count for the second user",
            move || async move { s.text_of("#vote-count").await == "1 vote" },
        )
        .await;
        assert_eq!(
            s.text_of("#vote-button").await,
            "▲ Vote",
            "not voted by the second user"
        );
        s.client.goto(&app.url("/ideas")).await.unwrap();
        assert_eq!(s.text_of(".idea-item .vote-count").await, "1");
        first.close().await;
        second.close().await;
    }
}

mod live_pages {
    use super::*;

    browser_test!(browser_reply_appears_live_in_another_session);

    async fn browser_reply_appears_live_in_another_session(db: Db) {
        let app = spawn_app(db).await;
        let (api, _) = app.api_user("writer@example.com", Role::Rep);
        let reader = app.create_user("reader@example.com", Role::Marketer);
        // The watcher reads in French, on a phone.
        app.with_conn(|c| grapevine::models::users::set_locale(c, reader.id, Some("fr")).unwrap());
        let thread = api
            .thread("customers", "Watch this thread", "Opening words")
            .await;
        let first_reply = api.reply(thread, None, "An early reply").await;

        let watcher = Browser::start(390).await;
        let w = &watcher;
        sign_in(w, &app, "reader@example.com").await;
        w.client
            .goto(&app.url(&format!("/t/{thread}")))
            .await
            .unwrap();
        w.wait_for(&format!("#p{first_reply}")).await;
        // A marker that a reload would wipe.
        w.client
            .execute("window.__noReload = true", vec![])
            .await
            .unwrap();

        let writer = Browser::start(1024).await;
        let b = &writer;
        sign_in(b, &app, "writer@example.com").await;
        b.client
            .goto(&app.url(&format!("/t/{thread}")))
            .await
            .unwrap();
        b.wait_for(&format!("#p{first_reply} a.reply-link"))
            .await
            .click()
            .await
            .unwrap();
        b.wait_for("#reply-body")
            .await
            .send_keys("Posted live, nested")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("#reply-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();

        wait_until(
            Duration::from_secs(5),
            "the reply in the other session",
            move || async move {
                w.text_of("article.post.new .body")
                    .await
                    .contains("Posted live, nested")
            },
        )
        .await;
        let still = w
            .client
            .execute("return window.__noReload === true", vec![])
            .await
            .unwrap();
        assert_eq!(still, serde_json::json!(true), "no reload happened");
        // It sits under the reply it answers.
        let parent = w
            .client
            .execute("return document.querySelector('article.post.new').closest('ol.tree').closest('li').querySelector('article').id", vec![])
            .await
            .unwrap();
        assert_eq!(parent, serde_json::json!(format!("p{first_reply}")));
        // It came rendered by the page's own template: quote and reply
        // links for this reader, like every other post.
        let links = w
            .client
            .execute("return Array.from(document.querySelectorAll('article.post.new .post-actions a')).map(a => a.className)", vec![])
            .await
            .unwrap();
        let links = links.to_string();
        assert!(
            links.contains("reply-link") && links.contains("quote-link"),
            "{links}"
        );
        let new_id: i64 = w
            .client
            .execute(
                "return document.querySelector('article.post.new').id.slice(1)",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        // An edit replaces the text in place; a deletion leaves the placeholder.
        assert_eq!(
            api.patch(
                &format!("/posts/{first_reply}"),
                serde_json::json!({"body": "Edited while you watch"})
            )
            .await
            .0,
            200
        );
        let edited = format!("#p{first_reply} .body");
        wait_until(Duration::from_secs(5), "the edit in place", || {
            let edited = edited.clone();
            async move { w.text_of(&edited).await.contains("Edited while you watch") }
        })
        .await;
        assert_eq!(api.delete(&format!("/posts/{new_id}")).await.0, 204);
        let gone = format!("#p{new_id} .placeholder");
        wait_until(Duration::from_secs(5), "the deletion in place", || {
            let gone = gone.clone();
            async move { w.client.find(Locator::Css(&gone)).await.is_ok() }
        })
        .await;
        let still = w
            .client
            .execute("return window.__noReload === true", vec![])
            .await
            .unwrap();
        assert_eq!(still, serde_json::json!(true), "still no reload");
        w.screenshot("live-edit-delete-390-fr").await;
        watcher.close().await;
        writer.close().await;
    }
}

mod email_settings {
    use super::*;

    browser_test!(browser_sets_digest_sees_the_bell_rise_live_and_unsubscribes);

    async fn browser_sets_digest_sees_the_bell_rise_live_and_unsubscribes(db: Db) {
        let app = spawn_app(db).await;
        let (rep, rep_user) = app.api_user("rep@example.com", Role::Rep);
        let (other, _) = app.api_user("other@example.com", Role::Marketer);
        let thread = rep
            .thread("customers", "Buyer changed jobs", "Who knows more?")
            .await;
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "rep@example.com").await;

        // Digest settings through the form.
        b.client.goto(&app.url("/settings")).await.unwrap();
        b.wait_for("#digest-form input[name=frequency][value=daily]")
            .await
            .click()
            .await
            .unwrap();
        b.client
            .execute(
                "document.getElementById('hour').value = '9'; \
                 document.querySelector('#digest-form input[name=email_follows]').checked = false;",
                vec![],
            )
            .await
            .unwrap();
        let tz = b.wait_for("#timezone").await;
        tz.clear().await.unwrap();
        tz.send_keys("America/Montreal").await.unwrap();
        b.client
            .find(Locator::Css("#digest-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_until(
            Duration::from_secs(5),
            "the saved settings",
            || async move {
                b.client.current_url().await.unwrap().path() == "/settings"
                    && b.text_of("body").await.contains("saved")
            },
        )
        .await;
        let saved = app.with_conn(|c| grapevine::digest::get(c, &rep_user).unwrap());
        assert_eq!(
            (
                saved.frequency.as_str(),
                saved.hour,
                saved.timezone.as_str(),
                saved.email_follows
            ),
            ("daily", 9, "America/Montreal", false)
        );

        // A reply lights the bell; the notifications page lists it and
        // marks it read.
        b.client
            .execute("window.__noReload = true", vec![])
            .await
            .unwrap();
        other
            .reply(thread, None, "She moved to our competitor")
            .await;
        wait_until(Duration::from_secs(10), "the bell to show 1", || async move {
            b.client
                .execute(
                    "var c = document.getElementById('bell-count'); return c.hidden ? '' : c.textContent",
                    vec![],
                )
                .await
                .unwrap()
                == serde_json::json!("1")
        })
        .await;
        other.reply(thread, None, "And took the budget").await;
        wait_until(
            Duration::from_secs(10),
            "the Menu button to show 2 (on a phone the bell is in the menu)",
            || async move { b.text_of("#menu-count").await == "2" },
        )
        .await;
        let still = b
            .client
            .execute("return window.__noReload === true", vec![])
            .await
            .unwrap();
        assert_eq!(
            still,
            serde_json::json!(true),
            "the count rose live, no reload"
        );
        click(b, ".menu-button").await;
        assert_eq!(
            b.text_of("#bell-count").await,
            "2",
            "the bell, once the menu is open"
        );
        click(b, "#bell").await;
        b.wait_for("#notifications li.live-item").await;
        assert!(b
            .text_of("#notifications")
            .await
            .contains("Buyer changed jobs"));
        b.client.goto(&app.url("/forums")).await.unwrap();
        b.wait_for("#bell").await;
        wait_until(
            Duration::from_secs(5),
            "the bell count cleared",
            || async move {
                b.client
                    .execute(
                        "return document.getElementById('bell-count').hidden && document.getElementById('menu-count').hidden",
                        vec![],
                    )
                    .await
                    .unwrap()
                    == serde_json::json!(true)
            },
        )
        .await;
        browser.close().await;

        // The unsubscribe link works in a browser that never signed in.
        let token = grapevine::mail::unsubscribe::sign(&[7u8; 64], rep_user.id, "digest");
        let browser = Browser::start(390).await;
        let b = &browser;
        b.client
            .goto(&app.url(&format!("/unsubscribe?token={token}")))
            .await
            .unwrap();
        assert!(b.text_of("main").await.contains("rep@example.com"));
        b.wait_for("#unsubscribe").await.click().await.unwrap();
        b.wait_for("#unsubscribed").await;
        let saved = app.with_conn(|c| grapevine::digest::get(c, &rep_user).unwrap());
        assert_eq!(saved.frequency, "off");
        browser.close().await;
    }
}

mod live_page {
    use super::*;

    browser_test!(
        browser_live_page_streams_pauses_and_lists_show_a_banner,
        browser_live_page_streams_on_load_with_times_chips_and_grouped_votes
    );

    async fn browser_live_page_streams_pauses_and_lists_show_a_banner(db: Db) {
        let app = spawn_app(db).await;
        let (api, _) = app.api_user("writer@example.com", Role::Rep);
        app.create_user("watcher@example.com", Role::Marketer);
        let browser = Browser::start(1024).await;
        let b = &browser;
        sign_in(b, &app, "watcher@example.com").await;
        b.client.goto(&app.url("/live")).await.unwrap();
        b.wait_for("#live-watch").await.click().await.unwrap();
        wait_until(
            Duration::from_secs(5),
            "the live status",
            move || async move { !b.text_of("#live-status").await.is_empty() },
        )
        .await;
        api.thread("customers", "First live item", "x").await;
        wait_until(Duration::from_secs(5), "the first item", move || async move {
            b.text_of("#live-stream li:first-child a").await == "First live item"
        })
        .await;
        // Paused: nothing new shows until resumed.
        b.wait_for("#live-pause").await.click().await.unwrap();
        api.thread("customers", "Held while paused", "x").await;
        let deadline = Instant::now() + Duration::from_millis(800);
        while Instant::now() < deadline {
            assert_ne!(
                b.text_of("#live-stream li:first-child a").await,
                "Held while paused",
                "shown while paused"
            );
        }
        b.wait_for("#live-pause").await.click().await.unwrap();
        wait_until(
            Duration::from_secs(5),
            "the held item",
            move || async move {
                b.text_of("#live-stream li:first-child a").await == "Held while paused"
            },
        )
        .await;
        // A category page counts what arrives after it was opened.
        b.client.goto(&app.url("/c/customers")).await.unwrap();
        b.wait_for("h1").await;
        api.thread("customers", "After the page opened", "x").await;
        wait_until(Duration::from_secs(5), "the banner", move || async move {
            b.text_of("#live-count").await == "1"
        })
        .await;
        browser.close().await;
    }

    async fn browser_live_page_streams_on_load_with_times_chips_and_grouped_votes(db: Db) {
        super::live_on_load::run(db).await
    }
}

mod live_on_load {
    use super::*;

    /// On a phone, the Live page streams what is ticked without a click;
    /// items carry a time and their account and competitor chips; votes on
    /// one idea make one line whose count rises. Accounts and competitors
    /// are offered as topics.
    pub(super) async fn run(db: Db) {
        let app = spawn_app(db).await;
        let (crm, _) = app.api_user("crm@example.com", Role::Marketer);
        crm.put("/accounts/ACME-1", serde_json::json!({"name": "Acme Corp"}))
            .await;
        crm.put(
            "/competitors/rivalco",
            serde_json::json!({"name": "RivalCo"}),
        )
        .await;
        let (api, _) = app.api_user("writer@example.com", Role::Rep);
        let (v1, _) = app.api_user("v1@example.com", Role::Rep);
        let (v2, _) = app.api_user("v2@example.com", Role::Rep);
        let (s, idea) = api
            .post(
                "/ideas",
                serde_json::json!({"title": "Bundle pricing", "body": "Asked twice."}),
            )
            .await;
        assert_eq!(s, 201);
        let idea = idea["id"].as_i64().unwrap();
        app.create_user("watcher@example.com", Role::Marketer);
        let browser = Browser::start(390).await;
        let b = &browser;
        sign_in(b, &app, "watcher@example.com").await;
        b.client.goto(&app.url("/live")).await.unwrap();
        wait_until(
            Duration::from_secs(5),
            "streaming on load",
            move || async move { !b.text_of("#live-status").await.is_empty() },
        )
        .await;
        let labels: Vec<String> = {
            let mut out = Vec::new();
            for el in b
                .client
                .find_all(Locator::Css("#live-topics label.chip"))
                .await
                .unwrap()
            {
                out.push(el.text().await.unwrap());
            }
            out
        };
        assert!(labels.iter().any(|l| l.trim() == "RivalCo"), "{labels:?}");
        let (s, _) = api
            .post(
                "/threads",
                serde_json::json!({"category": "competitors", "title": "RivalCo at Acme", "body": "Seen today.", "accounts": ["ACME-1"], "competitors": ["rivalco"]}),
            )
            .await;
        assert_eq!(s, 201);
        wait_until(Duration::from_secs(5), "the thread, live", move || async move {
            b.text_of("#live-stream li:first-child a").await == "RivalCo at Acme"
        })
        .await;
        assert_eq!(
            b.text_of("#live-stream li:first-child a.chip.account")
                .await,
            "ACME-1"
        );
        assert_eq!(
            b.text_of("#live-stream li:first-child a.chip.competitor")
                .await,
            "rivalco"
        );
        assert!(!b
            .text_of("#live-stream li:first-child time")
            .await
            .is_empty());
        for v in [&v1, &v2] {
            let (s, _) = v
                .put(&format!("/ideas/{idea}/vote"), serde_json::json!({}))
                .await;
            assert_eq!(s, 200);
        }
        wait_until(Duration::from_secs(5), "one line for both votes", move || async move {
            b.text_of("#live-stream li:first-child .votes").await == "2 votes"
        })
        .await;
        let vote_lines = b
            .client
            .execute(
                &format!(
                    "return document.querySelectorAll('li[data-vote-idea=\"{idea}\"]').length"
                ),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(vote_lines, serde_json::json!(1));
        b.screenshot("live-on-load-390").await;
        browser.close().await;
    }
}

mod search_page {
    use super::*;

    browser_test!(browser_searches_from_the_header_and_lands_on_the_post);

    /// A French rep on a phone types in the header's search box, sees the
    /// results with the words marked, and lands on the very reply.
    async fn browser_searches_from_the_header_and_lands_on_the_post(db: Db) {
        let app = spawn_app(db).await;
        let (api, _) = app.api_user("writer@example.com", Role::Rep);
        let thread = api
            .thread(
                "competitors",
                "Baisse de prix chez RivalCo",
                "Une brochure du salon",
            )
            .await;
        let reply = api
            .reply(
                thread,
                None,
                "Les remises atteignent vingt pour cent chez RivalCo.",
            )
            .await;
        let reader = app.create_user("lecteur@example.com", Role::Rep);
        app.with_conn(|c| grapevine::models::users::set_locale(c, reader.id, Some("fr")).unwrap());

        let b = Browser::start(390).await;
        sign_in(&b, &app, "lecteur@example.com").await;
        b.client.goto(&app.url("/forums")).await.unwrap();
        let input = b.wait_for("#top-search-q").await;
        input.send_keys("remise").await.unwrap();
        input.send_keys("\u{E007}").await.unwrap(); // Enter
        let hit = b.wait_for("#search-results .search-hit").await;
        let marked = b.text_of("#search-results .search-hit mark").await;
        assert_eq!(marked, "remises", "the plural found and marked");
        assert_eq!(
            b.text_of("#search-results .search-hit .kind").await,
            "Réponse"
        );
        b.screenshot("search-390-fr").await;
        hit.find(Locator::Css("a.hit-title"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let want = format!("/t/{thread}#p{reply}");
        wait_until(Duration::from_secs(5), "the thread page", || {
            let want = want.clone();
            let b = &b;
            async move {
                b.client
                    .current_url()
                    .await
                    .is_ok_and(|u| u.as_str().ends_with(&want))
            }
        })
        .await;
        b.wait_for(&format!("#p{reply}")).await;
        b.close().await;
    }
}

mod attachments {
    use super::*;

    browser_test!(browser_attaches_a_photo_on_a_phone_and_another_session_sees_it_live);

    fn photo(name: &str) -> String {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/images")
            .join(name)
            .display()
            .to_string()
    }

    /// The natural width of the first image matching `css` (0 until loaded).
    async fn loaded_width(b: &Browser, css: &str) -> i64 {
        let script = format!(
            "var i = document.querySelector({css:?}); return i && i.complete ? i.naturalWidth : 0"
        );
        b.client
            .execute(&script, vec![])
            .await
            .ok()
            .and_then(|v| v.as_i64())
            .unwrap_or(0)
    }

    async fn browser_attaches_a_photo_on_a_phone_and_another_session_sees_it_live(db: Db) {
        let app = spawn_app(db).await;
        let rep = app.create_user("rep@example.com", Role::Rep);
        app.with_conn(|c| grapevine::models::users::set_locale(c, rep.id, Some("fr")).unwrap());
        app.create_user("mkt@example.com", Role::Marketer);

        // A rep on a phone, in French: a new thread with a photo.
        let phone = Browser::start(390).await;
        let b = &phone;
        sign_in(b, &app, "rep@example.com").await;
        b.client.goto(&app.url("/new")).await.unwrap();
        fill(b, "#new-files", &photo("orientation/portrait_6.jpg")).await;
        // The preview shows before sending, and the upload completes.
        b.wait_for(".previews li img").await;
        wait_until(Duration::from_secs(10), "the upload", move || async move {
            b.client
                .find(Locator::Css(".previews li.sent"))
                .await
                .is_ok()
        })
        .await;
        assert!(
            loaded_width(b, ".previews li img").await > 0,
            "the preview shows"
        );
        assert_eq!(b.text_of(".previews .preview-name").await, "portrait_6.jpg");
        let ids = b
            .client
            .execute(
                "return document.querySelector('[data-attachments]').value",
                vec![],
            )
            .await
            .unwrap();
        assert!(ids.as_str().unwrap().parse::<i64>().is_ok(), "{ids}");
        // A picture pasted from the clipboard and one dropped on the form
        // are sent too; the pasted one is then removed before posting.
        b.client
            .execute(
                "var c = document.createElement('canvas'); c.width = 40; c.height = 30;
                 var g = c.getContext('2d'); g.fillStyle = '#c00'; g.fillRect(0, 0, 40, 30);
                 var form = document.querySelector('#new-thread');
                 c.toBlob(function (blob) {
                   var paste = new DataTransfer();
                   paste.items.add(new File([blob], 'pasted.png', {type: 'image/png'}));
                   form.dispatchEvent(new ClipboardEvent('paste', {clipboardData: paste, bubbles: true, cancelable: true}));
                   var drop = new DataTransfer();
                   drop.items.add(new File([blob], 'dropped.png', {type: 'image/png'}));
                   form.dispatchEvent(new DragEvent('drop', {dataTransfer: drop, bubbles: true, cancelable: true}));
                 }, 'image/png');",
                vec![],
            )
            .await
            .unwrap();
        wait_until(
            Duration::from_secs(10),
            "three uploads",
            move || async move {
                b.client
                    .find_all(Locator::Css(".previews li.sent"))
                    .await
                    .map_or(0, |v| v.len())
                    == 3
            },
        )
        .await;
        b.client
            .execute(
                "Array.from(document.querySelectorAll('.previews li')).find(function (li) {
                   return li.querySelector('.preview-name').textContent === 'pasted.png';
                 }).querySelector('button').click()",
                vec![],
            )
            .await
            .unwrap();
        let kept = b
            .client
            .execute(
                "return document.querySelector('[data-attachments]').value.split(',').length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            kept,
            serde_json::json!(2),
            "the removed file is not attached"
        );
        b.client
            .execute(
                "document.querySelector('fieldset.files').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        b.screenshot("attach-preview-390-fr").await;
        click(b, "input[name=kind][value=competitor_move]").await;
        fill(b, "#category", "Concurrents").await;
        fill(b, "#title", "Brochure RivalCo au salon").await;
        fill(b, "#body", "Prise sur leur stand.").await;
        click(b, "#new-thread button[type=submit]").await;
        wait_until(
            Duration::from_secs(10),
            "the new thread",
            move || async move { b.text_of("h1").await == "Brochure RivalCo au salon" },
        )
        .await;
        wait_until(
            Duration::from_secs(10),
            "the thumbnail",
            move || async move { loaded_width(b, "article.opening .gallery img").await > 0 },
        )
        .await;
        // Upright: the portrait photo's thumbnail is taller than wide.
        let dims = b
            .client
            .execute("var i = document.querySelector('article.opening .gallery img'); return [i.naturalWidth, i.naturalHeight]", vec![])
            .await
            .unwrap();
        assert!(dims[0].as_i64() < dims[1].as_i64(), "portrait: {dims}");
        let shown = b
            .client
            .execute("return Array.from(document.querySelectorAll('article.opening .gallery img')).map(function (i) { return i.alt; })", vec![])
            .await
            .unwrap();
        assert_eq!(shown, serde_json::json!(["portrait_6.jpg", "dropped.png"]));
        b.screenshot("attach-thread-390-fr").await;
        let thread: i64 = b
            .client
            .current_url()
            .await
            .unwrap()
            .path()
            .trim_start_matches("/t/")
            .parse()
            .unwrap();

        // A marketer watches the thread; the rep replies with a second photo.
        let desk = Browser::start(1024).await;
        let w = &desk;
        sign_in(w, &app, "mkt@example.com").await;
        w.client
            .goto(&app.url(&format!("/t/{thread}")))
            .await
            .unwrap();
        w.wait_for("article.opening .gallery img").await;
        w.client
            .execute("window.__noReload = true", vec![])
            .await
            .unwrap();
        fill(b, "#reply-files", &photo("gps/DSCN0010.jpg")).await;
        wait_until(
            Duration::from_secs(10),
            "the reply's upload",
            move || async move {
                b.client
                    .find(Locator::Css("#reply-form .previews li.sent"))
                    .await
                    .is_ok()
            },
        )
        .await;
        fill(b, "#reply-body", "Et leur rayon").await;
        click(b, "#reply-form button[type=submit]").await;
        wait_until(
            Duration::from_secs(10),
            "the photo arriving live",
            move || async move { loaded_width(w, "article.post.new .gallery img").await > 0 },
        )
        .await;
        let still = w
            .client
            .execute("return window.__noReload === true", vec![])
            .await
            .unwrap();
        assert_eq!(still, serde_json::json!(true), "no reload happened");
        w.screenshot("attach-live-1024").await;
        phone.close().await;
        desk.close().await;
    }
}

mod accessibility {
    use super::*;

    browser_test!(browser_main_pages_have_no_axe_violations);

    /// axe-core's rules (WCAG 2.1 A and AA, and its best practices) over the
    /// main pages, signed out, as a rep on a phone and as a marketer on a
    /// desktop.
    /// `GRAPEVINE_TEST_AXE` names axe-core's `axe.min.js` (.ci/run installs
    /// axe-core from npm).
    async fn browser_main_pages_have_no_axe_violations(db: Db) {
        let axe_path = std::env::var("GRAPEVINE_TEST_AXE")
            .expect("GRAPEVINE_TEST_AXE names axe-core's axe.min.js (.ci/run sets it)");
        let axe = std::fs::read_to_string(&axe_path)
            .unwrap_or_else(|e| panic!("cannot read {axe_path}: {e}"));
        let app = spawn_app(db).await;
        let (crm, _) = app.api_user("crm@example.com", Role::Marketer);
        crm.put("/accounts/ACME-1", serde_json::json!({"name": "Acme Corp"}))
            .await;
        crm.put(
            "/competitors/rivalco",
            serde_json::json!({"name": "RivalCo"}),
        )
        .await;
        let (rep_api, rep) = app.api_user("rep@example.com", Role::Rep);
        app.create_user("mkt@example.com", Role::Marketer);
        let (s, thread) = rep_api
            .post(
                "/threads",
                serde_json::json!({"category": "competitors", "title": "RivalCo cut prices at Acme", "body": "Heard at the **trade show**: 10% off.", "kind": "rumor", "accounts": ["ACME-1"], "competitors": ["rivalco"]}),
            )
            .await;
        assert_eq!(s, 201, "{thread}");
        let thread = thread["id"].as_i64().unwrap();
        rep_api
            .reply(thread, None, "Same at another customer.")
            .await;
        let (s, idea) = rep_api
            .post(
                "/ideas",
                serde_json::json!({"title": "Bundle pricing for clinics", "body": "Asked by three clinics.", "accounts": ["ACME-1"]}),
            )
            .await;
        assert_eq!(s, 201, "{idea}");
        let idea = idea["id"].as_i64().unwrap();
        let rep_pages = vec![
            "/".to_string(),
            "/forums".into(),
            "/c/competitors".into(),
            format!("/t/{thread}"),
            "/new".into(),
            "/ideas".into(),
            format!("/ideas/{idea}"),
            "/ideas/new".into(),
            "/roadmap".into(),
            "/report".into(),
            "/report/competitor-price".into(),
            "/search?q=prices".into(),
            "/accounts".into(),
            "/accounts/ACME-1".into(),
            "/competitors/rivalco".into(),
            "/settings".into(),
            "/notifications".into(),
            "/impact".into(),
            format!("/users/{}", rep.id),
            "/live".into(),
        ];
        let marketer_pages = vec![
            "/live".to_string(),
            format!("/t/{thread}"),
            format!("/t/{thread}/links"),
            format!("/ideas/{idea}"),
            "/ideas".into(),
            "/stats".into(),
            "/reports".into(),
            "/search?q=prix&kind=rumor".into(),
            "/accounts/ACME-1".into(),
        ];
        let signed_out = vec!["/login".to_string(), "/password/forgot".into()];
        let mut found = Vec::new();
        for (email, width, pages) in [
            ("", 390, signed_out),
            ("rep@example.com", 390, rep_pages),
            ("mkt@example.com", 1024, marketer_pages),
        ] {
            let browser = Browser::start(width).await;
            let b = &browser;
            if !email.is_empty() {
                sign_in(b, &app, email).await;
            }
            for page in &pages {
                b.client.goto(&app.url(page)).await.unwrap();
                b.wait_for("main").await;
                b.client.execute(&axe, vec![]).await.unwrap();
                let violations = b
                    .client
                    .execute_async(
                        "const done = arguments[arguments.length - 1];
                         axe.run(document).then(r => done(r.violations.map(v =>
                           v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))));",
                        vec![],
                    )
                    .await
                    .unwrap();
                let violations: Vec<String> = serde_json::from_value(violations).unwrap();
                for v in violations {
                    found.push(format!("{email} {page}: {v}"));
                }
            }
            browser.close().await;
        }
        assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    }
}

mod password_reset {
    use super::*;

    browser_test!(browser_resets_a_forgotten_password_on_a_phone_in_french);

    /// The mails the app wrote as `.eml` files (no SMTP server configured).
    fn written_mails(app: &TestApp) -> Vec<String> {
        let dir = app.db.dir.path().join("outbox");
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .map(|e| {
                        String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// From the sign-in page: "Mot de passe oublié ?", the mail's link, a
    /// new password, and signed in — on a 390-px phone in French.
    async fn browser_resets_a_forgotten_password_on_a_phone_in_french(db: Db) {
        let app = spawn_app(db).await;
        app.create_user("rep@example.com", Role::Rep);
        let browser = Browser::start(390).await;
        let b = &browser;
        b.client
            .goto(&app.url("/lang/fr?next=/login"))
            .await
            .unwrap();
        let link = b.wait_for("#forgot-link").await;
        assert_eq!(link.text().await.unwrap(), "Mot de passe oublié ?");
        let (_, _, _, h) = link.rectangle().await.unwrap();
        assert!(h >= 44.0, "a tap target: {h}");
        link.click().await.unwrap();
        fill(b, "#email", "rep@example.com").await;
        click(b, "#forgot-form button[type=submit]").await;
        wait_until(Duration::from_secs(10), "the answer", move || async move {
            b.text_of("#forgot-sent")
                .await
                .starts_with("Si un compte utilise rep@example.com")
        })
        .await;
        b.screenshot("password-forgot-sent-390").await;
        let app_ref = &app;
        wait_until(Duration::from_secs(15), "the mail", move || async move {
            !written_mails(app_ref).is_empty()
        })
        .await;
        let raw = written_mails(&app).remove(0);
        let parsed = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        assert_eq!(
            parsed.subject().unwrap(),
            "Réinitialiser votre mot de passe Grapevine",
            "mail in the language the browser got"
        );
        let text = parsed.body_text(0).unwrap().to_string();
        let url = text
            .split_whitespace()
            .find(|w| w.contains("/password/set?token="))
            .unwrap()
            .replace("http://127.0.0.1/", &format!("{}/", app.address));
        b.client.goto(&url).await.unwrap();
        assert_eq!(
            b.wait_for("h1").await.text().await.unwrap(),
            "Choisissez un nouveau mot de passe"
        );
        fill(b, "#password", "un tout nouveau mot de passe").await;
        click(b, "#password-set button[type=submit]").await;
        wait_until(Duration::from_secs(10), "signed in", move || async move {
            b.text_of(".flash").await == "Votre mot de passe est enregistré. Vous êtes connecté."
        })
        .await;
        b.screenshot("password-set-done-390").await;
        // Signed in, in French: the categories speak it too.
        b.client.goto(&app.url("/forums")).await.unwrap();
        let names = b
            .client
            .execute(
                "return [...document.querySelectorAll('.category-list h2 a')].map(a => a.textContent)",
                vec![],
            )
            .await
            .unwrap();
        let names: Vec<String> = serde_json::from_value(names).unwrap();
        assert!(
            names.contains(&"Rumeurs du marché".to_string()),
            "{names:?}"
        );
        b.screenshot("forums-fr-390").await;
        let c = client();
        assert_eq!(
            app.login(&c, "rep@example.com", "un tout nouveau mot de passe")
                .await
                .status(),
            303
        );
        browser.close().await;
    }
}
