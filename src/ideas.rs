//! The idea box: proposals, votes, official status and answers, merging,
//! customer impact. Each write is one transaction with its event. Comments
//! are the forum's post tree: every idea has a discussion thread in the
//! "ideas" category, opened by the system account so that an anonymous
//! author stays anonymous there too.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::authz::{self, Action};
use crate::db::schema::{
    accounts, competitors, idea_accounts, idea_competitors, idea_status_changes, idea_tags,
    idea_votes, ideas, users,
};
use crate::db::{now, DbConn};
use crate::domain::{Email, PostBody, Role, Tags, Title};
use crate::error::AppError;
use crate::events::{self, EventData, NewEvent, Topic};
use crate::forum::tree::AuthorRef;
use crate::models::users::User;
use crate::models::{categories, posts, threads};

pub const STATUSES: [&str; 6] = [
    "open",
    "under_review",
    "planned",
    "in_progress",
    "done",
    "declined",
];

/// Trending: each vote weighs 0.5^(age in days / 7), so a vote counts half
/// after a week and a quarter after two.
pub const TRENDING_HALF_LIFE_DAYS: f64 = 7.0;

/// The category holding the ideas' discussion threads; it is the idea box.
pub const CATEGORY: &str = "ideas";

pub const SYSTEM_EMAIL: &str = "system@grapevine.invalid";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ideas)]
pub struct IdeaRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub body_html: String,
    pub author_id: i64,
    pub anonymous: bool,
    pub status: String,
    pub thread_id: i64,
    pub merged_into: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Response {
    pub status: String,
    /// The official answer, if one was given with this change.
    pub response_html: Option<String>,
    pub by: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Idea {
    pub id: i64,
    pub title: String,
    pub body_html: String,
    /// `null` when the idea is anonymous (admins see the author).
    pub author: Option<AuthorRef>,
    pub anonymous: bool,
    pub status: String,
    pub votes: i64,
    pub voted_by_me: bool,
    /// Distinct customer accounts linked: the customer impact.
    pub impact: i64,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub tags: Vec<String>,
    pub merged_into: Option<i64>,
    /// The forum thread holding the discussion.
    pub thread_id: i64,
    pub comment_count: i32,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    /// Status changes and official answers, oldest first (detail only).
    pub responses: Vec<Response>,
    /// Ideas merged into this one (detail only).
    pub merged_from: Vec<i64>,
    /// Its photos and documents (detail only).
    pub attachments: Vec<crate::uploads::Attachment>,
}

pub struct NewIdea {
    pub title: Title,
    pub body: PostBody,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub tags: Tags,
    pub anonymous: bool,
    /// The author's own unattached uploads, each once.
    pub attachments: Vec<i64>,
    /// Forms let an account or competitor be typed by its exact name.
    pub links_by_name: bool,
    /// Set by a client that may send the same idea again.
    pub client_id: Option<crate::client_ids::ClientId>,
}

/// A new idea as submitted, from JSON or a form: both parse it with
/// `NewIdea::parse`.
#[derive(Debug, Default)]
pub struct IdeaDraft<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub tags: Vec<String>,
    pub anonymous: bool,
    pub attachments: Vec<i64>,
    pub links_by_name: bool,
}

impl NewIdea {
    /// Every broken rule at once, by field.
    pub fn parse(d: IdeaDraft<'_>) -> Result<NewIdea, crate::domain::FieldErrors> {
        let mut errs = crate::domain::FieldErrors::default();
        let title = errs.check("title", Title::parse(d.title));
        let body = errs.check("body", PostBody::parse(d.body));
        let tags = errs.check("tags", Tags::parse(&d.tags));
        let attachments = crate::uploads::parse_ids(&d.attachments).unwrap_or_else(|_| {
            errs.add(
                "attachments",
                crate::domain::Invalid("error-too-many-attachments"),
            );
            Vec::new()
        });
        match (title, body, tags) {
            (Some(title), Some(body), Some(tags)) => Ok(NewIdea {
                title,
                body,
                tags,
                accounts: d.accounts,
                competitors: d.competitors,
                anonymous: d.anonymous,
                attachments,
                links_by_name: d.links_by_name,
                client_id: None,
            }),
            _ => Err(errs),
        }
    }
}

