//! The forum's rules: creating threads, replying, editing, deleting and
//! moderating, each in one transaction with its event. Handlers (API and
//! pages) call these; nothing here knows about HTTP.

pub mod tree;
pub mod view;

use std::collections::HashMap;

use diesel::prelude::*;

use crate::authz::{self, Action};
use crate::client_ids::{self, Claim, ClientId};
use crate::db::schema::users;
use crate::db::DbConn;
use crate::domain::{FieldErrors, Invalid, PostBody, Tags, ThreadKind, Title};
use crate::error::AppError;
use crate::events::{self, EventData, NewEvent, Person, PostData, Topic};
use crate::markdown::{self, Mentioned};
use crate::models::categories::{self, Category};
use crate::models::posts::{self, PostRow};
use crate::models::threads::{self, ThreadRow};
use crate::models::{audit, users::User};
use crate::uploads::Target;

/// Posts deeper than this are shown flattened at this depth.
pub const MAX_VISUAL_DEPTH: usize = 6;

pub struct NewThread {
    pub category: String,
    pub title: Title,
    pub body: PostBody,
    pub kind: ThreadKind,
    pub tags: Tags,
    /// Account external ids and competitor slugs to link.
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    /// Terms may also be exact names (forms without the picker).
    pub links_by_name: bool,
    /// The author's own unattached uploads, each once.
    pub attachments: Vec<i64>,
    /// Set by a client that may send the same thread again.
    pub client_id: Option<ClientId>,
}

/// A new thread as submitted, from JSON or a form, before any rule is
/// checked: both channels parse it with `NewThread::parse`, so their rules
/// cannot drift.
#[derive(Debug, Default)]
pub struct ThreadDraft<'a> {
    pub category: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// Absent: `other`.
    pub kind: Option<&'a str>,
    pub tags: Vec<String>,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    /// Link terms may be exact names (forms without the picker).
    pub links_by_name: bool,
    pub attachments: Vec<i64>,
}

impl NewThread {
    /// Every broken rule at once, by field.
    pub fn parse(d: ThreadDraft<'_>) -> Result<NewThread, FieldErrors> {
        let mut errs = FieldErrors::default();
        let category = d.category.trim().to_lowercase();
        if category.is_empty() {
            errs.add("category", Invalid("error-category-required"));
        }
        let title = errs.check("title", Title::parse(d.title));
        let body = errs.check("body", PostBody::parse(d.body));
        let kind = errs.check("kind", ThreadKind::parse(d.kind.unwrap_or("other")));
        let tags = errs.check("tags", Tags::parse(&d.tags));
        let attachments = match crate::uploads::parse_ids(&d.attachments) {
            Ok(ids) => ids,
            Err(_) => {
                errs.add("attachments", Invalid("error-too-many-attachments"));
                Vec::new()
            }
        };
        match (title, body, kind, tags) {
            (Some(title), Some(body), Some(kind), Some(tags)) if errs.is_empty() => Ok(NewThread {
                category,
                title,
                body,
                kind,
                tags,
                accounts: d.accounts,
                competitors: d.competitors,
                links_by_name: d.links_by_name,
                attachments,
                client_id: None,
            }),
            _ => Err(errs),
        }
    }
}

/// What a moderator may do to one post; the same words on pages and in the
/// API (`restore` is another word for `unhide`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostAction {
    Hide,
    Unhide,
}

impl PostAction {
    pub fn parse(action: &str) -> Result<PostAction, AppError> {
        match action {
            "hide" => Ok(PostAction::Hide),
            "unhide" | "restore" => Ok(PostAction::Unhide),
            other => Err(AppError::invalid(
                "unknown_action",
                format!("unknown action {other:?}: use hide or unhide"),
            )),
        }
    }
}

