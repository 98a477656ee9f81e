//! Headless Chromium over WebDriver. Each test starts its own chromedriver on
//! a free port and a fresh profile directory.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use grapevine::domain::Role;

use crate::helpers::*;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
        let caps: serde_json::Map<String, serde_json::Value> = caps.as_object().unwrap().clone();
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
            driver,
            _profile: profile,
        }
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
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
