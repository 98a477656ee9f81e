//! Quick capture in a phone-sized Chromium: a competitor price report in
//! three taps from the home page, a report queued offline with its photo
//! and sent once when the network returns, the manifest and its share
//! target.

use std::time::Duration;

use fantoccini::Locator;
use grapevine::domain::Role;
use serde_json::{json, Value};

use crate::browser::{click, fill, sign_in, Browser};
use crate::helpers::*;

browser_test!(
    browser_files_a_competitor_price_report_in_three_taps,
    browser_queues_a_report_offline_and_sends_it_once_when_back,
    browser_shares_a_photo_into_a_report,
);

fn photo(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/images")
        .join(name)
        .display()
        .to_string()
}

/// An account owned by the rep and a competitor, made by marketing.
async fn crm(app: &TestApp) -> Api {
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let (s, a) = mkt
        .put(
            "/accounts/ACME-1",
            json!({"name": "Acme Corp", "owner_email": "rep@example.com"}),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    mkt.put(
        "/accounts/INI-2",
        json!({"name": "Initech", "owner_email": "rep@example.com"}),
    )
    .await;
    for (slug, name) in [("globex", "Globex"), ("rivalco", "RivalCo")] {
        let (s, _) = mkt
            .put(&format!("/competitors/{slug}"), json!({"name": name}))
            .await;
        assert_eq!(s, 201);
    }
    mkt
}

async fn reports_filed(mkt: &Api) -> Value {
    let (status, f) = mkt.get("/report-forms/competitor-price/answers").await;
    assert_eq!(status, 200, "{f}");
    f
}

async fn js(b: &Browser, script: &str) -> Value {
    b.client.execute(script, vec![]).await.unwrap()
}

async fn url_path(b: &Browser) -> String {
    b.client
        .current_url()
        .await
        .map(|u| u.path().to_string())
        .unwrap_or_default()
}

async fn browser_files_a_competitor_price_report_in_three_taps(db: Db) {
    let app = spawn_app(db).await;
    let rep = app.create_user("rep@example.com", Role::Rep);
    let mkt = crm(&app).await;
    app.with_conn(|c| grapevine::models::users::set_locale(c, rep.id, Some("fr")).unwrap());
    let browser = Browser::start(390).await;
    let b = &browser;
    sign_in(b, &app, "rep@example.com").await;
    b.wait_for("a.kind[href='/report/competitor-price']").await;
    b.screenshot("capture-home-390-fr").await;
    let mut taps = 0;
    // 1: the kind of report, from the home page.
    click(b, "a.kind[href='/report/competitor-price']").await;
    taps += 1;
    b.wait_for("#report-form").await;
    assert_eq!(b.text_of("h1").await, "Prix concurrent");
    // Typing picks the account when one matches.
    fill(b, "[data-account-search]", "Acme").await;
    wait_until(Duration::from_secs(10), "the account picked", || async {
        js(b, "var i = document.querySelector('input[name=\"a.account\"]:checked'); return i ? i.value : null").await
            == json!("ACME-1")
    })
    .await;
    // 2: the competitor chip.
    click(b, "input[name='a.competitor'][value='globex']").await;
    taps += 1;
    fill(b, "#q-price", "1299,90").await;
    b.screenshot("capture-grid-390-fr").await;
    // 3: send.
    click(b, "#report-send").await;
    taps += 1;
    wait_until(Duration::from_secs(10), "the report's thread", || async {
        url_path(b).await.starts_with("/t/")
    })
    .await;
    assert!(taps <= 3, "{taps} taps");
    let title = b.text_of("h1").await;
    assert!(
        title.contains("Globex") && title.contains("Acme Corp") && title.contains("1299,9"),
        "{title}"
    );
    b.wait_for("article.opening table").await;
    b.screenshot("capture-thread-390-fr").await;
    let f = reports_filed(&mkt).await;
    assert_eq!(f["count"], 1, "{f}");
    let q = |k: &str| {
        f["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(q("competitor")["counts"]["globex"], 1);
    assert_eq!(q("account")["counts"]["ACME-1"], 1);
    assert_eq!(q("price")["max"], json!(1299.9));
    // No horizontal scrolling on the phone.
    assert_eq!(
        js(
            b,
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        .await,
        json!(true)
    );
    browser.close().await;
}

async fn browser_queues_a_report_offline_and_sends_it_once_when_back(db: Db) {
    let app = spawn_app(db).await;
    app.create_user("rep@example.com", Role::Rep);
    let mkt = crm(&app).await;
    let browser = Browser::start(390).await;
    let b = &browser;
    sign_in(b, &app, "rep@example.com").await;
    b.client
        .goto(&app.url("/report/competitor-price"))
        .await
        .unwrap();
    wait_until(
        Duration::from_secs(40),
        "the capture pages kept offline",
        || async {
            js(
                b,
                "return document.documentElement.dataset.offlineReady === '1'",
            )
            .await
                == json!(true)
        },
    )
    .await;
    // No network: the page still opens, from the phone.
    b.set_offline(true).await;
    assert_eq!(js(b, "return navigator.onLine").await, json!(false));
    b.client
        .goto(&app.url("/report/competitor-price"))
        .await
        .unwrap();
    b.wait_for("#report-form").await;
    assert_eq!(b.text_of("h1").await, "Competitor price");
    click(b, "input[name='a.account'][value='ACME-1']").await;
    click(b, "input[name='a.competitor'][value='rivalco']").await;
    fill(b, "#q-price", "9.90").await;
    fill(b, "#report-photo", &photo("orientation/portrait_6.jpg")).await;
    b.wait_for("[data-report-thumbs] img").await;
    fill(b, "#report-body", "Seen on the shelf at Acme").await;
    click(b, "#report-send").await;
    wait_until(Duration::from_secs(10), "waiting to send", || async {
        b.text_of("#outbox-count").await == "1 report waiting to send"
    })
    .await;
    // The count shows as soon as the report is queued; the form is cleared
    // for the next one once the attempt to send has failed.
    wait_until(Duration::from_secs(20), "the form cleared for the next report", || async {
        js(
            b,
            "return [location.pathname, !!document.getElementById('outbox-note'), document.getElementById('report-send').disabled]",
        )
        .await
            == json!(["/report/competitor-price", true, false])
    })
    .await;
    // A second one, for an account the CRM removes meanwhile.
    click(b, "input[name='a.competitor'][value='globex']").await;
    fill(b, "[data-account-search]", "Initech").await;
    fill(b, "#q-price", "5").await;
    wait_until(Duration::from_secs(10), "Initech picked offline", || async {
        js(b, "var i = document.querySelector('input[name=\"a.account\"]:checked'); return i ? i.value : null").await
            == json!("INI-2")
    })
    .await;
    click(b, "#report-send").await;
    wait_until(Duration::from_secs(10), "two waiting", || async {
        b.text_of("#outbox-count").await == "2 reports waiting to send"
    })
    .await;
    b.screenshot("capture-offline-waiting-390").await;
    assert_eq!(
        reports_filed(&mkt).await["count"],
        0,
        "nothing sent while offline"
    );
    // The Report link's badge, in the phone's menu.
    click(b, ".menu-button").await;
    assert_eq!(b.text_of("#main-nav [data-outbox-badge]").await, "2");
    click(b, ".menu-button").await;
    app.with_conn(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("DELETE FROM accounts WHERE external_id = 'INI-2'")
            .execute(c)
            .unwrap()
    });
    // The network returns: the report goes, once.
    b.set_offline(false).await;
    wait_until(Duration::from_secs(30), "the report arriving", || async {
        reports_filed(&mkt).await["count"] == json!(1)
    })
    .await;
    wait_until(
        Duration::from_secs(10),
        "the outbox has only the refused one",
        || async {
            b.text_of("#outbox-count").await.is_empty()
                && b.text_of("#outbox-failed li")
                    .await
                    .contains("No such account")
        },
    )
    .await;
    b.screenshot("capture-failed-390").await;
    // The refused report is kept: fixing it opens it with the reason beside
    // its question; discarding it drops it.
    click(b, "#outbox-failed a").await;
    wait_until(
        Duration::from_secs(10),
        "the reason beside the account",
        || async { b.text_of("#err-account").await.contains("No such account") },
    )
    .await;
    assert_eq!(
        js(
            b,
            "return document.querySelector('input[name=\"a.competitor\"]:checked').value"
        )
        .await,
        json!("globex")
    );
    click(b, "#outbox-failed button").await;
    wait_until(Duration::from_secs(10), "the outbox empty", || async {
        b.text_of("#outbox").await.is_empty()
            || js(b, "return document.getElementById('outbox').hidden").await == json!(true)
    })
    .await;
    // Draining again, and reloading, sends nothing more.
    js(b, "window.__left = null; GrapevineOutbox.drain(true).then(function () { return GrapevineOutbox.all(); }).then(function (l) { window.__left = l.length; });").await;
    wait_until(Duration::from_secs(10), "another drain done", || async {
        js(b, "return window.__left").await == json!(0)
    })
    .await;
    b.client.goto(&app.url("/report")).await.unwrap();
    b.wait_for("a.kind").await;
    assert_eq!(reports_filed(&mkt).await["count"], 1);
    let (_, list) = mkt.get("/threads?category=competitors").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    let (_, t) = mkt.get(&format!("/threads/{}", items[0]["id"])).await;
    assert_eq!(t["post"]["attachments"].as_array().unwrap().len(), 1, "{t}");
    assert!(t["post"]["body_html"]
        .as_str()
        .unwrap()
        .contains("Seen on the shelf at Acme"));
    // Signing out forgets the pages kept for offline use.
    click(b, ".menu-button").await;
    click(b, "form[action='/logout'] button").await;
    b.wait_for("#email").await;
    wait_until(Duration::from_secs(10), "the kept pages forgotten", || async {
        js(b, "caches.keys().then(function (k) { window.__kept = k.filter(function (n) { return n.indexOf('pages-') === 0; }).length; }); return window.__kept;").await
            == json!(0)
    })
    .await;
    browser.close().await;
}

async fn browser_shares_a_photo_into_a_report(db: Db) {
    let app = spawn_app(db).await;
    app.create_user("rep@example.com", Role::Rep);
    let mkt = crm(&app).await;
    // The manifest, the worker and the icons are public.
    let anon = client();
    let res = anon
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let manifest: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "/report");
    let share = &manifest["share_target"];
    assert_eq!(
        (share["action"].as_str(), share["method"].as_str()),
        (Some("/report/share"), Some("POST"))
    );
    assert_eq!(share["enctype"], "multipart/form-data");
    let accept: Vec<&str> = share["params"]["files"][0]["accept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        accept.contains(&"image/*") && accept.contains(&"application/pdf"),
        "{accept:?}"
    );
    for icon in manifest["icons"].as_array().unwrap() {
        let res = anon
            .get(app.url(icon["src"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
    }
    let res = anon.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    // Signed out, the share target keeps nothing.
    let res = anon
        .post(app.url("/report/share"))
        .multipart(reqwest::multipart::Form::new().text("text", "x"))
        .send()
        .await
        .unwrap();
    assert!(
        res.status() == 303 || res.status() == 401,
        "{} {}",
        res.status(),
        res.url()
    );

    // The phone shares a photo of a brochure to Grapevine.
    let browser = Browser::start(390).await;
    let b = &browser;
    sign_in(b, &app, "rep@example.com").await;
    js(
        b,
        "var f = document.createElement('form'); f.method = 'post'; f.action = '/report/share';
         f.enctype = 'multipart/form-data'; f.id = 'sheet';
         f.innerHTML = '<input type=file name=files id=sheet-file><input name=title value=\"RivalCo brochure\"><input name=text value=\"From the fair\">';
         document.body.appendChild(f);",
    )
    .await;
    fill(b, "#sheet-file", &photo("gps/DSCN0010.jpg")).await;
    js(b, "document.getElementById('sheet').submit()").await;
    b.wait_for("p.shared").await;
    assert_eq!(url_path(b).await, "/report");
    b.screenshot("capture-shared-390").await;
    click(b, "a.kind[href^='/report/competitor-price']").await;
    let thumb = b.wait_for("[data-report-thumbs] img[data-upload]").await;
    let upload = thumb.attr("data-upload").await.unwrap().unwrap();
    wait_until(Duration::from_secs(10), "the shared photo shown", || async {
        js(b, "var i = document.querySelector('[data-report-thumbs] img'); return i.complete && i.naturalWidth > 0").await
            == json!(true)
    })
    .await;
    assert_eq!(
        b.client
            .find(Locator::Css("#report-title"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("RivalCo brochure")
    );
    assert_eq!(b.text_of("#report-body").await, "From the fair");
    click(b, "input[name='a.competitor'][value='rivalco']").await;
    fill(b, "#q-price", "15").await;
    click(b, "#report-send").await;
    wait_until(Duration::from_secs(10), "the report's thread", || async {
        url_path(b).await.starts_with("/t/")
    })
    .await;
    assert_eq!(b.text_of("h1").await, "RivalCo brochure");
    let id: i64 = url_path(b).await.trim_start_matches("/t/").parse().unwrap();
    let (_, t) = mkt.get(&format!("/threads/{id}")).await;
    let files = t["post"]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{t}");
    assert_eq!(files[0]["id"].to_string(), upload);
    browser.close().await;
}
