//! Digests and notification emails, delivered to a real SMTP server
//! (aiosmtpd, started here) by the real binary and the real application.

use std::collections::BTreeMap;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use grapevine::db::schema::{digest_claims, outbox};
use grapevine::domain::Role;
use serde_json::json;

use crate::helpers::*;

/// Like `db_test!` for tests that also need an SMTP server: aiosmtpd, from
/// Debian's python3-aiosmtpd (GRAPEVINE_TEST_SMTP_PYTHON names the Python
/// that has it).
macro_rules! smtp_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            #[ignore = "needs aiosmtpd (python3-aiosmtpd; .ci/run installs it)"]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }
            #[actix_web::test]
            #[ignore = "needs aiosmtpd and PostgreSQL (.ci/run provides them)"]
            async fn postgres() {
                super::$name($crate::helpers::Db::Postgres).await
            }
        }
    )+};
}

/// The secret the CLI and the application share, so the CLI's signed links
/// work on the application.
const SECRET: &str = "a secret shared by the command line and the server in these tests";

/// An aiosmtpd server writing what it receives to a maildir.
struct Smtp {
    child: Child,
    dir: tempfile::TempDir,
}

impl Smtp {
    async fn start(port: u16) -> Smtp {
        let python =
            std::env::var("GRAPEVINE_TEST_SMTP_PYTHON").unwrap_or_else(|_| "python3".into());
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start aiosmtpd with {python}: {e}"));
        let child = std::sync::Mutex::new(child);
        let watched = &child;
        wait_until(
            Duration::from_secs(20),
            "aiosmtpd to listen",
            || async move {
                let exited = watched.lock().unwrap().try_wait().unwrap();
                assert!(exited.is_none(), "aiosmtpd exited (is port {port} taken?)");
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok()
            },
        )
        .await;
        Smtp {
            child: child.into_inner().unwrap(),
            dir,
        }
    }

    /// Every message received so far, as received.
    fn raw_messages(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail").join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                out.push(std::fs::read(e.path()).unwrap());
            }
        }
        out
    }

    /// Every message received so far, parsed.
    fn messages(&self) -> Vec<Mail> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.path().join("mail").join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                out.push(Mail::parse(&std::fs::read(e.path()).unwrap()));
            }
        }
        out
    }

    fn count_to(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for mail in self.messages() {
            *m.entry(mail.to.clone()).or_default() += 1;
        }
        m
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Mail {
    to: String,
    subject: String,
    text: String,
    html: String,
    unsubscribe: String,
    unsubscribe_post: String,
    parts: (usize, usize),
    message_id: String,
    in_reply_to: String,
    references: String,
    auto_submitted: String,
}

impl Mail {
    fn parse(raw: &[u8]) -> Mail {
        let m = mail_parser::MessageParser::default()
            .parse(raw)
            .expect("a parsable message");
        let header = |name: &str| m.header_raw(name).unwrap_or_default().trim().to_string();
        Mail {
            to: m
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_string(),
            subject: m.subject().unwrap_or_default().to_string(),
            text: m.body_text(0).unwrap_or_default().to_string(),
            html: m.body_html(0).unwrap_or_default().to_string(),
            unsubscribe: header("List-Unsubscribe"),
            unsubscribe_post: header("List-Unsubscribe-Post"),
            parts: (m.text_body_count(), m.html_body_count()),
            message_id: header("Message-ID"),
            in_reply_to: header("In-Reply-To"),
            references: header("References"),
            auto_submitted: header("Auto-Submitted"),
        }
    }

    /// The one-click URL inside `<…>`.
    fn unsubscribe_url(&self) -> String {
        self.unsubscribe
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    }
}

/// Runs the binary against the app's database, with the app's address as
/// base URL, sending to `smtp_port` (None: the `.eml` outbox folder).
fn grapevine(app: &TestApp, smtp_port: Option<u16>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_grapevine"));
    cmd.args(args)
        .env("GRAPEVINE_DATA_DIR", app.db.dir.path())
        .env("GRAPEVINE_DATABASE_URL", &app.db.url)
        .env("GRAPEVINE_BASE_URL", &app.address)
        .env("GRAPEVINE_SECRET_KEY", SECRET)
        .env("GRAPEVINE_MAIL_FROM", "grapevine@example.com")
        .env("RUST_LOG", "warn")
        .env_remove("GRAPEVINE_SMTP_URL");
    if let Some(port) = smtp_port {
        cmd.env("GRAPEVINE_SMTP_URL", format!("smtp://127.0.0.1:{port}"));
    }
    cmd.output().expect("run grapevine")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

async fn app_with_secret(db: Db, smtp_port: Option<u16>) -> TestApp {
    spawn_app_with(fresh_database(db), |s, _| {
        s.secret_key = grapevine::config::stretch(SECRET.as_bytes());
        s.mail_from = "grapevine@example.com".into();
        s.smtp_url = smtp_port.map(|p| format!("smtp://127.0.0.1:{p}"));
    })
    .await
}

fn claim_states(app: &TestApp) -> Vec<(i64, String)> {
    app.with_conn(|c| {
        digest_claims::table
            .select((digest_claims::user_id, digest_claims::state))
            .order(digest_claims::user_id)
            .load(c)
            .unwrap()
    })
}

fn outbox_states(app: &TestApp) -> Vec<(String, i32, Option<String>)> {
    app.with_conn(|c| {
        outbox::table
            .filter(outbox::kind.eq("digest"))
            .select((outbox::state, outbox::tries, outbox::last_error))
            .load(c)
            .unwrap()
    })
}

smtp_test!(
    digest_send_delivers_once_with_what_each_reader_may_see,
    mails_wait_while_smtp_is_down_and_go_once_it_is_back,
    two_schedulers_send_each_user_one_digest,
    idea_status_change_notifies_author_and_voters,
    replies_and_mentions_are_emailed_per_settings,
    a_reps_weekly_digest_opens_with_what_their_intel_did,
    mail_speaks_the_language_the_browser_last_got,
    digest_shows_excerpts_chips_and_whose_idea_it_is,
    replies_in_one_thread_leave_as_one_mail_of_what_is_still_visible,
    an_invitation_by_email_sets_the_password_once,
    a_reset_by_email_signs_out_everywhere_and_tells_nobody_who_has_an_account,
);

/// Needs SpamAssassin as well (Debian's spamassassin; .ci/run installs it).
macro_rules! spam_test {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            #[ignore = "needs aiosmtpd and spamassassin (.ci/run installs them)"]
            async fn sqlite() {
                super::$name($crate::helpers::Db::Sqlite).await
            }
        }
    )+};
}

