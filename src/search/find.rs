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
struct Count {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    category_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The conditions every search carries: who may see what, and the
/// filters. `None`: a filter names nothing the reader may see (no results).
fn conditions(
    conn: &mut DbConn,
    user: &User,
    q: &Query,
    only: Option<DocKind>,
) -> Result<Option<Vec<String>>, AppError> {
    let readable = categories::readable_by(conn, user.role)?;
    let moderator = authz::allows(user, Action::Moderate);
    let ids: Vec<String> = readable.iter().map(|c| c.id.to_string()).collect();
    let ids = if ids.is_empty() {
        "-1".to_string()
    } else {
        ids.join(",")
    };
    let (hidden_thread, hidden_post) = if moderator {
        ("", "")
    } else {
        (" AND t.hidden = FALSE", " AND p.hidden = FALSE")
    };
    let mut w = vec![
        format!(
            "(d.kind IN ('account', 'competitor') OR (t.category_id IN ({ids}){hidden_thread}))"
        ),
        format!("(d.kind NOT IN ('thread', 'post') OR (p.deleted = FALSE{hidden_post}))"),
        "(d.kind <> 'idea' OR i.merged_into IS NULL)".to_string(),
    ];
    if !user.active {
        return Ok(None);
    }
    if let Some(k) = only {
        w.push(format!("d.kind = '{}'", k.as_str()));
    }
    let f = &q.filters;
    if let Some(slug) = &f.category {
        let Some(cat) = readable.iter().find(|c| &c.slug == slug) else {
            return Ok(None);
        };
        w.push(format!(
            "d.kind IN ('thread', 'post', 'idea') AND t.category_id = {}",
            cat.id
        ));
    }
    if let Some(kind) = f.kind {
        w.push(format!(
            "d.kind IN ('thread', 'post') AND t.kind = '{}'",
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

const JOINS: &str = "LEFT JOIN threads t ON t.id = d.thread_id \
     LEFT JOIN posts p ON p.id = d.ref_id AND d.kind IN ('thread', 'post') \
     LEFT JOIN ideas i ON i.id = d.ref_id AND d.kind = 'idea' \
     LEFT JOIN accounts a ON a.id = d.ref_id AND d.kind = 'account' \
     LEFT JOIN competitors c ON c.id = d.ref_id AND d.kind = 'competitor' \
     LEFT JOIN users u ON u.id = d.author_id";

const COLUMNS: &str = "d.kind, d.ref_id, d.thread_id, d.title, d.body, d.created_at, \
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

/// How many of the engine's best matches a relevance search considers:
/// ranking is the engine's work alone, and only these few are joined for
/// visibility and filters. A word found everywhere then costs its ranking,
/// not a join per match. Results, pages and facets are drawn from these.
pub const CANDIDATES: i64 = 2000;

/// What the engine's part of a query computes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rank {
    /// The best `CANDIDATES` matches only, scored.
    Cut,
    /// Every match, scored.
    All,
    /// Every match, unscored (sorted by date).
    Unscored,
}

/// `FROM … WHERE …` for this backend, the score as `h.score` on SQLite and
/// `d.score` on PostgreSQL (lower is better).
fn from_where(
    sql: &mut Sql,
    q: &Query,
    conditions: &[String],
    tag: &Option<String>,
    rank: Rank,
) -> String {
    let ranked = rank != Rank::Unscored;
    let cut = if rank == Rank::Cut {
        format!("ORDER BY score LIMIT {CANDIDATES}")
    } else {
        String::new()
    };
    let from = if sql.postgres {
        let (stemmed, exact) = q.tsqueries();
        let mut matches = Vec::new();
        let mut scores = Vec::new();
        if let Some(s) = stemmed {
            let p = sql.param(s);
            matches.push(format!("tsv @@ to_tsquery('simple', {p})"));
            // Normalised by length (2), as bm25 is on SQLite: the same order.
            scores.push(format!("ts_rank(tsv, to_tsquery('simple', {p}), 2)"));
        }
        if let Some(e) = exact {
            let p = sql.param(e);
            matches.push(format!("tsv_exact @@ to_tsquery('simple', {p})"));
            scores.push(format!("ts_rank(tsv_exact, to_tsquery('simple', {p}), 2)"));
        }
        let score = if ranked {
            format!("-({})", scores.join(" + "))
        } else {
            "0".to_string()
        };
        // One pass over the documents: the subquery is the row itself.
        format!(
            "FROM (SELECT search_docs.*, {score} AS score FROM search_docs WHERE {} {cut}) d",
            matches.join(" AND ")
        )
    } else {
        let p = sql.param(q.fts5());
        let score = if ranked {
            "bm25(search_fts, 10.0, 5.0, 2.0, 1.0, 1.0)"
        } else {
            "0"
        };
        format!(
            "FROM (SELECT rowid AS id, {score} AS score FROM search_fts \
             WHERE search_fts MATCH {p} {cut}) h JOIN search_docs d ON d.id = h.id"
        )
    };
    let mut wheres: Vec<String> = Vec::new();
    for c in conditions {
        let mut c = c.clone();
        while c.contains("{TAG}") {
            let p = sql.param(tag.clone().unwrap_or_default());
            c = c.replacen("{TAG}", &p, 1);
        }
        wheres.push(c);
    }
    format!("{from} {JOINS} WHERE {}", wheres.join(" AND "))
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

/// Relevance searches without filters rank the engine's best candidates
/// only; a filter may keep few of those, so filtered searches (and those
/// sorted by date) consider every match.
fn rank_for(q: &Query, only: Option<DocKind>, sort: Sort) -> Rank {
    match sort {
        Sort::New => Rank::Unscored,
        Sort::Relevance if only.is_none() && q.filters == Default::default() => Rank::Cut,
        Sort::Relevance => Rank::All,
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
    let Some(conds) = conditions(conn, user, q, only)? else {
        return Ok(Results {
            items: Vec::new(),
            next_page: None,
        });
    };
    let tag = normal_tag(q)?;
    let mut sql = Sql {
        postgres: matches!(conn, DbConn::Postgres(_)),
        binds: Vec::new(),
    };
    let body = from_where(&mut sql, q, &conds, &tag, rank_for(q, only, sort));
    let order = match sort {
        Sort::New => "d.created_at DESC, d.id DESC",
        Sort::Relevance if sql.postgres => "d.score, d.created_at DESC, d.id DESC",
        Sort::Relevance => "h.score, d.created_at DESC, d.id DESC",
    };
    let text = format!(
        "SELECT {COLUMNS} {body} ORDER BY {order} LIMIT {} OFFSET {}",
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE
    );
    let mut rows: Vec<Row> = load(conn, text, sql.binds)?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let admin = user.role == Role::Admin;
    let items = rows.into_iter().filter_map(|r| hit(r, q, admin)).collect();
    Ok(Results {
        items,
        next_page: more.then_some(page + 1),
    })
}

/// How many results of each type and in each category the reader may see.
pub fn facets(
    conn: &mut DbConn,
    user: &User,
    q: &Query,
) -> Result<Vec<(String, Option<i64>, i64)>, AppError> {
    let Some(conds) = conditions(conn, user, q, None)? else {
        return Ok(Vec::new());
    };
    let tag = normal_tag(q)?;
    let mut sql = Sql {
        postgres: matches!(conn, DbConn::Postgres(_)),
        binds: Vec::new(),
    };
    let body = from_where(
        &mut sql,
        q,
        &conds,
        &tag,
        rank_for(q, None, Sort::Relevance),
    );
    let text = format!(
        "SELECT d.kind AS kind, t.category_id AS category_id, COUNT(*) AS n {body} \
         GROUP BY d.kind, t.category_id"
    );
    let counts: Vec<Count> = load(conn, text, sql.binds)?;
    Ok(counts
        .into_iter()
        .map(|c| (c.kind, c.category_id, c.n))
        .collect())
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
