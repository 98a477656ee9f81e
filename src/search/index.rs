//! Keeping the index in step: every write that changes what can be found
//! calls one of these inside its own transaction, so the very next search
//! sees it. A document carries its category and hidden state, so hiding
//! or moving updates those columns (`visibility`); which categories a
//! reader may read is decided at query time, so narrowing a category needs
//! nothing here. Deleted posts and merged ideas have no document.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::text::{exact, terms};
use crate::db::schema::{
    accounts, competitors, idea_accounts, idea_competitors, idea_tags, ideas, posts, search_docs,
    search_state, thread_accounts, threads,
};
use crate::db::DbConn;
use crate::models::posts::PostRow;
use crate::models::threads::{self as thread_model, ThreadRow};

/// What one indexed item holds.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = search_docs)]
pub struct Doc {
    pub kind: &'static str,
    pub ref_id: i64,
    pub thread_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub terms_title: String,
    pub terms_names: String,
    pub terms_tags: String,
    pub terms_body: String,
    pub terms_exact: String,
    /// The category it is read in; none for accounts and competitors.
    pub category_id: Option<i64>,
    /// Hidden itself or in a hidden thread: moderators only.
    pub hidden: bool,
}

/// Plain text of a Markdown body, whole (snippets are cut at query time).
fn plain(markdown: &str) -> String {
    crate::markdown::excerpt(markdown, 100_000)
}

