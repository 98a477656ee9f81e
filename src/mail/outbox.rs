//! The outbox: every mail is recorded here (in the transaction that decided
//! to send it), then sent, then marked sent. A sender first takes a lease on
//! a row, so two instances never send the same row at once; a failed send
//! is retried with exponential backoff and given up after `MAX_TRIES`, with
//! the last error kept.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::Mailer;
use crate::db::schema::outbox;
use crate::db::{now, DbConn, Pool};

/// Tries before a mail is given up (state `failed`).
pub const MAX_TRIES: i32 = 8;
/// How long a sender holds a mail it took.
const LEASE: TimeDelta = TimeDelta::minutes(5);

/// Wait before the next try after `tries` failures: 30 s, 1 min, 2 min, …,
/// at most 6 hours.
pub fn backoff(tries: i32) -> TimeDelta {
    let secs = 30i64 << (tries.clamp(1, 16) - 1);
    TimeDelta::seconds(secs.min(6 * 3600))
}

#[derive(Debug, Clone)]
pub struct NewMail {
    /// One mail per key, ever: `digest:USER:PERIOD`, `notify:EVENT:USER`.
    pub dedup_key: String,
    pub user_id: Option<i64>,
    pub kind: String,
    pub sender: String,
    pub recipient: String,
    pub subject: String,
    /// The whole RFC 5322 message.
    pub message: String,
}

/// Records a mail; false when a mail with that key already exists.
pub fn enqueue(conn: &mut DbConn, mail: &NewMail) -> QueryResult<bool> {
    // `.invalid` addresses (RFC 2606) are placeholders: the system account,
    // single sign-on users whose provider did not verify their email.
    if mail.recipient.ends_with(".invalid") {
        return Ok(false);
    }
    let t = now();
    let values = (
        outbox::dedup_key.eq(&mail.dedup_key),
        outbox::user_id.eq(mail.user_id),
        outbox::kind.eq(&mail.kind),
        outbox::sender.eq(&mail.sender),
        outbox::recipient.eq(&mail.recipient),
        outbox::subject.eq(&mail.subject),
        outbox::message.eq(&mail.message),
        outbox::state.eq("pending"),
        outbox::tries.eq(0),
        outbox::next_attempt_at.eq(t),
        outbox::created_at.eq(t),
    );
    let n = crate::on_each_backend!(conn, |c| diesel::insert_into(outbox::table)
        .values(values)
        .on_conflict(outbox::dedup_key)
        .do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Queryable)]
pub struct Taken {
    pub id: i64,
    pub sender: String,
    pub recipient: String,
    pub message: String,
    pub tries: i32,
}

/// Pending mails after `after_id` that are due (all pending ones when
/// `force`), oldest first.
pub fn due(conn: &mut DbConn, after_id: i64, force: bool, limit: i64) -> QueryResult<Vec<i64>> {
    let t = now();
    let mut q = outbox::table
        .filter(outbox::state.eq("pending"))
        .filter(outbox::id.gt(after_id))
        .filter(outbox::lease_until.is_null().or(outbox::lease_until.lt(t)))
        .select(outbox::id)
        .order(outbox::id.asc())
        .limit(limit)
        .into_boxed();
    if !force {
        q = q.filter(outbox::next_attempt_at.le(t));
    }
    q.load(conn)
}

/// Takes the lease on a pending mail; None when another sender holds it or
/// it is no longer pending.
pub fn take(conn: &mut DbConn, id: i64) -> QueryResult<Option<Taken>> {
    let t = now();
    let n = diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::state.eq("pending"))
            .filter(outbox::lease_until.is_null().or(outbox::lease_until.lt(t))),
    )
    .set((
        outbox::lease_until.eq(Some(t + LEASE)),
        outbox::tries.eq(outbox::tries + 1),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    outbox::table
        .find(id)
        .select((
            outbox::id,
            outbox::sender,
            outbox::recipient,
            outbox::message,
            outbox::tries,
        ))
        .first(conn)
        .optional()
}

pub fn mark_sent(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq("sent"),
            outbox::sent_at.eq(Some(now())),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed try: retried later, or given up after the last try.
/// Returns true when given up.
pub fn mark_failed(conn: &mut DbConn, id: i64, tries: i32, error: &str) -> QueryResult<bool> {
    let give_up = tries >= MAX_TRIES;
    let error: String = error.chars().take(1000).collect();
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq(if give_up { "failed" } else { "pending" }),
            outbox::next_attempt_at.eq(now() + backoff(tries)),
            outbox::lease_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(give_up)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time, to be retried.
    pub retrying: usize,
    /// Failed for the last time.
    pub gave_up: usize,
}

/// Sends every due mail once (every pending one when `force`, as the CLI
/// does: a run by hand is a request to try now).
pub async fn deliver(pool: &Pool, mailer: &Mailer, force: bool) -> anyhow::Result<Delivery> {
    let mut report = Delivery::default();
    let mut cursor = 0;
    loop {
        let ids = crate::db::run(pool, move |c| Ok(due(c, cursor, force, 100)?)).await?;
        let Some(last) = ids.last().copied() else {
            return Ok(report);
        };
        cursor = last;
        for id in ids {
            let Some(mail) = crate::db::run(pool, move |c| Ok(take(c, id)?)).await? else {
                continue;
            };
            match mailer
                .send(&mail.sender, &mail.recipient, mail.message.as_bytes())
                .await
            {
                Ok(()) => {
                    crate::db::run(pool, move |c| Ok(mark_sent(c, id)?)).await?;
                    report.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(mail = id, tries = mail.tries, error = %e, "mail not sent");
                    let tries = mail.tries;
                    let gave_up =
                        crate::db::run(pool, move |c| Ok(mark_failed(c, id, tries, &e)?)).await?;
                    if gave_up {
                        report.gave_up += 1;
                    } else {
                        report.retrying += 1;
                    }
                }
            }
        }
    }
}

/// How long sent mail and finished digest claims are kept: long enough to
/// answer "did they get it?", and claims beyond the two periods a digest
/// looks back.
pub const KEEP_DAYS: i64 = 30;

/// Deletes sent mail and digest claims older than `KEEP_DAYS`; failed mail
/// stays for an operator to see.
pub fn prune(conn: &mut DbConn) -> QueryResult<usize> {
    use crate::db::schema::digest_claims;
    let cutoff = now() - TimeDelta::days(KEEP_DAYS);
    let mails = diesel::delete(
        outbox::table
            .filter(outbox::state.eq("sent"))
            .filter(outbox::sent_at.lt(cutoff)),
    )
    .execute(conn)?;
    let claims = diesel::delete(
        digest_claims::table
            .filter(digest_claims::state.ne("building"))
            .filter(digest_claims::claimed_at.lt(cutoff)),
    )
    .execute(conn)?;
    Ok(mails + claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_bounded() {
        assert_eq!(backoff(1), TimeDelta::seconds(30));
        assert_eq!(backoff(2), TimeDelta::seconds(60));
        assert_eq!(backoff(4), TimeDelta::seconds(240));
        assert_eq!(backoff(40), TimeDelta::hours(6));
    }
}