/// Users named by `@handle` (the part of their email before the `@`).
pub fn resolve_mentions(
    conn: &mut DbConn,
    source: &str,
) -> QueryResult<HashMap<String, Mentioned>> {
    let handles = markdown::mention_handles(source);
    let mut found = HashMap::new();
    for handle in handles.into_iter().take(20) {
        let pattern = format!("{}@%", crate::db::like_escape(&handle));
        let hit: Option<(i64, String)> = users::table
            .filter(users::email.like(pattern).escape('\\'))
            .filter(users::active.eq(true))
            .select((users::id, users::name))
            .first(conn)
            .optional()?;
        if let Some((id, name)) = hit {
            found.insert(handle, Mentioned { id, name });
        }
    }
    Ok(found)
}

fn render(conn: &mut DbConn, body: &PostBody) -> QueryResult<(String, Vec<i64>)> {
    let mentions = resolve_mentions(conn, body.as_str())?;
    let html = markdown::render(body.as_str(), &mentions);
    let mut ids: Vec<i64> = mentions.values().map(|m| m.id).collect();
    ids.sort_unstable();
    Ok((html, ids))
}

/// A category the user may read, or 404.
pub fn readable_category(conn: &mut DbConn, user: &User, slug: &str) -> Result<Category, AppError> {
    categories::find_by_slug(conn, slug)?
        .filter(|c| authz::can_read_category(user, c))
        .ok_or(AppError::NotFound)
}

/// Changes a category. A narrowed `readable_by` takes effect at once
/// everywhere: pages and the API read the category per request, and what
/// the event log holds of it (and of the idea box, when it is the ideas
/// category) is withdrawn from the roles that lost it.
pub fn update_category(
    conn: &mut DbConn,
    id: i64,
    input: &categories::CategoryInput,
) -> Result<Category, AppError> {
    crate::db::write_tx(conn, |conn| {
        let before = categories::find(conn, id)?.ok_or(AppError::NotFound)?;
        let after = categories::update(conn, id, input)?;
        if before
            .readable_by
            .iter()
            .any(|r| !after.readable_by.contains(r))
        {
            let audience = authz::audience(&after, false);
            events::restrict(conn, &Topic::Category(before.slug.clone()), &audience)?;
            if before.slug == crate::ideas::CATEGORY {
                events::restrict(conn, &Topic::Ideas, &audience)?;
            }
        }
        Ok(after)
    })
}

/// A thread and its category, if the user may see it; 404 otherwise.
pub fn visible_thread(
    conn: &mut DbConn,
    user: &User,
    id: i64,
) -> Result<(ThreadRow, Category), AppError> {
    let (thread, category, _) = visible_thread_with_read(conn, user, id)?;
    Ok((thread, category))
}

/// Like `visible_thread`, with the last post the user had read there; one
/// query.
pub fn visible_thread_with_read(
    conn: &mut DbConn,
    user: &User,
    id: i64,
) -> Result<(ThreadRow, Category, Option<i64>), AppError> {
    let (thread, category, last_read) =
        threads::with_category_and_read(conn, id, user.id)?.ok_or(AppError::NotFound)?;
    let category = Category::from(category);
    if !authz::can_see_thread(user, &category, &thread) {
        return Err(AppError::NotFound);
    }
    Ok((thread, category, last_read))
}

/// A post in a thread the user may see; 404 otherwise.
pub fn visible_post(
    conn: &mut DbConn,
    user: &User,
    id: i64,
) -> Result<(PostRow, ThreadRow, Category), AppError> {
    let post = posts::find(conn, id)?.ok_or(AppError::NotFound)?;
    let (thread, category) = visible_thread(conn, user, post.thread_id)?;
    if post.hidden && !authz::allows(user, Action::Moderate) && post.author_id != user.id {
        return Err(AppError::NotFound);
    }
    Ok((post, thread, category))
}

/// A post's earlier texts, newest first, if the user may read them: a
/// deleted post's history is for moderators only.
pub fn post_history(
    conn: &mut DbConn,
    user: &User,
    id: i64,
) -> Result<(PostRow, Vec<posts::Revision>), AppError> {
    let (post, _, _) = visible_post(conn, user, id)?;
    if !authz::can_read_history(user, &post) {
        return Err(AppError::NotFound);
    }
    let list = posts::revisions(conn, id)?;
    Ok((post, list))
}

