//! What goes in a digest. The candidates (threads active, ideas created and
//! idea status changes since the run's horizon) are loaded once per run;
//! each reader's digest is then picked from them in memory with what is
//! known of that reader (role, follows, reads, votes), so a run costs the
//! same few queries per page of users whatever their number, and memory
//! grows with the content of the period, not with the users.
//!
//! Ranking (also in ARCHITECTURE.md): a new thread scores
//! `3·min(replies, 20) + 4·linked accounts + 2·linked competitors +
//! 10·freshness` (freshness falls from 1 to 0 across the period); threads
//! in something the reader follows (category, thread, account, competitor,
//! tag) come first whatever their score.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    categories, follows, idea_status_changes, idea_votes, ideas, thread_reads, threads, users,
};
use crate::db::DbConn;
use crate::domain::Role;
use crate::models::categories::roles_from_text;
use crate::models::threads as thread_model;

/// At most this many threads in each section, and ideas in each list.
pub const MAX_THREADS: usize = 10;
pub const MAX_IDEAS: usize = 8;

#[derive(Debug, Clone)]
pub struct CandidateThread {
    pub id: i64,
    pub category_id: i64,
    pub category: String,
    /// The category's name in other languages.
    pub category_translations: crate::models::categories::Translations,
    pub title: String,
    pub author_id: i64,
    pub author: String,
    pub created_at: NaiveDateTime,
    pub last_activity_at: NaiveDateTime,
    pub reply_count: i32,
    pub last_post_id: i64,
    /// (kind, key) pairs a follow can match: category, account, competitor, tag.
    pub follow_keys: Vec<(&'static str, String)>,
    /// The same, as numbers given by `Candidates::index` (compared per
    /// reader without hashing strings).
    pub follow_ids: Vec<u32>,
    pub accounts: Vec<String>,
    /// Names of the linked competitors.
    pub competitors: Vec<String>,
    /// The thread's kind (anecdote, rumor, …).
    pub kind: String,
    /// The first words of its opening post, as plain text (empty when that
    /// post is hidden or deleted).
    pub excerpt: String,
    /// The first photo of its opening post (shown when not hidden or deleted).
    pub photo: Option<i64>,
}

/// Characters of an opening post shown under its title.
pub const EXCERPT_CHARS: usize = 200;

#[derive(Debug, Clone)]
pub struct CandidateIdea {
    pub id: i64,
    pub title: String,
    pub author_id: i64,
    /// None for an anonymous idea: a digest never names its author.
    pub author: Option<String>,
    pub status: String,
    pub votes: i64,
    pub category_id: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub struct CandidateChange {
    pub idea_id: i64,
    pub title: String,
    pub author_id: i64,
    pub status: String,
    pub response: Option<String>,
    pub category_id: i64,
    pub created_at: NaiveDateTime,
}

/// Everything any reader's digest may draw from, loaded once per run.
#[derive(Debug, Default)]
pub struct Candidates {
    pub horizon: NaiveDateTime,
    pub threads: Vec<CandidateThread>,
    pub ideas: Vec<CandidateIdea>,
    pub changes: Vec<CandidateChange>,
    /// Category ids each role may read (archived ones left out).
    pub readable: HashMap<Role, Vec<i64>>,
    /// (kind, key) → the number used in `follow_ids`.
    pub keys: HashMap<(String, String), u32>,
}

/// Ids per query when filtering by a list, well under both databases'
/// limits on bound parameters.
const CHUNK: usize = 5000;

impl Candidates {
    // Rows are read as tuples of their selected columns.
    #[allow(clippy::type_complexity)]
    pub fn load(conn: &mut DbConn, horizon: NaiveDateTime) -> QueryResult<Candidates> {
        let cats: Vec<(i64, String, String, String, bool, String)> = categories::table
            .select((
                categories::id,
                categories::slug,
                categories::name,
                categories::readable_by,
                categories::archived,
                categories::translations,
            ))
            .load(conn)?;
        let mut readable: HashMap<Role, Vec<i64>> = HashMap::new();
        // Category id → (slug, name, translations).
        let mut names: HashMap<i64, (String, String, String)> = HashMap::new();
        for (id, slug, name, roles, archived, translations) in cats {
            if !archived {
                for r in roles_from_text(&roles) {
                    readable.entry(r).or_default().push(id);
                }
            }
            names.insert(id, (slug, name, translations));
        }

        // Threads with activity in the period, except ideas' own discussion
        // threads (ideas have their own sections).
        let rows: Vec<(
            i64,
            i64,
            String,
            String,
            i64,
            String,
            NaiveDateTime,
            NaiveDateTime,
            i32,
            i64,
        )> = threads::table
            .inner_join(users::table)
            .left_join(ideas::table.on(ideas::thread_id.eq(threads::id)))
            .filter(threads::last_activity_at.ge(horizon))
            .filter(threads::hidden.eq(false))
            .filter(ideas::id.is_null())
            .select((
                threads::id,
                threads::category_id,
                threads::title,
                threads::kind,
                threads::author_id,
                users::name,
                threads::created_at,
                threads::last_activity_at,
                threads::reply_count,
                threads::last_post_id,
            ))
            .order((threads::last_activity_at.desc(), threads::id.desc()))
            .load(conn)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut links = HashMap::new();
        let mut tags = HashMap::new();
        let mut photos = HashMap::new();
        let mut excerpts = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            links.extend(thread_model::links_of(conn, chunk)?);
            tags.extend(thread_model::tags_of(conn, chunk)?);
            photos.extend(crate::uploads::first_photos(conn, chunk)?);
            excerpts.extend(opening_excerpts(conn, chunk)?);
        }
        let threads = rows
            .into_iter()
            .map(
                |(
                    id,
                    category_id,
                    title,
                    kind,
                    author_id,
                    author,
                    created_at,
                    last,
                    replies,
                    last_post,
                )| {
                    let l = links.remove(&id).unwrap_or_default();
                    let mut follow_keys: Vec<(&'static str, String)> = vec![
                        ("thread", id.to_string()),
                        (
                            "category",
                            names
                                .get(&category_id)
                                .map(|n| n.0.clone())
                                .unwrap_or_default(),
                        ),
                    ];
                    follow_keys.extend(l.accounts.iter().map(|a| ("account", a.0.clone())));
                    follow_keys.extend(l.competitors.iter().map(|c| ("competitor", c.0.clone())));
                    follow_keys.extend(
                        tags.remove(&id)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|t| ("tag", t)),
                    );
                    CandidateThread {
                        id,
                        category_id,
                        category: names
                            .get(&category_id)
                            .map(|n| n.1.clone())
                            .unwrap_or_default(),
                        category_translations: names
                            .get(&category_id)
                            .map(|n| crate::models::categories::translations_from_text(&n.2))
                            .unwrap_or_default(),
                        title,
                        author_id,
                        author,
                        created_at,
                        last_activity_at: last,
                        reply_count: replies,
                        last_post_id: last_post,
                        follow_keys,
                        follow_ids: Vec::new(),
                        accounts: l.accounts.into_iter().map(|a| a.1).collect(),
                        competitors: l.competitors.into_iter().map(|c| c.1).collect(),
                        kind,
                        excerpt: excerpts.remove(&id).unwrap_or_default(),
                        photo: photos.get(&id).copied(),
                    }
                },
            )
            .collect();