/// The inactive account that opens idea discussions (it cannot sign in).
pub(crate) fn system_user(conn: &mut DbConn) -> Result<i64, AppError> {
    let email = Email::parse(SYSTEM_EMAIL).expect("valid constant");
    if let Some(u) = crate::models::users::find_by_email(conn, &email)? {
        return Ok(u.id);
    }
    let new = crate::models::users::NewUser {
        email,
        name: crate::domain::PersonName::parse("Grapevine").expect("valid constant"),
        role: Role::Rep,
        locale: None,
    };
    // Not a PHC string: no password verifies against it.
    let user = crate::models::users::create_with_hash(conn, &new, "!")?;
    crate::models::users::set_active(conn, user.id, false).or_else(|e| match e {
        AppError::Conflict { .. } => Ok(user.clone()),
        e => Err(e),
    })?;
    Ok(user.id)
}

/// The idea box is the "ideas" category: whoever may not read that category
/// finds no idea box at all (404), on every channel.
pub fn idea_box(
    conn: &mut DbConn,
    user: &User,
) -> Result<crate::models::categories::Category, AppError> {
    crate::forum::readable_category(conn, user, CATEGORY)
}

fn author_visible(viewer: &User, idea: &IdeaRow) -> bool {
    !idea.anonymous || viewer.role == Role::Admin
}

fn topics(links: &threads::Links) -> Vec<Topic> {
    let mut t = vec![Topic::All, Topic::Ideas];
    t.extend(links.topics());
    t
}