spam_test!(every_kind_of_mail_scores_under_one_with_spamassassin);

db_test!(
    dry_run_prints_and_records_nothing,
    one_click_unsubscribe_needs_no_session,
    an_abandoned_claim_is_taken_over_and_a_live_one_is_not,
    a_failing_mail_is_retried_then_given_up_with_its_reason
);

async fn digest_send_delivers_once_with_what_each_reader_may_see(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let (m1, _) = app.api_user("marie@example.com", Role::Marketer);
    let (m3, m3_user) = app.api_user("hidden@example.com", Role::Marketer);
    let (r1, _) = app.api_user("rep@example.com", Role::Rep);
    app.create_user("weekly@example.com", Role::Rep);
    let secret = m1
        .thread("marketing-only", "Secret pricing plan for Q3", "Margins.")
        .await;
    let photo = crate::uploads::corpus;
    let (_, brochure_photo) =
        crate::uploads::upload(&r1, "brochure.jpg", photo("gps/DSCN0010.jpg")).await;
    let (s, t) = r1
        .post(
            "/threads",
            json!({"category": "competitors", "title": "Competitor brochure at trade show", "body": "Photo inside.", "attachments": [brochure_photo["id"]]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let brochure = t["id"].as_i64().unwrap();
    // A photo on an opening post that is then hidden stays out of mail.
    let (_, hidden_photo) =
        crate::uploads::upload(&admin, "late.jpg", photo("gps/DSCN0021.jpg")).await;
    let (s, t) = admin
        .post(
            "/threads",
            json!({"category": "customers", "title": "Customer complaint about delivery times", "body": "Late again.", "attachments": [hidden_photo["id"]]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let complaint = t["id"].as_i64().unwrap();
    let (s, _) = admin
        .post(
            &format!("/posts/{}/moderation", t["post"]["id"]),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, idea) = m3
        .post(
            "/ideas",
            json!({"title": "Offer a loyalty discount", "body": "Reps hear it weekly.", "anonymous": true}),
        )
        .await;
    assert_eq!(s, 201, "{idea}");
    let (s, _) = r1.put("/me/digest", json!({"frequency": "daily"})).await;
    assert_eq!(s, 200);
    // The idea's author has read every thread: nothing is new for them.
    app.with_conn(|c| {
        for t in [secret, brochure, complaint] {
            let th = grapevine::models::threads::find(c, t).unwrap().unwrap();
            grapevine::models::threads::mark_read(c, m3_user.id, t, th.last_post_id).unwrap();
        }
    });

    // Marie reads Grapevine in French.
    reads_french(&app, "marie@example.com");

    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got = smtp.count_to();
    let expected: BTreeMap<String, usize> = [
        ("admin@example.com", 1),
        ("marie@example.com", 1),
        ("rep@example.com", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(
        got,
        expected,
        "one digest per due user; none for the weekly rep nor for nothing new\n{}",
        text(&out.stdout)
    );
    let mails = smtp.messages();
    let mail_of = |to: &str| mails.iter().find(|m| m.to == to).unwrap();
    for m in &mails {
        assert_eq!(m.parts, (1, 1), "plain text and HTML: {m:?}");
        assert!(
            m.unsubscribe
                .starts_with(&format!("<{}/unsubscribe?token=", app.address)),
            "{}",
            m.unsubscribe
        );
        assert_eq!(m.unsubscribe_post, "List-Unsubscribe=One-Click");
        if m.to == "marie@example.com" {
            assert_eq!(m.subject, "Votre résumé Grapevine du jour");
            assert!(m.text.contains("Nouvelles discussions"), "{}", m.text);
        } else {
            assert_eq!(m.subject, "Your Grapevine daily digest");
            assert!(m.text.contains("New threads"), "{}", m.text);
        }
        assert!(
            !m.text.contains("Hidden"),
            "no anonymous author: {}",
            m.text
        );
        assert!(!m.html.contains("Hidden"), "no anonymous author");
    }
    let rep = mail_of("rep@example.com");
    assert!(rep.text.contains("Customer complaint about delivery times"));
    assert!(rep.text.contains("Offer a loyalty discount"));
    assert!(
        !rep.text.contains("Secret pricing") && !rep.html.contains("Secret pricing"),
        "a rep never sees a marketing-only thread: {}",
        rep.text
    );
    assert!(
        rep.text.contains(&format!("{}/t/", app.address)),
        "absolute links"
    );
    assert!(rep.html.contains("Customer complaint about delivery times"));
    let admin_mail = mail_of("admin@example.com");
    assert!(admin_mail.text.contains("Secret pricing plan for Q3"));
    assert!(admin_mail
        .text
        .contains("Competitor brochure at trade show"));
    let marie = mail_of("marie@example.com");
    assert!(!marie.text.contains("Secret pricing"), "not her own thread");
    assert!(marie.text.contains("Competitor brochure at trade show"));
    // The brochure's photo, by absolute URL; the hidden post's, nowhere.
    let thumb = format!("{}/files/{}/thumbnail", app.address, brochure_photo["id"]);
    let html = marie.html.replace("&#x2F;", "/");
    assert!(html.contains(&format!("src=\"{thumb}\"")), "{html}");
    assert!(marie
        .html
        .contains("Customer complaint about delivery times"));
    for m in &mails {
        let html = m.html.replace("&#x2F;", "/");
        assert!(
            !html.contains(&format!("/files/{}/", hidden_photo["id"])),
            "{html}"
        );
    }
    // A mail client without a session gets no photo (the card still links).
    assert_eq!(reqwest::get(&thumb).await.unwrap().status(), 401);
    let states = claim_states(&app);
    assert!(
        states.contains(&(m3_user.id, "empty".to_string())),
        "{states:?}"
    );

    // Again: nothing more.
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("0 digest(s) queued"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        smtp.count_to(),
        expected,
        "running it again delivers nothing"
    );

    // The one-click link from the mail turns the rep's digests off, without
    // any session.
    let token = rep.unsubscribe_url();
    let token = token.split("token=").nth(1).unwrap();
    assert_eq!(one_click(&app, token).await, 200);
    let (_, setting) = r1.get("/me/digest").await;
    assert_eq!(setting["frequency"], "off");
}

async fn mails_wait_while_smtp_is_down_and_go_once_it_is_back(db: Db) {
    let port = free_port();
    let app = app_with_secret(db, None).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    app.create_user("m1@example.com", Role::Marketer);
    app.create_user("m2@example.com", Role::Marketer);
    admin
        .thread("customers", "Rumor of a price cut", "Heard twice.")
        .await;

    // Nothing listens on the port.
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(!out.status.success(), "a failed send is reported");
    assert!(
        text(&out.stderr).contains("stay queued"),
        "{}",
        text(&out.stderr)
    );
    let states = outbox_states(&app);
    assert_eq!(states.len(), 2, "{states:?}");
    for (state, tries, error) in &states {
        assert_eq!((state.as_str(), *tries), ("pending", 1));
        assert!(
            error.as_deref().is_some_and(|e| !e.is_empty()),
            "reason kept"
        );
    }

    let smtp = Smtp::start(port).await;
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let once: BTreeMap<String, usize> = [("m1@example.com", 1), ("m2@example.com", 1)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert_eq!(smtp.count_to(), once);
    assert!(outbox_states(&app).iter().all(|s| s.0 == "sent"));
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(smtp.count_to(), once, "delivered once each");
}

async fn two_schedulers_send_each_user_one_digest(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let tune = move |s: &mut grapevine::config::Settings,
                     o: &mut grapevine::startup::RunOptions| {
        s.secret_key = grapevine::config::stretch(SECRET.as_bytes());
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        o.digest_every = Duration::from_millis(50);
    };
    let a = spawn_app_with(fresh_database(db), tune).await;
    let (admin, _) = a.api_user("admin@example.com", Role::Admin);
    admin
        .thread("customers", "A thread for everyone", "News.")
        .await;
    let n = 12;
    for i in 0..n {
        let u = a.create_user(&format!("m{i}@example.com"), Role::Marketer);
        // Due all day, whatever the time zone: from midnight, UTC.
        a.with_conn(|c| {
            grapevine::digest::update(
                c,
                &u,
                &grapevine::digest::SettingsChange {
                    frequency: Some("daily".into()),
                    hour: Some(0),
                    timezone: Some("UTC".into()),
                    ..Default::default()
                },
            )
            .unwrap()
        });
    }
    let b = spawn_app_with(
        TestDb {
            url: a.db.url.clone(),
            dir: tempfile::tempdir().unwrap(),
        },
        tune,
    )
    .await;
    let smtp_ref = &smtp;
    wait_until(
        Duration::from_secs(60),
        "every digest delivered",
        || async move { smtp_ref.count_to().len() == n },
    )
    .await;
    wait_until(Duration::from_secs(30), "the outbox empty", || async {
        outbox_states(&a).iter().all(|s| s.0 == "sent")
            && claim_states(&a).iter().all(|s| s.1 != "building")
    })
    .await;
    let counts = smtp.count_to();
    assert!(counts.values().all(|c| *c == 1), "{counts:?}");
    assert_eq!(counts.len(), n);
    assert_eq!(outbox_states(&a).len(), n);
    drop(b);
}

async fn idea_status_change_notifies_author_and_voters(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (v1, _) = app.api_user("voter1@example.com", Role::Rep);
    let (v2, v2_user) = app.api_user("voter2@example.com", Role::Rep);
    let (marketer, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (_, idea) = author
        .post(
            "/ideas",
            json!({"title": "Bundle pricing for clinics", "body": "Asked by three clinics."}),
        )
        .await;
    let id = idea["id"].as_i64().unwrap();
    for v in [&v1, &v2] {
        let (s, _) = v.put(&format!("/ideas/{id}/vote"), json!({})).await;
        assert_eq!(s, 200);
    }
    let (s, _) = v2.put("/me/digest", json!({"email_ideas": false})).await;
    assert_eq!(s, 200);
    let (s, _) = marketer
        .put(
            &format!("/ideas/{id}/status"),
            json!({"status": "planned", "response": "Coming in Q3."}),
        )
        .await;
    assert_eq!(s, 200);

    for api in [&author, &v1, &v2] {
        let api = api.clone_api();
        wait_until(
            Duration::from_secs(10),
            "the in-app notification",
            move || {
                let api = api.clone_api();
                async move {
                    let (_, n) = api.get("/me/notifications").await;
                    n["items"].as_array().is_some_and(|items| {
                        items.iter().any(|i| {
                            i["reason"] == "idea" && i["event"]["data"]["status"] == "planned"
                        })
                    })
                }
            },
        )
        .await;
    }
    let smtp_ref = &smtp;
    wait_until(
        Duration::from_secs(15),
        "emails to the author and the voter who wants them",
        || async move { smtp_ref.count_to().len() == 2 },
    )
    .await;
    let counts = smtp.count_to();
    assert!(counts.contains_key("author@example.com") && counts.contains_key("voter1@example.com"));
    let mail = smtp
        .messages()
        .into_iter()
        .find(|m| m.to == "author@example.com")
        .unwrap();
    assert!(
        mail.subject.contains("Bundle pricing for clinics") && mail.subject.contains("Planned"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("Coming in Q3."), "{}", mail.text);
    // Absolute links from the base URL (the test app's is http://127.0.0.1).
    assert!(mail.text.contains(&format!("http://127.0.0.1/ideas/{id}")));
    assert!(mail.unsubscribe.contains("/unsubscribe?token="));
    // The voter who turned idea emails off has none queued at all.
    let queued_for_v2: i64 = app.with_conn(|c| {
        outbox::table
            .filter(outbox::user_id.eq(v2_user.id))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(queued_for_v2, 0);
}

async fn dry_run_prints_and_records_nothing(db: Db) {
    let app = app_with_secret(db, None).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    app.create_user("m1@example.com", Role::Marketer);
    admin.thread("customers", "Something new", "Indeed.").await;
    let out = grapevine(&app, None, &["digest", "send", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("m1@example.com: daily digest"), "{stdout}");
    assert!(stdout.contains("1 digest(s) would be sent"), "{stdout}");
    assert!(claim_states(&app).is_empty() && outbox_states(&app).is_empty());

    let out = grapevine(&app, None, &["digest", "send", "--period", "hourly"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--period"),
        "{}",
        text(&out.stderr)
    );

    // Without SMTP, mail goes to .eml files in the data dir's outbox.
    let out = grapevine(&app, None, &["digest", "send"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files: Vec<_> = std::fs::read_dir(app.db.dir.path().join("outbox"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 1);
    let mail = Mail::parse(&std::fs::read(files[0].path()).unwrap());
    assert_eq!(mail.to, "m1@example.com");
    assert!(mail.text.contains("Something new"));
}

/// The RFC 8058 one-click POST, without any cookie.
async fn one_click(app: &TestApp, token: &str) -> u16 {
    reqwest::Client::new()
        .post(app.url(&format!("/unsubscribe?token={token}")))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn one_click_unsubscribe_needs_no_session(db: Db) {
    let app = app_with_secret(db, None).await;
    let (api, user) = app.api_user("rep@example.com", Role::Rep);
    let key = grapevine::config::stretch(SECRET.as_bytes());
    let token = grapevine::mail::unsubscribe::sign(&key, user.id, "digest");

    // A forged token changes nothing.
    let forged = grapevine::mail::unsubscribe::sign(&[1u8; 64], user.id, "digest");
    assert_eq!(one_click(&app, &forged).await, 400);
    let (_, s) = api.get("/me/digest").await;
    assert_eq!(s["frequency"], "weekly");

    // GET only asks to confirm (link scanners follow links).
    let page = client()
        .get(app.url(&format!("/unsubscribe?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("rep@example.com"));
    let (_, s) = api.get("/me/digest").await;
    assert_eq!(s["frequency"], "weekly");

    assert_eq!(one_click(&app, &token).await, 200);
    let (_, s) = api.get("/me/digest").await;
    assert_eq!(s["frequency"], "off");

    // Another kind turns only its own email off.
    let token = grapevine::mail::unsubscribe::sign(&key, user.id, "replies");
    assert_eq!(one_click(&app, &token).await, 200);
    let (_, s) = api.get("/me/digest").await;
    assert_eq!(
        (s["email_replies"].as_bool(), s["email_mentions"].as_bool()),
        (Some(false), Some(true))
    );
}

async fn an_abandoned_claim_is_taken_over_and_a_live_one_is_not(db: Db) {
    let app = app_with_secret(db, None).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let crashed = app.create_user("crashed@example.com", Role::Marketer);
    let busy = app.create_user("busy@example.com", Role::Marketer);
    admin.thread("customers", "News for both", "Yes.").await;
    // The current daily period of each (default time zone: Europe/Paris).
    let key = grapevine::digest::send::Period::Daily
        .key(&chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris));
    let now = grapevine::db::now();
    app.with_conn(|c| {
        for (user, age) in [(crashed.id, 30), (busy.id, 1)] {
            diesel::insert_into(digest_claims::table)
                .values((
                    digest_claims::user_id.eq(user),
                    digest_claims::period_key.eq(&key),
                    digest_claims::state.eq("building"),
                    digest_claims::since.eq(now - chrono::TimeDelta::days(1)),
                    digest_claims::claimed_at.eq(now - chrono::TimeDelta::minutes(age)),
                ))
                .execute(c)
                .unwrap();
        }
    });
    let out = grapevine(&app, None, &["digest", "send", "--period", "daily"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let recipients: Vec<String> = app.with_conn(|c| {
        outbox::table
            .select(outbox::recipient)
            .order(outbox::recipient)
            .load(c)
            .unwrap()
    });
    assert!(
        recipients.contains(&"crashed@example.com".to_string()),
        "a claim abandoned 30 minutes ago is taken over: {recipients:?}"
    );
    assert!(
        !recipients.contains(&"busy@example.com".to_string()),
        "a claim taken a minute ago belongs to a run still going"
    );
}

async fn a_failing_mail_is_retried_then_given_up_with_its_reason(db: Db) {
    use grapevine::mail::outbox as ob;
    let app = app_with_secret(db, None).await;
    let user = app.create_user("m@example.com", Role::Marketer);
    app.with_conn(|c| {
        let mail = ob::NewMail {
            dedup_key: "test:1".into(),
            user_id: Some(user.id),
            kind: "notification".into(),
            sender: "grapevine@example.com".into(),
            recipient: "m@example.com".into(),
            subject: "Hello".into(),
            message: "Subject: Hello\r\n\r\nHi".into(),
        };
        assert!(ob::enqueue(c, &mail).unwrap());
        assert!(!ob::enqueue(c, &mail).unwrap(), "one mail per key");
        let id: i64 = outbox::table.select(outbox::id).first(c).unwrap();
        for n in 1..=ob::MAX_TRIES {
            // Not due before its backoff, unless forced.
            let due = ob::due(c, 0, n == 1, 10).unwrap();
            assert_eq!(due, vec![id], "try {n}");
            let taken = ob::take(c, id).unwrap().expect("taken");
            assert!(
                ob::take(c, id).unwrap().is_none(),
                "leased: nobody else takes it"
            );
            let gave_up = ob::mark_failed(c, id, taken.tries, "550 mailbox unavailable").unwrap();
            assert_eq!(gave_up, n == ob::MAX_TRIES);
            if n < ob::MAX_TRIES {
                assert!(ob::due(c, 0, false, 10).unwrap().is_empty(), "backing off");
            }
            // Move the clock: make it due again.
            diesel::update(outbox::table.find(id))
                .set(outbox::next_attempt_at.eq(grapevine::db::now()))
                .execute(c)
                .unwrap();
        }
        let (state, tries, error): (String, i32, Option<String>) = outbox::table
            .find(id)
            .select((outbox::state, outbox::tries, outbox::last_error))
            .first(c)
            .unwrap();
        assert_eq!((state.as_str(), tries), ("failed", ob::MAX_TRIES));
        assert_eq!(error.as_deref(), Some("550 mailbox unavailable"));
        assert!(
            ob::due(c, 0, true, 10).unwrap().is_empty(),
            "given up for good"
        );
        // Pruning keeps failed mail, and sent mail for 30 days.
        assert_eq!(ob::prune(c).unwrap(), 0);
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq("sent"),
                outbox::sent_at.eq(Some(grapevine::db::now() - chrono::TimeDelta::days(31))),
            ))
            .execute(c)
            .unwrap();
        assert_eq!(ob::prune(c).unwrap(), 1);
    });
}

async fn replies_and_mentions_are_emailed_per_settings(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (replier, _) = app.api_user("replier@example.com", Role::Marketer);
    app.api_user("claire@example.com", Role::Rep);
    let (follower, follower_user) = app.api_user("follower@example.com", Role::Rep);
    // The follower follows the category but wants no email for it.
    let (s, _) = follower
        .put("/me/follows/category/customers", json!({}))
        .await;
    assert_eq!(s, 204);
    let (s, _) = follower
        .put("/me/digest", json!({"email_follows": false}))
        .await;
    assert_eq!(s, 200);
    // Another follows it with emails on.
    let (watcher, _) = app.api_user("watcher@example.com", Role::Marketer);
    let (s, _) = watcher
        .put("/me/follows/category/customers", json!({}))
        .await;
    assert_eq!(s, 204);
    let thread = author
        .thread("customers", "Clinic wants a trial", "Three sites.")
        .await;
    replier
        .reply(thread, None, "Ask @claire, she knows their buyer.")
        .await;
    let smtp_ref = &smtp;
    wait_until(
        Duration::from_secs(15),
        "the reply, mention and follow emails",
        || async move { smtp_ref.count_to().len() == 3 },
    )
    .await;
    // Two posts in the followed thread: one email per hour they fall in
    // (one, unless the clock turned the hour between them).
    let hours: std::collections::BTreeSet<String> = app.with_conn(|c| {
        use grapevine::db::schema::events;
        events::table
            .filter(events::kind.eq_any(["thread.created", "post.created"]))
            .select(events::created_at)
            .load::<chrono::NaiveDateTime>(c)
            .unwrap()
            .into_iter()
            .map(|t| t.format("%Y-%m-%dT%H").to_string())
            .collect()
    });
    let follow_keys: Vec<String> = app.with_conn(|c| {
        outbox::table
            .filter(outbox::recipient.eq("watcher@example.com"))
            .select(outbox::dedup_key)
            .load(c)
            .unwrap()
    });
    assert_eq!(follow_keys.len(), hours.len(), "{follow_keys:?}");
    let mails = smtp.messages();
    let to_author = mails.iter().find(|m| m.to == "author@example.com").unwrap();
    assert!(
        to_author.subject.contains("replied") && to_author.subject.contains("Clinic wants a trial"),
        "{}",
        to_author.subject
    );
    assert!(to_author.text.contains("Ask @claire"), "{}", to_author.text);
    // Each mail has its own id under the base URL's host, says it is
    // automatic, and refers to its thread's one id so clients thread them.
    let to_claire_mail = mails.iter().find(|m| m.to == "claire@example.com").unwrap();
    for m in [to_author, to_claire_mail] {
        assert!(
            m.message_id.starts_with('<') && m.message_id.ends_with("@127.0.0.1>"),
            "{}",
            m.message_id
        );
        assert_eq!(m.auto_submitted, "auto-generated");
        assert_eq!(m.in_reply_to, format!("<thread-{thread}@127.0.0.1>"));
        assert_eq!(m.references, m.in_reply_to);
    }
    assert_ne!(to_author.message_id, to_claire_mail.message_id);
    assert!(to_author.unsubscribe.contains("/unsubscribe?token="));
    let to_claire = mails.iter().find(|m| m.to == "claire@example.com").unwrap();
    assert!(
        to_claire.subject.contains("mentioned you"),
        "{}",
        to_claire.subject
    );
    // The follower has the in-app notification, and no email queued.
    let queued: i64 = app.with_conn(|c| {
        outbox::table
            .filter(outbox::user_id.eq(follower_user.id))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(queued, 0);
    let (_, n) = follower.get("/me/notifications").await;
    assert!(n["unread"].as_i64().unwrap() >= 1, "{n}");
}

async fn a_reps_weekly_digest_opens_with_what_their_intel_did(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (quiet, _) = app.api_user("quiet@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let mine = rep
        .thread("customers", "Acme changes supplier", "Heard at the fair")
        .await;
    quiet
        .thread("customers", "Initech opens a shop", "Downtown")
        .await;
    let (_, t) = mkt.get(&format!("/threads/{mine}")).await;
    let (s, _) = mkt
        .put(&format!("/posts/{}/useful", t["post"]["id"]), json!({}))
        .await;
    assert_eq!(s, 200);
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "weekly"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mails = smtp.messages();
    let of = |to: &str| {
        mails
            .iter()
            .find(|m| m.to == to)
            .unwrap_or_else(|| panic!("a digest to {to}: {}", text(&out.stdout)))
    };
    let line = "Your intel last week: read 1 time by marketing, 1 useful mark, 0 marketing replies, 0 ideas adopted.";
    assert!(
        of("rep@example.com").text.contains(line),
        "{}",
        of("rep@example.com").text
    );
    assert!(of("rep@example.com").html.contains("/impact"));
    assert!(
        !of("quiet@example.com").text.contains("Your intel"),
        "nothing to say, no line"
    );
}

/// A user whose language is "the browser's" gets mail in the language their
/// browser got at their last visit; a user who chose a language gets that.
async fn mail_speaks_the_language_the_browser_last_got(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (replier, _) = app.api_user("replier@example.com", Role::Marketer);
    let (gaspard_api, gaspard) = app.api_user("gaspard@example.com", Role::Rep);
    let (chosen_api, chosen) = app.api_user("chose-english@example.com", Role::Rep);
    app.with_conn(|c| {
        use grapevine::db::schema::users;
        diesel::update(users::table.find(chosen.id))
            .set(users::locale.eq(Some("en")))
            .execute(c)
            .unwrap()
    });
    for email in ["gaspard@example.com", "chose-english@example.com"] {
        let c = client();
        assert_eq!(app.login(&c, email, PASSWORD).await.status(), 303);
        let res = c
            .get(app.url("/"))
            .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let app_ref = &app;
    let gaspard_id = gaspard.id;
    wait_until(
        Duration::from_secs(10),
        "the language to be remembered",
        || async move {
            app_ref.with_conn(|c| {
                grapevine::models::users::find(c, gaspard_id)
                    .unwrap()
                    .unwrap()
                    .seen_lang
                    .as_deref()
                    == Some("fr")
            })
        },
    )
    .await;
    let t1 = gaspard_api
        .thread("customers", "Le client veut un essai", "Trois sites.")
        .await;
    let t2 = chosen_api
        .thread("customers", "Trial request", "Two sites.")
        .await;
    replier.reply(t1, None, "Je m'en occupe.").await;
    replier.reply(t2, None, "On it.").await;
    let smtp_ref = &smtp;
    wait_until(
        Duration::from_secs(15),
        "both reply emails",
        || async move { smtp_ref.count_to().len() == 2 },
    )
    .await;
    let mails = smtp.messages();
    let to = |who: &str| mails.iter().find(|m| m.to == who).unwrap().subject.clone();
    assert!(
        to("gaspard@example.com").contains("a répondu dans"),
        "{}",
        to("gaspard@example.com")
    );
    assert!(
        to("chose-english@example.com").contains("replied in"),
        "{}",
        to("chose-english@example.com")
    );
}

/// SpamAssassin's score of a raw message (local tests only: no network).
fn spam_score(raw: &[u8]) -> (f64, String) {
    use std::io::Write;
    let mut child = Command::new("spamassassin")
        .args(["-t", "-L", "--cf=use_bayes 0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spamassassin runs");
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let status = text
        .lines()
        .find(|l| l.starts_with("X-Spam-Status:"))
        .unwrap_or_else(|| panic!("no X-Spam-Status in {text}"))
        .to_string();
    let score = status
        .split("score=")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no score in {status}"));
    // The report lists the rules that fired, for the failure message.
    let rules = text
        .lines()
        .skip_while(|l| !l.starts_with(" pts rule name"))
        .take(30)
        .collect::<Vec<_>>()
        .join("\n");
    (score, rules)
}

/// A reply, a mention, a followed thread, an idea's new status and a
/// digest: each scores under 1.0 with SpamAssassin. Links point at a public
/// name, as in production (an IP address in links is a spam sign itself).
async fn every_kind_of_mail_scores_under_one_with_spamassassin(db: Db) {
    const BASE: &str = "https://grapevine.example.com";
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = spawn_app_with(fresh_database(db), |s, _| {
        s.secret_key = grapevine::config::stretch(SECRET.as_bytes());
        s.mail_from = "grapevine@example.com".into();
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        s.base_url = BASE.into();
        s.mail_batch = Duration::from_secs(3600);
    })
    .await;
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    let (marketer, _) = app.api_user("marketer@example.com", Role::Marketer);
    let (watcher, _) = app.api_user("watcher@example.com", Role::Marketer);
    app.api_user("claire@example.com", Role::Rep);
    let (s, _) = watcher
        .put("/me/follows/category/customers", json!({}))
        .await;
    assert_eq!(s, 204);
    let thread = author
        .thread(
            "customers",
            "Clinic wants a trial",
            "Three sites want to try it next month.",
        )
        .await;
    marketer
        .reply(
            thread,
            None,
            "Thanks, I will call their buyer. Ask @claire, she knows them.",
        )
        .await;
    marketer
        .reply(thread, None, "Their budget for the trial is approved, too.")
        .await;
    // The author's two replies wait in one batch; then it leaves.
    let app_ref = &app;
    wait_until(Duration::from_secs(15), "the batches", || async move {
        batch_sizes(app_ref)
            .iter()
            .any(|(e, n)| e == "author@example.com" && *n == 2)
    })
    .await;
    make_batches_due(&app);
    // An invitation and a reset.
    invite_nina(&app, &admin).await;
    let res = app
        .post_form(
            &client(),
            "/password/forgot",
            "/password/forgot",
            &[("email", "claire@example.com")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (s, idea) = author
        .post(
            "/ideas",
            json!({"title": "Bundle pricing for clinics", "body": "Asked by three clinics."}),
        )
        .await;
    assert_eq!(s, 201);
    let id = idea["id"].as_i64().unwrap();
    let (s, _) = marketer
        .put(
            &format!("/ideas/{id}/status"),
            json!({"status": "planned", "response": "Coming in the third quarter."}),
        )
        .await;
    assert_eq!(s, 200);
    let smtp_ref = &smtp;
    wait_until(
        Duration::from_secs(15),
        "batched reply, mention, follow, invitation, reset and idea mails",
        || async move { smtp_ref.raw_messages().len() >= 6 },
    )
    .await;
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_until(Duration::from_secs(15), "the digests", || async move {
        smtp_ref
            .messages()
            .iter()
            .any(|m| m.subject.contains("digest"))
    })
    .await;
    let raws = smtp.raw_messages();
    let mut scores = Vec::new();
    for raw in &raws {
        let mail = Mail::parse(raw);
        let (score, rules) = spam_score(raw);
        assert!(
            score < 1.0,
            "{} to {} scored {score}:\n{rules}",
            mail.subject,
            mail.to
        );
        scores.push((score, mail.subject));
    }
    eprintln!("spamassassin scores: {scores:?}");
    for subject in [
        "2 new posts in “Clinic wants a trial”",
        "You are invited to Grapevine",
        "Reset your Grapevine password",
    ] {
        assert!(
            scores.iter().any(|(_, s)| s == subject),
            "{subject} scored: {scores:?}"
        );
    }
    assert!(raws.len() >= 7, "{} mails", raws.len());
}

async fn digest_shows_excerpts_chips_and_whose_idea_it_is(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    admin
        .put("/accounts/ACME-1", json!({"name": "Acme Corp"}))
        .await;
    admin
        .put("/competitors/rivalco", json!({"name": "RivalCo"}))
        .await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (marie, _) = app.api_user("marie@example.com", Role::Marketer);
    reads_french(&app, "marie@example.com");
    let long = format!(
        "**RivalCo** hands out a _20% coupon_ at every stand. {}",
        "They also promise free delivery for a year. ".repeat(8)
    );
    let (s, t) = rep
        .post(
            "/threads",
            json!({"category": "competitors", "title": "RivalCo coupons at the fair", "body": long, "kind": "competitor_move", "accounts": ["ACME-1"], "competitors": ["rivalco"]}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    // An opening post hidden by a moderator: its title may stay, its words not.
    let (s, t) = admin
        .post(
            "/threads",
            json!({"category": "customers", "title": "Delivery complaint", "body": "Late again at the warehouse."}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let (s, _) = admin
        .post(
            &format!("/posts/{}/moderation", t["post"]["id"]),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, idea) = rep
        .post(
            "/ideas",
            json!({"title": "Quote templates in French", "body": "Asked twice."}),
        )
        .await;
    assert_eq!(s, 201, "{idea}");
    let id = idea["id"].as_i64().unwrap();
    let (s, _) = marie.put(&format!("/ideas/{id}/vote"), json!({})).await;
    assert_eq!(s, 200, "vote");
    let (s, _) = admin
        .put(
            &format!("/ideas/{id}/status"),
            json!({"status": "planned", "response": "Next quarter."}),
        )
        .await;
    assert_eq!(s, 200);
    for who in [&rep, &marie, &admin] {
        let (s, _) = who.put("/me/digest", json!({"frequency": "daily"})).await;
        assert_eq!(s, 200);
    }
    let out = grapevine(&app, Some(port), &["digest", "send", "--period", "daily"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The digests, not the idea's notifications.
    let mails: Vec<Mail> = smtp
        .messages()
        .into_iter()
        .filter(|m| m.subject.contains("digest") || m.subject.contains("résumé"))
        .collect();
    let mail_of = |to: &str| {
        mails
            .iter()
            .find(|m| m.to == to)
            .unwrap_or_else(|| panic!("no digest for {to}: {mails:?}"))
    };
    let fr = mail_of("marie@example.com");
    // The excerpt: plain text (no Markdown marks), about 200 characters.
    let excerpt_start = "RivalCo hands out a 20% coupon at every stand.";
    assert!(fr.text.contains(excerpt_start), "{}", fr.text);
    assert!(!fr.text.contains("**RivalCo**"), "{}", fr.text);
    let line = fr
        .text
        .lines()
        .find(|l| l.contains(excerpt_start))
        .unwrap()
        .trim();
    assert!(
        line.ends_with('…') && line.chars().count() <= 201,
        "cut near 200 characters: {line}"
    );
    assert!(fr.html.contains(excerpt_start), "{}", fr.html);
    // Chips: the kind in her language, the account and the competitor.
    for chip in [
        "class=\"chip kind\"",
        "Action d&#x27;un concurrent",
        ">Acme Corp</span>",
        ">RivalCo</span>",
    ] {
        assert!(fr.html.contains(chip), "{chip}: {}", fr.html);
    }
    assert!(
        fr.text
            .contains("[Action d'un concurrent] [Acme Corp] [RivalCo]"),
        "{}",
        fr.text
    );
    // The category in her language too.
    assert!(
        fr.text.contains("Concurrents · par User rep@example.com"),
        "{}",
        fr.text
    );
    // The hidden opening post: the thread is listed to nobody's harm, its words never.
    for m in &mails {
        assert!(!m.text.contains("Late again"), "{}: {}", m.to, m.text);
        assert!(!m.html.contains("Late again"), "{}", m.to);
    }
    // Whose idea: "yours" for its author only, "you voted" for a voter.
    let own = mail_of("rep@example.com");
    assert!(
        own.text
            .contains("Quote templates in French: Planned (yours)"),
        "{}",
        own.text
    );
    assert!(
        fr.text.contains("(vous avez voté)") && !fr.text.contains("(la vôtre)"),
        "{}",
        fr.text
    );
    let adm = mail_of("admin@example.com");
    assert!(
        adm.text.contains("Quote templates in French: Planned"),
        "{}",
        adm.text
    );
    assert!(
        !adm.text.contains("(yours)") && !adm.text.contains("(you voted)"),
        "{}",
        adm.text
    );
}

/// Who has a batch of mail waiting, with how many items.
fn batch_sizes(app: &TestApp) -> Vec<(String, usize)> {
    app.with_conn(|c| {
        use grapevine::db::schema::{mail_batches, users};
        mail_batches::table
            .inner_join(users::table)
            .select((users::email, mail_batches::items))
            .order(users::email)
            .load::<(String, String)>(c)
            .unwrap()
            .into_iter()
            .map(|(e, items)| {
                let items: Vec<serde_json::Value> = serde_json::from_str(&items).unwrap();
                (e, items.len())
            })
            .collect()
    })
}

/// Makes every waiting batch due now.
fn make_batches_due(app: &TestApp) {
    app.with_conn(|c| {
        use grapevine::db::schema::mail_batches;
        diesel::update(mail_batches::table)
            .set(
                mail_batches::due_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1)),
            )
            .execute(c)
            .unwrap();
    });
}

/// Replies to one thread within the window leave as one mail, listing
/// each; a reply hidden before the mail leaves is not in it, and a mail
/// that would hold only hidden posts is not sent at all.
async fn replies_in_one_thread_leave_as_one_mail_of_what_is_still_visible(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = spawn_app_with(fresh_database(db), |s, _| {
        s.secret_key = grapevine::config::stretch(SECRET.as_bytes());
        s.mail_from = "grapevine@example.com".into();
        s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        // Long enough that nothing leaves by itself during the test; the
        // test then makes the batches due.
        s.mail_batch = Duration::from_secs(3600);
    })
    .await;
    let (author, _) = app.api_user("author@example.com", Role::Rep);
    reads_french(&app, "author@example.com");
    app.api_user("claire@example.com", Role::Rep);
    let (replier, _) = app.api_user("replier@example.com", Role::Marketer);
    let thread = author
        .thread("customers", "Clinic wants a trial", "Three sites.")
        .await;
    replier
        .reply(thread, None, "First: they want it in March.")
        .await;
    replier
        .reply(thread, None, "Second: budget is approved.")
        .await;
    let third = replier
        .reply(
            thread,
            None,
            "Third: ask @claire about the buyer's private number.",
        )
        .await;
    let app_ref = &app;
    wait_until(Duration::from_secs(15), "the batches", || async move {
        batch_sizes(app_ref)
            == vec![
                ("author@example.com".to_string(), 3),
                ("claire@example.com".to_string(), 1),
            ]
    })
    .await;
    assert!(
        smtp.messages().is_empty(),
        "nothing leaves before the window ends"
    );
    let (s, _) = replier
        .post(
            &format!("/posts/{third}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(s, 204);
    make_batches_due(&app);
    let smtp_ref = &smtp;
    wait_until(Duration::from_secs(15), "the batched mail", || async move {
        batch_sizes(app_ref).is_empty() && smtp_ref.messages().len() == 1
    })
    .await;
    let mails = smtp.messages();
    let m = &mails[0];
    assert_eq!(m.to, "author@example.com");
    assert_eq!(
        m.subject,
        "2 nouveaux messages dans « Clinic wants a trial »"
    );
    assert!(
        m.text.contains("First: they want it in March."),
        "{}",
        m.text
    );
    assert!(m.text.contains("Second: budget is approved."), "{}", m.text);
    assert!(!m.text.contains("private number"), "{}", m.text);
    assert!(!m.html.contains("private number"), "{}", m.html);
    assert_eq!(m.in_reply_to, format!("<thread-{thread}@127.0.0.1>"));
    // Claire's only item was hidden: no mail recorded for her at all.
    let for_claire: i64 = app.with_conn(|c| {
        outbox::table
            .filter(outbox::recipient.eq("claire@example.com"))
            .count()
            .get_result(c)
            .unwrap()
    });
    assert_eq!(for_claire, 0);
}

/// An admin invites Nina by email (no password given).
async fn invite_nina(app: &TestApp, admin: &reqwest::Client) {
    let res = app
        .post_form(
            admin,
            "/admin/users",
            "/admin/users",
            &[
                ("email", "nina@example.com"),
                ("name", "Nina New"),
                ("role", "rep"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
}

/// The user chose French in their settings.
fn reads_french(app: &TestApp, email: &str) {
    app.with_conn(|c| {
        use grapevine::db::schema::users;
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::locale.eq(Some("fr")))
            .execute(c)
            .unwrap();
    });
}

/// The link a password mail carries, under the base URL (whose port the
/// test app does not know when it starts).
fn password_link(m: &Mail) -> String {
    let link = m
        .text
        .split_whitespace()
        .find(|w| w.contains("/password/set?token="))
        .unwrap_or_else(|| panic!("no link in {}", m.text));
    let base = "http://127.0.0.1/";
    assert!(link.starts_with(base), "{link}");
    link.replacen(base, "/", 1)
}

async fn wait_for_mail_to(smtp: &Smtp, to: &'static str) -> Mail {
    wait_until(Duration::from_secs(15), to, || async move {
        smtp.messages().iter().any(|m| m.to == to)
    })
    .await;
    smtp.messages().into_iter().find(|m| m.to == to).unwrap()
}

async fn an_invitation_by_email_sets_the_password_once(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (admin, _) = app.signed_in("admin@example.com", Role::Admin).await;
    reads_french(&app, "admin@example.com");
    invite_nina(&app, &admin).await;
    let mail = wait_for_mail_to(&smtp, "nina@example.com").await;
    // In the inviting admin's language, from them, a mail she did not
    // subscribe to: no unsubscribe header.
    assert_eq!(mail.subject, "Vous êtes invité sur Grapevine");
    assert!(
        mail.text.contains("User admin@example.com vous a invité"),
        "{}",
        mail.text
    );
    assert!(mail.unsubscribe.is_empty(), "{}", mail.unsubscribe);
    assert_eq!(mail.auto_submitted, "auto-generated");
    let link = password_link(&mail);
    assert!(mail.html.contains("id=\"password-link\""), "{}", mail.html);
    // No password works until she chooses one.
    let nina = client();
    for pw in ["", PASSWORD] {
        let res = app.login(&nina, "nina@example.com", pw).await;
        assert_eq!(res.status(), 200, "not signed in with {pw:?}");
    }
    let (status, html) = app.get_html(&nina, &link).await;
    assert_eq!(status, 200);
    assert_eq!(texts(&html, "h1"), vec!["Welcome to Grapevine"]);
    assert!(html.contains("nina@example.com"));
    let path = link;
    let token = path.split("token=").nth(1).unwrap().to_string();
    let res = app
        .post_form(
            &nina,
            &path,
            "/password/set",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "#error-summary li").len(), 1, "{html}");
    let res = app
        .post_form(
            &nina,
            &path,
            "/password/set",
            &[("token", &token), ("password", "nina's own long password")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.me_status(&nina).await, 200, "signed in by the link");
    let again = client();
    let res = app
        .login(&again, "nina@example.com", "nina's own long password")
        .await;
    assert_eq!(res.status(), 303);
    // The link works once.
    let (status, html) = app.get_html(&client(), &path).await;
    assert_eq!(status, 404);
    assert_eq!(
        texts(&html, "#link-closed"),
        vec!["This link has expired or was already used."]
    );
    let res = app
        .post_form(
            &client(),
            "/password/forgot",
            "/password/set",
            &[("token", &token), ("password", "another long password")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .login(&client(), "nina@example.com", "another long password")
        .await;
    assert_eq!(res.status(), 200, "the used link changed nothing");
    let actions: Vec<String> = app.with_conn(|c| {
        use grapevine::db::schema::audit_log;
        audit_log::table
            .select(audit_log::action)
            .order(audit_log::id)
            .load(c)
            .unwrap()
    });
    for a in ["user.create", "user.invite", "user.invitation_accepted"] {
        assert!(actions.iter().any(|x| x == a), "{a}: {actions:?}");
    }
}

async fn a_reset_by_email_signs_out_everywhere_and_tells_nobody_who_has_an_account(db: Db) {
    let port = free_port();
    let smtp = Smtp::start(port).await;
    let app = app_with_secret(db, Some(port)).await;
    let (phone, rep) = app.signed_in("rep@example.com", Role::Rep).await;
    let gone = app.create_user("gone@example.com", Role::Rep);
    app.with_conn(|c| grapevine::models::users::set_active(c, gone.id, false).unwrap());
    let ask = |email: &'static str| {
        let app = &app;
        async move {
            let c = client();
            let res = app
                .post_form(
                    &c,
                    "/password/forgot",
                    "/password/forgot",
                    &[("email", email)],
                )
                .await;
            assert_eq!(res.status(), 200, "{email}");
            let html = res.text().await.unwrap();
            texts(&html, "#forgot-sent")
                .join("")
                .replace(email, "EMAIL")
        }
    };
    let answers = [
        ask("nobody@example.com").await,
        ask("gone@example.com").await,
        ask("rep@example.com").await,
        ask("rep@example.com").await,
    ];
    assert!(
        answers[0].contains("If an account uses EMAIL"),
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|a| *a == answers[0]),
        "one answer for all: {answers:?}"
    );
    let res = app
        .post_form(
            &client(),
            "/password/forgot",
            "/password/forgot",
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let mail = wait_for_mail_to(&smtp, "rep@example.com").await;
    assert_eq!(mail.subject, "Reset your Grapevine password");
    assert!(mail.unsubscribe.is_empty());
    let queued: Vec<String> = app.with_conn(|c| {
        outbox::table
            .filter(outbox::kind.eq("password_link"))
            .select(outbox::recipient)
            .load(c)
            .unwrap()
    });
    assert_eq!(
        queued,
        vec!["rep@example.com"],
        "none for the unknown, the deactivated, nor twice in a minute"
    );
    let path = password_link(&mail);
    let token = path.split("token=").nth(1).unwrap().to_string();
    // An expired link opens nothing.
    let old = app.with_conn(|c| {
        grapevine::models::password_links::issue(
            c,
            gone.id,
            grapevine::models::password_links::Purpose::Reset,
        )
        .unwrap()
    });
    app.with_conn(|c| {
        use grapevine::db::schema::password_links;
        diesel::update(password_links::table.filter(password_links::user_id.eq(gone.id)))
            .set(
                password_links::expires_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::seconds(1)),
            )
            .execute(c)
            .unwrap();
    });
    let (status, _) = app
        .get_html(&client(), &format!("/password/set?token={old}"))
        .await;
    assert_eq!(status, 404);

    let laptop = client();
    let res = app
        .post_form(
            &laptop,
            &path,
            "/password/set",
            &[("token", &token), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.me_status(&laptop).await, 200);
    assert_eq!(app.me_status(&phone).await, 401, "the other session ended");
    assert_eq!(
        app.login(&client(), &rep.email, PASSWORD).await.status(),
        200
    );
    assert_eq!(
        app.login(&client(), &rep.email, "a brand new password")
            .await
            .status(),
        303
    );
}
