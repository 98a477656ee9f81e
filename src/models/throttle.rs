//! Login throttling, kept in the database so several instances share it.
//! After too many failures in the window, further attempts for that email or
//! from that address are refused until the window has passed.

use chrono::TimeDelta;
use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::{now, DbConn};

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_PER_EMAIL: i64 = 5;
pub const MAX_PER_IP: i64 = 20;

/// Seconds to wait if this email or address is throttled now.
pub fn retry_after(conn: &mut DbConn, email: &str, ip: &str) -> QueryResult<Option<u64>> {
    let since = now() - TimeDelta::minutes(WINDOW_MINUTES);
    let by_email: Vec<chrono::NaiveDateTime> = login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::created_at.gt(since))
        .order(login_failures::created_at.desc())
        .select(login_failures::created_at)
        .limit(MAX_PER_EMAIL)
        .load(conn)?;
    let by_ip: Vec<chrono::NaiveDateTime> = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::created_at.gt(since))
        .order(login_failures::created_at.desc())
        .select(login_failures::created_at)
        .limit(MAX_PER_IP)
        .load(conn)?;
    let wait = |times: &[chrono::NaiveDateTime], max: i64| -> Option<u64> {
        // Throttled until the oldest of the last `max` failures leaves the window.
        (times.len() as i64 >= max).then(|| {
            let oldest = times[times.len() - 1];
            let until = oldest + TimeDelta::minutes(WINDOW_MINUTES);
            (until - now()).num_seconds().max(1) as u64
        })
    };
    Ok(wait(&by_email, MAX_PER_EMAIL).max(wait(&by_ip, MAX_PER_IP)))
}

pub fn record_failure(conn: &mut DbConn, email: &str, ip: &str) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::email.eq(email),
            login_failures::ip.eq(ip),
            login_failures::created_at.eq(now()),
        ))
        .execute(conn)?;
    // Old rows are of no use; keep the table small.
    let cutoff = now() - TimeDelta::hours(24);
    diesel::delete(login_failures::table.filter(login_failures::created_at.lt(cutoff)))
        .execute(conn)?;
    Ok(())
}

/// A successful sign-in clears that email's failures.
pub fn clear(conn: &mut DbConn, email: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::email.eq(email)))
        .execute(conn)
        .map(|_| ())
}
