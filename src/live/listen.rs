//! Cross-instance wake-up on PostgreSQL: every `events::append` runs
//! `pg_notify` in the writer's transaction, which PostgreSQL delivers at
//! commit; each instance keeps one `LISTEN` connection and wakes its poller
//! at once, so an event written on another instance arrives without waiting
//! for the next poll. The poll stays as the safety net (a dropped listener
//! reconnects with backoff; nothing is lost meanwhile, only slower).

use std::time::Duration;

use futures_util::StreamExt;

/// The channel `events::append` notifies.
pub const CHANNEL: &str = "grapevine_events";

/// Listens on `url` for as long as the process runs.
pub fn start(url: String) {
    actix_web::rt::spawn(async move {
        let mut wait = Duration::from_millis(100);
        loop {
            match listen(&url).await {
                Ok(()) => wait = Duration::from_millis(100),
                Err(e) => {
                    tracing::warn!(error = %e, "live feed listener lost; polling meanwhile");
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
            actix_web::rt::time::sleep(wait).await;
        }
    });
}

/// One listening session: returns when the connection ends.
async fn listen(url: &str) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    // The connection's messages (notifications among them) arrive on this
    // stream, which also drives the connection: run it beside the client.
    let driver = actix_web::rt::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(tokio_postgres::AsyncMessage::Notification(_)) => super::wake(),
                Ok(_) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    });
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
    // The client lives as long as the connection: dropping it would end it.
    let ended = driver.await;
    drop(client);
    match ended {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}
