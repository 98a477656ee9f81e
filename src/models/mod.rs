//! Database records and the queries on them. Insert forms are separate from
//! read structs; every function takes a connection so callers choose the
//! transaction.

pub mod setup;
pub mod throttle;
pub mod tokens;
pub mod users;
