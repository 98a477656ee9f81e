//! What the benchmarks that run the release binary in its own process share:
//! starting it on a free port, its command line, its memory, percentiles,
//! signing in, wrk.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start(data: &std::path::Path, url: &str) -> Server {
    start_with(data, url, &[])
}

/// `start` with more settings (`GRAPEVINE_*` variables).
pub fn start_with(data: &std::path::Path, url: &str, vars: &[(&str, &str)]) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .envs(vars.iter().copied())
        .env("GRAPEVINE_DATA_DIR", data)
        .env("GRAPEVINE_DATABASE_URL", url)
        .env("GRAPEVINE_BIND", format!("127.0.0.1:{port}"))
        .env(
            "GRAPEVINE_SECRET_KEY",
            "benchmark secret key, long enough for cookies",
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start grapevine");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, port }
}

pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn cli(data: &std::path::Path, url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_grapevine"))
        .args(args)
        .env("GRAPEVINE_DATA_DIR", data)
        .env("GRAPEVINE_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

pub fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Signs in through the form like a browser; the session cookie.
pub async fn sign_in(port: u16, email: &str, password: &str) -> String {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let res = c.get(format!("{base}/login")).send().await.unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let html = res.text().await.unwrap();
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let res = c
        .post(format!("{base}/login"))
        .header("cookie", &cookie)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "bench user signs in");
    res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

pub struct WrkResult {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

fn to_ms(v: &str) -> f64 {
    let (num, unit) = v.split_at(v.find(|c: char| c.is_alphabetic()).unwrap_or(v.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => f64::NAN,
    }
}

/// wrk -t2 -c64 for `secs` seconds (apt-get install wrk).
pub fn wrk(url: &str, cookie: Option<&str>, secs: u32) -> WrkResult {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c64", &format!("-d{secs}s"), "--latency"]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: {c}")]);
    }
    let out = cmd
        .arg(url)
        .output()
        .expect("wrk is installed (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.contains("Non-2xx"), "errors during the run:\n{text}");
    let field = |prefix: &str| -> String {
        text.lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or_else(|| panic!("no {prefix} in wrk output:\n{text}"))
            .to_string()
    };
    WrkResult {
        rps: field("Requests/sec:").parse().unwrap(),
        p50_ms: to_ms(&field("50%")),
        p99_ms: to_ms(&field("99%")),
    }
}

/// A fresh PostgreSQL database beside `admin`'s; its URL.
pub fn create_pg_database(admin: &str) -> String {
    use diesel::{Connection, RunQueryDsl};
    use rand::Rng;
    let name = format!("gv_bench_{}", rand::thread_rng().gen::<u32>());
    let mut conn = diesel::PgConnection::establish(admin).expect("connect to PostgreSQL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .unwrap();
    format!("{}/{name}", &admin[..admin.rfind('/').unwrap()])
}

/// The bench user, a marketer signing in with `BENCH_PASSWORD`, and an API
/// token of theirs, through the command line.
pub fn bench_user(data: &std::path::Path, url: &str) -> String {
    cli(
        data,
        url,
        &[
            "user",
            "add",
            "--email",
            "bench@example.com",
            "--name",
            "Bench",
            "--role",
            "marketer",
            "--password",
            BENCH_PASSWORD,
        ],
    );
    cli(
        data,
        url,
        &["token", "create", "--email", "bench@example.com"],
    )
}

pub const BENCH_PASSWORD: &str = "benchmark password";
