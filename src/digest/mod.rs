//! Digest and notification settings: how often each user gets a digest, at
//! what hour of their time zone, and which immediate emails they want.
//! `content` decides what goes in a digest, `send` claims, builds and
//! queues them (by the scheduler inside `serve` or `grapevine digest send`).

pub mod content;
pub mod send;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::digest_settings;
use crate::db::{now, DbConn};
use crate::domain::{FieldErrors, Invalid, Role};
use crate::error::AppError;
use crate::models::users::User;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = digest_settings)]
pub struct DigestSettings {
    #[serde(skip)]
    pub user_id: i64,
    /// daily, weekly or off.
    pub frequency: String,
    /// Hour of the day (0–23) in `timezone` when the digest is sent.
    pub hour: i32,
    /// IANA time zone, e.g. Europe/Paris.
    pub timezone: String,
    pub email_mentions: bool,
    pub email_replies: bool,
    /// Status changes on ideas the user wrote, voted for or follows.
    pub email_ideas: bool,
    /// New posts in what the user follows.
    pub email_follows: bool,
}

pub const FREQUENCIES: [&str; 3] = ["daily", "weekly", "off"];

/// The defaults: weekly for reps, daily for marketers and admins, at 7 in
/// the morning, Paris time, every immediate email on.
pub fn defaults(user: &User) -> DigestSettings {
    DigestSettings {
        user_id: user.id,
        frequency: if user.role == Role::Rep {
            "weekly"
        } else {
            "daily"
        }
        .into(),
        hour: 7,
        timezone: "Europe/Paris".into(),
        email_mentions: true,
        email_replies: true,
        email_ideas: true,
        email_follows: true,
    }
}

pub fn get(conn: &mut DbConn, user: &User) -> QueryResult<DigestSettings> {
    Ok(digest_settings::table
        .find(user.id)
        .select(DigestSettings::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_else(|| defaults(user)))
}

/// A change to the settings; absent fields keep their value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SettingsChange {
    pub frequency: Option<String>,
    pub hour: Option<i32>,
    pub timezone: Option<String>,
    pub email_mentions: Option<bool>,
    pub email_replies: Option<bool>,
    pub email_ideas: Option<bool>,
    pub email_follows: Option<bool>,
}

pub fn apply(
    current: &DigestSettings,
    change: &SettingsChange,
) -> Result<DigestSettings, FieldErrors> {
    let mut errs = FieldErrors::default();
    let mut next = current.clone();
    if let Some(f) = &change.frequency {
        match FREQUENCIES.iter().find(|x| **x == f.trim()) {
            Some(x) => next.frequency = x.to_string(),
            None => errs.add("frequency", Invalid("error-frequency")),
        }
    }
    if let Some(h) = change.hour {
        if (0..=23).contains(&h) {
            next.hour = h;
        } else {
            errs.add("hour", Invalid("error-hour"));
        }
    }
    if let Some(tz) = &change.timezone {
        match tz.trim().parse::<chrono_tz::Tz>() {
            Ok(z) => next.timezone = z.name().to_string(),
            Err(_) => errs.add("timezone", Invalid("error-timezone")),
        }
    }
    next.email_mentions = change.email_mentions.unwrap_or(next.email_mentions);
    next.email_replies = change.email_replies.unwrap_or(next.email_replies);
    next.email_ideas = change.email_ideas.unwrap_or(next.email_ideas);
    next.email_follows = change.email_follows.unwrap_or(next.email_follows);
    if errs.is_empty() {
        Ok(next)
    } else {
        Err(errs)
    }
}

/// Saves a change for the user; every field is checked before anything is
/// written.
pub fn update(
    conn: &mut DbConn,
    user: &User,
    change: &SettingsChange,
) -> Result<DigestSettings, AppError> {
    crate::db::write_tx(conn, |conn| {
        let next = apply(&get(conn, user)?, change).map_err(|e| e.into_result().unwrap_err())?;
        let values = (
            digest_settings::user_id.eq(user.id),
            digest_settings::frequency.eq(&next.frequency),
            digest_settings::hour.eq(next.hour),
            digest_settings::timezone.eq(&next.timezone),
            digest_settings::email_mentions.eq(next.email_mentions),
            digest_settings::email_replies.eq(next.email_replies),
            digest_settings::email_ideas.eq(next.email_ideas),
            digest_settings::email_follows.eq(next.email_follows),
            digest_settings::updated_at.eq(now()),
        );
        crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(digest_settings::table)
            .values(values)
            .on_conflict(digest_settings::user_id)
            .do_update()
            .set((
                digest_settings::frequency.eq(&next.frequency),
                digest_settings::hour.eq(next.hour),
                digest_settings::timezone.eq(&next.timezone),
                digest_settings::email_mentions.eq(next.email_mentions),
                digest_settings::email_replies.eq(next.email_replies),
                digest_settings::email_ideas.eq(next.email_ideas),
                digest_settings::email_follows.eq(next.email_follows),
                digest_settings::updated_at.eq(now()),
            ))
            .execute(c))?;
        Ok(next)
    })
}

/// Turns one kind of mail off for a user (the unsubscribe link): `digest`
/// sets the frequency to off, the others their immediate email. None when
/// the user no longer exists.
pub fn unsubscribe(conn: &mut DbConn, user_id: i64, kind: &str) -> Result<Option<User>, AppError> {
    let Some(user) = crate::models::users::find(conn, user_id)? else {
        return Ok(None);
    };
    let mut change = SettingsChange::default();
    match kind {
        "digest" => change.frequency = Some("off".into()),
        "mentions" => change.email_mentions = Some(false),
        "replies" => change.email_replies = Some(false),
        "ideas" => change.email_ideas = Some(false),
        "follows" => change.email_follows = Some(false),
        _ => return Ok(None),
    }
    update(conn, &user, &change)?;
    Ok(Some(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User::sample(role)
    }

    #[test]
    fn defaults_by_role() {
        assert_eq!(defaults(&user(Role::Rep)).frequency, "weekly");
        assert_eq!(defaults(&user(Role::Marketer)).frequency, "daily");
        assert_eq!(defaults(&user(Role::Admin)).frequency, "daily");
    }

    #[test]
    fn changes_are_checked_together() {
        let base = defaults(&user(Role::Rep));
        let ok = apply(
            &base,
            &SettingsChange {
                frequency: Some("off".into()),
                timezone: Some("America/Montreal".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (ok.frequency.as_str(), ok.timezone.as_str(), ok.hour),
            ("off", "America/Montreal", 7)
        );
        let bad = apply(
            &base,
            &SettingsChange {
                frequency: Some("hourly".into()),
                hour: Some(24),
                timezone: Some("Mars/Olympus".into()),
                ..Default::default()
            },
        );
        let msg = bad.unwrap_err().into_result().unwrap_err().to_string();
        assert!(
            msg.contains("frequency") && msg.contains("hour") && msg.contains("timezone"),
            "{msg}"
        );
    }
}
