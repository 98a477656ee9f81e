//! Running a query. Visibility is part of the SQL (the reader's categories,
//! hidden and deleted posts, merged ideas), so pages, counts and snippets
//! never hold what the reader may not see; no page is filtered afterwards.
//! The engine expression is bound as a parameter; everything else pasted
//! into the SQL is a number or a constant of ours.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use super::query::Query;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::AppError;
use crate::models::users::User;
use crate::models::{accounts, categories, competitors};

/// What a search may be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Thread,
    Post,
    Idea,
    Account,
    Competitor,
}

impl DocKind {
    pub const ALL: [DocKind; 5] = [
        DocKind::Thread,
        DocKind::Post,
        DocKind::Idea,
        DocKind::Account,
        DocKind::Competitor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Thread => "thread",
            DocKind::Post => "post",
            DocKind::Idea => "idea",
            DocKind::Account => "account",
            DocKind::Competitor => "competitor",
        }
    }

    pub fn parse(s: &str) -> Result<DocKind, AppError> {
        DocKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                AppError::invalid(
                    "invalid_type",
                    "type: thread, post, idea, account or competitor",
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    New,
}

pub const PAGE_SIZE: i64 = 20;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HitAuthor {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hit {
    #[serde(rename = "type")]
    pub kind: DocKind,
    /// The post, idea, account or competitor id.
    pub id: i64,
    pub title: String,
    pub url: String,
    /// Plain text around the first match, escaped, matches in `<mark>`.
    pub snippet_html: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    pub author: Option<HitAuthor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Results {
    pub items: Vec<Hit>,
    pub next_page: Option<i64>,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    ref_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    thread_id: Option<i64>,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<BigInt>)]
    author_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    author_name: Option<String>,
    #[diesel(sql_type = Bool)]
    anonymous: bool,
    #[diesel(sql_type = Nullable<Text>)]
    account_key: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    competitor_slug: Option<String>,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// A candidate's terms, for ranking.
#[derive(QueryableByName)]
pub(super) struct Terms {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub ref_id: i64,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    pub terms_title: String,
    #[diesel(sql_type = Text)]
    pub terms_names: String,
    #[diesel(sql_type = Text)]
    pub terms_tags: String,
    #[diesel(sql_type = Text)]
    pub terms_body: String,
    #[diesel(sql_type = Text)]
    pub terms_exact: String,
}

#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    ref_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    thread_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    category_id: Option<i64>,
}

/// The conditions every search carries, on the document alone: who may see
/// what (its category and hidden state are kept on it; deleted posts and
/// merged ideas have none), and the filters. `None`: a filter names nothing
/// the reader may see (no results).
fn conditions(
    conn: &mut DbConn,
    user: &User,
    q: &Query,
    only: Option<DocKind>,
) -> Result<Option<Vec<String>>, AppError> {
    if !user.active {
        return Ok(None);
    }
    let readable = categories::readable_by(conn, user.role)?;
    let ids: Vec<String> = readable.iter().map(|c| c.id.to_string()).collect();
    let ids = if ids.is_empty() {
        "-1".to_string()
    } else {
        ids.join(",")
    };
    let mut w = vec![format!(
        "(d.kind IN ('account', 'competitor') OR d.category_id IN ({ids}))"
    )];
    if !authz::allows(user, Action::Moderate) {
        w.push("d.hidden = FALSE".to_string());
    }
    if let Some(k) = only {
        w.push(format!("d.kind = '{}'", k.as_str()));
    }
    let f = &q.filters;
    if let Some(slug) = &f.category {
        let Some(cat) = readable.iter().find(|c| &c.slug == slug) else {
            return Ok(None);
        };
        w.push(format!("d.category_id = {}", cat.id));
    }
    if let Some(kind) = f.kind {
        w.push(format!(
            "d.kind IN ('thread', 'post') AND d.thread_id IN \
             (SELECT id FROM threads WHERE kind = '{}')",
            kind.as_str()
        ));
    }
    if f.tag.is_some() {
        // The tag itself is the query's second parameter.
        w.push(
            "((d.kind IN ('thread', 'post') AND d.thread_id IN \
             (SELECT thread_id FROM thread_tags WHERE tag = {TAG})) OR \
             (d.kind = 'idea' AND d.ref_id IN (SELECT idea_id FROM idea_tags WHERE tag = {TAG})))"
                .to_string(),
        );
    }
    if let Some(key) = &f.account {
        let Some(a) = accounts::find_row(conn, key)? else {
            return Ok(None);
        };
        w.push(linked_to("account", a.id));
    }
    if let Some(slug) = &f.competitor {
        let Some(c) = competitors::find(conn, slug)? else {
            return Ok(None);
        };
        w.push(linked_to("competitor", c.id));
    }
    let day = |d: NaiveDate| d.format("%Y-%m-%d 00:00:00").to_string();
    if let Some(d) = f.after {
        w.push(format!("d.created_at >= '{}'", day(d)));
    }
    if let Some(d) = f.before {
        w.push(format!("d.created_at < '{}'", day(d)));
    }
    Ok(Some(w))
}

/// Rows linked to one account or competitor (`kind`), or that one itself.
fn linked_to(kind: &'static str, id: i64) -> String {
    format!(
        "((d.kind IN ('thread', 'post') AND d.thread_id IN \
         (SELECT thread_id FROM thread_{kind}s WHERE {kind}_id = {id})) OR \
         (d.kind = 'idea' AND d.ref_id IN (SELECT idea_id FROM idea_{kind}s WHERE {kind}_id = {id})) OR \
         (d.kind = '{kind}' AND d.ref_id = {id}))"
    )
}

/// What a page shows of each hit, joined for the page's candidates only.
const JOINS: &str = "LEFT JOIN ideas i ON i.id = d.ref_id AND d.kind = 'idea' \
     LEFT JOIN accounts a ON a.id = d.ref_id AND d.kind = 'account' \
     LEFT JOIN competitors c ON c.id = d.ref_id AND d.kind = 'competitor' \
     LEFT JOIN users u ON u.id = d.author_id";

const COLUMNS: &str = "d.id, d.kind, d.ref_id, d.thread_id, d.title, d.body, d.created_at, \
     d.author_id, u.name AS author_name, COALESCE(i.anonymous, FALSE) AS anonymous, \
     a.external_id AS account_key, c.slug AS competitor_slug";

/// A query's SQL and its bound values, placeholders in text order (`?` on
/// SQLite, `$n` on PostgreSQL).
struct Sql {
    postgres: bool,
    binds: Vec<String>,
}

impl Sql {
    fn param(&mut self, value: String) -> String {
        self.binds.push(value);
        if self.postgres {
            format!("${}", self.binds.len())
        } else {
            "?".to_string()
        }
    }
}

/// How many matches a search considers: the newest this many the reader
/// may see, filters applied. Both engines walk their matches newest first
/// and stop there, so a word found in every post costs this many rows, not
/// the whole index; results, pages and facets are drawn from these (the
/// last page a search reaches is `CANDIDATES / PAGE_SIZE`).
pub const CANDIDATES: i64 = 1000;

/// The candidates' subquery `h`, joined to their documents `d`.
fn candidates(sql: &mut Sql, q: &Query, conditions: &[String], tag: &Option<String>) -> String {
    let wheres = |sql: &mut Sql| {
        let mut out: Vec<String> = Vec::new();
        for c in conditions {
            let mut c = c.clone();
            while c.contains("{TAG}") {
                let p = sql.param(tag.clone().unwrap_or_default());
                c = c.replacen("{TAG}", &p, 1);
            }
            out.push(c);
        }
        out.join(" AND ")
    };
    if sql.postgres {
        let (stemmed, exact) = q.tsqueries();
        let mut matches = Vec::new();
        for (column, query) in [("tsv", stemmed), ("tsv_exact", exact)] {
            if let Some(text) = query {
                let p = sql.param(text);
                matches.push(format!("d.{column} @@ to_tsquery('simple', {p})"));
            }
        }
        let wheres = wheres(sql);
        format!(
            "(SELECT d.id AS id FROM search_docs d WHERE {} AND {wheres} \
             ORDER BY d.id DESC LIMIT {CANDIDATES}) h JOIN search_docs d ON d.id = h.id",
            matches.join(" AND ")
        )
    } else {
        let p = sql.param(q.fts5());
        let wheres = wheres(sql);
        // FTS5 alone in its query yields its matches by rowid, newest first,
        // and stops at the cut (joined, it would list every match first);
        // each match's document is checked by a lookup on its id.
        format!(
            "(SELECT rowid AS id FROM search_fts \
             WHERE search_fts MATCH {p} AND \
             EXISTS (SELECT 1 FROM search_docs d WHERE d.id = search_fts.rowid AND {wheres}) \
             ORDER BY rowid DESC LIMIT {CANDIDATES}) h \
             JOIN search_docs d ON d.id = h.id"
        )
    }
}

fn load<R>(conn: &mut DbConn, text: String, binds: Vec<String>) -> QueryResult<Vec<R>>
where
    R: diesel::QueryableByName<diesel::sqlite::Sqlite>
        + diesel::QueryableByName<diesel::pg::Pg>
        + 'static,
{
    match conn {
        DbConn::Sqlite(c) => {
            let mut query = diesel::sql_query(text).into_boxed::<diesel::sqlite::Sqlite>();
            for b in binds {
                query = query.bind::<Text, _>(b);
            }
            query.load::<R>(c)
        }
        DbConn::Postgres(c) => {
            let mut query = diesel::sql_query(text).into_boxed::<diesel::pg::Pg>();
            for b in binds {
                query = query.bind::<Text, _>(b);
            }
            query.load::<R>(c)
        }
    }
}

fn normal_tag(q: &Query) -> Result<Option<String>, AppError> {
    match &q.filters.tag {
        None => Ok(None),
        Some(t) => Ok(crate::domain::Tags::parse(&[t])
            .map_err(|e| AppError::invalid("invalid_query", format!("tag: {e}")))?
            .as_slice()
            .first()
            .cloned()),
    }
}

/// One page of results, best first (or newest first).
pub fn find(
    conn: &mut DbConn,
    user: &User,
    q: &Query,
    only: Option<DocKind>,
    sort: Sort,
    page: i64,
) -> Result<Results, AppError> {
    let page = crate::text_guard::page_number(Some(page));
    let none = Results {
        items: Vec::new(),
        next_page: None,
    };
    if (page - 1) * PAGE_SIZE >= CANDIDATES {
        return Ok(none);
    }
    let Some(conds) = conditions(conn, user, q, only)? else {
        return Ok(none);
    };
    let tag = normal_tag(q)?;
    let mut sql = Sql {
        postgres: matches!(conn, DbConn::Postgres(_)),
        binds: Vec::new(),
    };
    let from = candidates(&mut sql, q, &conds, &tag);
    let skip = ((page - 1) * PAGE_SIZE) as usize;
    let ids: Vec<i64> = match sort {
        Sort::New => {
            let text = format!(
                "SELECT d.id AS id FROM {from} ORDER BY d.created_at DESC, d.id DESC \
                 LIMIT {} OFFSET {skip}",
                PAGE_SIZE + 1
            );
            load::<Id>(conn, text, sql.binds)?
                .into_iter()
                .map(|r| r.id)
                .collect()
        }
        Sort::Relevance => ranked(conn, sql, q, &from)?
            .into_iter()
            .skip(skip)
            .take(PAGE_SIZE as usize + 1)
            .map(|t| t.id)
            .collect(),
    };
    let mut rows: Vec<Row> = if ids.is_empty() {
        Vec::new()
    } else {
        let list = ids
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        load(
            conn,
            format!("SELECT {COLUMNS} FROM search_docs d {JOINS} WHERE d.id IN ({list})"),
            Vec::new(),
        )?
    };
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    let more = rows.len() as i64 > PAGE_SIZE && page * PAGE_SIZE < CANDIDATES;
    rows.truncate(PAGE_SIZE as usize);
    let admin = user.role == Role::Admin;
    let items = rows.into_iter().filter_map(|r| hit(r, q, admin)).collect();
    Ok(Results {
        items,
        next_page: more.then_some(page + 1),
    })
}

/// How many of a search's candidates fall in each group, largest first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// (type, count), in `DocKind::ALL` order.
    pub types: Vec<(String, i64)>,
    /// (category id, count).
    pub categories: Vec<(i64, i64)>,
    /// (thread kind, count).
    pub kinds: Vec<(String, i64)>,
    /// (external id, name, count), the most frequent first.
    pub accounts: Vec<(String, String, i64)>,
    /// (slug, name, count), the most frequent first.
    pub competitors: Vec<(String, String, i64)>,
}

