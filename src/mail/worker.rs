//! The mail worker inside `serve`: sends due outbox mails every
//! `send_every`, and runs the digest scheduler every `digest_every` (users
//! past their hour in their time zone who have not had this period's
//! digest), then prunes old sent mail. Every instance runs it; claims and
//! leases in the database keep each digest and each mail single.

use std::time::Duration;

use actix_web::web::Data;

use super::compose::Composer;
use super::{outbox, Mailer};
use crate::digest::send::{self, Period};
use crate::state::AppState;

pub fn start(state: Data<AppState>, mailer: Mailer, send_every: Duration, digest_every: Duration) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(send_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first run waits one interval, so a start-up is not slowed.
        let mut last_digest = std::time::Instant::now();
        loop {
            tick.tick().await;
            if last_digest.elapsed() >= digest_every {
                last_digest = std::time::Instant::now();
                let s = state.clone();
                let done = actix_web::web::block(move || -> anyhow::Result<send::RunReport> {
                    let mut conn = s.pool.get()?;
                    let composer = Composer {
                        tera: &s.tera,
                        settings: &s.settings,
                    };
                    let opts = send::RunOptions {
                        periods: Period::ALL.to_vec(),
                        any_hour: false,
                        dry_run: false,
                    };
                    let report =
                        send::run(&mut conn, composer, &opts, chrono::Utc::now(), &mut |_| {})?;
                    outbox::prune(&mut conn)?;
                    Ok(report)
                })
                .await;
                match done {
                    Ok(Ok(r)) if r.queued + r.empty > 0 => {
                        tracing::info!(queued = r.queued, empty = r.empty, "digests built")
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!(error = %e, "digest run failed"),
                    Err(e) => tracing::warn!(error = %e, "digest run failed"),
                }
            }
            match outbox::deliver(&state.pool, &mailer, false).await {
                Ok(d) if d.sent + d.retrying + d.gave_up > 0 => tracing::info!(
                    sent = d.sent,
                    retrying = d.retrying,
                    gave_up = d.gave_up,
                    "outbox delivered"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox delivery failed"),
            }
        }
    });
}