fn names(links: &thread_model::Links) -> String {
    links
        .accounts
        .iter()
        .chain(&links.competitors)
        .map(|(key, name)| format!("{name} {key}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes documents in batches, replacing any of the same (kind, id). On
/// PostgreSQL an upsert, so two writers indexing the same thing at once
/// cannot collide; SQLite serialises writers (`db::write_tx`), and its
/// batch inserts cannot upsert in diesel, so there the old rows go first.
fn insert(conn: &mut DbConn, docs: &[Doc]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    use search_docs::dsl as d;
    for chunk in docs.chunks(200) {
        match conn {
            DbConn::Sqlite(c) => {
                let kinds: Vec<&str> = chunk.iter().map(|doc| doc.kind).collect();
                for kind in kinds.iter().collect::<std::collections::BTreeSet<_>>() {
                    let ids: Vec<i64> = chunk
                        .iter()
                        .filter(|doc| doc.kind == *kind)
                        .map(|doc| doc.ref_id)
                        .collect();
                    diesel::delete(
                        search_docs::table
                            .filter(d::kind.eq(*kind))
                            .filter(d::ref_id.eq_any(&ids)),
                    )
                    .execute(c)?;
                }
                diesel::insert_into(search_docs::table)
                    .values(chunk)
                    .execute(c)?;
            }
            DbConn::Postgres(c) => {
                diesel::insert_into(search_docs::table)
                    .values(chunk)
                    .on_conflict((d::kind, d::ref_id))
                    .do_update()
                    .set((
                        d::thread_id.eq(excluded(d::thread_id)),
                        d::title.eq(excluded(d::title)),
                        d::body.eq(excluded(d::body)),
                        d::author_id.eq(excluded(d::author_id)),
                        d::created_at.eq(excluded(d::created_at)),
                        d::terms_title.eq(excluded(d::terms_title)),
                        d::terms_names.eq(excluded(d::terms_names)),
                        d::terms_tags.eq(excluded(d::terms_tags)),
                        d::terms_body.eq(excluded(d::terms_body)),
                        d::terms_exact.eq(excluded(d::terms_exact)),
                        d::category_id.eq(excluded(d::category_id)),
                        d::hidden.eq(excluded(d::hidden)),
                    ))
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Makes the documents of these (kind, id) pairs `docs`: the ones without
/// a document any more are removed, the others written.
fn put(conn: &mut DbConn, kind: &str, ids: &[i64], docs: &[Doc]) -> QueryResult<()> {
    let kept: std::collections::HashSet<i64> = docs.iter().map(|d| d.ref_id).collect();
    let gone: Vec<i64> = ids.iter().copied().filter(|i| !kept.contains(i)).collect();
    for chunk in gone.chunks(500) {
        diesel::delete(
            search_docs::table
                .filter(search_docs::kind.eq(kind))
                .filter(search_docs::ref_id.eq_any(chunk)),
        )
        .execute(conn)?;
    }
    insert(conn, docs)
}

type PostFields = (
    i64,
    i64,
    Option<i64>,
    i64,
    String,
    bool,
    bool,
    NaiveDateTime,
);

/// Documents for posts (openings as `thread`, replies as `post`), from rows
/// of (post, thread, parent, author, body, deleted, hidden, created). Openings of
/// ideas' discussion threads are left to the idea's own document.
fn post_docs(conn: &mut DbConn, rows: Vec<PostFields>) -> QueryResult<Vec<Doc>> {
    let thread_ids: Vec<i64> = {
        let mut t: Vec<i64> = rows.iter().map(|r| r.1).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    // Each thread's title, category and hidden state.
    let mut heads: HashMap<i64, (String, i64, bool)> = HashMap::new();
    let mut idea_threads: Vec<i64> = Vec::new();
    let mut links = HashMap::new();
    let mut tags = HashMap::new();
    for chunk in thread_ids.chunks(500) {
        heads.extend(
            threads::table
                .filter(threads::id.eq_any(chunk))
                .select((
                    threads::id,
                    threads::title,
                    threads::category_id,
                    threads::hidden,
                ))
                .load::<(i64, String, i64, bool)>(conn)?
                .into_iter()
                .map(|(id, title, cat, hidden)| (id, (title, cat, hidden))),
        );
        idea_threads.extend(
            ideas::table
                .filter(ideas::thread_id.eq_any(chunk))
                .select(ideas::thread_id)
                .load::<i64>(conn)?,
        );
        links.extend(thread_model::links_of(conn, chunk)?);
        tags.extend(thread_model::tags_of(conn, chunk)?);
    }
    let post_ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut files: HashMap<i64, String> = HashMap::new();
    for chunk in post_ids.chunks(500) {
        files.extend(crate::uploads::texts_of_posts(conn, chunk)?);
    }
    let mut jobs = Vec::with_capacity(rows.len());
    for (id, thread, parent, author, body, deleted, hidden, created_at) in rows {
        let opening = parent.is_none();
        if deleted || (opening && idea_threads.contains(&thread)) {
            continue;
        }
        let Some((title, category_id, thread_hidden)) = heads.get(&thread).cloned() else {
            continue;
        };
        // An opening post stands for its thread: title, links and tags.
        let (link_names, tag_words) = if opening {
            (
                links.get(&thread).map(names).unwrap_or_default(),
                tags.get(&thread).map(|t| t.join(" ")).unwrap_or_default(),
            )
        } else {
            Default::default()
        };
        jobs.push((
            PostRef {
                id,
                thread,
                opening,
                author,
                created_at,
                hidden: hidden || thread_hidden,
                category_id,
                files: files.remove(&id).unwrap_or_default(),
            },
            title,
            body,
            link_names,
            tag_words,
        ));
    }
    Ok(build(jobs))
}

/// Documents from what was read: rendering and stemming are most of a
/// rebuild's time, so a large batch is shared out over the cores.
fn build(jobs: Vec<(PostRef, String, String, String, String)>) -> Vec<Doc> {
    let one = |(p, title, body, links, tags): (PostRef, String, String, String, String)| {
        post_doc(p, title, &body, &links, &tags)
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if jobs.len() < 256 || cores < 2 {
        return jobs.into_iter().map(one).collect();
    }
    let per = jobs.len().div_ceil(cores);
    let mut parts: Vec<Vec<_>> = Vec::new();
    let mut rest = jobs.into_iter();
    loop {
        let part: Vec<_> = rest.by_ref().take(per).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || part.into_iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("building search documents"))
            .collect()
    })
}

/// Where a post stands, for its document.
struct PostRef {
    id: i64,
    thread: i64,
    opening: bool,
    author: i64,
    created_at: NaiveDateTime,
    /// Itself or its thread.
    hidden: bool,
    category_id: i64,
    /// The text of its documents (PDFs).
    files: String,
}

fn post_doc(p: PostRef, title: String, markdown: &str, link_names: &str, tag_words: &str) -> Doc {
    let mut body = plain(markdown);
    if !p.files.is_empty() {
        body.push(' ');
        body.push_str(&p.files);
    }
    let head = if p.opening { title.as_str() } else { "" };
    Doc {
        kind: if p.opening { "thread" } else { "post" },
        ref_id: p.id,
        thread_id: Some(p.thread),
        terms_body: terms(&body),
        terms_exact: exact(&format!("{head} {link_names} {tag_words} {body}")),
        terms_title: terms(head),
        terms_names: terms(link_names),
        terms_tags: terms(tag_words),
        body,
        author_id: Some(p.author),
        created_at: p.created_at,
        category_id: Some(p.category_id),
        hidden: p.hidden,
        title,
    }
}

/// A new reply, from the rows its writer holds (and the text of the
/// documents attached to it): one insert, nothing read.
pub fn reply(
    conn: &mut DbConn,
    thread: &ThreadRow,
    post: &PostRow,
    files: String,
) -> QueryResult<()> {
    let doc = post_doc(
        PostRef {
            id: post.id,
            thread: thread.id,
            opening: false,
            author: post.author_id,
            created_at: post.created_at,
            hidden: post.hidden || thread.hidden,
            category_id: thread.category_id,
            files,
        },
        thread.title.clone(),
        &post.body,
        "",
        "",
    );
    insert(conn, &[doc])
}

fn post_rows(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<PostFields>> {
    posts::table
        .filter(posts::id.eq_any(ids))
        .select((
            posts::id,
            posts::thread_id,
            posts::parent_id,
            posts::author_id,
            posts::body,
            posts::deleted,
            posts::hidden,
            posts::created_at,
        ))
        .load(conn)
}

/// One post as it is now (gone from the index once deleted).
pub fn post(conn: &mut DbConn, post_id: i64) -> QueryResult<()> {
    let rows = post_rows(conn, &[post_id])?;
    let docs = post_docs(conn, rows)?;
    put(conn, "thread", &[post_id], &[])?;
    put(conn, "post", &[post_id], &docs)
}

/// A thread's opening post (its title, links and tags changed).
pub fn thread(conn: &mut DbConn, thread_id: i64) -> QueryResult<()> {
    let opening: Option<i64> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::parent_id.is_null())
        .select(posts::id)
        .first(conn)
        .optional()?;
    match opening {
        Some(id) => post(conn, id),
        None => Ok(()),
    }
}

/// Ideas as they are now.
pub fn ideas_now(conn: &mut DbConn, ids: &[i64]) -> QueryResult<()> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, String, String, i64, i64, NaiveDateTime, i64, bool)> = ideas::table
        .inner_join(threads::table.on(threads::id.eq(ideas::thread_id)))
        .filter(ideas::id.eq_any(ids))
        // A merged idea lives on in the one it was merged into.
        .filter(ideas::merged_into.is_null())
        .select((
            ideas::id,
            ideas::title,
            ideas::body,
            ideas::author_id,
            ideas::thread_id,
            ideas::created_at,
            threads::category_id,
            threads::hidden,
        ))
        .load(conn)?;
    let mut link_names: HashMap<i64, Vec<String>> = HashMap::new();
    for (idea, key, name) in idea_accounts::table
        .inner_join(accounts::table)
        .filter(idea_accounts::idea_id.eq_any(ids))
        .select((
            idea_accounts::idea_id,
            accounts::external_id,
            accounts::name,
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .chain(
            idea_competitors::table
                .inner_join(competitors::table)
                .filter(idea_competitors::idea_id.eq_any(ids))
                .select((
                    idea_competitors::idea_id,
                    competitors::slug,
                    competitors::name,
                ))
                .load::<(i64, String, String)>(conn)?,
        )
    {
        link_names
            .entry(idea)
            .or_default()
            .push(format!("{name} {key}"));
    }
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (idea, tag) in idea_tags::table
        .filter(idea_tags::idea_id.eq_any(ids))
        .select((idea_tags::idea_id, idea_tags::tag))
        .load::<(i64, String)>(conn)?
    {
        tags.entry(idea).or_default().push(tag);
    }
    let mut files = crate::uploads::texts_of_ideas(conn, ids)?;
    let docs: Vec<Doc> = rows
        .into_iter()
        .map(
            |(id, title, body, author, thread, created_at, category_id, hidden)| {
                let mut body = plain(&body);
                if let Some(text) = files.remove(&id) {
                    body.push(' ');
                    body.push_str(&text);
                }
                let link_names = link_names.remove(&id).unwrap_or_default().join(" ");
                let tag_words = tags.remove(&id).unwrap_or_default().join(" ");
                Doc {
                    kind: "idea",
                    ref_id: id,
                    thread_id: Some(thread),
                    terms_title: terms(&title),
                    terms_names: terms(&link_names),
                    terms_tags: terms(&tag_words),
                    terms_body: terms(&body),
                    terms_exact: exact(&format!("{title} {link_names} {tag_words} {body}")),
                    title,
                    body,
                    author_id: Some(author),
                    created_at,
                    category_id: Some(category_id),
                    hidden,
                }
            },
        )
        .collect();
    put(conn, "idea", ids, &docs)
}

/// An account or competitor: found by its name, and by what is known of
/// it (key, domain, website) as names.
fn named_doc(
    kind: &'static str,
    id: i64,
    name: String,
    about: &[Option<&str>],
    created_at: NaiveDateTime,
) -> Doc {
    let body = about
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    Doc {
        kind,
        ref_id: id,
        thread_id: None,
        terms_title: terms(&name),
        terms_names: terms(&body),
        terms_tags: String::new(),
        terms_body: String::new(),
        terms_exact: exact(&format!("{name} {body}")),
        title: name,
        body,
        author_id: None,
        created_at,
        category_id: None,
        hidden: false,
    }
}

/// A thread's documents (its posts, or its idea) take its category and
/// hidden state as they are now: after a move, a hide or an unhide.
pub fn visibility(conn: &mut DbConn, thread_id: i64) -> QueryResult<()> {
    use search_docs::dsl as d;
    let Some((category_id, hidden)) = threads::table
        .find(thread_id)
        .select((threads::category_id, threads::hidden))
        .first::<(i64, bool)>(conn)
        .optional()?
    else {
        return Ok(());
    };
    diesel::update(search_docs::table.filter(d::thread_id.eq(thread_id)))
        .set((d::category_id.eq(Some(category_id)), d::hidden.eq(hidden)))
        .execute(conn)?;
    if !hidden {
        let hidden_posts = posts::table
            .filter(posts::thread_id.eq(thread_id))
            .filter(posts::hidden.eq(true))
            .select(posts::id);
        diesel::update(
            search_docs::table
                .filter(d::kind.eq_any(["thread", "post"]))
                .filter(d::ref_id.eq_any(hidden_posts)),
        )
        .set(d::hidden.eq(true))
        .execute(conn)?;
    }
    Ok(())
}

/// Accounts as they are now, and the threads and ideas linked to them
/// (their names are found there too).
pub fn accounts_now(conn: &mut DbConn, ids: &[i64], with_links: bool) -> QueryResult<()> {
    let mut docs = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            NaiveDateTime,
        )> = accounts::table
            .filter(accounts::id.eq_any(chunk))
            .select((
                accounts::id,
                accounts::external_id,
                accounts::name,
                accounts::domain,
                accounts::industry,
                accounts::created_at,
            ))
            .load(conn)?;
        docs.extend(
            rows.into_iter()
                .map(|(id, key, name, domain, industry, created_at)| {
                    let about = [Some(key.as_str()), domain.as_deref(), industry.as_deref()];
                    named_doc("account", id, name, &about, created_at)
                }),
        );
    }
    put(conn, "account", ids, &docs)?;
    if with_links {
        for chunk in ids.chunks(1000) {
            let thread_ids: Vec<i64> = thread_accounts::table
                .filter(thread_accounts::account_id.eq_any(chunk))
                .select(thread_accounts::thread_id)
                .load(conn)?;
            for t in thread_ids {
                thread(conn, t)?;
            }
            let idea_ids: Vec<i64> = idea_accounts::table
                .filter(idea_accounts::account_id.eq_any(chunk))
                .select(idea_accounts::idea_id)
                .load(conn)?;
            ideas_now(conn, &idea_ids)?;
        }
    }
    Ok(())
}

/// Accounts by external id (after an import), as `accounts_now`.
pub fn accounts_by_key(conn: &mut DbConn, keys: &[&str], with_links: bool) -> QueryResult<()> {
    let mut ids = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(1000) {
        ids.extend(
            accounts::table
                .filter(accounts::external_id.eq_any(chunk))
                .select(accounts::id)
                .load::<i64>(conn)?,
        );
    }
    accounts_now(conn, &ids, with_links)
}

/// A competitor as it is now, and (`with_links`) what is linked to it.
pub fn competitor_now(conn: &mut DbConn, id: i64, with_links: bool) -> QueryResult<()> {
    let row: Option<(String, String, Option<String>, NaiveDateTime)> = competitors::table
        .find(id)
        .select((
            competitors::slug,
            competitors::name,
            competitors::website,
            competitors::created_at,
        ))
        .first(conn)
        .optional()?;
    let docs: Vec<Doc> = row
        .into_iter()
        .map(|(slug, name, website, created_at)| {
            named_doc(
                "competitor",
                id,
                name,
                &[Some(slug.as_str()), website.as_deref()],
                created_at,
            )
        })
        .collect();
    put(conn, "competitor", &[id], &docs)?;
    if !with_links {
        return Ok(());
    }
    let thread_ids: Vec<i64> = crate::db::schema::thread_competitors::table
        .filter(crate::db::schema::thread_competitors::competitor_id.eq(id))
        .select(crate::db::schema::thread_competitors::thread_id)
        .load(conn)?;
    for t in thread_ids {
        thread(conn, t)?;
    }
    let idea_ids: Vec<i64> = idea_competitors::table
        .filter(idea_competitors::competitor_id.eq(id))
        .select(idea_competitors::idea_id)
        .load(conn)?;
    ideas_now(conn, &idea_ids)
}

/// Rebuilds the whole index from the content, in one transaction; calls
/// `progress` with the number of items indexed so far. Returns the total.
pub fn rebuild(conn: &mut DbConn, progress: &dyn Fn(u64)) -> QueryResult<u64> {
    crate::db::write_tx(conn, |conn| {
        diesel::delete(search_docs::table).execute(conn)?;
        let mut done: u64 = 0;
        let mut last = 0i64;
        loop {
            let ids: Vec<i64> = posts::table
                .filter(posts::id.gt(last))
                .order(posts::id.asc())
                .limit(2000)
                .select(posts::id)
                .load(conn)?;
            let Some(&max) = ids.last() else { break };
            last = max;
            let rows = post_rows(conn, &ids)?;
            let docs = post_docs(conn, rows)?;
            insert(conn, &docs)?;
            done += docs.len() as u64;
            progress(done);
        }
        let idea_ids: Vec<i64> = ideas::table.select(ideas::id).load(conn)?;
        for chunk in idea_ids.chunks(1000) {
            ideas_now(conn, chunk)?;
        }
        done += idea_ids.len() as u64;
        let account_ids: Vec<i64> = accounts::table.select(accounts::id).load(conn)?;
        accounts_now(conn, &account_ids, false)?;
        done += account_ids.len() as u64;
        progress(done);
        let competitor_ids: Vec<i64> = competitors::table.select(competitors::id).load(conn)?;
        for id in &competitor_ids {
            competitor_now(conn, *id, false)?;
        }
        done += competitor_ids.len() as u64;
        diesel::update(search_state::table)
            .set(search_state::built.eq(true))
            .execute(conn)?;
        // On PostgreSQL, the new entries move from the GIN indexes' pending
        // lists (which every search would read through) into the indexes
        // proper, and fresh statistics let the planner choose between the
        // text index and walking the newest documents by how common a word is.
        if let DbConn::Postgres(pg) = conn {
            diesel::sql_query(
                "SELECT gin_clean_pending_list('search_docs_tsv'::regclass), \
                 gin_clean_pending_list('search_docs_tsv_exact'::regclass)",
            )
            .execute(pg)?;
            diesel::sql_query("ANALYZE search_docs").execute(pg)?;
        }
        progress(done);
        Ok(done)
    })
}

/// Builds the index once after the migration that created it (a fresh
/// install or an upgrade); later starts find it built.
/// Instances starting together on PostgreSQL build it once: the first
/// holds this lock, the others then find it built.
const BUILD_LOCK: i64 = 0x6772_6170_6576_0004;

pub fn ensure_built(conn: &mut DbConn) -> QueryResult<()> {
    crate::db::write_tx(conn, |conn| {
        if let DbConn::Postgres(pg) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({BUILD_LOCK})")).execute(pg)?;
        }
        let built: bool = search_state::table
            .select(search_state::built)
            .first(conn)
            .optional()?
            .unwrap_or(true);
        if !built {
            rebuild(conn, &|_| {})?;
        }
        Ok(())
    })
}
