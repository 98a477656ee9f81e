//! Integration tests: each spawns the real application on a random port with
//! a fresh database. Every test that touches the database runs on SQLite and,
//! when GRAPEVINE_TEST_DATABASE_URL is set, on PostgreSQL.

#[macro_use]
mod helpers;
mod browser;
mod capture;
mod cli;
mod client_ids;
mod contributions;
mod crm;
mod events;
mod forum;
mod foundation;
mod ideas;
mod live;
mod mail;
mod markdown;
mod openapi;
mod reports;
mod resilience;
mod search;
mod sso;
mod uploads;
mod visibility;