        let idea_rows: Vec<(i64, String, i64, String, bool, String, i64, NaiveDateTime)> =
            ideas::table
                .inner_join(users::table.on(users::id.eq(ideas::author_id)))
                .inner_join(threads::table.on(threads::id.eq(ideas::thread_id)))
                .filter(ideas::created_at.ge(horizon))
                .filter(ideas::merged_into.is_null())
                .filter(threads::hidden.eq(false))
                .select((
                    ideas::id,
                    ideas::title,
                    ideas::author_id,
                    users::name,
                    ideas::anonymous,
                    ideas::status,
                    threads::category_id,
                    ideas::created_at,
                ))
                .order(ideas::id.asc())
                .load(conn)?;
        let idea_ids: Vec<i64> = idea_rows.iter().map(|r| r.0).collect();
        let mut votes: HashMap<i64, i64> = HashMap::new();
        for chunk in idea_ids.chunks(CHUNK) {
            let counted: Vec<(i64, i64)> = idea_votes::table
                .filter(idea_votes::idea_id.eq_any(chunk))
                .group_by(idea_votes::idea_id)
                .select((idea_votes::idea_id, diesel::dsl::count_star()))
                .load(conn)?;
            votes.extend(counted);
        }
        let ideas = idea_rows
            .into_iter()
            .map(
                |(id, title, author_id, name, anonymous, status, category_id, created_at)| {
                    CandidateIdea {
                        id,
                        title,
                        author_id,
                        author: (!anonymous).then_some(name),
                        status,
                        votes: votes.get(&id).copied().unwrap_or(0),
                        category_id,
                        created_at,
                    }
                },
            )
            .collect();

