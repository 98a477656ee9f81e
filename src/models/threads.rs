use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    accounts, categories, competitors, thread_accounts, thread_competitors, thread_reads,
    thread_tags, threads, users,
};
use crate::db::{now, DbConn};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = threads)]
pub struct ThreadRow {
    pub id: i64,
    pub category_id: i64,
    pub author_id: i64,
    pub title: String,
    pub kind: String,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
    pub reply_count: i32,
    pub last_post_id: i64,
    pub version: i64,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub last_activity_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ThreadRow>> {
    threads::table
        .find(id)
        .select(ThreadRow::as_select())
        .first(conn)
        .optional()
}

pub struct NewThreadRow<'a> {
    pub category_id: i64,
    pub author_id: i64,
    pub title: &'a str,
    pub kind: &'a str,
}

pub fn insert(conn: &mut DbConn, new: &NewThreadRow) -> QueryResult<ThreadRow> {
    let t = now();
    diesel::insert_into(threads::table)
        .values((
            threads::category_id.eq(new.category_id),
            threads::author_id.eq(new.author_id),
            threads::title.eq(new.title),
            threads::kind.eq(new.kind),
            threads::created_at.eq(t),
            threads::last_activity_at.eq(t),
        ))
        .get_result(conn)
}

/// A thread with its category row and the viewer's read marker, in one query.
pub fn with_category_and_read(
    conn: &mut DbConn,
    id: i64,
    viewer_id: i64,
) -> QueryResult<
    Option<(
        ThreadRow,
        crate::models::categories::CategoryRow,
        Option<i64>,
    )>,
> {
    // Runs on every thread view: on the concrete connection, where diesel
    // can reuse the prepared statement.
    crate::on_each_backend!(conn, |c| threads::table
        .inner_join(categories::table)
        .left_join(
            thread_reads::table.on(thread_reads::thread_id
                .eq(threads::id)
                .and(thread_reads::user_id.eq(viewer_id))),
        )
        .filter(threads::id.eq(id))
        .select((
            ThreadRow::as_select(),
            crate::models::categories::CategoryRow::as_select(),
            thread_reads::last_read_post_id.nullable(),
        ))
        .first(c)
        .optional())
}

/// An account or competitor may have been renamed: the threads linked to it
/// show its name, so their kept pages and lists are stale.
pub fn touch_linked(
    conn: &mut DbConn,
    account_keys: &[&str],
    competitor_id: Option<i64>,
) -> QueryResult<()> {
    // In chunks: an import may rename 100,000 accounts at once.
    for keys in account_keys.chunks(1000) {
        let linked = thread_accounts::table
            .inner_join(accounts::table)
            .filter(accounts::external_id.eq_any(keys))
            .select(thread_accounts::thread_id);
        diesel::update(threads::table.filter(threads::id.eq_any(linked)))
            .set(threads::version.eq(threads::version + 1))
            .execute(conn)?;
    }
    if let Some(c) = competitor_id {
        let linked = thread_competitors::table
            .filter(thread_competitors::competitor_id.eq(c))
            .select(thread_competitors::thread_id);
        diesel::update(threads::table.filter(threads::id.eq_any(linked)))
            .set(threads::version.eq(threads::version + 1))
            .execute(conn)?;
    }
    Ok(())
}

/// Records a change to the thread: bumps its version (the page-cache key).
pub fn touch(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(threads::table.find(id))
        .set(threads::version.eq(threads::version + 1))
        .execute(conn)
        .map(|_| ())
}

