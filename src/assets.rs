//! Templates and static files, embedded in the release binary (read from
//! disk in debug builds, so edits show without a rebuild).

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

/// Short content hashes of the static files, for cache-busting URLs.
static VERSIONS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    StaticFiles::iter()
        .filter_map(|name| {
            let file = StaticFiles::get(&name)?;
            Some((
                name.to_string(),
                hex::encode(&file.metadata.sha256_hash()[..6]),
            ))
        })
        .collect()
});

/// URL of a static file with its version, e.g. `/static/app.css?v=1a2b3c`.
pub fn url(name: &str) -> String {
    match VERSIONS.get(name) {
        Some(v) => format!("/static/{name}?v={v}"),
        None => format!("/static/{name}"),
    }
}

pub fn build_tera() -> anyhow::Result<tera::Tera> {
    let mut tera = tera::Tera::default();
    let mut files = Vec::new();
    for name in TemplateFiles::iter() {
        let file = TemplateFiles::get(&name).expect("listed template exists");
        let text = String::from_utf8(file.data.into_owned())
            .map_err(|_| anyhow::anyhow!("template {name} is not UTF-8"))?;
        files.push((name.to_string(), text));
    }
    tera.add_raw_templates(files)
        .map_err(|e| anyhow::anyhow!("template error: {e:?}"))?;
    tera.autoescape_on(vec![".html", ".txt.html"]);
    // Control characters never reach a page: the thread page's cache uses
    // them as placeholders, so content must not be able to produce them.
    tera.set_escape_fn(|s| tera::escape_html(&crate::markdown::without_controls(s)));
    tera.register_function(
        "t",
        fluent_templates::FluentLoader::new(&*crate::i18n::LOCALES)
            .with_default_lang(unic_langid::langid!("en")),
    );
    // `localized(text=c.name, translations=c.translations, field="name",
    // lang=lang)`: a category's words in the reader's language, else its own.
    tera.register_function("localized", |args: &HashMap<String, tera::Value>| {
        let base = args.get("text").cloned().unwrap_or_default();
        let field = args.get("field").and_then(|v| v.as_str()).unwrap_or("name");
        let lang = args.get("lang").and_then(|v| v.as_str()).unwrap_or("en");
        let translated = args
            .get("translations")
            .and_then(|t| t.get(lang))
            .and_then(|t| t.get(field))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty());
        Ok(translated.map(tera::Value::from).unwrap_or(base))
    });
    tera.register_function("asset", |args: &HashMap<String, tera::Value>| {
        let name = args
            .get("name")
            .and_then(|v| v.as_str())
            .ok_or_else(|| tera::Error::msg("asset() needs name"))?;
        Ok(tera::Value::String(url(name)))
    });
    Ok(tera)
}

/// `GET /static/{path}`: long-lived cache when the URL carries the current
/// version, ETag revalidation otherwise.
pub async fn serve_static(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let name = path.into_inner();
    let Some(file) = StaticFiles::get(&name) else {
        return HttpResponse::NotFound().finish();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..12]));
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return HttpResponse::NotModified().finish();
    }
    let versioned = req.query_string().starts_with("v=");
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    HttpResponse::Ok()
        .content_type(file.metadata.mimetype())
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag))
        .body(file.data.into_owned())
}

/// The service worker's version: one hash over every static file, so a
/// new release installs a new worker and drops the old caches.
static WORKER_VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<&String> = VERSIONS.keys().collect();
    names.sort();
    let joined: String = names
        .iter()
        .map(|n| format!("{n}={};", VERSIONS[*n]))
        .collect();
    hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(joined.as_bytes())[..6])
});

/// What the worker keeps for the capture pages.
const WORKER_ASSETS: [&str; 5] = [
    "app.css",
    "app.js",
    "outbox.js",
    "capture.js",
    "icon-192.png",
];

/// `GET /sw.js`: the service worker, scope `/`, public.
pub async fn service_worker() -> HttpResponse {
    let Some(file) = StaticFiles::get("sw.js") else {
        return HttpResponse::NotFound().finish();
    };
    let assets: Vec<String> = WORKER_ASSETS.iter().map(|n| url(n)).collect();
    let text = String::from_utf8_lossy(&file.data)
        .replace("__VERSION__", &WORKER_VERSION)
        .replace(
            "__ASSETS__",
            &serde_json::to_string(&assets).unwrap_or_default(),
        )
        .replace(
            "__OUTBOX__",
            &serde_json::to_string(&url("outbox.js")).unwrap_or_default(),
        );
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("Service-Worker-Allowed", "/"))
        .body(text)
}

/// `GET /manifest.webmanifest`: the installable app, with the share target
/// that takes photos and PDFs from the phone's share sheet. Public.
pub async fn manifest() -> HttpResponse {
    let icon = |size: u32| {
        serde_json::json!({
            "src": url(&format!("icon-{size}.png")),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": "any maskable",
        })
    };
    let body = serde_json::json!({
        "name": "Grapevine",
        "short_name": "Grapevine",
        "description": "Field intelligence: report what you see and hear in a few taps.",
        "id": "/report",
        "start_url": "/report",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#5b2a86",
        "icons": [icon(192), icon(512)],
        "share_target": {
            "action": "/report/share",
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {
                "title": "title",
                "text": "text",
                "url": "url",
                "files": [{
                    "name": "files",
                    "accept": ["image/jpeg", "image/png", "image/webp", "image/gif", "image/*", "application/pdf", ".pdf"],
                }],
            },
        },
    });
    HttpResponse::Ok()
        .content_type("application/manifest+json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(body.to_string())
}

/// `GET /favicon.ico`: browsers ask for it whatever the page says; the
/// app's icon (PNG, which every browser reads here).
pub async fn favicon() -> HttpResponse {
    match StaticFiles::get("icon-192.png") {
        Some(file) => HttpResponse::Ok()
            .content_type("image/png")
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(file.data.into_owned()),
        None => HttpResponse::NotFound().finish(),
    }
}