/// A thread as readers get it: the thread, its category, every post in
/// tree order with their attachments and marks, and its tags. Five queries, whatever
/// the number of posts.
pub struct LoadedThread {
    pub thread: ThreadRow,
    pub category: Category,
    pub posts: Vec<posts::PostView>,
    pub tags: Vec<String>,
}

pub fn load_thread(conn: &mut DbConn, user: &User, id: i64) -> Result<LoadedThread, AppError> {
    let (thread, category) = visible_thread(conn, user, id)?;
    load_posts(conn, thread, category)
}

/// The rest of `load_thread`, for a thread the caller was found to see.
pub fn load_posts(
    conn: &mut DbConn,
    thread: ThreadRow,
    category: Category,
) -> Result<LoadedThread, AppError> {
    let posts = posts::of_thread(conn, thread.id)?;
    let tags = threads::tags_of(conn, &[thread.id])?
        .remove(&thread.id)
        .unwrap_or_default();
    Ok(LoadedThread {
        thread,
        category,
        posts,
        tags,
    })
}

pub fn thread_topics(category: &Category, thread_id: i64) -> Vec<Topic> {
    vec![
        Topic::All,
        Topic::Category(category.slug.clone()),
        Topic::Thread(thread_id),
    ]
}

/// The thread's topics plus those of its linked accounts and competitors,
/// and the post's own (so a post hidden later can have what was said of it
/// withdrawn, `events::restrict`).
fn post_topics(
    conn: &mut DbConn,
    category: &Category,
    thread_id: i64,
    post_id: i64,
) -> QueryResult<Vec<Topic>> {
    let mut topics = thread_topics(category, thread_id);
    if let Some(links) = threads::links_of(conn, &[thread_id])?.remove(&thread_id) {
        topics.extend(links.topics());
    }
    topics.push(Topic::Post(post_id));
    Ok(topics)
}

fn post_data(
    thread: &ThreadRow,
    category: &Category,
    post: &PostRow,
    author: &User,
    mentions: &[i64],
    attachments: Vec<crate::uploads::Attachment>,
) -> PostData {
    PostData {
        thread_id: thread.id,
        title: thread.title.clone(),
        category: category.slug.clone(),
        post_id: post.id,
        parent_id: post.parent_id,
        depth: post.depth,
        author: author.into(),
        body_html: post.body_html.clone(),
        excerpt: markdown::excerpt(&post.body, 200),
        created_at: crate::time::rfc3339(&post.created_at),
        url: format!("/t/{}#p{}", thread.id, post.id),
        mentions: mentions.to_vec(),
        attachments,
    }
}

/// The files just attached to a new post (none read when none were sent).
fn new_files(
    conn: &mut DbConn,
    post_id: i64,
    sent: &[i64],
) -> QueryResult<Vec<crate::uploads::Attachment>> {
    if sent.is_empty() {
        return Ok(Vec::new());
    }
    crate::uploads::of_post(conn, post_id)
}

/// Appends an event about content in `category`, for its audience now
/// (`hidden`: the thread or post is hidden).
fn append(
    conn: &mut DbConn,
    data: EventData,
    category: &Category,
    hidden: bool,
    topics: Vec<Topic>,
) -> QueryResult<i64> {
    events::append(
        conn,
        &NewEvent {
            data,
            topics,
            readable_by: authz::audience(category, hidden),
        },
    )
}

/// Creates a thread with its opening post, tags and event.
pub fn create_thread(
    conn: &mut DbConn,
    author: &User,
    input: &NewThread,
) -> Result<(ThreadRow, PostRow), AppError> {
    create_thread_once(conn, author, input).map(|(made, _)| made)
}

/// `create_thread`, or, when the author already sent this `client_id`, the
/// thread that first request made (`true` when it is new).
pub fn create_thread_once(
    conn: &mut DbConn,
    author: &User,
    input: &NewThread,
) -> Result<((ThreadRow, PostRow), bool), AppError> {
    thread_once(conn, author, input.client_id.as_ref(), |conn| {
        insert_thread(conn, author, input)
    })
}

