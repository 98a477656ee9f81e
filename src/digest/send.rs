//! Sending digests, exactly once per user and period. A run pages through
//! active users; for each user due (on a frequency the run covers and, for
//! the scheduler, past their hour in their time zone) it first *claims* the
//! period in `digest_claims` (an insert that only one writer wins), then
//! builds the digest and records the mail in the outbox in one transaction
//! with the claim's new state. A claim left `building` by a crash is taken
//! over after `CLAIM_LEASE`, so a period is never skipped either.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::content::{self, Candidates, Digest, Reader};
use super::DigestSettings;
use crate::db::schema::{digest_claims, digest_settings, users};
use crate::db::DbConn;
use crate::domain::Role;
use crate::i18n;
use crate::mail::compose::{lang_of, Composer};
use crate::mail::outbox;
use crate::models::users::User;

/// A claim still `building` after this long was abandoned (crash): it may be
/// taken over.
pub const CLAIM_LEASE: TimeDelta = TimeDelta::minutes(10);
/// Users per page.
const PAGE: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Daily,
    Weekly,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Daily, Period::Weekly];

    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "daily" => Some(Period::Daily),
            "weekly" => Some(Period::Weekly),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Daily => "daily",
            Period::Weekly => "weekly",
        }
    }

    pub fn length(self) -> TimeDelta {
        match self {
            Period::Daily => TimeDelta::days(1),
            Period::Weekly => TimeDelta::days(7),
        }
    }

    /// The period containing this local time: `daily:2026-11-29` or
    /// `weekly:2026-W48` (ISO week).
    pub fn key(self, local: &DateTime<Tz>) -> String {
        match self {
            Period::Daily => format!("daily:{}", local.format("%Y-%m-%d")),
            Period::Weekly => {
                let w = local.iso_week();
                format!("weekly:{}-W{:02}", w.year(), w.week())
            }
        }
    }

    /// Whether this period's digest is due at this local time for someone
    /// who wants it at `hour`: from that hour of the day (daily), or of the
    /// week's Monday (weekly).
    pub fn is_due(self, local: &DateTime<Tz>, hour: i32) -> bool {
        let past_hour = local.hour() as i32 >= hour;
        match self {
            Period::Daily => past_hour,
            Period::Weekly => local.weekday() != chrono::Weekday::Mon || past_hour,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub periods: Vec<Period>,
    /// Every user on those frequencies, whatever their hour (the CLI).
    pub any_hour: bool,
    /// Build and report, claim and record nothing.
    pub dry_run: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    /// Digests recorded in the outbox.
    pub queued: usize,
    /// Users with nothing new: their period is done without a mail.
    pub empty: usize,
    /// Users whose digest for the period was already claimed.
    pub already: usize,
}

struct Due {
    user: User,
    settings: DigestSettings,
    period: Period,
    key: String,
}

type UserRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    bool,
    NaiveDateTime,
    Option<String>,
    i64,
    Option<(String, i32, String)>,
);

fn page_of_users(conn: &mut DbConn, after: i64) -> QueryResult<Vec<(User, DigestSettings)>> {
    let rows: Vec<UserRow> = users::table
        .left_join(digest_settings::table.on(digest_settings::user_id.eq(users::id)))
        .filter(users::active.eq(true))
        .filter(users::id.gt(after))
        .order(users::id.asc())
        .limit(PAGE)
        .select((
            users::id,
            users::email,
            users::name,
            users::role,
            users::locale,
            users::active,
            users::created_at,
            users::seen_lang,
            users::session_epoch,
            (
                digest_settings::frequency,
                digest_settings::hour,
                digest_settings::timezone,
            )
                .nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, email, name, role, locale, active, created_at, seen_lang, session_epoch, s)| {
                let user = User {
                    id,
                    email,
                    name,
                    role: Role::parse(&role).ok()?,
                    locale,
                    active,
                    created_at,
                    seen_lang,
                    session_epoch,
                };
                let mut settings = super::defaults(&user);
                if let Some((frequency, hour, timezone)) = s {
                    settings.frequency = frequency;
                    settings.hour = hour;
                    settings.timezone = timezone;
                }
                Some((user, settings))
            },
        )
        .collect())
}

