//! Outgoing mail. Messages are composed from Tera templates (`compose`),
//! recorded in the outbox table first (`outbox`), then handed to lettre: its
//! async SMTP transport with a connection pool when `GRAPEVINE_SMTP_URL` is
//! set, else `.eml` files under `$GRAPEVINE_DATA_DIR/outbox/`.

pub mod compose;
pub mod outbox;
pub mod unsubscribe;
pub mod worker;

use std::time::Duration;

use lettre::address::Envelope;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::Settings;

#[derive(Clone)]
pub enum Mailer {
    /// Never dropped: the pool's destructor needs a running Tokio runtime,
    /// which is gone when a server stops.
    Smtp(&'static AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    /// Must be called inside a Tokio runtime (the SMTP pool starts a task).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Mailer> {
        match &settings.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("GRAPEVINE_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp(Box::leak(Box::new(transport))))
            }
            None => {
                let dir = settings.data_dir.join("outbox");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
                Ok(Mailer::Files(AsyncFileTransport::new(dir)))
            }
        }
    }

    /// Where mail goes, for logs and the CLI.
    pub fn describe(&self, settings: &Settings) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP".into(),
            Mailer::Files(_) => format!("{}", settings.data_dir.join("outbox").display()),
        }
    }

    /// Sends one already formatted message.
    pub async fn send(&self, from: &str, to: &str, message: &[u8]) -> Result<(), String> {
        let from = from.parse().map_err(|e| format!("sender {from:?}: {e}"))?;
        let to = to.parse().map_err(|e| format!("recipient {to:?}: {e}"))?;
        let envelope = Envelope::new(Some(from), vec![to]).map_err(|e| e.to_string())?;
        match self {
            Mailer::Smtp(t) => send_with(*t, &envelope, message).await,
            Mailer::Files(t) => send_with(t, &envelope, message).await,
        }
    }
}

async fn send_with<T: AsyncTransport + Sync>(
    transport: &T,
    envelope: &Envelope,
    message: &[u8],
) -> Result<(), String>
where
    T::Error: std::fmt::Display,
{
    transport
        .send_raw(envelope, message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
