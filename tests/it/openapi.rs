//! `openapi.json` describes the API truthfully (schemathesis in `.ci/run`
//! checks the answers against it; these check the document itself).

use grapevine::domain::Role;
use serde_json::Value;

use crate::helpers::*;

db_test!(the_document_declares_parameters_statuses_and_timestamps);

async fn the_document_declares_parameters_statuses_and_timestamps(db: Db) {
    let app = spawn_app(db).await;
    let (api, _) = app.api_user("rep@example.com", Role::Rep);
    let (status, doc) = api.get("/openapi.json").await;
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        let names: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for (method, op) in item.as_object().unwrap() {
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            for n in &names {
                assert!(
                    declared.contains(n),
                    "{method} {path} does not declare {{{n}}}"
                );
            }
            if path != "/healthz" && !path.ends_with("openapi.json") {
                for code in ["401", "422", "503"] {
                    assert!(
                        op["responses"].get(code).is_some(),
                        "{method} {path} does not document {code}"
                    );
                }
            }
        }
    }
    // Timestamps are RFC 3339 with an offset, as documented.
    let thread = api.thread("customers", "Dated thread", "x").await;
    let (_, t) = api.get(&format!("/threads/{thread}")).await;
    let created = t["post"]["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created} is not RFC 3339"
    );
    // A known address with a method it does not answer is 405 with Allow.
    let res = api
        .client
        .request(
            reqwest::Method::TRACE,
            format!("{}/api/v1/threads/{thread}", app.address),
        )
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    assert_eq!(api.get("/no/such/thing").await.0, 404);
}