/// Runs `make` in a write transaction unless the author already sent this
/// `client_id` for a thread: then the thread that first request made
/// (`false`: nothing new).
pub fn thread_once(
    conn: &mut DbConn,
    author: &User,
    client_id: Option<&ClientId>,
    make: impl FnOnce(&mut DbConn) -> Result<(ThreadRow, PostRow), AppError>,
) -> Result<((ThreadRow, PostRow), bool), AppError> {
    crate::db::write_tx(conn, |conn| {
        if let Some(cid) = client_id {
            if let Claim::Earlier(id) = client_ids::claim(conn, author.id, cid, "thread")? {
                let thread = threads::find(conn, id)?.ok_or(AppError::NotFound)?;
                let opening = posts::opening(conn, id)?.ok_or(AppError::NotFound)?;
                return Ok(((thread, opening), false));
            }
        }
        let (thread, post) = make(conn)?;
        if let Some(cid) = client_id {
            client_ids::done(conn, author.id, cid, thread.id)?;
        }
        Ok(((thread, post), true))
    })
}

/// Writes a new thread, its opening post, links, tags, files, index entry
/// and event; the caller holds the write transaction.
pub fn insert_thread(
    conn: &mut DbConn,
    author: &User,
    input: &NewThread,
) -> Result<(ThreadRow, PostRow), AppError> {
    let category = readable_category(conn, author, &input.category)?;
    if !authz::can_post_in(author, &category, None) {
        return Err(AppError::Forbidden);
    }
    // Unknown links refuse the whole thread before anything is written.
    let links = crate::crm::resolve(
        conn,
        &input.accounts,
        &input.competitors,
        input.links_by_name,
    )?;
    let (html, mentions) = render(conn, &input.body)?;
    let thread = threads::insert(
        conn,
        &threads::NewThreadRow {
            category_id: category.id,
            author_id: author.id,
            title: input.title.as_str(),
            kind: input.kind.as_str(),
        },
    )?;
    let post = posts::insert(conn, thread.id, None, author.id, input.body.as_str(), &html)?;
    let files = Target::Post(post.id);
    crate::uploads::attach(conn, author, &input.attachments, files)?;
    threads::record_post(conn, thread.id, post.id, false)?;
    threads::set_tags(conn, thread.id, input.tags.as_slice())?;
    let account_ids: Vec<i64> = links.accounts.iter().map(|a| a.id).collect();
    let competitor_ids: Vec<i64> = links.competitors.iter().map(|c| c.id).collect();
    threads::set_links(conn, thread.id, &account_ids, &competitor_ids)?;
    let thread = threads::find(conn, thread.id)?.ok_or(AppError::NotFound)?;
    crate::search::index::post(conn, post.id)?;
    let links = links.links();
    let files_out = new_files(conn, post.id, &input.attachments)?;
    let data = EventData::ThreadCreated(events::ThreadCreated {
        post: post_data(&thread, &category, &post, author, &mentions, files_out),
        kind: thread.kind.clone(),
        tags: input.tags.as_slice().to_vec(),
        accounts: links.account_keys(),
        competitors: links.competitor_keys(),
    });
    let mut topics = thread_topics(&category, thread.id);
    topics.extend(links.topics());
    topics.extend(input.tags.as_slice().iter().cloned().map(Topic::Tag));
    topics.push(Topic::Post(post.id));
    append(conn, data, &category, false, topics)?;
    Ok((thread, post))
}

/// Replies to `parent_id` (none: to the opening post).
pub fn reply(
    conn: &mut DbConn,
    author: &User,
    thread_id: i64,
    parent_id: Option<i64>,
    body: &PostBody,
) -> Result<PostRow, AppError> {
    let extras = ReplyExtras::default();
    reply_with(conn, author, thread_id, parent_id, body, &extras).map(|(post, _)| post)
}

/// What a reply may carry besides its text.
#[derive(Debug, Default)]
pub struct ReplyExtras {
    /// The author's own unattached uploads.
    pub attachments: Vec<i64>,
    /// Set by a client that may send the same reply again.
    pub client_id: Option<ClientId>,
}

