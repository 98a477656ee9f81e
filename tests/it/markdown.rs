//! The Markdown pipeline against the test corpora in `tests/data`: CommonMark conformance
//! before sanitizing, and every XSS payload inert after it.

use std::collections::HashMap;
use std::path::PathBuf;

use grapevine::markdown;
use serde_json::Value;

/// The third-party test data kept in the repository (`tests/data`, each
/// folder with its source and license).
pub fn corpora() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub fn xss_payloads() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(corpora().join("xss/vectors.jsonl")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["payload"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Panics with the reason if `html` could execute anything.
pub fn assert_inert(id: &str, html: &str) {
    let doc = scraper::Html::parse_fragment(html);
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = el.value().name();
        assert!(
            ![
                "script", "iframe", "object", "embed", "base", "meta", "form", "style", "link",
                "svg", "math", "frame", "frameset"
            ]
            .contains(&name),
            "{id}: <{name}> survived in {html}"
        );
        for (attr, value) in el.value().attrs() {
            let attr = attr.to_lowercase();
            assert!(!attr.starts_with("on"), "{id}: {attr} survived in {html}");
            assert!(attr != "style", "{id}: style attribute survived in {html}");
            if [
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "background",
                "poster",
            ]
            .contains(&attr.as_str())
            {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_lowercase();
                for bad in ["javascript:", "vbscript:", "data:"] {
                    assert!(
                        !v.starts_with(bad),
                        "{id}: {attr}={value} survived in {html}"
                    );
                }
            }
        }
        if name == "a" && el.value().attr("href").is_some() {
            assert_eq!(
                el.value().attr("rel"),
                Some("noopener noreferrer nofollow"),
                "{id}: link rel in {html}"
            );
        }
    }
}

#[test]
fn every_xss_payload_is_inert_and_sanitizing_is_stable() {
    let payloads = xss_payloads();
    assert!(payloads.len() > 300, "the corpus has its payloads");
    for (id, payload) in payloads {
        let html = markdown::render(&payload, &HashMap::new());
        assert_inert(&id, &html);
        assert_eq!(
            markdown::sanitize(&html),
            html,
            "{id}: sanitizing twice changed the output"
        );
    }
}

/// Whitespace folded; `&quot;` and `"` are the same text in HTML content.
fn normalize(html: &str) -> String {
    html.replace("&quot;", "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("> <", "><")
}

#[test]
fn commonmark_conformance_before_sanitizing() {
    let spec: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(corpora().join("markdown/commonmark-spec.json")).unwrap(),
    )
    .unwrap();
    let (mut passed, mut raw_html_cases) = (0, 0);
    let mut failures = Vec::new();
    for ex in &spec {
        let md = ex["markdown"].as_str().unwrap();
        let expected = ex["html"].as_str().unwrap();
        let section = ex["section"].as_str().unwrap();
        // Raw HTML is deliberately shown as text, and bare URLs are linked:
        // those examples differ by design.
        if section.contains("HTML")
            || md.contains('<')
            || md.contains("http")
            || md.contains("www.")
            || md.contains('@')
        {
            raw_html_cases += 1;
            continue;
        }
        let got = markdown::to_unsanitized_html(md, &HashMap::new());
        if normalize(&got) == normalize(expected) {
            passed += 1;
        } else {
            failures.push(ex["example"].as_i64().unwrap());
        }
        // Every example also goes through the full pipeline safely.
        assert_inert(
            &format!("commonmark-{}", ex["example"]),
            &markdown::render(md, &HashMap::new()),
        );
    }
    let checked = spec.len() - raw_html_cases;
    assert!(checked > 450, "most examples are checked ({checked})");
    assert!(
        failures.is_empty(),
        "{passed}/{checked} CommonMark examples match; these differ: {failures:?}"
    );
}
