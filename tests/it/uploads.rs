//! Attachments on both databases and both stores: photos come back upright
//! with no metadata, bombs, disguised files and oversize bodies are refused
//! and leave nothing behind, the same bytes are kept once, a PDF gets a
//! thumbnail and is found by its text, and a file is served only to who may
//! read what it is attached to.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use grapevine::config::StorageKind;
use grapevine::domain::Role;
use serde_json::{json, Value};

use crate::helpers::*;

db_test!(
    photos_come_back_upright_and_without_metadata,
    every_camera_and_phone_photo_of_the_corpus_is_handled,
    bombs_disguises_and_oversize_files_are_refused_and_leave_nothing,
    files_are_served_only_to_who_may_read_them,
    the_same_bytes_are_stored_once,
    a_pdf_gets_a_thumbnail_and_is_found_by_its_text,
    unattached_uploads_are_removed_after_a_day,
    a_file_uploaded_through_one_instance_is_served_by_another,
    forms_upload_files_without_script,
    ideas_carry_their_files_to_who_may_read_the_idea_box,
    png_webp_and_gif_are_kept_in_a_safe_form,
    live_posts_carry_their_files_and_replays_too,
);

const STORES: [StorageKind; 2] = [StorageKind::Fs, StorageKind::Database];

async fn app_with_store(db: Db, store: StorageKind) -> TestApp {
    spawn_app_with(fresh_database(db), move |s, _| s.uploads.storage = store).await
}

