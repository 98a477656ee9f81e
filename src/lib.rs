//! Grapevine: field sales reps share what they hear and see; marketing picks
//! it up. See ARCHITECTURE.md for the map of modules.

/// A faster allocator than the system's for many small, short-lived
/// allocations across threads (request handling, rendering).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (its place in `mi_option_e`, the same in
/// mimalloc 2 and 3; the Rust binding names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// mimalloc's `arena_eager_commit` (likewise unnamed in the binding).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// Returns freed memory to the system at once instead of 10 ms later: the
/// threads that decode photos free tens of MiB per upload and then sit
/// idle, and a delayed purge waits for their next allocation, so their
/// memory stayed counted (idle RSS 175 → 70 MiB after 30 uploads, peak
/// during 8 at once 341 → 243 MiB; see BENCHMARKS.md). And arenas are
/// committed page by page as they are used, not all at once: an idle
/// server's heap was 29 MiB resident, 14 MiB of it never used. Called from a
/// constructor (`main.rs`): mimalloc reads its options at its first
/// allocation, before `main`.
pub fn tune_allocator() {
    // SAFETY: setting an option is a plain store in mimalloc's option table.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
}

pub mod access_log;
pub mod api;
pub mod assets;
pub mod auth;
pub mod authz;
pub mod cli;
pub mod client_addr;
pub mod client_ids;
pub mod config;
pub mod contributions;
pub mod crm;
pub mod db;
pub mod digest;
pub mod domain;
pub mod error;
pub mod events;
pub mod forum;
pub mod i18n;
pub mod ideas;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod models;
pub mod notify;
pub mod reports;
pub mod search;
pub mod spreadsheet;
pub mod startup;
pub mod state;
pub mod text_guard;
pub mod time;
pub mod uploads;
pub mod web;

/// Logs to stderr, filtered by RUST_LOG (default `info`).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
