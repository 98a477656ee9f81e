//! The Live page: pick topics, watch one stream, pause. Without script it
//! lists the latest events the reader may see.

use actix_web::HttpResponse;
use serde::Serialize;

use super::Page;
use crate::db;
use crate::error::AppError;
use crate::events;
use crate::models::{categories, follows};

#[derive(Serialize)]
struct TopicChoice {
    topic: String,
    label: String,
    checked: bool,
}

pub async fn page(page: Page) -> Result<HttpResponse, AppError> {
    let user = page.user()?.clone();
    let (recent, cats, followed) = db::run(&page.state.pool, move |c| {
        let recent: Vec<events::Event> = events::recent(c, 300)?
            .into_iter()
            // The public stream only (not one user's notifications).
            .filter(|e| e.visible_to(user.role) && e.topics.iter().any(|t| t == "all"))
            .take(50)
            .collect();
        Ok((
            recent,
            categories::readable_by(c, user.role)?,
            follows::of_user(c, user.id)?,
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
        label: c.name,
        checked: false,
    }));
    topics.extend(
        followed
            .into_iter()
            .filter(|(k, _)| k == "account" || k == "competitor")
            .map(|(k, key)| TopicChoice {
                topic: format!("{k}:{key}"),
                label: key,
                checked: false,
            }),
    );
    let mut ctx = tera::Context::new();
    ctx.insert("topics", &topics);
    ctx.insert("recent", &recent);
    ctx.insert("since", &page.state.hub.published());
    page.render("live.html", ctx)
}
