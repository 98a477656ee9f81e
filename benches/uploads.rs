//! Uploads: a 12-megapixel JPEG from request to stored original and
//! thumbnail (median, p99), the server's peak RSS during 8 concurrent such
//! uploads, and thumbnails served per second. The server is the release
//! binary, in its own process, on SQLite, with each store.
//!
//!     cargo bench --bench uploads
//!     GRAPEVINE_BENCH_UPLOADS=60 cargo bench --bench uploads   # more sequential uploads

use std::io::Cursor;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{cli, pct, rss_kib, start_with};

/// A 4000 × 3000 photo: a real phone photo brought up to 12 megapixels.
fn photo_12mp() -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/images/mobile/jolla.jpg");
    let src = image::open(path).unwrap().to_rgb8();
    let big = image::imageops::resize(&src, 4000, 3000, image::imageops::FilterType::Triangle);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut Cursor::new(&mut out), 92)
        .encode_image(&big)
        .unwrap();
    out
}

async fn upload(client: &reqwest::Client, base: &str, token: &str, bytes: &[u8]) -> (i64, f64) {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("photo.jpg");
    let form = reqwest::multipart::Form::new().part("file", part);
    let t = Instant::now();
    let res = client
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let v: serde_json::Value = res.json().await.unwrap();
    (
        v["id"].as_i64().unwrap(),
        t.elapsed().as_secs_f64() * 1000.0,
    )
}

async fn run(store: &str, photo: Arc<Vec<u8>>, sequential: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("uploads.db").display());
    let add = [
        "user",
        "add",
        "--email",
        "bench@example.com",
        "--name",
        "Bench",
        "--role",
        "rep",
        "--password",
        "benchmark password",
    ];
    cli(dir.path(), &url, &add);
    let token = cli(
        dir.path(),
        &url,
        &["token", "create", "--email", "bench@example.com"],
    );
    let server = start_with(dir.path(), &url, &[("GRAPEVINE_STORAGE", store)]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = reqwest::Client::new();
    for _ in 0..2 {
        upload(&client, &base, &token, &photo).await;
    }
    // One at a time: request to stored original and thumbnail.
    let mut times = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..sequential {
        let (id, ms) = upload(&client, &base, &token, &photo).await;
        times.push(ms);
        ids.push(id);
    }
    times.sort_by(f64::total_cmp);
    // Eight at once, three times, with the server's RSS sampled every 5 ms.
    let pid = server.child.id();
    let idle = rss_kib(pid);
    let peak = Arc::new(AtomicU64::new(idle));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let mut concurrent = Vec::new();
    for _ in 0..3 {
        let calls = (0..8).map(|_| {
            let (client, base, token, photo) =
                (client.clone(), base.clone(), token.clone(), photo.clone());
            async move { upload(&client, &base, &token, &photo).await.1 }
        });
        concurrent.extend(futures_util::future::join_all(calls).await);
    }
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    concurrent.sort_by(f64::total_cmp);
    // Thumbnails served, 8 clients for 5 seconds.
    let served = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(5);
    let readers = (0..8).map(|i| {
        let (client, base, token, served) =
            (client.clone(), base.clone(), token.clone(), served.clone());
        let ids = ids.clone();
        async move {
            let mut n = i;
            while Instant::now() < until {
                let id = ids[n % ids.len()];
                let res = client
                    .get(format!("{base}/files/{id}/thumbnail"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                res.bytes().await.unwrap();
                served.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
        }
    });
    futures_util::future::join_all(readers).await;
    let per_sec = served.load(Ordering::Relaxed) as f64 / 5.0;
    format!(
        "| {store} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {} | {:.0} |",
        pct(&times, 0.5),
        pct(&times, 0.99),
        pct(&concurrent, 0.5),
        pct(&concurrent, 0.99),
        idle / 1024,
        peak.load(Ordering::Relaxed) / 1024,
        per_sec
    )
}

fn main() {
    let sequential: usize = std::env::var("GRAPEVINE_BENCH_UPLOADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let photo = Arc::new(photo_12mp());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut rows = Vec::new();
    for store in ["fs", "database"] {
        rows.push(rt.block_on(run(store, photo.clone(), sequential)));
    }
    println!(
        "12-megapixel JPEG ({} KiB), {sequential} uploads one at a time, then 3 × 8 at once\n",
        photo.len() / 1024
    );
    println!("| store | one: p50 ms | one: p99 ms | 8 at once: p50 ms | 8 at once: p99 ms | idle RSS MiB | peak RSS MiB | thumbnails/s |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
