//! The `grapevine` binary as an operator runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::helpers::*;

db_test!(
    cli_user_add_then_token_then_api,
    cli_refuses_bad_input_with_one_line
);

fn grapevine(app_db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .args(args)
        .env("GRAPEVINE_DATA_DIR", app_db.dir.path())
        .env("GRAPEVINE_DATABASE_URL", &app_db.url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run grapevine");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// Stops a server the test started, whatever happens to the test.
struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

async fn cli_user_add_then_token_then_api(db: Db) {
    let app = spawn_app(db).await;
    let out = grapevine(&app.db, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = grapevine(
        &app.db,
        &[
            "user",
            "add",
            "--email",
            "Integrator@Example.com",
            "--name",
            "CRM Sync",
            "--role",
            "marketer",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = grapevine(
        &app.db,
        &["token", "create", "--email", "integrator@example.com"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "the token alone on one line: {stdout:?}");
    let token = lines[0];

    let me: Value = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "integrator@example.com");
    assert_eq!(me["name"], "CRM Sync");
    assert_eq!(me["role"], "marketer");

    // The password read from stdin signs in.
    assert_eq!(
        app.login(&client(), "integrator@example.com", PASSWORD)
            .await
            .status(),
        303
    );
}

async fn cli_refuses_bad_input_with_one_line(db: Db) {
    let app = spawn_app(db).await;
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "user",
                "add",
                "--email",
                "a@example.com",
                "--name",
                "A",
                "--role",
                "boss",
                "--password",
                PASSWORD,
            ],
            "--role",
        ),
        (
            &[
                "user",
                "add",
                "--email",
                "nope",
                "--name",
                "A",
                "--role",
                "rep",
                "--password",
                PASSWORD,
            ],
            "--email",
        ),
        (
            &[
                "user",
                "add",
                "--email",
                "a@example.com",
                "--name",
                "A",
                "--role",
                "rep",
                "--password",
                "short",
            ],
            "password",
        ),
        (
            &["token", "create", "--email", "ghost@example.com"],
            "no user",
        ),
    ];
    for (args, expected) in cases {
        let out = grapevine(&app.db, args, None);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err:?}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let out = grapevine(
        &app.db,
        &[
            "user",
            "add",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "rep",
            "--password",
            PASSWORD,
        ],
        None,
    );
    assert!(out.status.success());
    let again = grapevine(
        &app.db,
        &[
            "user",
            "add",
            "--email",
            "A@example.com",
            "--name",
            "A",
            "--role",
            "rep",
            "--password",
            PASSWORD,
        ],
        None,
    );
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already exists"));

    // Invalid configuration stops start-up with one clear line.
    let out = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .arg("serve")
        .env("GRAPEVINE_DATA_DIR", app.db.dir.path())
        .env("GRAPEVINE_DATABASE_URL", &app.db.url)
        .env("GRAPEVINE_BIND", "not-an-address")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("GRAPEVINE_BIND"));
    let port = app.address.rsplit(':').next().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .env("GRAPEVINE_DATA_DIR", app.db.dir.path())
        .env("GRAPEVINE_DATABASE_URL", &app.db.url)
        .env("GRAPEVINE_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the port is in use");
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot listen on") && err.trim().lines().count() == 1,
        "{err}"
    );
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["user", "add", "--help"],
        &["token", "create", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_grapevine"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn bad_database_url_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .arg("migrate")
        .env("GRAPEVINE_DATA_DIR", dir.path())
        .env("GRAPEVINE_DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("GRAPEVINE_DATABASE_URL") && err.trim().lines().count() == 1,
        "{err}"
    );
}

/// The binary alone, in an empty folder, serves pages with their CSS: the
/// templates, static files and migrations are embedded.
#[actix_web::test]
async fn binary_in_an_empty_folder_serves_pages_with_css() {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("grapevine");
    std::fs::copy(env!("CARGO_BIN_EXE_grapevine"), &exe).unwrap();
    // From the shared list, so no other test's server is handed this port.
    let port = free_port();
    let mut child = Command::new(&exe)
        .current_dir(dir.path())
        .env_remove("GRAPEVINE_DATA_DIR")
        .env_remove("GRAPEVINE_DATABASE_URL")
        .env("GRAPEVINE_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read stdout on a thread: the server never closes it while it runs.
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let _guard = Kill(child);
    let base = format!("http://127.0.0.1:{port}");
    let c = client();
    wait_until(
        std::time::Duration::from_secs(20),
        "the server to answer",
        || {
            let c = c.clone();
            let url = format!("{base}/healthz");
            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
        },
    )
    .await;
    let login = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&login);
    let sel = scraper::Selector::parse(r#"link[rel="stylesheet"]"#).unwrap();
    let href = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_string();
    let css = c.get(format!("{base}{href}")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css");
    assert!(css.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(css.text().await.unwrap().contains("--accent"));
    assert!(
        dir.path().join("data/grapevine.db").exists(),
        "the data dir was created beside it"
    );
    assert!(dir.path().join("data/secret.key").exists());
    // First start tells how to get in.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(l) if l.contains(&format!("{base}/setup?token=gv_")) => break,
            Ok(l) => seen.push(l),
            Err(_) => panic!("no setup link printed; stdout so far: {seen:?}"),
        }
    }
}

/// The request log names the client as the socket saw it (no trusted proxy
/// here) and never holds a link's secret.
#[actix_web::test]
async fn request_log_redacts_secrets_and_ignores_untrusted_forwarding() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("server.log");
    let child = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .current_dir(dir.path())
        .env("GRAPEVINE_DATA_DIR", dir.path().join("data"))
        .env_remove("GRAPEVINE_DATABASE_URL")
        .env("GRAPEVINE_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let _guard = Kill(child);
    let base = format!("http://127.0.0.1:{port}");
    let c = client();
    wait_until(std::time::Duration::from_secs(20), "the server", || {
        let (c, url) = (c.clone(), format!("{base}/healthz"));
        async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
    })
    .await;
    let res = c
        .get(format!(
            "{base}/unsubscribe?token=1.digest.FORGEDSECRET&lang=fr"
        ))
        .header("x-forwarded-for", "6.6.6.6")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    wait_until(std::time::Duration::from_secs(5), "the log line", || {
        let log = log.clone();
        async move {
            std::fs::read_to_string(&log)
                .is_ok_and(|l| l.contains("/unsubscribe?token=REDACTED&lang=fr"))
        }
    })
    .await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("FORGEDSECRET"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("/unsubscribe?token=REDACTED"))
        .unwrap();
    assert!(
        line.contains("client_ip=127.0.0.1") && !line.contains("6.6.6.6"),
        "{line}"
    );
    assert!(
        !text.contains("setup?token=gv_"),
        "the setup link goes to stdout, not the log"
    );
}

#[test]
fn unsafe_sign_in_settings_stop_start_up_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    for (env, names) in [
        (
            &[("GRAPEVINE_TRUSTED_PROXIES", "0.0.0.0/0")][..],
            "GRAPEVINE_TRUSTED_PROXIES",
        ),
        (
            &[("GRAPEVINE_TRUSTED_PROXIES", "10.0.0.1, ::/0")][..],
            "GRAPEVINE_TRUSTED_PROXIES",
        ),
        (
            &[("GRAPEVINE_AUTH_HEADER", "X-Remote-Email")][..],
            "GRAPEVINE_AUTH_HEADER",
        ),
        (
            &[("GRAPEVINE_PASSWORD_LOGIN", "off")][..],
            "GRAPEVINE_PASSWORD_LOGIN",
        ),
        (
            &[("GRAPEVINE_PASSWORD_LOGIN", "maybe")][..],
            "GRAPEVINE_PASSWORD_LOGIN",
        ),
        (
            &[("GRAPEVINE_OIDC_ISSUER", "https://id.example")][..],
            "GRAPEVINE_OIDC_CLIENT_ID",
        ),
        (
            &[
                ("GRAPEVINE_OIDC_ISSUER", "https://id.example"),
                ("GRAPEVINE_OIDC_CLIENT_ID", "grapevine"),
                ("GRAPEVINE_OIDC_ROLE_MAP", "admins=root"),
            ][..],
            "GRAPEVINE_OIDC_ROLE_MAP",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_grapevine"))
            .arg("serve")
            .env("GRAPEVINE_DATA_DIR", dir.path())
            .env("GRAPEVINE_BIND", "127.0.0.1:0")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{env:?} started");
        let err = text(&out.stderr);
        assert!(
            err.contains(names) && err.trim().lines().count() == 1,
            "{env:?}: {err}"
        );
    }
}