/// `reply` with its extras; when the author already sent this `client_id`,
/// the reply that first request made (`true` when it is new).
pub fn reply_with(
    conn: &mut DbConn,
    author: &User,
    thread_id: i64,
    parent_id: Option<i64>,
    body: &PostBody,
    extras: &ReplyExtras,
) -> Result<(PostRow, bool), AppError> {
    let attachments = crate::uploads::parse_ids(&extras.attachments)?;
    crate::db::write_tx(conn, |conn| {
        if let Some(cid) = &extras.client_id {
            if let Claim::Earlier(id) = client_ids::claim(conn, author.id, cid, "post")? {
                return Ok((posts::find(conn, id)?.ok_or(AppError::NotFound)?, false));
            }
        }
        let (thread, category) = visible_thread(conn, author, thread_id)?;
        if !authz::can_post_in(author, &category, Some(&thread)) {
            return Err(if thread.locked {
                AppError::conflict("thread_locked", "this thread is locked: no new replies")
            } else {
                AppError::Forbidden
            });
        }
        let parent = match parent_id {
            Some(id) => posts::find(conn, id)?
                .filter(|p| p.thread_id == thread.id)
                .ok_or_else(|| {
                    AppError::invalid("unknown_parent", format!("post {id} is not in this thread"))
                })?,
            None => posts::opening(conn, thread.id)?.ok_or(AppError::NotFound)?,
        };
        let (html, mentions) = render(conn, body)?;
        let post = posts::insert(
            conn,
            thread.id,
            Some(&parent),
            author.id,
            body.as_str(),
            &html,
        )?;
        crate::uploads::attach(conn, author, &attachments, Target::Post(post.id))?;
        threads::record_post(conn, thread.id, post.id, true)?;
        let files = if attachments.is_empty() {
            String::new()
        } else {
            crate::uploads::texts_of_posts(conn, &[post.id])?
                .remove(&post.id)
                .unwrap_or_default()
        };
        crate::search::index::reply(conn, &thread, &post, files)?;
        let shown = new_files(conn, post.id, &attachments)?;
        let data = EventData::PostCreated(events::PostCreated {
            post: post_data(&thread, &category, &post, author, &mentions, shown),
            parent_author_id: parent.author_id,
        });
        let topics = post_topics(conn, &category, thread.id, post.id)?;
        append(conn, data, &category, thread.hidden, topics)?;
        if let Some(cid) = &extras.client_id {
            client_ids::done(conn, author.id, cid, post.id)?;
        }
        Ok((post, true))
    })
}

/// Edits a post's text, keeping the old one as a revision.
pub fn edit_post(
    conn: &mut DbConn,
    editor: &User,
    post_id: i64,
    body: &PostBody,
) -> Result<PostRow, AppError> {
    crate::db::write_tx(conn, |conn| {
        let (post, thread, category) = visible_post(conn, editor, post_id)?;
        if !authz::can_edit_post(editor, &post) {
            return Err(AppError::Forbidden);
        }
        if post.body == body.as_str() {
            return Ok(post);
        }
        let (html, mentions) = render(conn, body)?;
        let edited = posts::edit(conn, &post, editor.id, body.as_str(), &html)?;
        crate::search::index::post(conn, post.id)?;
        threads::touch(conn, thread.id)?;
        if editor.id != post.author_id {
            audit::record(conn, editor.id, "post.edit", "post", post.id, "")?;
        }
        // The post's author stays its author; the editor is named apart.
        let author = crate::models::users::find(conn, post.author_id)?
            .map(|u| Person::from(&u))
            .unwrap_or_else(|| editor.into());
        let files = crate::uploads::of_post(conn, edited.id)?;
        let mut shown = post_data(&thread, &category, &edited, editor, &mentions, files);
        shown.author = author;
        let data = EventData::PostEdited(events::PostEdited {
            post: shown,
            editor: editor.into(),
        });
        let topics = post_topics(conn, &category, thread.id, post.id)?;
        append(conn, data, &category, thread.hidden || post.hidden, topics)?;
        Ok(edited)
    })
}

