//! One code path over SQLite (embedded default) and PostgreSQL (several
//! instances). The backend is picked from the URL scheme by our own pool
//! manager, so a connection error reaches the user as it is.

pub mod schema;

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Arbitrary constant identifying Grapevine's migration lock on PostgreSQL.
const MIGRATION_LOCK: i64 = 0x6772_6170_6576_0001;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else if url.starts_with("sqlite://") {
            Some(Backend::Sqlite)
        } else {
            None
        }
    }
}

/// How long opening a PostgreSQL connection may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a pooled connection.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one PostgreSQL statement may run before the server cancels it.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a request waits for its database work before answering 503: a
/// frozen server answers nothing, and no server-side timeout can fire.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The URL with libpq's `connect_timeout`, unless it names one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={}", CONNECT_TIMEOUT.as_secs())
}

/// r2d2 manager that establishes the right variant for the URL.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    pub fn new(url: &str) -> Result<Self, String> {
        let backend = Backend::of_url(url).ok_or_else(|| {
            format!("unsupported database URL {url:?}: use sqlite://PATH or postgres://…")
        })?;
        Ok(Manager {
            url: url.to_string(),
            backend,
        })
    }
}

fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite://")
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = diesel::PgConnection::establish(&with_connect_timeout(&self.url))
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // No parallel workers: the app's queries are short, and
                // starting workers costs more than they save (a rare word's
                // search took 12 ms with them, 1 ms without).
                conn.batch_execute(&format!(
                    "SET statement_timeout = {}; SET max_parallel_workers_per_gather = 0",
                    STATEMENT_TIMEOUT.as_millis()
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Postgres(conn))
            }
            Backend::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(sqlite_path(&self.url))
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16000;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // diesel's own check: a connection left mid-transaction after an
        // error is not reused (no round trip).
        match conn {
            DbConn::Postgres(pg) => diesel::r2d2::R2D2Connection::is_broken(pg),
            DbConn::Sqlite(c) => diesel::r2d2::R2D2Connection::is_broken(c),
        }
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Builds the pool and checks that the database answers, with the real error.
pub fn connect(url: &str, max_size: u32) -> anyhow::Result<Pool> {
    let manager = Manager::new(url).map_err(anyhow::Error::msg)?;
    if manager.backend == Backend::Sqlite {
        let path = Path::new(sqlite_path(url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
    }
    // Fail fast with the backend's own message instead of r2d2's timeout.
    let mut probe = r2d2::ManageConnection::connect(&manager)
        .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", redact(url)))?;
    probe.ping()?;
    drop(probe);
    // No ping on every checkout: it doubles the queries of a request. A
    // broken connection shows as a query error and is replaced by r2d2.
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .test_on_check_out(false)
        .connection_timeout(CHECKOUT_TIMEOUT)
        .build(manager)?;
    Ok(pool)
}

/// `text` with LIKE's wildcards escaped (use with `ESCAPE '\\'`), so user
/// input matches literally on both databases.
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Hides a password in a database URL before it is printed.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Applies pending migrations; on PostgreSQL under an advisory lock so that
/// several instances starting at once don't race.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
            .len(),
        DbConn::Postgres(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(c)?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| anyhow::anyhow!("migration failed: {e}"));
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(c)?;
            result?
        }
    };
    // The search index is built from the content once its tables exist.
    crate::search::index::ensure_built(conn)?;
    Ok(applied)
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Postgres(_) => Backend::Postgres,
        }
    }

    pub fn ping(&mut self) -> QueryResult<()> {
        diesel::sql_query("SELECT 1").execute(self).map(|_| ())
    }
}

/// Runs blocking database work on actix's blocking thread pool, never on an
/// async worker. Past `REQUEST_TIMEOUT` the caller gets 503 (the work, which
/// cannot be interrupted, finishes or fails in its own transaction).
pub async fn run<F, T>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    run_within(pool, REQUEST_TIMEOUT, f).await
}

/// `run` with its own deadline.
pub async fn run_within<F, T>(pool: &Pool, wait: Duration, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let work = actix_web::web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    });
    match tokio::time::timeout(wait, work).await {
        Ok(done) => {
            done.map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
        }
        Err(_) => {
            tracing::warn!(after = ?wait, "database work timed out");
            Err(AppError::Unavailable)
        }
    }
}

/// Current time, truncated to microseconds so it round-trips through both
/// databases unchanged.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(t, chrono::TimeDelta::microseconds(1)).unwrap_or(t)
}

/// A transaction that will write. On SQLite it takes the write lock first (a
/// write that touches no row), so it waits for other writers (busy timeout)
/// instead of failing with "database is locked" when it upgrades from
/// reading to writing after another writer committed. On PostgreSQL it is a
/// plain transaction.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let nested = conn_in_transaction(conn);
    let result = conn.transaction(|conn| {
        if let DbConn::Sqlite(c) = conn {
            c.batch_execute("DELETE FROM setup_tokens WHERE 0")?;
        }
        f(conn)
    });
    if !nested && crate::events::take_appended() && result.is_ok() {
        // Committed with a new event: the live feed reads it now.
        crate::live::wake();
    }
    result
}

fn conn_in_transaction(conn: &mut DbConn) -> bool {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .is_ok_and(|d| d.is_some()),
        DbConn::Postgres(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .is_ok_and(|d| d.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape(r"50%_a\b"), r"50\%\_a\\b");
    }

    #[test]
    fn picks_backend_from_scheme() {
        assert_eq!(Backend::of_url("sqlite://a.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgresql://h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }
}