pub fn corpus(path: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/images")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub async fn upload(api: &Api, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = api
        .client
        .post(format!("{}/api/v1/uploads", api.base))
        .bearer_auth(&api.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A file URL fetched with the API's token: status, headers, bytes.
async fn fetch(api: &Api, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = api
        .client
        .get(format!("{}{url}", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

/// The markers of a JPEG's segments up to the image data.
fn jpeg_markers(b: &[u8]) -> Vec<u8> {
    assert_eq!(&b[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut i = 2;
    let mut out = Vec::new();
    while i + 4 <= b.len() {
        assert_eq!(b[i], 0xFF, "segment expected at {i}");
        let m = b[i + 1];
        out.push(m);
        if m == 0xDA {
            break;
        }
        i += 2 + u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
    }
    out
}

/// No EXIF, XMP, ICC, maker notes nor comments: only JFIF among the
/// application segments.
fn assert_no_metadata(served: &[u8], what: &str) {
    let markers = jpeg_markers(served);
    assert!(
        markers
            .iter()
            .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
        "{what}: metadata segments left: {markers:x?}"
    );
    for needle in [&b"Exif\0"[..], b"http://ns.adobe.com", b"ICC_PROFILE"] {
        assert!(
            !served.windows(needle.len()).any(|w| w == needle),
            "{what}: {:?} left",
            String::from_utf8_lossy(needle)
        );
    }
}

/// An EXIF block with Orientation = `orientation` and a GPS position.
fn exif_block(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0: orientation, GPS pointer.
    t.extend(2u16.to_be_bytes());
    t.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    t.extend(orientation.to_be_bytes());
    t.extend([0, 0]);
    t.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
    t.extend(38u32.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    // GPS IFD at 38: latitude ref and latitude (three rationals at 68).
    t.extend(2u16.to_be_bytes());
    t.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend([0, 2, 0, 5, 0, 0, 0, 3]);
    t.extend(68u32.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    for (n, d) in [(48u32, 1u32), (51, 1), (2424, 100)] {
        t.extend(n.to_be_bytes());
        t.extend(d.to_be_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(t);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend(((payload.len() + 2) as u16).to_be_bytes());
    seg.extend(payload);
    seg
}

/// A 60 × 40 JPEG, red on the left and blue on the right, stored with EXIF
/// orientation 6 (shown turned a quarter clockwise) and GPS tags.
fn sideways_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(60, 40, |x, _| {
        if x < 30 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend(exif_block(6));
    out.extend(&jpeg[2..]);
    assert!(out.windows(4).any(|w| w == b"Exif"));
    out
}

fn decode(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

async fn photos_come_back_upright_and_without_metadata(db: Db) {
    for store in STORES {
        let app = app_with_store(db, store).await;
        let (rep, _) = app.api_user("rep@example.com", Role::Rep);
        let (status, up) = upload(&rep, "sideways.jpg", sideways_photo()).await;
        assert_eq!(status, 201, "{store:?}: {up}");
        assert_eq!(up["kind"], "image");
        assert_eq!(up["content_type"], "image/jpeg");
        // Turned upright: 40 wide, 60 high, red on top.
        assert_eq!(
            (up["width"].as_i64(), up["height"].as_i64()),
            (Some(40), Some(60))
        );
        let (status, headers, served) = fetch(&rep, up["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(up["size"].as_u64(), Some(served.len() as u64));
        assert_no_metadata(&served, "sideways photo");
        let img = decode(&served);
        assert_eq!(img.dimensions(), (40, 60));
        let (top, bottom) = (img.get_pixel(20, 10), img.get_pixel(20, 50));
        assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "bottom is blue: {bottom:?}"
        );
        // The thumbnail is upright and clean too.
        let (status, headers, thumb) = fetch(&rep, up["thumbnail_url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_no_metadata(&thumb, "thumbnail");
        assert_eq!(decode(&thumb).dimensions(), (40, 60));
        // A strong ETag answers 304 when it still holds.
        let etag = headers["etag"].to_str().unwrap().to_string();
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
        let res = rep
            .client
            .get(format!(
                "{}{}",
                rep.base,
                up["thumbnail_url"].as_str().unwrap()
            ))
            .bearer_auth(&rep.token)
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304);
        assert!(headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("private"));
    }
}

/// A small grey image of `img` for comparing pictures across re-encodings.
fn signature(img: &image::RgbImage) -> Vec<u8> {
    let grey = image::DynamicImage::ImageRgb8(img.clone()).to_luma8();
    image::imageops::resize(&grey, 24, 24, image::imageops::FilterType::Triangle).into_raw()
}

/// The image in all eight orientations, itself first.
fn turns(img: &image::RgbImage) -> Vec<image::RgbImage> {
    use image::imageops::{flip_horizontal, rotate180, rotate270, rotate90};
    let m = flip_horizontal(img);
    vec![
        img.clone(),
        rotate90(img),
        rotate180(img),
        rotate270(img),
        m.clone(),
        rotate90(&m),
        rotate180(&m),
        rotate270(&m),
    ]
}

fn distance(a: &[u8], b: &[u8]) -> f64 {
    let sum: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.len() as f64
}

async fn every_camera_and_phone_photo_of_the_corpus_is_handled(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    // All eight orientations of each picture show the same upright image.
    for shape in ["landscape", "portrait"] {
        let mut first: Option<(u32, u32, Vec<u8>)> = None;
        for n in 1..=8 {
            let name = format!("orientation/{shape}_{n}.jpg");
            let (status, up) = upload(&rep, &name, corpus(&name)).await;
            assert_eq!(status, 201, "{name}: {up}");
            let (_, _, served) = fetch(&rep, up["url"].as_str().unwrap()).await;
            assert_no_metadata(&served, &name);
            let img = decode(&served);
            let sig = signature(&img);
            match &first {
                None => first = Some((img.width(), img.height(), sig)),
                Some((w, h, s)) => {
                    assert_eq!((img.width(), img.height()), (*w, *h), "{name}");
                    // Upright, it is closer to the first than any other
                    // turn or flip of it would be (each file also carries
                    // its own number, so none is identical).
                    let d = distance(s, &sig);
                    for (i, other) in turns(&img).iter().enumerate().skip(1) {
                        let e = distance(s, &signature(other));
                        assert!(d < e, "{name}: upright {d}, turn {i} {e}");
                    }
                }
            }
        }
        let (w, h, _) = first.unwrap();
        assert_eq!(w > h, shape == "landscape", "{shape}: {w} × {h}");
    }
    // Camera and phone photos with GPS, maker notes, XMP or broken EXIF
    // blocks: kept, capped in size, with nothing of their metadata.
    for name in [
        "gps/DSCN0010.jpg",
        "gps/DSCN0021.jpg",
        "gps/DSCN0042.jpg",
        "Canon_40D.jpg",
        "mobile/HMD_Nokia_8.3_5G.jpg",
        "mobile/jolla.jpg",
        "xmp/BlueSquare.jpg",
        "invalid/image00971.jpg",
        "invalid/image01137.jpg",
    ] {
        let original = corpus(name);
        assert!(
            original.windows(4).any(|w| w == b"Exif" || w == b"http"),
            "{name} carries metadata to strip"
        );
        let (status, up) = upload(&rep, name, original).await;
        assert_eq!(status, 201, "{name}: {up}");
        let (_, _, served) = fetch(&rep, up["url"].as_str().unwrap()).await;
        assert_no_metadata(&served, name);
        let img = decode(&served);
        assert!(img.width().max(img.height()) <= 2560, "{name} capped");
        assert_eq!(
            (up["width"].as_u64(), up["height"].as_u64()),
            (Some(u64::from(img.width())), Some(u64::from(img.height())))
        );
    }
    // The 4608 × 1976 phone photo is brought down to 2560 on its long side.
    let (_, up) = upload(&rep, "nokia.jpg", corpus("mobile/HMD_Nokia_8.3_5G.jpg")).await;
    assert_eq!(up["width"], 2560);
    // An iPhone HEIC photo gets a clear 415 saying what to do.
    let (status, err) = upload(&rep, "IMG_0001.HEIC", corpus("heic/iphone_13_pro_max.HEIC")).await;
    assert_eq!(status, 415, "{err}");
    assert_eq!(err["error"]["code"], "unsupported_media_type");
    assert!(err["error"]["message"].as_str().unwrap().contains("JPEG"));
    // A truncated photo keeps what could be read, re-encoded and clean.
    let (status, up) = upload(&rep, "corrupted.jpg", corpus("corrupted.jpg")).await;
    assert_eq!(status, 201, "{up}");
    let (_, _, served) = fetch(&rep, up["url"].as_str().unwrap()).await;
    assert_no_metadata(&served, "corrupted.jpg");
    assert_eq!(decode(&served).width(), 2560);
    // Bytes that are not an image at all behind a JPEG signature: 422.
    let mut broken = corpus("corrupted.jpg")[..600].to_vec();
    broken.extend([0u8; 64]);
    let (status, err) = upload(&rep, "broken.jpg", broken).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "unreadable_image");
    assert_eq!(count_uploads(&app), 16 + 9 + 1 + 1);
}

fn count_uploads(app: &TestApp) -> i64 {
    use grapevine::db::schema::uploads;
    app.with_conn(|c| uploads::table.count().get_result(c).unwrap())
}

/// Files kept by the store: under the data dir, or rows of `blobs`.
fn stored_files(app: &TestApp) -> usize {
    use grapevine::db::schema::blobs;
    let rows: i64 = app.with_conn(|c| blobs::table.count().get_result(c).unwrap());
    rows as usize + files_under(&app.db.dir.path().join("files"))
}

fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p: PathBuf = e.path();
            if p.is_dir() {
                files_under(&p)
            } else {
                1
            }
        })
        .sum()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
    out
}

/// A valid PNG header declaring 100,000 × 100,000 pixels (30 GB decoded).
fn png_bomb() -> Vec<u8> {
    let mut ihdr = 100_000u32.to_be_bytes().to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // A deflate stream of zeros: what a bomb would inflate.
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9c, 0xed, 0xc1, 0x01, 0x0d, 0, 0, 0, 0xc2, 0xa0],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

async fn bombs_disguises_and_oversize_files_are_refused_and_leave_nothing(db: Db) {
    for store in STORES {
        let app = spawn_app_with(fresh_database(db), move |s, _| {
            s.uploads.storage = store;
            s.uploads.max_bytes = 1024 * 1024;
        })
        .await;
        let (rep, _) = app.api_user("rep@example.com", Role::Rep);
        let before = rss_kib();
        let (status, err) = upload(&rep, "huge.png", png_bomb()).await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(err["error"]["code"], "image_too_large");
        let grown = rss_kib().saturating_sub(before);
        assert!(grown < 64 * 1024, "memory grew by {grown} KiB on a bomb");
        let disguised: [(&str, &[u8]); 4] = [
            (
                "photo.jpg",
                b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            ),
            (
                "photo.jpg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"></svg>",
            ),
            (
                "photo.png",
                b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            ),
            ("notes.pdf", b"PK\x03\x04 a zip archive, not a document"),
        ];
        for (name, bytes) in disguised {
            let (status, err) = upload(&rep, name, bytes.to_vec()).await;
            assert_eq!(status, 415, "{name}: {err}");
            assert_eq!(err["error"]["code"], "unsupported_media_type");
        }
        // A photo padded to exactly the limit is taken; one byte more is 413.
        let mut at_limit = sideways_photo();
        at_limit.resize(1024 * 1024, 0);
        let (status, up) = upload(&rep, "limit.jpg", at_limit.clone()).await;
        assert_eq!(status, 201, "{up}");
        let kept = (count_uploads(&app), stored_files(&app));
        at_limit.push(0);
        let (status, err) = upload(&rep, "over.jpg", at_limit).await;
        assert_eq!(status, 413, "{err}");
        assert_eq!(err["error"]["code"], "payload_too_large");
        // A body announced far over the limit is refused before it is read.
        let (status, _) = upload(&rep, "way-over.jpg", vec![0xFF; 3 * 1024 * 1024]).await;
        assert_eq!(status, 413);
        // An upload without a file part.
        let form = reqwest::multipart::Form::new().text("note", "no file");
        let res = rep
            .client
            .post(format!("{}/api/v1/uploads", rep.base))
            .bearer_auth(&rep.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        assert_eq!(
            (count_uploads(&app), stored_files(&app)),
            kept,
            "{store:?}: refused files left something"
        );
        // Nobody signed in: 401, before the body is read.
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/uploads", rep.base))
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(sideways_photo()).file_name("x.jpg"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(count_uploads(&app), kept.0);
    }
}

async fn attach_reply(api: &Api, thread: i64, body: &str, ids: &[i64]) -> (u16, Value) {
    api.post(
        &format!("/threads/{thread}/posts"),
        json!({"body": body, "attachments": ids}),
    )
    .await
}

async fn new_photo(api: &Api) -> (i64, String) {
    let (status, up) = upload(api, "shelf.jpg", sideways_photo()).await;
    assert_eq!(status, 201, "{up}");
    (
        up["id"].as_i64().unwrap(),
        up["url"].as_str().unwrap().to_string(),
    )
}

async fn files_are_served_only_to_who_may_read_them(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (other, _) = app.api_user("other@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    // A marketing-only thread's photo.
    let (secret_id, secret_url) = new_photo(&mkt).await;
    let (status, t) = mkt
        .post(
            "/threads",
            json!({"category": "marketing-only", "title": "Internal price plan", "body": "Plan", "attachments": [secret_id]}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    assert_eq!(t["post"]["attachments"][0]["id"], secret_id);
    // An open thread, with a photo on a reply that gets hidden and one on a
    // reply that gets deleted.
    let (open_id, open_url) = new_photo(&rep).await;
    let (status, t) = rep
        .post(
            "/threads",
            json!({"category": "competitors", "title": "RivalCo shelf", "body": "At the depot", "attachments": [open_id]}),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    let thread = t["id"].as_i64().unwrap();
    let (hidden_id, hidden_url) = new_photo(&other).await;
    let (status, p) = attach_reply(&other, thread, "Rude photo", &[hidden_id]).await;
    assert_eq!(status, 201, "{p}");
    let hidden_post = p["id"].as_i64().unwrap();
    assert_eq!(p["attachments"][0]["url"], hidden_url.as_str());
    let (status, _) = mkt
        .post(
            &format!("/posts/{hidden_post}/moderation"),
            json!({"action": "hide"}),
        )
        .await;
    assert_eq!(status, 204);
    let (deleted_id, deleted_url) = new_photo(&other).await;
    let (_, p) = attach_reply(&other, thread, "Wrong photo", &[deleted_id]).await;
    let (status, _) = other.delete(&format!("/posts/{}", p["id"])).await;
    assert_eq!(status, 204);
    // Another user's upload, not attached yet.
    let (_, unattached_url) = new_photo(&other).await;

    for url in [&open_url, &format!("{open_url}/thumbnail")] {
        assert_eq!(fetch(&rep, url).await.0, 200, "{url}");
        assert_eq!(fetch(&other, url).await.0, 200, "{url}");
    }
    for url in [&secret_url, &hidden_url, &deleted_url, &unattached_url] {
        for suffix in ["", "/thumbnail"] {
            let url = format!("{url}{suffix}");
            assert_eq!(fetch(&rep, &url).await.0, 404, "rep: {url}");
        }
    }
    assert_eq!(fetch(&mkt, &secret_url).await.0, 200);
    assert_eq!(
        fetch(&mkt, &hidden_url).await.0,
        200,
        "moderators see hidden posts"
    );
    assert_eq!(fetch(&other, &unattached_url).await.0, 200, "the uploader");
    // The thread as a rep reads it: the hidden and deleted replies carry no files.
    let (_, t) = rep.get(&format!("/threads/{thread}")).await;
    let replies = t["post"]["replies"].as_array().unwrap();
    assert!(replies.iter().all(|r| r["attachments"] == json!([])), "{t}");
    let (_, page) = rep.get(&format!("/threads/{thread}")).await;
    assert!(!page.to_string().contains(&hidden_url));
    // Nobody signed in.
    let res = reqwest::get(format!("{}{open_url}", app.address))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // Only one's own, unattached uploads can be attached.
    let (other_id, _) = new_photo(&other).await;
    let (status, err) = attach_reply(&rep, thread, "Taking theirs", &[other_id]).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(err["error"]["code"], "unknown_upload");
    let (status, err) = attach_reply(&rep, thread, "Again", &[open_id]).await;
    assert_eq!(status, 422, "an attached upload: {err}");
    let (status, err) = attach_reply(&rep, thread, "Made up", &[987_654]).await;
    assert_eq!(status, 422, "{err}");
    let (_, t) = rep.get(&format!("/threads/{thread}")).await;
    let replies = t["post"]["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 2, "refused replies wrote nothing: {t}");
    // The thread page shows the gallery to the rep.
    let (browser, _) = app.signed_in("reader@example.com", Role::Rep).await;
    let (status, html) = app.get_html(&browser, &format!("/t/{thread}")).await;
    assert_eq!(status, 200);
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse(".gallery img").unwrap();
    let shown: Vec<&str> = doc
        .select(&sel)
        .filter_map(|e| e.value().attr("src"))
        .collect();
    assert_eq!(
        shown,
        vec![format!("{open_url}/thumbnail")],
        "only the visible photo"
    );
    let res = browser.get(app.url(&open_url)).send().await.unwrap();
    assert_eq!(res.status(), 200, "the session cookie opens files too");
}

async fn the_same_bytes_are_stored_once(db: Db) {
    for store in STORES {
        let app = app_with_store(db, store).await;
        let (rep, _) = app.api_user("rep@example.com", Role::Rep);
        let (other, _) = app.api_user("other@example.com", Role::Rep);
        let photo = corpus("gps/DSCN0010.jpg");
        let (_, a) = upload(&rep, "a.jpg", photo.clone()).await;
        let after_one = stored_files(&app);
        assert_eq!(after_one, 2, "{store:?}: the photo and its thumbnail");
        let (_, b) = upload(&rep, "b.jpg", photo.clone()).await;
        let (_, c) = upload(&other, "c.jpg", photo).await;
        assert_ne!(a["id"], b["id"]);
        assert_ne!(b["id"], c["id"]);
        assert_eq!(stored_files(&app), after_one, "{store:?}: kept once");
        assert_eq!(count_uploads(&app), 3);
        let (_, d) = upload(&rep, "d.jpg", corpus("gps/DSCN0021.jpg")).await;
        assert_eq!(d["kind"], "image");
        assert_eq!(stored_files(&app), after_one + 2);
    }
}

/// A one-page PDF saying `text` in Helvetica.
fn pdf_with_text(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 50 700 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

async fn a_pdf_gets_a_thumbnail_and_is_found_by_its_text(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (reader, _) = app.api_user("reader@example.com", Role::Rep);
    let (status, up) = upload(
        &rep,
        "../../etc/RivalCo tarifs 2027.pdf",
        pdf_with_text("Tarifs RivalCo: remise quinquagenaire sur les palettes"),
    )
    .await;
    assert_eq!(status, 201, "{up}");
    assert_eq!(up["kind"], "document");
    assert_eq!(up["content_type"], "application/pdf");
    assert_eq!(up["name"], "RivalCo tarifs 2027.pdf", "no folders in names");
    let id = up["id"].as_i64().unwrap();
    let (status, headers, thumb) = fetch(&rep, up["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/"));
    assert!(
        image::load_from_memory(&thumb).is_ok(),
        "the thumbnail is an image"
    );
    // Before it is attached, nobody else finds nor opens it.
    let (_, found) = reader.get("/search?q=quinquagenaire").await;
    assert_eq!(found["items"], json!([]));
    let thread = {
        let (status, t) = rep
            .post(
                "/threads",
                json!({"category": "competitors", "title": "Price list from the fair", "body": "Picked up at their stand", "attachments": [id]}),
            )
            .await;
        assert_eq!(status, 201, "{t}");
        t["id"].as_i64().unwrap()
    };
    let (status, headers, pdf) = fetch(&reader, up["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"), "the original is kept");
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    // Its text is found by search, with the thread it is attached to.
    let (status, found) = reader.get("/search?q=quinquagenaire").await;
    assert_eq!(status, 200);
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{found}");
    assert_eq!(items[0]["id"], thread);
    // A reply with a PDF is found too; once deleted, it is not.
    let (_, up2) = upload(
        &rep,
        "flyer.pdf",
        pdf_with_text("Offre speciale ornithorynque"),
    )
    .await;
    let (status, p) =
        attach_reply(&rep, thread, "Their flyer", &[up2["id"].as_i64().unwrap()]).await;
    assert_eq!(status, 201, "{p}");
    let (_, found) = reader.get("/search?q=ornithorynque").await;
    assert_eq!(found["items"][0]["type"], "post", "{found}");
    rep.delete(&format!("/posts/{}", p["id"])).await;
    let (_, found) = reader.get("/search?q=ornithorynque").await;
    assert_eq!(found["items"], json!([]));
}

async fn unattached_uploads_are_removed_after_a_day(db: Db) {
    for store in STORES {
        let app = app_with_store(db, store).await;
        let (rep, _) = app.api_user("rep@example.com", Role::Rep);
        let (kept_id, kept_url) = new_photo(&rep).await;
        rep.post(
            "/threads",
            json!({"category": "customers", "title": "Kept photo", "body": "Shelf", "attachments": [kept_id]}),
        )
        .await;
        let (_, up) = upload(&rep, "forgotten.jpg", corpus("gps/DSCN0042.jpg")).await;
        let (_, fresh_url) = {
            let (_, up) = upload(&rep, "fresh.jpg", corpus("xmp/BlueSquare.jpg")).await;
            (
                up["id"].as_i64().unwrap(),
                up["url"].as_str().unwrap().to_string(),
            )
        };
        let old_url = up["url"].as_str().unwrap().to_string();
        let before = stored_files(&app);
        app.with_conn(|c| {
            use grapevine::db::schema::uploads;
            let two_days_ago = chrono::Utc::now().naive_utc() - chrono::TimeDelta::days(2);
            diesel::update(uploads::table.filter(uploads::id.eq(up["id"].as_i64().unwrap())))
                .set(uploads::created_at.eq(two_days_ago))
                .execute(c)
                .unwrap();
            diesel::update(uploads::table.filter(uploads::id.eq(kept_id)))
                .set(uploads::created_at.eq(two_days_ago))
                .execute(c)
                .unwrap();
        });
        let store_impl = grapevine::uploads::store::from_settings(&{
            let mut s = test_settings(&app);
            s.uploads.storage = store;
            s
        });
        let removed = app.with_conn(|c| grapevine::uploads::prune(c, store_impl.as_ref()).unwrap());
        assert_eq!(removed, 1, "{store:?}");
        assert_eq!(fetch(&rep, &old_url).await.0, 404);
        assert_eq!(fetch(&rep, &kept_url).await.0, 200, "attached files stay");
        assert_eq!(fetch(&rep, &fresh_url).await.0, 200, "recent uploads stay");
        assert_eq!(
            stored_files(&app),
            before - 2,
            "{store:?}: its photo and thumbnail went"
        );
    }
}

/// Settings pointing at the app's data dir and database.
fn test_settings(app: &TestApp) -> grapevine::config::Settings {
    grapevine::config::Settings {
        data_dir: app.db.dir.path().to_path_buf(),
        database_url: app.db.url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        base_url: app.address.clone(),
        smtp_url: None,
        mail_from: "grapevine@localhost".into(),
        secret_key: vec![7u8; 64],
        trusted_proxies: Vec::new(),
        uploads: Default::default(),
        auth: Default::default(),
        mail_batch: std::time::Duration::ZERO,
    }
}

async fn a_file_uploaded_through_one_instance_is_served_by_another(db: Db) {
    let one = app_with_store(db, StorageKind::Database).await;
    let other_db = TestDb {
        url: one.db.url.clone(),
        dir: tempfile::tempdir().unwrap(),
    };
    let two = spawn_app_with(other_db, |s, _| s.uploads.storage = StorageKind::Database).await;
    let (rep, user) = one.api_user("rep@example.com", Role::Rep);
    let (status, up) = upload(&rep, "shelf.jpg", sideways_photo()).await;
    assert_eq!(status, 201);
    let token = grapevine::models::tokens::create(&mut two.conn(), user.id).unwrap();
    let via_two = Api {
        base: two.address.clone(),
        token,
        client: reqwest::Client::new(),
    };
    let (status, _, served) = fetch(&via_two, up["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let (_, _, direct) = fetch(&rep, up["url"].as_str().unwrap()).await;
    assert_eq!(served, direct);
    assert_eq!(files_under(&two.db.dir.path().join("files")), 0);
    assert_eq!(files_under(&one.db.dir.path().join("files")), 0);
}

/// A multipart form as a browser without script sends it: text fields in
/// order, then the files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    form
}

async fn forms_upload_files_without_script(db: Db) {
    let app = spawn_app(db).await;
    let (browser, user) = app.signed_in("rep@example.com", Role::Rep).await;
    app.with_conn(|c| grapevine::models::users::set_locale(c, user.id, Some("fr")).unwrap());
    let token = grapevine::models::tokens::create(&mut app.conn(), user.id).unwrap();
    let api = Api {
        base: app.address.clone(),
        token,
        client: reqwest::Client::new(),
    };
    let (_, html) = app.get_html(&browser, "/new").await;
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(
        html.contains("capture=\"environment\""),
        "the camera button"
    );
    let csrf = csrf_of(&html);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("kind", "competitor_move"),
        ("category", "competitors"),
        ("title", "Flyer from the fair"),
        ("body", "Two photos"),
        ("attachments", ""),
    ];
    // A file refused: the page says why and keeps what was typed.
    let html_file = (
        "photo.jpg",
        b"<html><script>alert(1)</script></html>".to_vec(),
    );
    let res = browser
        .post(app.url("/new"))
        .multipart(multipart(&fields, &[html_file]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Fichier refusé"), "{page}");
    assert!(page.contains("Flyer from the fair"));
    assert_eq!(count_uploads(&app), 0);
    // Files before the CSRF field are refused unread.
    let mut late = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(sideways_photo()).file_name("a.jpg"),
    );
    for (k, v) in fields {
        late = late.text(k, v.to_string());
    }
    let res = browser
        .post(app.url("/new"))
        .multipart(late)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(count_uploads(&app), 0);
    // Two photos with the form itself.
    let photos = [
        ("shelf.jpg", sideways_photo()),
        ("flyer.jpg", corpus("gps/DSCN0021.jpg")),
    ];
    let res = browser
        .post(app.url("/new"))
        .multipart(multipart(&fields, &photos))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let thread: i64 = location.trim_start_matches("/t/").parse().unwrap();
    let (_, t) = api.get(&format!("/threads/{thread}")).await;
    let names: Vec<&str> = t["post"]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["shelf.jpg", "flyer.jpg"], "{t}");
    // A reply with a photo, and an upload made earlier named in the form.
    let (_, earlier) = upload(&api, "earlier.jpg", corpus("xmp/BlueSquare.jpg")).await;
    let earlier_id = earlier["id"].as_i64().unwrap().to_string();
    let (_, html) = app.get_html(&browser, &location).await;
    let csrf = csrf_of(&html);
    let reply = [
        ("_csrf", csrf.as_str()),
        ("parent_id", ""),
        ("body", "And their price tag"),
        ("attachments", earlier_id.as_str()),
    ];
    let res = browser
        .post(app.url(&format!("/t/{thread}/reply")))
        .multipart(multipart(&reply, &[("tag.jpg", sideways_photo())]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (_, t) = api.get(&format!("/threads/{thread}")).await;
    let files = t["post"]["replies"][0]["attachments"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(files, 2, "{t}");
    // The plain urlencoded form still works.
    let res = app
        .post_form(
            &browser,
            &location,
            &format!("/t/{thread}/reply"),
            &[("body", "No file")],
        )
        .await;
    assert_eq!(res.status(), 303);
}

async fn ideas_carry_their_files_to_who_may_read_the_idea_box(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (other, _) = app.api_user("other@example.com", Role::Rep);
    let (admin, _) = app.api_user("admin@example.com", Role::Admin);
    let (photo, photo_url) = new_photo(&rep).await;
    let (_, pdf) = upload(
        &rep,
        "mockup.pdf",
        pdf_with_text("Maquette du presentoir tournesol"),
    )
    .await;
    let (theirs, _) = new_photo(&other).await;
    let (status, err) = rep
        .post(
            "/ideas",
            json!({"title": "A display stand", "body": "Like theirs", "attachments": [theirs]}),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    let (status, idea) = rep
        .post(
            "/ideas",
            json!({"title": "A display stand", "body": "Like theirs", "attachments": [photo, pdf["id"]], "anonymous": true}),
        )
        .await;
    assert_eq!(status, 201, "{idea}");
    let id = idea["id"].as_i64().unwrap();
    let (_, shown) = other.get(&format!("/ideas/{id}")).await;
    let files: Vec<&str> = shown["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["shelf.jpg", "mockup.pdf"], "{shown}");
    assert_eq!(fetch(&other, &photo_url).await.0, 200);
    let (_, found) = other.get("/search?q=tournesol").await;
    assert_eq!(found["items"][0]["type"], "idea", "{found}");
    // The idea box narrowed to marketing: the rep's files go with it,
    // except for their uploader.
    let (status, _) = admin
        .patch(
            "/categories/ideas",
            json!({"readable_by": ["marketer", "admin"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(fetch(&other, &photo_url).await.0, 404);
    assert_eq!(fetch(&rep, &photo_url).await.0, 200);
    assert_eq!(fetch(&admin, &photo_url).await.0, 200);
}

fn encoded(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

async fn png_webp_and_gif_are_kept_in_a_safe_form(db: Db) {
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    // A PNG with transparency stays a PNG, transparency kept.
    let clear = image::RgbaImage::from_fn(64, 32, |x, _| {
        image::Rgba([200, 30, 30, if x < 32 { 0 } else { 255 }])
    });
    let (status, up) = upload(
        &rep,
        "logo.png",
        encoded(clear.into(), image::ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 201, "{up}");
    assert_eq!(
        (up["content_type"].as_str(), up["name"].as_str()),
        (Some("image/png"), Some("logo.png"))
    );
    let (_, headers, served) = fetch(&rep, up["url"].as_str().unwrap()).await;
    assert_eq!(headers["content-type"], "image/png");
    let png = image::load_from_memory(&served).unwrap().to_rgba8();
    assert_eq!((png.get_pixel(5, 5)[3], png.get_pixel(50, 5)[3]), (0, 255));
    // An opaque WebP is kept as a JPEG (named so).
    let opaque = image::RgbImage::from_pixel(48, 48, image::Rgb([20, 120, 40]));
    let (status, up) = upload(
        &rep,
        "shelf.webp",
        encoded(opaque.into(), image::ImageFormat::WebP),
    )
    .await;
    assert_eq!(status, 201, "{up}");
    assert_eq!(
        (up["content_type"].as_str(), up["name"].as_str()),
        (Some("image/jpeg"), Some("shelf.jpg"))
    );
    // A GIF keeps its first frame.
    let frame = image::RgbaImage::from_pixel(30, 20, image::Rgba([10, 10, 200, 255]));
    let (status, up) = upload(
        &rep,
        "anim.gif",
        encoded(frame.into(), image::ImageFormat::Gif),
    )
    .await;
    assert_eq!(status, 201, "{up}");
    let (_, _, served) = fetch(&rep, up["url"].as_str().unwrap()).await;
    let first = decode(&served);
    assert_eq!(first.dimensions(), (30, 20));
    assert!(first.get_pixel(10, 10)[2] > 150);
}

async fn live_posts_carry_their_files_and_replays_too(db: Db) {
    use crate::live::{connect, subscribe, subscribe_ready, until};
    use std::time::Duration;
    let app = spawn_app(db).await;
    let (rep, _) = app.api_user("rep@example.com", Role::Rep);
    let (mkt, _) = app.api_user("mkt@example.com", Role::Marketer);
    let thread = rep
        .thread("competitors", "Shelf photos", "At the depot")
        .await;
    let mut ws = connect(&app, &mkt).await;
    subscribe_ready(&mut ws, &[&format!("thread:{thread}")]).await;
    let (id, url) = new_photo(&rep).await;
    let (status, p) = attach_reply(&rep, thread, "The shelf", &[id]).await;
    assert_eq!(status, 201, "{p}");
    let ev = until(&mut ws, Duration::from_secs(5), "post.created", |v| {
        v["kind"] == "post.created"
    })
    .await;
    assert_eq!(ev["data"]["attachments"][0]["url"], url.as_str(), "{ev}");
    assert_eq!(ev["data"]["attachments"][0]["kind"], "image");
    // A replay from the start of the log carries them too.
    let mut again = connect(&app, &mkt).await;
    subscribe(&mut again, &[&format!("thread:{thread}")], Some(0)).await;
    let replayed = until(
        &mut again,
        Duration::from_secs(5),
        "the replayed post",
        |v| v["kind"] == "post.created",
    )
    .await;
    assert_eq!(replayed["data"]["attachments"], ev["data"]["attachments"]);
}
