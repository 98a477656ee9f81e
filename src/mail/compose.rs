//! Composing a mail: a Tera template pair `email/NAME.txt` and
//! `email/NAME.html` rendered in the recipient's language, absolute links
//! from the base URL, and RFC 8058 unsubscribe headers with a signed link.

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::outbox::NewMail;
use super::unsubscribe;
use crate::config::Settings;
use crate::models::users::User;

/// What composing needs, borrowed from the application state or the CLI.
#[derive(Clone, Copy)]
pub struct Composer<'a> {
    pub tera: &'a tera::Tera,
    pub settings: &'a Settings,
}

/// The recipient's language: their setting, else what their browser got
/// at their last visit, else English.
pub fn lang_of(user: &User) -> &'static str {
    user.locale
        .as_deref()
        .and_then(crate::i18n::supported)
        .or_else(|| user.seen_lang.as_deref().and_then(crate::i18n::supported))
        .unwrap_or("en")
}

impl Composer<'_> {
    pub fn unsubscribe_url(&self, user_id: i64, kind: &str) -> String {
        format!(
            "{}/unsubscribe?token={}",
            self.settings.base_url,
            unsubscribe::sign(&self.settings.secret_key, user_id, kind)
        )
    }

    /// The host mail ids live under: `GRAPEVINE_BASE_URL`'s.
    fn id_host(&self) -> String {
        url::Url::parse(&self.settings.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "grapevine.invalid".into())
    }

    /// Renders `email/{template}` for `user` and builds the mail to record.
    /// `unsubscribe_kind` is the kind of mail the unsubscribe link turns off;
    /// None for a mail the user asked for (a password link), which has none.
    /// Mails about one `conversation` (e.g. `thread-12`) refer to one stable
    /// id, so mail clients thread them, as Discourse does.
    #[allow(clippy::too_many_arguments)]
    pub fn compose(
        &self,
        user: &User,
        template: &str,
        subject: &str,
        mut ctx: tera::Context,
        unsubscribe_kind: Option<&str>,
        dedup_key: String,
        conversation: Option<&str>,
    ) -> anyhow::Result<NewMail> {
        let unsubscribe = unsubscribe_kind.map(|k| self.unsubscribe_url(user.id, k));
        ctx.insert("lang", lang_of(user));
        ctx.insert("base_url", &self.settings.base_url);
        ctx.insert("user_name", &user.name);
        ctx.insert("unsubscribe_url", &unsubscribe);
        ctx.insert("unsubscribe_kind", &unsubscribe_kind);
        ctx.insert(
            "settings_url",
            &format!("{}/settings", self.settings.base_url),
        );
        let text = self
            .tera
            .render(&format!("email/{template}.txt"), &ctx)
            .map_err(|e| anyhow::anyhow!("email/{template}.txt: {e:?}"))?;
        let html = self
            .tera
            .render(&format!("email/{template}.html"), &ctx)
            .map_err(|e| anyhow::anyhow!("email/{template}.html: {e:?}"))?;
        let from: Mailbox = self
            .settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("GRAPEVINE_MAIL_FROM: {e}"))?;
        let to = Mailbox::new(
            Some(user.name.clone()),
            user.email
                .parse()
                .map_err(|e| anyhow::anyhow!("address of user {}: {e}", user.id))?,
        );
        let host = self.id_host();
        let mut builder = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(Some(format!(
                "<{}.{}@{host}>",
                hex::encode(rand::random::<[u8; 12]>()),
                user.id
            )))
            // RFC 3834: no robot (out of office) should answer.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ));
        if let Some(topic) = conversation {
            let root = format!("<{topic}@{host}>");
            builder = builder.in_reply_to(root.clone()).references(root);
        }
        if let Some(unsubscribe) = &unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{unsubscribe}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let message = builder.multipart(MultiPart::alternative_plain_html(text, html))?;
        Ok(NewMail {
            dedup_key,
            user_id: Some(user.id),
            kind: template.to_string(),
            sender: self.settings.mail_from.clone(),
            recipient: user.email.clone(),
            subject: subject.to_string(),
            message: String::from_utf8_lossy(&message.formatted()).into_owned(),
        })
    }
}