fn idea_links(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, threads::Links>> {
    let acc: Vec<(i64, String, String)> = idea_accounts::table
        .inner_join(accounts::table)
        .filter(idea_accounts::idea_id.eq_any(ids))
        .order((idea_accounts::idea_id, accounts::name))
        .select((
            idea_accounts::idea_id,
            accounts::external_id,
            accounts::name,
        ))
        .load(conn)?;
    let comp: Vec<(i64, String, String)> = idea_competitors::table
        .inner_join(competitors::table)
        .filter(idea_competitors::idea_id.eq_any(ids))
        .order((idea_competitors::idea_id, competitors::name))
        .select((
            idea_competitors::idea_id,
            competitors::slug,
            competitors::name,
        ))
        .load(conn)?;
    let mut map: HashMap<i64, threads::Links> = HashMap::new();
    for (i, k, n) in acc {
        map.entry(i).or_default().accounts.push((k, n));
    }
    for (i, k, n) in comp {
        map.entry(i).or_default().competitors.push((k, n));
    }
    Ok(map)
}

/// Appends an idea event for the idea box's readers.
fn event(conn: &mut DbConn, data: EventData, links: &threads::Links) -> QueryResult<i64> {
    let readable_by = match categories::find_by_slug(conn, CATEGORY)? {
        Some(c) => authz::audience(&c, false),
        None => Vec::new(),
    };
    events::append(
        conn,
        &NewEvent {
            data,
            topics: topics(links),
            readable_by,
        },
    )
}

pub fn create(conn: &mut DbConn, author: &User, input: &NewIdea) -> Result<IdeaRow, AppError> {
    create_once(conn, author, input).map(|(row, _)| row)
}

/// `create`, or, when the author already sent this `client_id`, the idea
/// that first request made (`true` when it is new).
pub fn create_once(
    conn: &mut DbConn,
    author: &User,
    input: &NewIdea,
) -> Result<(IdeaRow, bool), AppError> {
    use crate::client_ids::{self, Claim};
    crate::db::write_tx(conn, |conn| {
        if let Some(cid) = &input.client_id {
            if let Claim::Earlier(id) = client_ids::claim(conn, author.id, cid, "idea")? {
                return Ok((find_row(conn, id)?, false));
            }
        }
        let resolved = crate::crm::resolve(
            conn,
            &input.accounts,
            &input.competitors,
            input.links_by_name,
        )?;
        let html = crate::markdown::render(
            input.body.as_str(),
            &crate::forum::resolve_mentions(conn, input.body.as_str())?,
        );
        let category = idea_box(conn, author)?;
        let system = system_user(conn)?;
        let thread = threads::insert(
            conn,
            &threads::NewThreadRow {
                category_id: category.id,
                author_id: system,
                title: input.title.as_str(),
                kind: "other",
            },
        )?;
        let opening = posts::insert(conn, thread.id, None, system, input.body.as_str(), &html)?;
        threads::record_post(conn, thread.id, opening.id, false)?;
        let t = now();
        let row: IdeaRow = diesel::insert_into(ideas::table)
            .values((
                ideas::title.eq(input.title.as_str()),
                ideas::body.eq(input.body.as_str()),
                ideas::body_html.eq(&html),
                ideas::author_id.eq(author.id),
                ideas::anonymous.eq(input.anonymous),
                ideas::thread_id.eq(thread.id),
                ideas::created_at.eq(t),
                ideas::updated_at.eq(t),
            ))
            .get_result(conn)?;
        for a in &resolved.accounts {
            diesel::insert_into(idea_accounts::table)
                .values((
                    idea_accounts::idea_id.eq(row.id),
                    idea_accounts::account_id.eq(a.id),
                ))
                .execute(conn)?;
        }
        for c in &resolved.competitors {
            diesel::insert_into(idea_competitors::table)
                .values((
                    idea_competitors::idea_id.eq(row.id),
                    idea_competitors::competitor_id.eq(c.id),
                ))
                .execute(conn)?;
        }
        for tag in input.tags.as_slice() {
            diesel::insert_into(idea_tags::table)
                .values((idea_tags::idea_id.eq(row.id), idea_tags::tag.eq(tag)))
                .execute(conn)?;
        }
        let files = crate::uploads::Target::Idea(row.id);
        crate::uploads::attach(conn, author, &input.attachments, files)?;
        crate::search::index::ideas_now(conn, &[row.id])?;
        let links = resolved.links();
        let data = EventData::IdeaCreated(events::IdeaCreated {
            idea_id: row.id,
            title: row.title.clone(),
            // Anonymous ideas name nobody, whoever reads the feed.
            author: (!input.anonymous).then(|| author.into()),
            body_html: html,
            excerpt: crate::markdown::excerpt(input.body.as_str(), 200),
            status: "open".into(),
            accounts: links.account_keys(),
            competitors: links.competitor_keys(),
            url: format!("/ideas/{}", row.id),
        });
        event(conn, data, &links)?;
        if let Some(cid) = &input.client_id {
            client_ids::done(conn, author.id, cid, row.id)?;
        }
        Ok((row, true))
    })
}

fn find_row(conn: &mut DbConn, id: i64) -> Result<IdeaRow, AppError> {
    ideas::table
        .find(id)
        .select(IdeaRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

fn count_votes(conn: &mut DbConn, id: i64) -> QueryResult<i64> {
    idea_votes::table
        .filter(idea_votes::idea_id.eq(id))
        .count()
        .get_result(conn)
}

/// Adds (or with `on = false` removes) the user's vote; voting twice counts
/// once. Returns the new count.
pub fn vote(conn: &mut DbConn, user: &User, id: i64, on: bool) -> Result<i64, AppError> {
    crate::db::write_tx(conn, |conn| {
        idea_box(conn, user)?;
        let idea = find_row(conn, id)?;
        if let Some(target) = idea.merged_into {
            return Err(AppError::conflict(
                "idea_merged",
                format!("this idea was merged into idea {target}: vote there"),
            ));
        }
        let changed = if on {
            let values = (
                idea_votes::idea_id.eq(id),
                idea_votes::user_id.eq(user.id),
                idea_votes::created_at.eq(now()),
            );
            crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(idea_votes::table)
                .values(values)
                .on_conflict((idea_votes::idea_id, idea_votes::user_id))
                .do_nothing()
                .execute(c))?
        } else {
            diesel::delete(
                idea_votes::table
                    .filter(idea_votes::idea_id.eq(id))
                    .filter(idea_votes::user_id.eq(user.id)),
            )
            .execute(conn)?
        };
        let votes = count_votes(conn, id)?;
        if changed > 0 {
            if on {
                crate::models::follows::follow(
                    conn,
                    user.id,
                    crate::models::follows::FollowKind::Idea,
                    &id.to_string(),
                )?;
            }
            let links = idea_links(conn, &[id])?.remove(&id).unwrap_or_default();
            let data = EventData::IdeaVoted(events::IdeaVoted {
                idea_id: id,
                title: idea.title.clone(),
                votes,
                url: format!("/ideas/{id}"),
            });
            event(conn, data, &links)?;
        }
        Ok(votes)
    })
}

/// Moves an idea to a status, with an optional official answer (marketers, admins).
pub fn set_status(
    conn: &mut DbConn,
    user: &User,
    id: i64,
    status: &str,
    response: Option<&str>,
) -> Result<(), AppError> {
    authz::require(user, Action::Moderate)?;
    if !STATUSES.contains(&status) {
        return Err(AppError::invalid(
            "invalid_status",
            format!("unknown status {status:?}: use {}", STATUSES.join(", ")),
        ));
    }
    let response = match response.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            PostBody::parse(r)
                .map_err(|e| AppError::invalid("invalid_input", format!("response: {e}")))?,
        ),
        None => None,
    };
    crate::db::write_tx(conn, |conn| {
        idea_box(conn, user)?;
        let idea = find_row(conn, id)?;
        let html = response
            .as_ref()
            .map(|r| crate::markdown::render(r.as_str(), &HashMap::new()));
        diesel::insert_into(idea_status_changes::table)
            .values((
                idea_status_changes::idea_id.eq(id),
                idea_status_changes::status.eq(status),
                idea_status_changes::response.eq(response.as_ref().map(|r| r.as_str())),
                idea_status_changes::response_html.eq(&html),
                idea_status_changes::changed_by.eq(user.id),
                idea_status_changes::created_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(ideas::table.find(id))
            .set((ideas::status.eq(status), ideas::updated_at.eq(now())))
            .execute(conn)?;
        let links = idea_links(conn, &[id])?.remove(&id).unwrap_or_default();
        let data = EventData::IdeaStatusChanged(events::IdeaStatusChanged {
            idea_id: id,
            title: idea.title.clone(),
            old_status: idea.status.clone(),
            status: status.to_string(),
            response_html: html.clone(),
            by: user.into(),
            url: format!("/ideas/{id}"),
            excerpt: response
                .as_ref()
                .map(|r| crate::markdown::excerpt(r.as_str(), 300)),
        });
        event(conn, data, &links)?;
        Ok(())
    })
}

/// Merges idea `from` into `into` (marketers, admins): votes move without
/// counting anyone twice, links are carried over, and `from` points to `into`.
pub fn merge(conn: &mut DbConn, user: &User, from: i64, into: i64) -> Result<(), AppError> {
    authz::require(user, Action::Moderate)?;
    if from == into {
        return Err(AppError::invalid(
            "invalid_merge",
            "an idea cannot be merged into itself",
        ));
    }
    crate::db::write_tx(conn, |conn| {
        idea_box(conn, user)?;
        let a = find_row(conn, from)?;
        let b = find_row(conn, into)?;
        if a.merged_into.is_some() || b.merged_into.is_some() {
            return Err(AppError::conflict(
                "idea_merged",
                "one of these ideas was already merged",
            ));
        }
        let voters: Vec<(i64, NaiveDateTime)> = idea_votes::table
            .filter(idea_votes::idea_id.eq(from))
            .select((idea_votes::user_id, idea_votes::created_at))
            .load(conn)?;
        for (uid, at) in voters {
            let values = (
                idea_votes::idea_id.eq(into),
                idea_votes::user_id.eq(uid),
                idea_votes::created_at.eq(at),
            );
            crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(idea_votes::table)
                .values(values)
                .on_conflict((idea_votes::idea_id, idea_votes::user_id))
                .do_nothing()
                .execute(c))?;
        }
        diesel::delete(idea_votes::table.filter(idea_votes::idea_id.eq(from))).execute(conn)?;
        let acc: Vec<i64> = idea_accounts::table
            .filter(idea_accounts::idea_id.eq(from))
            .select(idea_accounts::account_id)
            .load(conn)?;
        for account_id in acc {
            let values = (
                idea_accounts::idea_id.eq(into),
                idea_accounts::account_id.eq(account_id),
            );
            crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(idea_accounts::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        let comp: Vec<i64> = idea_competitors::table
            .filter(idea_competitors::idea_id.eq(from))
            .select(idea_competitors::competitor_id)
            .load(conn)?;
        for competitor_id in comp {
            let values = (
                idea_competitors::idea_id.eq(into),
                idea_competitors::competitor_id.eq(competitor_id),
            );
            crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(idea_competitors::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        diesel::update(ideas::table.find(from))
            .set((
                ideas::merged_into.eq(Some(into)),
                ideas::updated_at.eq(now()),
            ))
            .execute(conn)?;
        // The merged idea leaves the index; the other now carries its links.
        crate::search::index::ideas_now(conn, &[from, into])?;
        let links = idea_links(conn, &[into])?.remove(&into).unwrap_or_default();
        let votes = count_votes(conn, into)?;
        let data = EventData::IdeaMerged(events::IdeaMerged {
            idea_id: into,
            merged_id: from,
            title: b.title.clone(),
            merged_title: a.title.clone(),
            votes,
            by: user.into(),
            url: format!("/ideas/{into}"),
        });
        event(conn, data, &links)?;
        Ok(())
    })
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub sort: String,
    pub status: Option<String>,
    pub account: Option<String>,
    pub competitor: Option<String>,
    pub tag: Option<String>,
}

fn assemble(conn: &mut DbConn, viewer: &User, rows: Vec<IdeaRow>) -> QueryResult<Vec<(Idea, f64)>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // Grouped once by idea, so the list stays linear in ideas and votes.
    let mut votes: HashMap<i64, Vec<(i64, NaiveDateTime)>> = HashMap::new();
    for (idea, user, at) in idea_votes::table
        .filter(idea_votes::idea_id.eq_any(&ids))
        .select((
            idea_votes::idea_id,
            idea_votes::user_id,
            idea_votes::created_at,
        ))
        .load::<(i64, i64, NaiveDateTime)>(conn)?
    {
        votes.entry(idea).or_default().push((user, at));
    }
    let mut links = idea_links(conn, &ids)?;
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (idea, tag) in idea_tags::table
        .filter(idea_tags::idea_id.eq_any(&ids))
        .order((idea_tags::idea_id, idea_tags::tag))
        .select((idea_tags::idea_id, idea_tags::tag))
        .load::<(i64, String)>(conn)?
    {
        tags.entry(idea).or_default().push(tag);
    }
    let thread_ids: Vec<i64> = rows.iter().map(|r| r.thread_id).collect();
    let comments: HashMap<i64, i32> = crate::db::schema::threads::table
        .filter(crate::db::schema::threads::id.eq_any(&thread_ids))
        .select((
            crate::db::schema::threads::id,
            crate::db::schema::threads::reply_count,
        ))
        .load::<(i64, i32)>(conn)?
        .into_iter()
        .collect();
    let authors: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(rows.iter().map(|r| r.author_id).collect::<Vec<_>>()))
        .select((users::id, users::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let t = now();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (mut count, mut voted, mut trend) = (0i64, false, 0f64);
            for (user, at) in votes.remove(&r.id).unwrap_or_default() {
                count += 1;
                voted |= user == viewer.id;
                let age_days = (t - at).num_seconds().max(0) as f64 / 86_400.0;
                trend += 0.5f64.powf(age_days / TRENDING_HALF_LIFE_DAYS);
            }
            let l = links.remove(&r.id).unwrap_or_default();
            let idea = Idea {
                author: author_visible(viewer, &r).then(|| AuthorRef {
                    id: r.author_id,
                    name: authors.get(&r.author_id).cloned().unwrap_or_default(),
                }),
                impact: l.accounts.len() as i64,
                accounts: l.account_keys(),
                competitors: l.competitor_keys(),
                tags: tags.remove(&r.id).unwrap_or_default(),
                comment_count: comments.get(&r.thread_id).copied().unwrap_or(0),
                id: r.id,
                title: r.title,
                body_html: r.body_html,
                anonymous: r.anonymous,
                status: r.status,
                votes: count,
                voted_by_me: voted,
                merged_into: r.merged_into,
                thread_id: r.thread_id,
                created_at: r.created_at,
                responses: Vec::new(),
                merged_from: Vec::new(),
                attachments: Vec::new(),
            };
            (idea, trend)
        })
        .collect())
}

/// Ideas (not merged away), filtered and sorted: `top` (votes), `new`,
/// `trending` (decayed votes, see `TRENDING_HALF_LIFE_DAYS`) or `impact`
/// (distinct linked accounts, then votes).
/// Ideas the viewer may see: none when the idea box is closed to them.
pub fn list(conn: &mut DbConn, viewer: &User, f: &Filter) -> Result<Vec<Idea>, AppError> {
    if idea_box(conn, viewer).is_err() {
        return Ok(Vec::new());
    }
    let mut q = ideas::table
        .filter(ideas::merged_into.is_null())
        .select(IdeaRow::as_select())
        .into_boxed();
    if let Some(s) = &f.status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(AppError::invalid(
                "invalid_status",
                format!("unknown status {s:?}"),
            ));
        }
        q = q.filter(ideas::status.eq(s.clone()));
    }
    if let Some(key) = &f.account {
        let Some(a) = crate::models::accounts::find_row(conn, key)? else {
            return Ok(Vec::new());
        };
        q = q.filter(
            ideas::id.eq_any(
                idea_accounts::table
                    .filter(idea_accounts::account_id.eq(a.id))
                    .select(idea_accounts::idea_id),
            ),
        );
    }
    if let Some(slug) = &f.competitor {
        let Some(c) = crate::models::competitors::find(conn, slug)? else {
            return Ok(Vec::new());
        };
        q = q.filter(
            ideas::id.eq_any(
                idea_competitors::table
                    .filter(idea_competitors::competitor_id.eq(c.id))
                    .select(idea_competitors::idea_id),
            ),
        );
    }
    if let Some(tag) = &f.tag {
        q = q.filter(
            ideas::id.eq_any(
                idea_tags::table
                    .filter(idea_tags::tag.eq(tag.to_lowercase()))
                    .select(idea_tags::idea_id),
            ),
        );
    }
    let rows: Vec<IdeaRow> = q.load(conn)?;
    let mut all = assemble(conn, viewer, rows)?;
    match f.sort.as_str() {
        "" | "top" => all.sort_by(|a, b| {
            b.0.votes
                .cmp(&a.0.votes)
                .then(b.0.created_at.cmp(&a.0.created_at))
                .then(b.0.id.cmp(&a.0.id))
        }),
        "new" => all.sort_by(|a, b| {
            b.0.created_at
                .cmp(&a.0.created_at)
                .then(b.0.id.cmp(&a.0.id))
        }),
        "trending" => all.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.id.cmp(&a.0.id))),
        "impact" => all.sort_by(|a, b| {
            b.0.impact
                .cmp(&a.0.impact)
                .then(b.0.votes.cmp(&a.0.votes))
                .then(b.0.id.cmp(&a.0.id))
        }),
        other => {
            return Err(AppError::invalid(
                "invalid_sort",
                format!("unknown sort {other:?}: use top, new, trending or impact"),
            ))
        }
    }
    Ok(all.into_iter().map(|(i, _)| i).collect())
}

