use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{post_revisions, posts, users};
use crate::db::{now, DbConn};

/// Width of one segment of a materialized path: enough for any id we hand out.
const SEGMENT: usize = 12;

pub fn segment(id: i64) -> String {
    format!("{id:0SEGMENT$}")
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = posts)]
pub struct PostRow {
    pub id: i64,
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub path: String,
    pub depth: i32,
    pub body: String,
    pub body_html: String,
    pub deleted: bool,
    pub hidden: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub edited_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<PostRow>> {
    posts::table
        .find(id)
        .select(PostRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a post under `parent` (none: the opening post) and sets its path,
/// inside the caller's transaction.
pub fn insert(
    conn: &mut DbConn,
    thread_id: i64,
    parent: Option<&PostRow>,
    author_id: i64,
    body: &str,
    body_html: &str,
) -> QueryResult<PostRow> {
    let row: PostRow = diesel::insert_into(posts::table)
        .values((
            posts::thread_id.eq(thread_id),
            posts::parent_id.eq(parent.map(|p| p.id)),
            posts::author_id.eq(author_id),
            posts::path.eq(""),
            posts::depth.eq(parent.map_or(0, |p| p.depth + 1)),
            posts::body.eq(body),
            posts::body_html.eq(body_html),
            posts::created_at.eq(now()),
        ))
        .get_result(conn)?;
    let path = match parent {
        Some(p) => format!("{}.{}", p.path, segment(row.id)),
        None => segment(row.id),
    };
    diesel::update(posts::table.find(row.id))
        .set(posts::path.eq(&path))
        .execute(conn)?;
    Ok(PostRow { path, ..row })
}

/// A post with its author's name, as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub post: PostRow,
    pub author_name: String,
    pub attachments: Vec<crate::uploads::Attachment>,
    /// Written by a marketer or an admin: marketing's answer.
    pub marketing: bool,
    /// Who marked it useful to marketing, oldest mark first.
    pub useful_by: Vec<Marker>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Marker {
    pub id: i64,
    pub name: String,
}

/// Who marked each of these posts useful (names, oldest mark first); one
/// query. `thread`: every post of that thread instead.
pub fn marks_of(
    conn: &mut DbConn,
    thread: Option<i64>,
    ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, Vec<Marker>>> {
    use crate::db::schema::post_marks;
    let mut q = post_marks::table
        .inner_join(posts::table)
        .inner_join(users::table.on(users::id.eq(post_marks::marker_id)))
        .select((post_marks::post_id, users::id, users::name))
        .order((post_marks::created_at, post_marks::marker_id))
        .into_boxed();
    q = match thread {
        Some(t) => q.filter(posts::thread_id.eq(t)),
        None => q.filter(post_marks::post_id.eq_any(ids.to_vec())),
    };
    let mut out: std::collections::HashMap<i64, Vec<Marker>> = Default::default();
    for (post, id, name) in q.load::<(i64, i64, String)>(conn)? {
        out.entry(post).or_default().push(Marker { id, name });
    }
    Ok(out)
}

/// One post as readers get it, with its files and marks.
pub fn view_of(conn: &mut DbConn, post: PostRow) -> QueryResult<PostView> {
    let (author_name, role): (String, String) = users::table
        .find(post.author_id)
        .select((users::name, users::role))
        .first(conn)?;
    let attachments = crate::uploads::of_post(conn, post.id)?;
    let useful_by = marks_of(conn, None, &[post.id])?
        .remove(&post.id)
        .unwrap_or_default();
    Ok(PostView {
        marketing: is_marketing(&role),
        post,
        author_name,
        attachments,
        useful_by,
    })
}

fn is_marketing(role: &str) -> bool {
    matches!(role, "marketer" | "admin")
}

/// Every post of a thread in tree order (by path), in one query.
pub fn of_thread(conn: &mut DbConn, thread_id: i64) -> QueryResult<Vec<PostView>> {
    let rows: Vec<(PostRow, String, String)> = posts::table
        .inner_join(users::table)
        .filter(posts::thread_id.eq(thread_id))
        .order(posts::path.asc())
        .select((PostRow::as_select(), users::name, users::role))
        .load(conn)?;
    let mut files = crate::uploads::of_thread(conn, thread_id)?;
    let mut marks = marks_of(conn, Some(thread_id), &[])?;
    Ok(rows
        .into_iter()
        .map(|(post, author_name, role)| PostView {
            attachments: files.remove(&post.id).unwrap_or_default(),
            useful_by: marks.remove(&post.id).unwrap_or_default(),
            marketing: is_marketing(&role),
            post,
            author_name,
        })
        .collect())
}

/// The opening post of a thread.
pub fn opening(conn: &mut DbConn, thread_id: i64) -> QueryResult<Option<PostRow>> {
    posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::parent_id.is_null())
        .select(PostRow::as_select())
        .first(conn)
        .optional()
}

/// Replaces the text, keeping the previous one as a revision.
pub fn edit(
    conn: &mut DbConn,
    post: &PostRow,
    editor_id: i64,
    body: &str,
    body_html: &str,
) -> QueryResult<PostRow> {
    let t = now();
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post.id),
            post_revisions::body.eq(&post.body),
            post_revisions::editor_id.eq(editor_id),
            post_revisions::edited_at.eq(t),
        ))
        .execute(conn)?;
    diesel::update(posts::table.find(post.id))
        .set((
            posts::body.eq(body),
            posts::body_html.eq(body_html),
            posts::edited_at.eq(Some(t)),
        ))
        .execute(conn)?;
    Ok(PostRow {
        body: body.to_string(),
        body_html: body_html.to_string(),
        edited_at: Some(t),
        ..post.clone()
    })
}

pub fn set_deleted(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(posts::table.find(id))
        .set(posts::deleted.eq(true))
        .execute(conn)
        .map(|_| ())
}

pub fn set_hidden(conn: &mut DbConn, id: i64, hidden: bool) -> QueryResult<()> {
    diesel::update(posts::table.find(id))
        .set(posts::hidden.eq(hidden))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Revision {
    /// The text as it was before this edit.
    pub body: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub edited_at: NaiveDateTime,
    pub editor: String,
}

/// Earlier texts of a post, newest first.
pub fn revisions(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<Revision>> {
    post_revisions::table
        .inner_join(users::table)
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::id.desc())
        .select((post_revisions::body, post_revisions::edited_at, users::name))
        .load(conn)
}