        let change_rows: Vec<(i64, String, i64, String, Option<String>, i64, NaiveDateTime)> =
            idea_status_changes::table
                .inner_join(ideas::table.on(ideas::id.eq(idea_status_changes::idea_id)))
                .inner_join(threads::table.on(threads::id.eq(ideas::thread_id)))
                .filter(idea_status_changes::created_at.ge(horizon))
                .filter(threads::hidden.eq(false))
                .select((
                    ideas::id,
                    ideas::title,
                    ideas::author_id,
                    idea_status_changes::status,
                    idea_status_changes::response,
                    threads::category_id,
                    idea_status_changes::created_at,
                ))
                .order(idea_status_changes::id.asc())
                .load(conn)?;
        let changes = change_rows
            .into_iter()
            .map(
                |(idea_id, title, author_id, status, response, category_id, created_at)| {
                    CandidateChange {
                        idea_id,
                        title,
                        author_id,
                        status,
                        response,
                        category_id,
                        created_at,
                    }
                },
            )
            .collect();
        let mut c = Candidates {
            horizon,
            threads,
            ideas,
            changes,
            readable,
            keys: HashMap::new(),
        };
        c.index();
        Ok(c)
    }

    /// Numbers every (kind, key) a thread can be followed by.
    pub fn index(&mut self) {
        for t in &mut self.threads {
            t.follow_ids = t
                .follow_keys
                .iter()
                .map(|(k, v)| {
                    let next = self.keys.len() as u32;
                    *self.keys.entry((k.to_string(), v.clone())).or_insert(next)
                })
                .collect();
        }
    }

    /// The numbers of what a reader follows, sorted.
    fn follow_ids(&self, f: &Follows) -> Vec<u32> {
        let mut ids: Vec<u32> =
            f.0.iter()
                .flat_map(|(kind, keys)| {
                    keys.iter()
                        .filter_map(|k| self.keys.get(&(kind.clone(), k.clone())).copied())
                })
                .collect();
        ids.sort_unstable();
        ids
    }
}

/// The plain-text start of each thread's opening post, when that post is
/// neither hidden nor deleted.
fn opening_excerpts(conn: &mut DbConn, thread_ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    use crate::db::schema::posts;
    let rows: Vec<(i64, String)> = posts::table
        .filter(posts::thread_id.eq_any(thread_ids))
        .filter(posts::parent_id.is_null())
        .filter(posts::hidden.eq(false))
        .filter(posts::deleted.eq(false))
        .select((posts::thread_id, posts::body))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, body)| (id, crate::markdown::excerpt(&body, EXCERPT_CHARS)))
        .collect())
}

/// What a reader follows: kind → keys, looked up without allocating (this
/// check runs for every candidate thread of every reader).
#[derive(Debug, Clone, Default)]
pub struct Follows(HashMap<String, HashSet<String>>);

impl Follows {
    pub fn insert(&mut self, kind: &str, key: &str) {
        self.0
            .entry(kind.to_string())
            .or_default()
            .insert(key.to_string());
    }