/// Soft-deletes the author's own post: its replies stay in place.
pub fn delete_post(conn: &mut DbConn, user: &User, post_id: i64) -> Result<(), AppError> {
    crate::db::write_tx(conn, |conn| {
        let (post, thread, category) = visible_post(conn, user, post_id)?;
        if !authz::can_delete_post(user, &post) {
            return Err(AppError::Forbidden);
        }
        posts::set_deleted(conn, post.id)?;
        crate::search::index::post(conn, post.id)?;
        if post.parent_id.is_some() {
            threads::adjust_reply_count(conn, thread.id, -1)?;
        } else {
            threads::touch(conn, thread.id)?;
        }
        let data = EventData::PostDeleted(events::PostDeleted {
            thread_id: thread.id,
            post_id: post.id,
            title: thread.title.clone(),
        });
        let topics = post_topics(conn, &category, thread.id, post.id)?;
        append(conn, data, &category, thread.hidden || post.hidden, topics)?;
        Ok(())
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThreadAction {
    Pin,
    Unpin,
    Lock,
    Unlock,
    Hide,
    Unhide,
    Move(String),
}

impl ThreadAction {
    pub fn parse(action: &str, category: Option<&str>) -> Result<ThreadAction, AppError> {
        Ok(match action {
            "pin" => ThreadAction::Pin,
            "unpin" => ThreadAction::Unpin,
            "lock" => ThreadAction::Lock,
            "unlock" => ThreadAction::Unlock,
            "hide" => ThreadAction::Hide,
            "unhide" | "restore" => ThreadAction::Unhide,
            "move" => ThreadAction::Move(
                category
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| {
                        AppError::invalid("category_required", "moving needs a target category")
                    })?
                    .to_string(),
            ),
            other => {
                return Err(AppError::invalid(
                    "unknown_action",
                    format!(
                    "unknown action {other:?}: use pin, unpin, lock, unlock, hide, unhide or move"
                ),
                ))
            }
        })
    }

    fn name(&self) -> &'static str {
        match self {
            ThreadAction::Pin => "thread.pin",
            ThreadAction::Unpin => "thread.unpin",
            ThreadAction::Lock => "thread.lock",
            ThreadAction::Unlock => "thread.unlock",
            ThreadAction::Hide => "thread.hide",
            ThreadAction::Unhide => "thread.unhide",
            ThreadAction::Move(_) => "thread.move",
        }
    }
}

/// Pins, locks, hides or moves a thread; audited, with its event.
pub fn moderate_thread(
    conn: &mut DbConn,
    user: &User,
    thread_id: i64,
    action: &ThreadAction,
) -> Result<ThreadRow, AppError> {
    crate::db::write_tx(conn, |conn| {
        let (thread, category) = visible_thread(conn, user, thread_id)?;
        authz::require(user, Action::Moderate)?;
        let (mut pinned, mut locked, mut hidden, mut target) = (
            thread.pinned,
            thread.locked,
            thread.hidden,
            category.clone(),
        );
        let mut detail = String::new();
        match action {
            ThreadAction::Pin => pinned = true,
            ThreadAction::Unpin => pinned = false,
            ThreadAction::Lock => locked = true,
            ThreadAction::Unlock => locked = false,
            ThreadAction::Hide => hidden = true,
            ThreadAction::Unhide => hidden = false,
            ThreadAction::Move(slug) => {
                target = readable_category(conn, user, slug).map_err(|_| {
                    AppError::invalid("unknown_category", format!("no category {slug:?}"))
                })?;
                detail = format!("{} → {}", category.slug, target.slug);
            }
        }
        threads::set_flags(conn, thread.id, pinned, locked, hidden, target.id)?;
        crate::search::index::visibility(conn, thread.id)?;
        audit::record(conn, user.id, action.name(), "thread", thread.id, &detail)?;
        // What was said of the thread before is withdrawn from whoever may
        // no longer read it (hidden, or moved somewhere narrower).
        let now_readable = authz::audience(&target, hidden);
        events::restrict(conn, &Topic::Thread(thread.id), &now_readable)?;
        // Readers of both the old and the new category hear about a move.
        let mut readable_by = now_readable;
        readable_by.retain(|r| category.readable_by.contains(r));
        let mut topics = thread_topics(&target, thread.id);
        if target.id != category.id {
            topics.push(Topic::Category(category.slug.clone()));
        }
        events::append(
            conn,
            &NewEvent {
                data: EventData::ThreadModerated(events::ThreadModerated {
                    thread_id: thread.id,
                    action: action.name().to_string(),
                    moderator: user.into(),
                    post_id: None,
                    title: Some(thread.title.clone()),
                    category: Some(target.slug.clone()),
                    pinned: Some(pinned),
                    locked: Some(locked),
                    hidden: Some(hidden),
                }),
                topics,
                readable_by,
            },
        )?;
        threads::find(conn, thread.id)?.ok_or(AppError::NotFound)
    })
}

/// Hides or restores one post; audited, with its event.
pub fn moderate_post(
    conn: &mut DbConn,
    user: &User,
    post_id: i64,
    action: PostAction,
) -> Result<(), AppError> {
    let hide = action == PostAction::Hide;
    crate::db::write_tx(conn, |conn| {
        let (post, thread, category) = visible_post(conn, user, post_id)?;
        authz::require(user, Action::Moderate)?;
        posts::set_hidden(conn, post.id, hide)?;
        crate::search::index::visibility(conn, thread.id)?;
        threads::touch(conn, thread.id)?;
        let action = if hide { "post.hide" } else { "post.unhide" };
        audit::record(conn, user.id, action, "post", post.id, "")?;
        if hide {
            let audience = authz::audience(&category, true);
            events::restrict(conn, &Topic::Post(post.id), &audience)?;
        }
        let data = EventData::ThreadModerated(events::ThreadModerated {
            thread_id: thread.id,
            action: action.to_string(),
            moderator: user.into(),
            post_id: Some(post.id),
            title: None,
            category: None,
            pinned: None,
            locked: None,
            hidden: Some(hide),
        });
        let topics = thread_topics(&category, thread.id);
        append(conn, data, &category, thread.hidden, topics)?;
        Ok(())
    })
}

/// Marks a post useful to marketing (`useful`), or takes the mark back:
/// marketers and admins only, never on their own post, once per marker.
/// The author hears of a new mark (`post.useful`). Returns the count.
pub fn mark_useful(
    conn: &mut DbConn,
    marker: &User,
    post_id: i64,
    useful: bool,
) -> Result<i64, AppError> {
    use crate::db::schema::post_marks;
    authz::require(marker, Action::MarkUseful)?;
    crate::db::write_tx(conn, |conn| {
        let (post, thread, category) = visible_post(conn, marker, post_id)?;
        if post.deleted {
            return Err(AppError::NotFound);
        }
        if post.author_id == marker.id {
            return Err(AppError::invalid(
                "own_post",
                "a post is marked useful by others, not by its author",
            ));
        }
        let changed = if useful {
            let values = (
                post_marks::post_id.eq(post.id),
                post_marks::marker_id.eq(marker.id),
                post_marks::created_at.eq(crate::db::now()),
            );
            crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(post_marks::table)
                .values(values)
                .on_conflict_do_nothing()
                .execute(c))?
        } else {
            diesel::delete(post_marks::table.find((post.id, marker.id))).execute(conn)?
        };
        let count: i64 = post_marks::table
            .filter(post_marks::post_id.eq(post.id))
            .count()
            .get_result(conn)?;
        if changed > 0 {
            // The thread page shows who marked: its cached copies are stale.
            threads::touch(conn, thread.id)?;
            let data = EventData::PostUseful(events::PostUseful {
                thread_id: thread.id,
                post_id: post.id,
                title: thread.title.clone(),
                url: format!("/t/{}#p{}", thread.id, post.id),
                author_id: post.author_id,
                by: marker.into(),
                useful: count,
                marked: useful,
            });
            let topics = post_topics(conn, &category, thread.id, post.id)?;
            append(conn, data, &category, thread.hidden || post.hidden, topics)?;
        }
        Ok(count)
    })
}
