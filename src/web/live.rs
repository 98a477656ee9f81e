//! The Live page: pick topics, watch one stream, pause. Without script it
//! lists the latest events the reader may see.

use actix_web::HttpResponse;
use serde::Serialize;

use super::Page;
use crate::db;
use crate::error::AppError;
use crate::events;
use crate::models::{accounts, categories, competitors, follows};

#[derive(Serialize)]
struct TopicChoice {
    topic: String,
    label: String,
    checked: bool,
}

pub async fn page(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let (recent, cats, links) = db::run(&page.state.pool, move |c| {
        let mut recent: Vec<events::Event> = Vec::new();
        for e in events::recent(c, 300)? {
            // The public stream only (not one user's notifications).
            if !(e.visible_to(user.role) && e.topics.iter().any(|t| t == "all")) {
                continue;
            }
            // Votes on one idea in a row are one line (the newest count).
            if let Some(prev) = recent.last() {
                if e.kind == "idea.voted"
                    && prev.kind == e.kind
                    && prev.payload["idea_id"] == e.payload["idea_id"]
                {
                    continue;
                }
            }
            recent.push(e);
            if recent.len() == 50 {
                break;
            }
        }
        Ok((
            recent,
            categories::readable_by(c, user.role)?,
            link_topics(c, &user)?,
        ))
    })
    .await?;
    let mut topics = vec![
        TopicChoice {
            topic: "all".into(),
            label: page.t("live-everything"),
            checked: true,
        },
        TopicChoice {
            topic: "ideas".into(),
            label: page.t("nav-ideas"),
            checked: false,
        },
    ];
    topics.extend(cats.into_iter().map(|c| TopicChoice {
        topic: format!("category:{}", c.slug),
        label: c.name_in(page.lang).to_string(),
        checked: false,
    }));
    topics.extend(links.into_iter().map(|(topic, label)| TopicChoice {
        topic,
        label,
        checked: false,
    }));
    let mut ctx = tera::Context::new();
    ctx.insert("topics", &topics);
    ctx.insert("recent", &recent);
    ctx.insert("since", &page.state.hub.published());
    page.render("live.html", ctx)
}

/// Account and competitor topics worth offering, by name: what the reader
/// follows, their own and lately reported accounts, then the competitors.
fn link_topics(
    c: &mut crate::db::DbConn,
    user: &crate::models::users::User,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |topic: String, label: String| {
        if !out.iter().any(|(t, _)| *t == topic) {
            out.push((topic, label));
        }
    };
    let followed = follows::of_user(c, user.id)?;
    let keys = |kind: &str| -> Vec<String> {
        followed
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, key)| key.clone())
            .collect()
    };
    for a in accounts::by_keys(c, &keys("account"))? {
        add(format!("account:{}", a.external_id), a.name);
    }
    for comp in competitors::by_keys(c, &keys("competitor"))? {
        add(format!("competitor:{}", comp.slug), comp.name);
    }
    let (own, lately) = accounts::for_capture(c, user.id)?;
    for (key, name) in own.into_iter().chain(lately) {
        add(format!("account:{key}"), name);
    }
    for comp in competitors::search(c, "", 30)? {
        add(format!("competitor:{}", comp.slug), comp.name);
    }
    Ok(out)
}