/// Runs the digests due at `now`; `emit` hears one line per digest built
/// (what a dry run prints).
pub fn run(
    conn: &mut DbConn,
    composer: Composer,
    opts: &RunOptions,
    now: DateTime<Utc>,
    emit: &mut dyn FnMut(&str),
) -> anyhow::Result<RunReport> {
    let now_naive = now.naive_utc();
    let longest = opts
        .periods
        .iter()
        .map(|p| p.length())
        .max()
        .unwrap_or(TimeDelta::days(1));
    // Content is looked for at most two periods back, however long ago the
    // last digest was.
    let horizon = now_naive - longest * 2;
    let mut candidates: Option<Candidates> = None;
    let mut impacts: Option<HashMap<i64, crate::contributions::Counts>> = None;
    let mut report = RunReport::default();
    let mut after = 0;
    loop {
        let page = page_of_users(conn, after)?;
        let Some(last) = page.last() else { break };
        after = last.0.id;
        let due: Vec<Due> = page
            .into_iter()
            .filter_map(|(user, settings)| {
                let period = Period::parse(&settings.frequency)?;
                if !opts.periods.contains(&period) {
                    return None;
                }
                let tz: Tz = settings.timezone.parse().unwrap_or(chrono_tz::UTC);
                let local = now.with_timezone(&tz);
                if !opts.any_hour && !period.is_due(&local, settings.hour) {
                    return None;
                }
                let key = period.key(&local);
                Some(Due {
                    user,
                    settings,
                    period,
                    key,
                })
            })
            .collect();
        if due.is_empty() {
            continue;
        }
        let ids: Vec<i64> = due.iter().map(|d| d.user.id).collect();
        let keys: Vec<&str> = due.iter().map(|d| d.key.as_str()).collect();
        let existing: Vec<(i64, String, String, NaiveDateTime)> = digest_claims::table
            .filter(digest_claims::user_id.eq_any(&ids))
            .filter(digest_claims::period_key.eq_any(&keys))
            .select((
                digest_claims::user_id,
                digest_claims::period_key,
                digest_claims::state,
                digest_claims::claimed_at,
            ))
            .load(conn)?;
        let existing: HashMap<(i64, String), (String, NaiveDateTime)> = existing
            .into_iter()
            .map(|(u, k, s, at)| ((u, k), (s, at)))
            .collect();
        let stale_before = now_naive - CLAIM_LEASE;
        let open: Vec<Due> = due
            .into_iter()
            .filter(|d| match existing.get(&(d.user.id, d.key.clone())) {
                None => true,
                Some((state, at)) => state == "building" && *at < stale_before,
            })
            .collect();
        report.already += ids.len() - open.len();
        if open.is_empty() {
            continue;
        }
        // Since each user's last digest, at most two periods back.
        let open_ids: Vec<i64> = open.iter().map(|d| d.user.id).collect();
        let previous: Vec<(i64, Option<NaiveDateTime>)> = digest_claims::table
            .filter(digest_claims::user_id.eq_any(&open_ids))
            .filter(digest_claims::state.ne("building"))
            .group_by(digest_claims::user_id)
            .select((
                digest_claims::user_id,
                diesel::dsl::max(digest_claims::claimed_at),
            ))
            .load(conn)?;
        let previous: HashMap<i64, NaiveDateTime> = previous
            .into_iter()
            .filter_map(|(u, t)| Some((u, t?)))
            .collect();
        let since_of = |d: &Due| {
            let floor = now_naive - d.period.length();
            previous
                .get(&d.user.id)
                .copied()
                .unwrap_or(floor)
                .max(horizon)
        };

        let claimed: Vec<Due> = if opts.dry_run {
            open
        } else {
            claim(conn, open, now_naive, stale_before, &since_of)?
        };
        report.already += open_ids.len() - claimed.len();
        if claimed.is_empty() {
            continue;
        }
        if candidates.is_none() {
            candidates = Some(Candidates::load(conn, horizon)?);
        }
        let cands = candidates.as_ref().expect("loaded above");
        // A rep's weekly digest opens with what their intel did last week:
        // everyone's figures in one grouped pass per run.
        let weekly_rep = |d: &Due| d.period == Period::Weekly && d.user.role == Role::Rep;
        if impacts.is_none() && claimed.iter().any(weekly_rep) {
            let today = now_naive.date();
            let days = crate::time::Days {
                from: today - chrono::Days::new(7),
                to: today,
            };
            impacts = Some(
                crate::contributions::counts(
                    conn,
                    days,
                    crate::contributions::Whom::Everyone,
                    true,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
        }
        let claimed_ids: Vec<i64> = claimed.iter().map(|d| d.user.id).collect();
        let (mut follows, mut reads, mut votes) = content::reader_data(conn, &claimed_ids)?;
        let mut built = Vec::with_capacity(claimed.len());
        for d in claimed {
            let reader = Reader {
                user_id: d.user.id,
                role: d.user.role,
                since: since_of(&d),
                follows: follows.remove(&d.user.id).unwrap_or_default(),
                reads: reads.remove(&d.user.id).unwrap_or_default(),
                votes: votes.remove(&d.user.id).unwrap_or_default(),
            };
            let digest = content::digest_for(cands, &reader, now_naive);
            if digest.is_empty() {
                report.empty += 1;
                if opts.dry_run {
                    emit(&format!("{}: nothing new ({})", d.user.email, d.key));
                }
                built.push((d, None));
                continue;
            }
            emit(&format!(
                "{}: {} digest ({}), {} new threads, {} followed, {} ideas, {} idea updates",
                d.user.email,
                d.period.as_str(),
                d.key,
                digest.threads.len() + digest.more_threads,
                digest.activity.len(),
                digest.ideas.len(),
                digest.changes.len()
            ));
            if opts.dry_run {
                report.queued += 1;
                continue;
            }
            let impact = impacts
                .as_ref()
                .filter(|_| weekly_rep(&d))
                .and_then(|m| m.get(&d.user.id))
                .filter(|c| {
                    c.read_by_marketing + c.useful_marks + c.marketing_replies + c.ideas_adopted > 0
                });
            let mail = compose(composer, &d, &digest, impact)?;
            built.push((d, Some(mail)));
        }
        if !opts.dry_run {
            report.queued += record(conn, built)?;
        }
    }
    Ok(report)
}

/// Claims each user's period: an insert that only one writer wins, or the
/// takeover of a claim abandoned while building. Returns the users won.
fn claim(
    conn: &mut DbConn,
    open: Vec<Due>,
    now: NaiveDateTime,
    stale_before: NaiveDateTime,
    since_of: &dyn Fn(&Due) -> NaiveDateTime,
) -> QueryResult<Vec<Due>> {
    crate::db::write_tx(conn, |conn| {
        let mut won = Vec::with_capacity(open.len());
        for d in open {
            let values = (
                digest_claims::user_id.eq(d.user.id),
                digest_claims::period_key.eq(&d.key),
                digest_claims::state.eq("building"),
                digest_claims::since.eq(since_of(&d)),
                digest_claims::claimed_at.eq(now),
            );
            let mut n =
                crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(digest_claims::table)
                    .values(values)
                    .on_conflict((digest_claims::user_id, digest_claims::period_key))
                    .do_nothing()
                    .execute(c))?;
            if n == 0 {
                n = diesel::update(
                    digest_claims::table
                        .filter(digest_claims::user_id.eq(d.user.id))
                        .filter(digest_claims::period_key.eq(&d.key))
                        .filter(digest_claims::state.eq("building"))
                        .filter(digest_claims::claimed_at.lt(stale_before)),
                )
                .set(digest_claims::claimed_at.eq(now))
                .execute(conn)?;
            }
            if n == 1 {
                won.push(d);
            }
        }
        Ok(won)
    })
}

/// Records the built mails and the claims' new state in one transaction.
fn record(conn: &mut DbConn, built: Vec<(Due, Option<outbox::NewMail>)>) -> QueryResult<usize> {
    crate::db::write_tx(conn, |conn| {
        let mut queued = 0;
        for (d, mail) in &built {
            let state = match mail {
                Some(m) => {
                    outbox::enqueue(conn, m)?;
                    queued += 1;
                    "queued"
                }
                None => "empty",
            };
            diesel::update(
                digest_claims::table
                    .filter(digest_claims::user_id.eq(d.user.id))
                    .filter(digest_claims::period_key.eq(&d.key)),
            )
            .set(digest_claims::state.eq(state))
            .execute(conn)?;
        }
        Ok(queued)
    })
}

fn compose(
    composer: Composer,
    d: &Due,
    digest: &Digest,
    impact: Option<&crate::contributions::Counts>,
) -> anyhow::Result<outbox::NewMail> {
    let lang = lang_of(&d.user);
    let subject = i18n::t(lang, &format!("email-digest-subject-{}", d.period.as_str()));
    let mut ctx = tera::Context::new();
    ctx.insert("digest", digest);
    ctx.insert("period", d.period.as_str());
    ctx.insert("timezone", &d.settings.timezone);
    ctx.insert("impact", &impact);
    composer.compose(
        &d.user,
        "digest",
        &subject,
        ctx,
        Some("digest"),
        format!("digest:{}:{}", d.user.id, d.key),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn period_keys_follow_the_users_time_zone() {
        let paris: Tz = "Europe/Paris".parse().unwrap();
        let montreal: Tz = "America/Montreal".parse().unwrap();
        // 2026-11-30 is a Monday; 03:30 UTC is 04:30 in Paris, still Sunday
        // 22:30 in Montreal.
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 3, 30, 0).unwrap();
        let p = t.with_timezone(&paris);
        let m = t.with_timezone(&montreal);
        assert_eq!(Period::Daily.key(&p), "daily:2026-11-30");
        assert_eq!(Period::Daily.key(&m), "daily:2026-11-29");
        assert_eq!(Period::Weekly.key(&p), "weekly:2026-W49");
        assert_eq!(Period::Weekly.key(&m), "weekly:2026-W48");
        assert!(!Period::Daily.is_due(&p, 7), "04:30 is before 7");
        assert!(Period::Daily.is_due(&p, 4));
        assert!(!Period::Weekly.is_due(&p, 7), "Monday before the hour");
        assert!(Period::Weekly.is_due(&m, 7), "Sunday: the week's is due");
    }
}