/// One idea with its timeline of statuses and answers.
pub fn get(conn: &mut DbConn, viewer: &User, id: i64) -> Result<Idea, AppError> {
    idea_box(conn, viewer)?;
    let row = find_row(conn, id)?;
    let mut idea = assemble(conn, viewer, vec![row])?
        .pop()
        .map(|(i, _)| i)
        .ok_or(AppError::NotFound)?;
    idea.responses = idea_status_changes::table
        .inner_join(users::table)
        .filter(idea_status_changes::idea_id.eq(id))
        .order(idea_status_changes::id.asc())
        .select((
            idea_status_changes::status,
            idea_status_changes::response_html,
            users::name,
            idea_status_changes::created_at,
        ))
        .load::<(String, Option<String>, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(status, response_html, by, created_at)| Response {
            status,
            response_html,
            by,
            created_at,
        })
        .collect();
    idea.merged_from = ideas::table
        .filter(ideas::merged_into.eq(id))
        .select(ideas::id)
        .order(ideas::id)
        .load(conn)?;
    idea.attachments = crate::uploads::of_idea(conn, id)?;
    Ok(idea)
}

/// Open ideas whose titles share words with `title`, most shared first.
pub fn similar(
    conn: &mut DbConn,
    viewer: &User,
    title: &str,
    limit: usize,
) -> Result<Vec<(i64, String, String)>, AppError> {
    idea_box(conn, viewer)?;
    let words = |s: &str| -> HashSet<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_string)
            .collect()
    };
    let wanted = words(title);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String, String)> = ideas::table
        .filter(ideas::merged_into.is_null())
        .select((ideas::id, ideas::title, ideas::status))
        .load(conn)?;
    let mut scored: Vec<(usize, (i64, String, String))> = rows
        .into_iter()
        .map(|r| (words(&r.1).intersection(&wanted).count(), r))
        .filter(|(n, _)| *n > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1 .0.cmp(&a.1 .0)));
    Ok(scored.into_iter().take(limit).map(|(_, r)| r).collect())
}