/// A facet's groups, the largest first (then by key).
fn count<K: Ord>(map: std::collections::HashMap<K, i64>) -> Vec<(K, i64)> {
    let mut v: Vec<(K, i64)> = map.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// How many accounts and competitors a facet lists.
const FACET_NAMES: usize = 8;

/// Counts over the candidates the reader may see (the same set `find`
/// pages through), grouped by type, category, kind, account, competitor.
pub fn facets(conn: &mut DbConn, user: &User, q: &Query) -> Result<Facets, AppError> {
    use crate::db::schema::{
        accounts as acc, competitors as comp, idea_accounts, idea_competitors, thread_accounts,
        thread_competitors, threads,
    };
    use std::collections::HashMap;
    let Some(conds) = conditions(conn, user, q, None)? else {
        return Ok(Facets::default());
    };
    let tag = normal_tag(q)?;
    let mut sql = Sql {
        postgres: matches!(conn, DbConn::Postgres(_)),
        binds: Vec::new(),
    };
    let from = candidates(&mut sql, q, &conds, &tag);
    let text = format!(
        "SELECT d.kind AS kind, d.ref_id AS ref_id, d.thread_id AS thread_id, \
         d.category_id AS category_id FROM {from}"
    );
    let found: Vec<Candidate> = load(conn, text, sql.binds)?;
    let mut out = Facets::default();
    let mut types: HashMap<String, i64> = HashMap::new();
    let mut cats: HashMap<i64, i64> = HashMap::new();
    // Documents per thread (threads and replies) and per idea.
    let mut per_thread: HashMap<i64, i64> = HashMap::new();
    let mut ideas: Vec<i64> = Vec::new();
    // An account or competitor found itself counts under its own name, as
    // its filter finds it too.
    let (mut own_accounts, mut own_competitors) = (Vec::new(), Vec::new());
    for c in &found {
        *types.entry(c.kind.clone()).or_default() += 1;
        if let Some(cat) = c.category_id {
            *cats.entry(cat).or_default() += 1;
        }
        match (c.kind.as_str(), c.thread_id) {
            ("thread" | "post", Some(t)) => *per_thread.entry(t).or_default() += 1,
            ("idea", _) => ideas.push(c.ref_id),
            ("account", _) => own_accounts.push(c.ref_id),
            ("competitor", _) => own_competitors.push(c.ref_id),
            _ => {}
        }
    }
    let order = |k: &str| DocKind::ALL.iter().position(|d| d.as_str() == k);
    out.types = types.into_iter().collect();
    out.types.sort_by_key(|t| order(&t.0));
    out.categories = count(cats);
    let thread_ids: Vec<i64> = per_thread.keys().copied().collect();
    let mut kinds: HashMap<String, i64> = HashMap::new();
    let mut account_n: HashMap<(String, String), i64> = HashMap::new();
    let mut competitor_n: HashMap<(String, String), i64> = HashMap::new();
    for chunk in thread_ids.chunks(500) {
        for (t, kind) in threads::table
            .filter(threads::id.eq_any(chunk))
            .select((threads::id, threads::kind))
            .load::<(i64, String)>(conn)?
        {
            *kinds.entry(kind).or_default() += per_thread[&t];
        }
        for (t, key, name) in thread_accounts::table
            .inner_join(acc::table)
            .filter(thread_accounts::thread_id.eq_any(chunk))
            .select((thread_accounts::thread_id, acc::external_id, acc::name))
            .load::<(i64, String, String)>(conn)?
        {
            *account_n.entry((key, name)).or_default() += per_thread[&t];
        }
        for (t, slug, name) in thread_competitors::table
            .inner_join(comp::table)
            .filter(thread_competitors::thread_id.eq_any(chunk))
            .select((thread_competitors::thread_id, comp::slug, comp::name))
            .load::<(i64, String, String)>(conn)?
        {
            *competitor_n.entry((slug, name)).or_default() += per_thread[&t];
        }
    }
    for chunk in ideas.chunks(500) {
        for (key, name) in idea_accounts::table
            .inner_join(acc::table)
            .filter(idea_accounts::idea_id.eq_any(chunk))
            .select((acc::external_id, acc::name))
            .load::<(String, String)>(conn)?
        {
            *account_n.entry((key, name)).or_default() += 1;
        }
        for (slug, name) in idea_competitors::table
            .inner_join(comp::table)
            .filter(idea_competitors::idea_id.eq_any(chunk))
            .select((comp::slug, comp::name))
            .load::<(String, String)>(conn)?
        {
            *competitor_n.entry((slug, name)).or_default() += 1;
        }
    }
    for chunk in own_accounts.chunks(500) {
        for key_name in acc::table
            .filter(acc::id.eq_any(chunk))
            .select((acc::external_id, acc::name))
            .load::<(String, String)>(conn)?
        {
            *account_n.entry(key_name).or_default() += 1;
        }
    }
    for chunk in own_competitors.chunks(500) {
        for slug_name in comp::table
            .filter(comp::id.eq_any(chunk))
            .select((comp::slug, comp::name))
            .load::<(String, String)>(conn)?
        {
            *competitor_n.entry(slug_name).or_default() += 1;
        }
    }
    out.kinds = count(kinds);
    let named = |map: HashMap<(String, String), i64>| {
        count(map)
            .into_iter()
            .take(FACET_NAMES)
            .map(|((key, name), n)| (key, name, n))
            .collect::<Vec<_>>()
    };
    out.accounts = named(account_n);
    out.competitors = named(competitor_n);
    Ok(out)
}

/// Type-ahead of accounts or competitors from the same index: those with
/// a word starting with each word typed (folded as everywhere, so `hop`
/// finds `Hôpital` and `acme-1` finds `ACME-1`), best first, then by name.
/// `None` when nothing was typed; none found when no word was.
pub fn names(
    conn: &mut DbConn,
    kind: DocKind,
    typed: &str,
    limit: i64,
) -> Result<Option<Vec<i64>>, AppError> {
    use super::query::{Term, MAX_TERMS};
    let mut required: Vec<Term> = Vec::new();
    for word in super::text::words(typed).take(MAX_TERMS) {
        let term = Term::Prefix(super::text::fold(word));
        if !required.contains(&term) {
            required.push(term);
        }
    }
    if typed.trim().is_empty() {
        return Ok(None);
    }
    if required.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let q = Query {
        required,
        ..Default::default()
    };
    let mut sql = Sql {
        postgres: matches!(conn, DbConn::Postgres(_)),
        binds: Vec::new(),
    };
    let conds = [format!("d.kind = '{}'", kind.as_str())];
    let from = candidates(&mut sql, &q, &conds, &None);
    let limit = limit.clamp(1, PAGE_SIZE * 5) as usize;
    Ok(Some(
        ranked(conn, sql, &q, &from)?
            .into_iter()
            .take(limit)
            .map(|t| t.ref_id)
            .collect(),
    ))
}

/// Every candidate, best first (`search::rank`).
fn ranked(conn: &mut DbConn, sql: Sql, q: &Query, from: &str) -> Result<Vec<Terms>, AppError> {
    let text = format!(
        "SELECT d.id AS id, d.ref_id AS ref_id, d.created_at AS created_at, \
         d.terms_title AS terms_title, d.terms_names AS terms_names, \
         d.terms_tags AS terms_tags, d.terms_body AS terms_body, \
         d.terms_exact AS terms_exact FROM {from}"
    );
    let found: Vec<Terms> = load(conn, text, sql.binds)?;
    Ok(super::rank::best(q, found))
}

fn hit(r: Row, q: &Query, admin: bool) -> Option<Hit> {
    let kind = DocKind::parse(&r.kind).ok()?;
    let url = match kind {
        DocKind::Thread | DocKind::Post => {
            format!("/t/{}#p{}", r.thread_id.unwrap_or_default(), r.ref_id)
        }
        DocKind::Idea => format!("/ideas/{}", r.ref_id),
        DocKind::Account => format!("/accounts/{}", r.account_key.clone().unwrap_or_default()),
        DocKind::Competitor => format!(
            "/competitors/{}",
            r.competitor_slug.clone().unwrap_or_default()
        ),
    };
    // Anonymous ideas name their author to admins only, as everywhere.
    let author = match (r.author_id, r.author_name) {
        (Some(id), Some(name)) if !r.anonymous || admin => Some(HitAuthor { id, name }),
        _ => None,
    };
    Some(Hit {
        kind,
        id: r.ref_id,
        snippet_html: snippet(&r.body, &|w| q.marks(w)),
        title: r.title,
        url,
        created_at: r.created_at,
        author,
        thread_id: matches!(kind, DocKind::Thread | DocKind::Post | DocKind::Idea)
            .then_some(r.thread_id)
            .flatten(),
    })
}

/// Words shown around the first match.
const SNIPPET_WORDS: usize = 30;

/// Plain text around the first matching word, HTML-escaped, every match in
/// `<mark>`: built from the stored plain text, never from stored HTML.
pub fn snippet(body: &str, hits: &dyn Fn(&str) -> bool) -> String {
    // Words with their byte spans, in order.
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in body.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, body.len()));
    }
    let first = spans
        .iter()
        .position(|&(s, e)| hits(&body[s..e]))
        .unwrap_or(0);
    let from = first.saturating_sub(8);
    let to = (from + SNIPPET_WORDS).min(spans.len());
    if spans.is_empty() {
        return tera::escape_html(body);
    }
    let mut out = String::new();
    let mut pos = if from == 0 { 0 } else { spans[from].0 };
    if from > 0 {
        out.push('…');
    }
    for &(s, e) in &spans[from..to] {
        out.push_str(&tera::escape_html(&body[pos..s]));
        let word = &body[s..e];
        if hits(word) {
            out.push_str("<mark>");
            out.push_str(&tera::escape_html(word));
            out.push_str("</mark>");
        } else {
            out.push_str(&tera::escape_html(word));
        }
        pos = e;
    }
    if to < spans.len() {
        out.push('…');
    } else {
        out.push_str(&tera::escape_html(&body[pos..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_matches_and_escape_the_rest() {
        let q = crate::search::parse("prix remis*").unwrap();
        let marks = |w: &str| q.marks(w);
        let s = snippet(
            "<b>RivalCo</b> a baissé ses Prix & offre des remises.",
            &marks,
        );
        assert_eq!(
            s,
            "&lt;b&gt;RivalCo&lt;&#x2F;b&gt; a baissé ses <mark>Prix</mark> &amp; offre des <mark>remises</mark>."
        );
        let long: String = (0..100).map(|i| format!("w{i} ")).collect::<String>() + "prix fin";
        let s = snippet(&long, &marks);
        assert!(s.starts_with('…') && s.contains("<mark>prix</mark>"), "{s}");
    }
}