    pub fn contains(&self, kind: &str, key: &str) -> bool {
        self.0.get(kind).is_some_and(|keys| keys.contains(key))
    }
}

/// What is known of one reader.
#[derive(Debug, Clone)]
pub struct Reader {
    pub user_id: i64,
    pub role: Role,
    pub since: NaiveDateTime,
    pub follows: Follows,
    /// Thread id → last post read.
    pub reads: HashMap<i64, i64>,
    pub votes: HashSet<i64>,
}

impl Reader {
    fn has_read(&self, t: &CandidateThread) -> bool {
        self.reads.get(&t.id).is_some_and(|r| *r >= t.last_post_id)
    }
}

/// The follows, reads and votes of many readers, in three queries.
#[allow(clippy::type_complexity)]
pub fn reader_data(
    conn: &mut DbConn,
    user_ids: &[i64],
) -> QueryResult<(
    HashMap<i64, Follows>,
    HashMap<i64, HashMap<i64, i64>>,
    HashMap<i64, HashSet<i64>>,
)> {
    let mut f: HashMap<i64, Follows> = HashMap::new();
    let rows: Vec<(i64, String, String)> = follows::table
        .filter(follows::user_id.eq_any(user_ids))
        .select((follows::user_id, follows::kind, follows::key))
        .load(conn)?;
    for (u, k, v) in rows {
        f.entry(u).or_default().insert(&k, &v);
    }
    let mut r: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
    let rows: Vec<(i64, i64, i64)> = thread_reads::table
        .filter(thread_reads::user_id.eq_any(user_ids))
        .select((
            thread_reads::user_id,
            thread_reads::thread_id,
            thread_reads::last_read_post_id,
        ))
        .load(conn)?;
    for (u, t, p) in rows {
        r.entry(u).or_default().insert(t, p);
    }
    let mut v: HashMap<i64, HashSet<i64>> = HashMap::new();
    let rows: Vec<(i64, i64)> = idea_votes::table
        .filter(idea_votes::user_id.eq_any(user_ids))
        .select((idea_votes::user_id, idea_votes::idea_id))
        .load(conn)?;
    for (u, i) in rows {
        v.entry(u).or_default().insert(i);
    }
    Ok((f, r, v))
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadItem {
    pub id: i64,
    pub title: String,
    pub category: String,
    pub category_translations: crate::models::categories::Translations,
    pub author: String,
    pub replies: i32,
    pub accounts: Vec<String>,
    pub competitors: Vec<String>,
    pub kind: String,
    pub excerpt: String,
    pub followed: bool,
    /// Path of the thread page (the template prefixes the base URL).
    pub url: String,
    /// Path of its photo's thumbnail, served to signed-in readers only.
    pub thumbnail_url: Option<String>,
    #[serde(skip)]
    pub score: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdeaItem {
    pub id: i64,
    pub title: String,
    pub author: Option<String>,
    pub status: String,
    pub votes: i64,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeItem {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub response: Option<String>,
    /// The reader wrote, voted for or follows the idea (shown first).
    #[serde(skip)]
    pub mine: bool,
    /// The reader wrote it.
    pub yours: bool,
    /// The reader voted for it (and did not write it).
    pub voted: bool,
    pub url: String,
}

/// One reader's digest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Digest {
    /// New threads, ranked.
    pub threads: Vec<ThreadItem>,
    /// New threads left out of `threads` by the limit.
    pub more_threads: usize,
    /// Older threads the reader follows, with new posts since.
    pub activity: Vec<ThreadItem>,
    pub ideas: Vec<IdeaItem>,
    pub changes: Vec<ChangeItem>,
}

impl Digest {
    pub fn is_empty(&self) -> bool {
        self.threads.is_empty()
            && self.activity.is_empty()
            && self.ideas.is_empty()
            && self.changes.is_empty()
    }
}

/// The ranking score of a new thread (see the module comment).
pub fn score(t: &CandidateThread, since: NaiveDateTime, now: NaiveDateTime) -> f64 {
    let window = (now - since).num_seconds().max(1) as f64;
    let age = (now - t.created_at).num_seconds().max(0) as f64;
    let freshness = (1.0 - age / window).clamp(0.0, 1.0);
    3.0 * f64::from(t.reply_count.min(20))
        + 4.0 * t.accounts.len() as f64
        + 2.0 * t.competitors.len() as f64
        + 10.0 * freshness
}

/// Picks a reader's digest from the candidates; empty when nothing is new.
pub fn digest_for(c: &Candidates, r: &Reader, now: NaiveDateTime) -> Digest {
    let none = Vec::new();
    let readable = c.readable.get(&r.role).unwrap_or(&none);
    let followed_ids = c.follow_ids(&r.follows);
    // Light (score, followed, thread) entries first; only the kept few
    // become items (this loop runs for every thread of every reader).
    let mut fresh: Vec<(bool, f64, &CandidateThread)> = Vec::new();
    let mut activity: Vec<&CandidateThread> = Vec::new();
    // Candidates are ordered by last activity, newest first.
    for t in &c.threads {
        if t.last_activity_at < r.since {
            break;
        }
        if !readable.contains(&t.category_id) || r.has_read(t) {
            continue;
        }
        let followed = !followed_ids.is_empty()
            && t.follow_ids
                .iter()
                .any(|id| followed_ids.binary_search(id).is_ok());
        if t.created_at >= r.since {
            if t.author_id != r.user_id {
                fresh.push((followed, score(t, r.since, now), t));
            }
        } else if followed && activity.len() < MAX_THREADS {
            activity.push(t);
        }
    }
    let rank = |a: &(bool, f64, &CandidateThread), b: &(bool, f64, &CandidateThread)| {
        b.0.cmp(&a.0)
            .then(b.1.total_cmp(&a.1))
            .then(b.2.id.cmp(&a.2.id))
    };
    let more_threads = fresh.len().saturating_sub(MAX_THREADS);
    if fresh.len() > MAX_THREADS {
        fresh.select_nth_unstable_by(MAX_THREADS, rank);
        fresh.truncate(MAX_THREADS);
    }
    fresh.sort_by(rank);
    let item = |t: &CandidateThread, followed: bool, score: f64| ThreadItem {
        id: t.id,
        title: t.title.clone(),
        category: t.category.clone(),
        category_translations: t.category_translations.clone(),
        author: t.author.clone(),
        replies: t.reply_count,
        accounts: t.accounts.clone(),
        competitors: t.competitors.clone(),
        kind: t.kind.clone(),
        excerpt: t.excerpt.clone(),
        followed,
        url: format!("/t/{}", t.id),
        thumbnail_url: t.photo.map(|id| format!("/files/{id}/thumbnail")),
        score,
    };
    let fresh: Vec<ThreadItem> = fresh.into_iter().map(|(f, s, t)| item(t, f, s)).collect();
    let activity: Vec<ThreadItem> = activity.into_iter().map(|t| item(t, true, 0.0)).collect();

    let mut ideas: Vec<IdeaItem> = c
        .ideas
        .iter()
        .filter(|i| {
            i.created_at >= r.since && i.author_id != r.user_id && readable.contains(&i.category_id)
        })
        .map(|i| IdeaItem {
            id: i.id,
            title: i.title.clone(),
            author: i.author.clone(),
            status: i.status.clone(),
            votes: i.votes,
            url: format!("/ideas/{}", i.id),
        })
        .collect();
    ideas.sort_by(|a, b| b.votes.cmp(&a.votes).then(b.id.cmp(&a.id)));
    ideas.truncate(MAX_IDEAS);

    // The latest change of each idea in the period.
    let mut latest: HashMap<i64, &CandidateChange> = HashMap::new();
    for ch in c
        .changes
        .iter()
        .filter(|ch| ch.created_at >= r.since && readable.contains(&ch.category_id))
    {
        latest.insert(ch.idea_id, ch);
    }
    let mut changes: Vec<(NaiveDateTime, ChangeItem)> = latest
        .into_values()
        .map(|ch| {
            let yours = ch.author_id == r.user_id;
            let voted = !yours && r.votes.contains(&ch.idea_id);
            let mine = yours || voted || r.follows.contains("idea", &ch.idea_id.to_string());
            (
                ch.created_at,
                ChangeItem {
                    id: ch.idea_id,
                    title: ch.title.clone(),
                    status: ch.status.clone(),
                    response: ch.response.clone(),
                    mine,
                    yours,
                    voted,
                    url: format!("/ideas/{}", ch.idea_id),
                },
            )
        })
        .collect();
    changes.sort_by(|a, b| b.1.mine.cmp(&a.1.mine).then(b.0.cmp(&a.0)));
    changes.truncate(MAX_IDEAS);
    Digest {
        threads: fresh,
        more_threads,
        activity,
        ideas,
        changes: changes.into_iter().map(|c| c.1).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> NaiveDateTime {
        NaiveDateTime::default() + chrono::TimeDelta::hours(h)
    }

    fn thread(id: i64, cat: i64, created: i64, replies: i32) -> CandidateThread {
        CandidateThread {
            id,
            category_id: cat,
            category: "c".into(),
            category_translations: Default::default(),
            title: format!("t{id}"),
            author_id: 100,
            author: "A".into(),
            created_at: at(created),
            last_activity_at: at(created),
            reply_count: replies,
            last_post_id: id * 10,
            follow_keys: vec![
                ("thread", id.to_string()),
                ("category", format!("cat{cat}")),
            ],
            follow_ids: Vec::new(),
            accounts: vec![],
            competitors: vec![],
            kind: "anecdote".into(),
            excerpt: String::new(),
            photo: None,
        }
    }

    fn reader(role: Role) -> Reader {
        Reader {
            user_id: 1,
            role,
            since: at(0),
            follows: Follows::default(),
            reads: HashMap::new(),
            votes: HashSet::new(),
        }
    }

    fn candidates(mut threads: Vec<CandidateThread>) -> Candidates {
        threads.sort_by_key(|t| std::cmp::Reverse(t.last_activity_at));
        let mut readable = HashMap::new();
        readable.insert(Role::Rep, vec![1]);
        readable.insert(Role::Marketer, vec![1, 2]);
        let mut c = Candidates {
            horizon: at(-24),
            threads,
            readable,
            ..Default::default()
        };
        c.index();
        c
    }

    #[test]
    fn ranks_by_replies_and_followed_first_and_leaves_out_unreadable_and_read() {
        let c = candidates(vec![
            thread(1, 1, 1, 0),
            thread(2, 1, 1, 9),
            thread(3, 2, 1, 50),
            thread(4, 1, 1, 1),
            thread(5, 1, -5, 3),
        ]);
        let mut rep = reader(Role::Rep);
        rep.reads.insert(4, 40);
        let d = digest_for(&c, &rep, at(24));
        let ids: Vec<i64> = d.threads.iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            vec![2, 1],
            "no thread 3 (unreadable), 4 (read), 5 (old)"
        );
        let mut m = reader(Role::Marketer);
        m.follows.insert("category", "cat1");
        let d = digest_for(&c, &m, at(24));
        let ids: Vec<i64> = d.threads.iter().map(|t| t.id).collect();
        assert_eq!(ids, vec![2, 4, 1, 3], "followed category first");
    }

    #[test]
    fn followed_activity_and_nothing_new() {
        let mut old = thread(7, 1, -48, 2);
        old.last_activity_at = at(3);
        let c = candidates(vec![old]);
        let mut r = reader(Role::Rep);
        assert!(
            digest_for(&c, &r, at(24)).is_empty(),
            "not followed: nothing"
        );
        r.follows.insert("thread", "7");
        let d = digest_for(&c, &r, at(24));
        assert_eq!(d.activity.len(), 1);
        r.reads.insert(7, 70);
        assert!(digest_for(&c, &r, at(24)).is_empty(), "read already");
    }
}
