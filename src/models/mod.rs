//! Database records and the queries on them. Insert forms are separate from
//! read structs; every function takes a connection so callers choose the
//! transaction.

pub mod accounts;
pub mod audit;
pub mod categories;
pub mod competitors;
pub mod follows;
pub mod identities;
pub mod password_links;
pub mod posts;
pub mod setup;
pub mod threads;
pub mod throttle;
pub mod tokens;
pub mod users;

/// Runs the same diesel body on the concrete connection, for the few queries
/// (upserts) that don't compile through the `MultiConnection` enum.
#[macro_export]
macro_rules! on_each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}