/// A new post arrived: count it, move the thread up, bump its version.
pub fn record_post(conn: &mut DbConn, id: i64, post_id: i64, is_reply: bool) -> QueryResult<()> {
    diesel::update(threads::table.find(id))
        .set((
            threads::reply_count.eq(threads::reply_count + if is_reply { 1 } else { 0 }),
            threads::last_post_id.eq(post_id),
            threads::last_activity_at.eq(now()),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_flags(
    conn: &mut DbConn,
    id: i64,
    pinned: bool,
    locked: bool,
    hidden: bool,
    category_id: i64,
) -> QueryResult<()> {
    diesel::update(threads::table.find(id))
        .set((
            threads::pinned.eq(pinned),
            threads::locked.eq(locked),
            threads::hidden.eq(hidden),
            threads::category_id.eq(category_id),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn adjust_reply_count(conn: &mut DbConn, id: i64, delta: i32) -> QueryResult<()> {
    diesel::update(threads::table.find(id))
        .set((
            threads::reply_count.eq(threads::reply_count + delta),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_tags(conn: &mut DbConn, id: i64, tags: &[String]) -> QueryResult<()> {
    diesel::delete(thread_tags::table.filter(thread_tags::thread_id.eq(id))).execute(conn)?;
    for tag in tags {
        diesel::insert_into(thread_tags::table)
            .values((thread_tags::thread_id.eq(id), thread_tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn tags_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String)> = thread_tags::table
        .filter(thread_tags::thread_id.eq_any(ids))
        .order((thread_tags::thread_id, thread_tags::tag))
        .select((thread_tags::thread_id, thread_tags::tag))
        .load(conn)?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, tag) in rows {
        map.entry(id).or_default().push(tag);
    }
    Ok(map)
}

/// Replaces a thread's account and competitor links.
pub fn set_links(
    conn: &mut DbConn,
    id: i64,
    account_ids: &[i64],
    competitor_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(thread_accounts::table.filter(thread_accounts::thread_id.eq(id)))
        .execute(conn)?;
    diesel::delete(thread_competitors::table.filter(thread_competitors::thread_id.eq(id)))
        .execute(conn)?;
    for a in account_ids {
        diesel::insert_into(thread_accounts::table)
            .values((
                thread_accounts::thread_id.eq(id),
                thread_accounts::account_id.eq(a),
            ))
            .execute(conn)?;
    }
    for c in competitor_ids {
        diesel::insert_into(thread_competitors::table)
            .values((
                thread_competitors::thread_id.eq(id),
                thread_competitors::competitor_id.eq(c),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A thread's links: `(external_id, name)` of accounts, `(slug, name)` of
/// competitors.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Links {
    pub accounts: Vec<(String, String)>,
    pub competitors: Vec<(String, String)>,
}

impl Links {
    pub fn account_keys(&self) -> Vec<String> {
        self.accounts.iter().map(|a| a.0.clone()).collect()
    }

    pub fn competitor_keys(&self) -> Vec<String> {
        self.competitors.iter().map(|c| c.0.clone()).collect()
    }

    /// The live-feed topics of these links.
    pub fn topics(&self) -> Vec<crate::events::Topic> {
        use crate::events::Topic;
        self.accounts
            .iter()
            .map(|a| Topic::Account(a.0.clone()))
            .chain(
                self.competitors
                    .iter()
                    .map(|c| Topic::Competitor(c.0.clone())),
            )
            .collect()
    }
}

/// Links of many threads in two queries.
pub fn links_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Links>> {
    let acc: Vec<(i64, String, String)> = thread_accounts::table
        .inner_join(accounts::table)
        .filter(thread_accounts::thread_id.eq_any(ids))
        .order((thread_accounts::thread_id, accounts::name))
        .select((
            thread_accounts::thread_id,
            accounts::external_id,
            accounts::name,
        ))
        .load(conn)?;
    let comp: Vec<(i64, String, String)> = thread_competitors::table
        .inner_join(competitors::table)
        .filter(thread_competitors::thread_id.eq_any(ids))
        .order((thread_competitors::thread_id, competitors::name))
        .select((
            thread_competitors::thread_id,
            competitors::slug,
            competitors::name,
        ))
        .load(conn)?;
    let mut map: HashMap<i64, Links> = HashMap::new();
    for (t, k, n) in acc {
        map.entry(t).or_default().accounts.push((k, n));
    }
    for (t, k, n) in comp {
        map.entry(t).or_default().competitors.push((k, n));
    }
    Ok(map)
}

/// The last post the user had seen in each of these threads.
pub fn last_read(conn: &mut DbConn, user_id: i64, ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = thread_reads::table
        .filter(thread_reads::user_id.eq(user_id))
        .filter(thread_reads::thread_id.eq_any(ids))
        .select((thread_reads::thread_id, thread_reads::last_read_post_id))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Marks the thread read up to its last post, unless it already is.
pub fn mark_read_if_behind(conn: &mut DbConn, user_id: i64, thread_id: i64) -> QueryResult<()> {
    let last: Option<i64> = threads::table
        .find(thread_id)
        .select(threads::last_post_id)
        .first(conn)
        .optional()?;
    let Some(last) = last else { return Ok(()) };
    let read: Option<i64> = thread_reads::table
        .find((user_id, thread_id))
        .select(thread_reads::last_read_post_id)
        .first(conn)
        .optional()?;
    if read.is_none_or(|r| r < last) {
        mark_read(conn, user_id, thread_id, last)?;
    }
    Ok(())
}

pub fn mark_read(conn: &mut DbConn, user_id: i64, thread_id: i64, post_id: i64) -> QueryResult<()> {
    let values = (
        thread_reads::user_id.eq(user_id),
        thread_reads::thread_id.eq(thread_id),
        thread_reads::last_read_post_id.eq(post_id),
    );
    crate::on_each_backend!(conn, |c| diesel::insert_into(thread_reads::table)
        .values(values)
        .on_conflict((thread_reads::user_id, thread_reads::thread_id))
        .do_update()
        .set(thread_reads::last_read_post_id.eq(post_id))
        .execute(c))?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreadListItem {
    pub id: i64,
    pub links: Links,
    pub title: String,
    pub kind: String,
    pub category_slug: String,
    pub category_name: String,
    /// The category's name in other languages (pages pick the reader's).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub category_translations: crate::models::categories::Translations,
    pub author_id: i64,
    pub author_name: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub last_activity_at: NaiveDateTime,
    pub reply_count: i32,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
    pub tags: Vec<String>,
    /// Something was posted since the viewer last opened the thread.
    pub unread: bool,
}

/// What to list. `category_ids` are the categories the viewer may read;
/// absent filters and `false` flags take their default.
#[derive(Debug, Clone, Default, Hash)]
pub struct ThreadFilter {
    pub category_ids: Vec<i64>,
    pub category: Option<i64>,
    pub tag: Option<String>,
    /// Only these threads (e.g. a person's); `None` means any.
    pub only_ids: Option<Vec<i64>>,
    /// Only threads linked to this account / competitor (row ids).
    pub account: Option<i64>,
    pub competitor: Option<i64>,
    /// Only threads of this kind.
    pub kind: Option<String>,
    pub include_hidden: bool,
    pub pinned_first: bool,
    pub viewer_id: i64,
    pub page: i64,
    pub per_page: i64,
}

/// One page of threads, newest activity first; `true` if more follow.
/// A constant number of queries, whatever the page size.
pub fn list(conn: &mut DbConn, f: &ThreadFilter) -> Result<(Vec<ThreadListItem>, bool), AppError> {
    let page = page_of(conn, f)?;
    let more = page.more;
    Ok((items_of(conn, page)?, more))
}

/// A page of threads before its tags and links are loaded: enough to tell
/// whether a kept rendering of it still holds (`ListPage::digest`).
pub struct ListPage {
    #[allow(clippy::type_complexity)]
    rows: Vec<(ThreadRow, String, String, String, String)>,
    reads: HashMap<i64, i64>,
    pub more: bool,
}

impl ListPage {
    /// Changes whenever what the page shows may: a thread's version (every
    /// write to it or its links bumps it), its category's and author's
    /// names, the viewer's read marks, the set and order of threads.
    pub fn digest(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (t, slug, cname, ctrans, aname) in &self.rows {
            (t.id, t.version, slug, cname, ctrans, aname).hash(&mut h);
            self.reads.get(&t.id).hash(&mut h);
        }
        self.more.hash(&mut h);
        h.finish()
    }
}

/// The rows of one page and the viewer's read marks: two queries.
pub fn page_of(conn: &mut DbConn, f: &ThreadFilter) -> Result<ListPage, AppError> {
    let mut q = threads::table
        .inner_join(categories::table)
        .inner_join(users::table)
        .filter(threads::category_id.eq_any(&f.category_ids))
        .into_boxed();
    if let Some(c) = f.category {
        q = q.filter(threads::category_id.eq(c));
    }
    if let Some(tag) = &f.tag {
        q = q.filter(
            threads::id.eq_any(
                thread_tags::table
                    .filter(thread_tags::tag.eq(tag.clone()))
                    .select(thread_tags::thread_id),
            ),
        );
    }
    if let Some(a) = f.account {
        q = q.filter(
            threads::id.eq_any(
                thread_accounts::table
                    .filter(thread_accounts::account_id.eq(a))
                    .select(thread_accounts::thread_id),
            ),
        );
    }
    if let Some(c) = f.competitor {
        q = q.filter(
            threads::id.eq_any(
                thread_competitors::table
                    .filter(thread_competitors::competitor_id.eq(c))
                    .select(thread_competitors::thread_id),
            ),
        );
    }
    if let Some(k) = &f.kind {
        q = q.filter(threads::kind.eq(k.clone()));
    }
    if let Some(ids) = &f.only_ids {
        q = q.filter(threads::id.eq_any(ids.clone()));
    }
    if !f.include_hidden {
        q = q.filter(threads::hidden.eq(false));
    }
    if f.pinned_first {
        q = q.order((
            threads::pinned.desc(),
            threads::last_activity_at.desc(),
            threads::id.desc(),
        ));
    } else {
        q = q.order((threads::last_activity_at.desc(), threads::id.desc()));
    }
    let page = f.page.clamp(1, crate::text_guard::MAX_PAGE);
    #[allow(clippy::type_complexity)]
    let rows: Vec<(ThreadRow, String, String, String, String)> = q
        .limit(f.per_page + 1)
        .offset((page - 1) * f.per_page)
        .select((
            ThreadRow::as_select(),
            categories::slug,
            categories::name,
            categories::translations,
            users::name,
        ))
        .load(conn)?;
    let more = rows.len() as i64 > f.per_page;
    let rows: Vec<_> = rows.into_iter().take(f.per_page as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let reads = last_read(conn, f.viewer_id, &ids)?;
    Ok(ListPage { rows, reads, more })
}

/// The page's items, with tags and links: two more queries.
pub fn items_of(conn: &mut DbConn, page: ListPage) -> Result<Vec<ThreadListItem>, AppError> {
    let ListPage { rows, reads, .. } = page;
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let mut tags = tags_of(conn, &ids)?;
    let mut links = links_of(conn, &ids)?;
    let items = rows
        .into_iter()
        .map(|(t, slug, cname, ctrans, aname)| ThreadListItem {
            unread: reads.get(&t.id).is_some_and(|&r| r < t.last_post_id),
            tags: tags.remove(&t.id).unwrap_or_default(),
            links: links.remove(&t.id).unwrap_or_default(),
            id: t.id,
            title: t.title,
            kind: t.kind,
            category_slug: slug,
            category_name: cname,
            category_translations: crate::models::categories::translations_from_text(&ctrans),
            author_id: t.author_id,
            author_name: aname,
            created_at: t.created_at,
            last_activity_at: t.last_activity_at,
            reply_count: t.reply_count,
            pinned: t.pinned,
            locked: t.locked,
            hidden: t.hidden,
        })
        .collect();
    Ok(items)
}

/// Visible threads linked to an account or competitor, counted per kind.
pub fn kind_counts(
    conn: &mut DbConn,
    category_ids: &[i64],
    account: Option<i64>,
    competitor: Option<i64>,
) -> QueryResult<Vec<(String, i64)>> {
    let mut q = threads::table
        .filter(threads::category_id.eq_any(category_ids))
        .filter(threads::hidden.eq(false))
        .group_by(threads::kind)
        .select((threads::kind, diesel::dsl::count(threads::id)))
        .order(threads::kind)
        .into_boxed();
    if let Some(a) = account {
        q = q.filter(
            threads::id.eq_any(
                thread_accounts::table
                    .filter(thread_accounts::account_id.eq(a))
                    .select(thread_accounts::thread_id),
            ),
        );
    }
    if let Some(c) = competitor {
        q = q.filter(
            threads::id.eq_any(
                thread_competitors::table
                    .filter(thread_competitors::competitor_id.eq(c))
                    .select(thread_competitors::thread_id),
            ),
        );
    }
    q.load(conn)
}

/// Accounts with the most visible threads active since `since`:
/// `(external_id, name, threads)`.
pub fn most_discussed_accounts(
    conn: &mut DbConn,
    category_ids: &[i64],
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(String, String, i64)>> {
    thread_accounts::table
        .inner_join(threads::table)
        .inner_join(accounts::table)
        .filter(threads::category_id.eq_any(category_ids))
        .filter(threads::hidden.eq(false))
        .filter(threads::last_activity_at.ge(since))
        .group_by((accounts::external_id, accounts::name))
        .select((
            accounts::external_id,
            accounts::name,
            diesel::dsl::count(threads::id),
        ))
        .order((diesel::dsl::count(threads::id).desc(), accounts::name.asc()))
        .limit(limit)
        .load(conn)
}

/// Competitors with the most visible threads active since `since`.
pub fn most_discussed_competitors(
    conn: &mut DbConn,
    category_ids: &[i64],
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(String, String, i64)>> {
    thread_competitors::table
        .inner_join(threads::table)
        .inner_join(competitors::table)
        .filter(threads::category_id.eq_any(category_ids))
        .filter(threads::hidden.eq(false))
        .filter(threads::last_activity_at.ge(since))
        .group_by((competitors::slug, competitors::name))
        .select((
            competitors::slug,
            competitors::name,
            diesel::dsl::count(threads::id),
        ))
        .order((
            diesel::dsl::count(threads::id).desc(),
            competitors::name.asc(),
        ))
        .limit(limit)
        .load(conn)
}
