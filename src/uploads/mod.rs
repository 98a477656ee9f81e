//! Attachments: files received (`receive`), judged by their bytes, made
//! safe (`picture`, `document`), kept in a content-addressed store
//! (`store`), attached to one post or idea, and served only to who may read
//! it (`readable`).

pub mod document;
pub mod form;
pub mod picture;
pub mod receive;
pub mod store;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use image::ImageFormat;
use serde::Serialize;

use crate::db::schema::uploads;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::users::User;
use store::BlobStore;

/// At most this many files on one post or idea.
pub const MAX_PER_POST: usize = 10;
/// Unattached uploads older than this are removed.
pub const UNATTACHED_TTL: chrono::TimeDelta = chrono::TimeDelta::days(1);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = uploads)]
pub struct UploadRow {
    pub id: i64,
    pub owner_id: i64,
    pub kind: String,
    pub content_type: String,
    pub name: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub hash: String,
    pub thumb_hash: String,
    pub thumb_type: String,
    pub post_id: Option<i64>,
    pub idea_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// An upload as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    /// `image` or `document`.
    pub kind: String,
    pub content_type: String,
    pub name: String,
    /// Bytes, as stored and served.
    pub size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    pub url: String,
    pub thumbnail_url: String,
}

impl From<&UploadRow> for Attachment {
    fn from(r: &UploadRow) -> Self {
        Attachment {
            id: r.id,
            kind: r.kind.clone(),
            content_type: r.content_type.clone(),
            name: r.name.clone(),
            size: r.size,
            width: r.width,
            height: r.height,
            url: format!("/files/{}", r.id),
            thumbnail_url: format!("/files/{}/thumbnail", r.id),
        }
    }
}

/// What a file is, judged from its first bytes.
enum Sniffed {
    Image(ImageFormat),
    Pdf,
}

fn sniff(bytes: &[u8]) -> Result<Sniffed, AppError> {
    let mime = infer::get(bytes).map(|t| t.mime_type());
    match mime {
        Some("image/jpeg") => Ok(Sniffed::Image(ImageFormat::Jpeg)),
        Some("image/png") => Ok(Sniffed::Image(ImageFormat::Png)),
        Some("image/webp") => Ok(Sniffed::Image(ImageFormat::WebP)),
        Some("image/gif") => Ok(Sniffed::Image(ImageFormat::Gif)),
        Some("application/pdf") => Ok(Sniffed::Pdf),
        Some("image/heif" | "image/heic" | "image/avif") => Err(AppError::UnsupportedMediaType(
            "HEIC photos cannot be read here yet: send the photo as JPEG (on an iPhone, \
             Settings › Camera › Formats › Most Compatible)"
                .into(),
        )),
        other => Err(AppError::UnsupportedMediaType(format!(
            "only JPEG, PNG, WebP, GIF and PDF files are accepted{}",
            other
                .map(|m| format!(" (this file is {m})"))
                .unwrap_or_default()
        ))),
    }
}

/// A received file, checked and made ready to keep.
pub struct Prepared {
    kind: &'static str,
    name: String,
    full: Vec<u8>,
    content_type: &'static str,
    size: (Option<i32>, Option<i32>),
    thumb: Vec<u8>,
    thumb_type: &'static str,
    text: String,
}

/// Judges `bytes` and makes them safe: CPU work, for the `Workshop`.
pub fn prepare(bytes: &[u8], name: &str) -> Result<Prepared, AppError> {
    match sniff(bytes)? {
        Sniffed::Image(format) => {
            let pic = picture::process(bytes, format)?;
            let ext = if pic.full.content_type == "image/png" {
                "png"
            } else {
                "jpg"
            };
            Ok(Prepared {
                kind: "image",
                name: file_name(name, "photo", ext),
                size: (Some(pic.full.width as i32), Some(pic.full.height as i32)),
                content_type: pic.full.content_type,
                full: pic.full.bytes,
                thumb_type: pic.thumb.content_type,
                thumb: pic.thumb.bytes,
                text: String::new(),
            })
        }
        Sniffed::Pdf => {
            let read = document::read(bytes, picture::THUMB_SIDE);
            let drawn = read
                .first_page
                .and_then(|page| picture::thumbnail(page).ok());
            let thumb = drawn.as_ref().unwrap_or_else(|| picture::document_icon());
            Ok(Prepared {
                kind: "document",
                name: file_name(name, "document", "pdf"),
                size: (None, None),
                content_type: "application/pdf",
                full: bytes.to_vec(),
                thumb: thumb.bytes.clone(),
                thumb_type: thumb.content_type,
                text: read.text,
            })
        }
    }
}

/// A safe display name: no folders, no control characters, at most 120
/// characters, with the extension of what is stored.
fn file_name(sent: &str, fallback: &str, ext: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = match base.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s,
        _ => base,
    };
    let stem: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    let stem = stem.trim();
    format!("{}.{ext}", if stem.is_empty() { fallback } else { stem })
}

/// Keeps a prepared file for `owner`, unattached.
pub fn save(
    conn: &mut DbConn,
    store: &dyn BlobStore,
    owner: &User,
    p: Prepared,
) -> Result<UploadRow, AppError> {
    let hash = store::address(&p.full);
    let thumb_hash = store::address(&p.thumb);
    crate::db::write_tx(conn, |conn| {
        store.put(conn, &hash, &p.full)?;
        store.put(conn, &thumb_hash, &p.thumb)?;
        let id: i64 = diesel::insert_into(uploads::table)
            .values((
                uploads::owner_id.eq(owner.id),
                uploads::kind.eq(p.kind),
                uploads::content_type.eq(p.content_type),
                uploads::name.eq(&p.name),
                uploads::size.eq(p.full.len() as i64),
                uploads::width.eq(p.size.0),
                uploads::height.eq(p.size.1),
                uploads::hash.eq(&hash),
                uploads::thumb_hash.eq(&thumb_hash),
                uploads::thumb_type.eq(p.thumb_type),
                uploads::text.eq(&p.text),
                uploads::created_at.eq(crate::db::now()),
            ))
            .returning(uploads::id)
            .get_result(conn)?;
        Ok(uploads::table
            .find(id)
            .select(UploadRow::as_select())
            .first(conn)?)
    })
}

/// What a set of uploads is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Post(i64),
    Idea(i64),
}

/// Parses the ids a writer sent: at most `MAX_PER_POST`, each once.
pub fn parse_ids(ids: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.len() > MAX_PER_POST {
        return Err(AppError::invalid(
            "too_many_attachments",
            format!("attachments: at most {MAX_PER_POST} files on one post"),
        ));
    }
    Ok(out)
}

/// Attaches the writer's own unattached uploads, inside the writer's
/// transaction; any other id refuses the whole write.
pub fn attach(conn: &mut DbConn, owner: &User, ids: &[i64], to: Target) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let own: Vec<i64> = uploads::table
        .filter(uploads::id.eq_any(ids))
        .filter(uploads::owner_id.eq(owner.id))
        .filter(uploads::post_id.is_null())
        .filter(uploads::idea_id.is_null())
        .select(uploads::id)
        .load(conn)?;
    let foreign: Vec<String> = ids
        .iter()
        .filter(|id| !own.contains(id))
        .map(|id| id.to_string())
        .collect();
    if !foreign.is_empty() {
        return Err(AppError::invalid(
            "unknown_upload",
            format!(
                "attachments: {} not among your unattached uploads",
                foreign.join(", ")
            ),
        ));
    }
    let rows = uploads::table.filter(uploads::id.eq_any(ids));
    match to {
        Target::Post(id) => diesel::update(rows)
            .set(uploads::post_id.eq(id))
            .execute(conn)?,
        Target::Idea(id) => diesel::update(rows)
            .set(uploads::idea_id.eq(id))
            .execute(conn)?,
    };
    Ok(())
}

/// The attachments of some posts, in upload order, in one query.
pub fn of_posts(conn: &mut DbConn, post_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<Attachment>>> {
    let mut out: HashMap<i64, Vec<Attachment>> = HashMap::new();
    if post_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<UploadRow> = uploads::table
        .filter(uploads::post_id.eq_any(post_ids))
        .order(uploads::id.asc())
        .select(UploadRow::as_select())
        .load(conn)?;
    out.extend(by_post(rows));
    Ok(out)
}

/// The attachments of one post.
pub fn of_post(conn: &mut DbConn, post_id: i64) -> QueryResult<Vec<Attachment>> {
    Ok(of_posts(conn, &[post_id])?
        .remove(&post_id)
        .unwrap_or_default())
}

/// Rows grouped by the post they are attached to, in their order.
fn by_post(rows: Vec<UploadRow>) -> HashMap<i64, Vec<Attachment>> {
    let mut out: HashMap<i64, Vec<Attachment>> = HashMap::new();
    for r in &rows {
        if let Some(p) = r.post_id {
            out.entry(p).or_default().push(Attachment::from(r));
        }
    }
    out
}

/// The attachments of every post of a thread, in one query.
pub fn of_thread(conn: &mut DbConn, thread_id: i64) -> QueryResult<HashMap<i64, Vec<Attachment>>> {
    use crate::db::schema::posts;
    let rows: Vec<UploadRow> = uploads::table
        .inner_join(posts::table)
        .filter(posts::thread_id.eq(thread_id))
        .order(uploads::id.asc())
        .select(UploadRow::as_select())
        .load(conn)?;
    Ok(by_post(rows))
}

/// The first photo of each thread's opening post, when that post is
/// neither hidden nor deleted (digests show it).
pub fn first_photos(conn: &mut DbConn, thread_ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    use crate::db::schema::posts;
    let rows: Vec<(i64, i64)> = uploads::table
        .inner_join(posts::table)
        .filter(posts::thread_id.eq_any(thread_ids))
        .filter(posts::parent_id.is_null())
        .filter(posts::deleted.eq(false))
        .filter(posts::hidden.eq(false))
        .filter(uploads::kind.eq("image"))
        .order(uploads::id.desc())
        .select((posts::thread_id, uploads::id))
        .load(conn)?;
    // Newest first, so the first photo is the one left.
    Ok(rows.into_iter().collect())
}

/// The attachments of an idea.
pub fn of_idea(conn: &mut DbConn, idea_id: i64) -> QueryResult<Vec<Attachment>> {
    let rows: Vec<UploadRow> = uploads::table
        .filter(uploads::idea_id.eq(idea_id))
        .order(uploads::id.asc())
        .select(UploadRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(Attachment::from).collect())
}

/// The text of some posts' documents, for search, in one query.
pub fn texts_of_posts(conn: &mut DbConn, post_ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows = uploads::table
        .filter(uploads::post_id.eq_any(post_ids))
        .filter(uploads::text.ne(""))
        .order(uploads::id.asc())
        .select((uploads::post_id, uploads::text))
        .load(conn)?;
    Ok(joined(rows))
}

/// The text of some ideas' documents, for search, in one query.
pub fn texts_of_ideas(conn: &mut DbConn, idea_ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows = uploads::table
        .filter(uploads::idea_id.eq_any(idea_ids))
        .filter(uploads::text.ne(""))
        .order(uploads::id.asc())
        .select((uploads::idea_id, uploads::text))
        .load(conn)?;
    Ok(joined(rows))
}

/// Texts joined by what they belong to.
fn joined(rows: Vec<(Option<i64>, String)>) -> HashMap<i64, String> {
    let mut out: HashMap<i64, String> = HashMap::new();
    for (owner, text) in rows {
        if let Some(o) = owner {
            let all = out.entry(o).or_default();
            if !all.is_empty() {
                all.push(' ');
            }
            all.push_str(&text);
        }
    }
    out
}

/// An upload the user may read, or 404: its uploader, and whoever may read
/// the post or idea it is attached to (a deleted post takes its files).
pub fn readable(conn: &mut DbConn, user: &User, id: i64) -> Result<UploadRow, AppError> {
    let row: UploadRow = uploads::table
        .find(id)
        .select(UploadRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if row.owner_id == user.id {
        return Ok(row);
    }
    let through_post = match row.post_id {
        Some(p) => match crate::forum::visible_post(conn, user, p) {
            Ok((post, _, _)) => !post.deleted,
            Err(AppError::NotFound) => false,
            Err(e) => return Err(e),
        },
        None => false,
    };
    let through_idea = match (through_post, row.idea_id) {
        (false, Some(i)) => match crate::ideas::get(conn, user, i) {
            Ok(_) => true,
            Err(AppError::NotFound) => false,
            Err(e) => return Err(e),
        },
        _ => false,
    };
    if through_post || through_idea {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

/// Removes unattached uploads older than `UNATTACHED_TTL`, and the bytes no
/// other upload uses. Returns how many uploads went.
pub fn prune(conn: &mut DbConn, store: &dyn BlobStore) -> Result<usize, AppError> {
    let cutoff = crate::db::now() - UNATTACHED_TTL;
    crate::db::write_tx(conn, |conn| {
        let old: Vec<UploadRow> = uploads::table
            .filter(uploads::post_id.is_null())
            .filter(uploads::idea_id.is_null())
            .filter(uploads::created_at.lt(cutoff))
            .select(UploadRow::as_select())
            .limit(500)
            .load(conn)?;
        if old.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = old.iter().map(|r| r.id).collect();
        diesel::delete(uploads::table.filter(uploads::id.eq_any(&ids))).execute(conn)?;
        let mut hashes: Vec<&str> = old
            .iter()
            .flat_map(|r| [r.hash.as_str(), r.thumb_hash.as_str()])
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        for h in hashes {
            let used: i64 = uploads::table
                .filter(uploads::hash.eq(h).or(uploads::thumb_hash.eq(h)))
                .count()
                .get_result(conn)?;
            if used == 0 {
                store.delete(conn, h)?;
            }
        }
        Ok(old.len())
    })
}

/// The threads that decode, resize and read files: one per core, so memory
/// stays bounded however many uploads arrive together, and the large
/// buffers live and are reused in those few threads alone.
pub struct Workshop {
    pool: rayon_core::ThreadPool,
}

impl Workshop {
    pub fn new() -> Workshop {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = rayon_core::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("uploads-{i}"))
            .build()
            .expect("the upload threads start");
        Workshop { pool }
    }

    /// Runs `work` on one of the threads; a panic is an internal error,
    /// never the end of the process.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.pool.spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
        });
        match rx.await {
            Ok(Ok(out)) => Ok(out),
            _ => Err(AppError::Internal(anyhow::anyhow!("upload work failed"))),
        }
    }
}

impl Default for Workshop {
    fn default() -> Self {
        Workshop::new()
    }
}

/// Checks, prepares and keeps one received file for `owner`.
pub async fn keep(
    state: &actix_web::web::Data<crate::state::AppState>,
    owner: &User,
    file: receive::FilePart,
) -> Result<UploadRow, AppError> {
    let prepared = state
        .uploads
        .run(move || prepare(&file.bytes, &file.name))
        .await??;
    let (st, owner) = (state.clone(), owner.clone());
    crate::db::run(&state.pool, move |c| {
        save(c, st.store.as_ref(), &owner, prepared)
    })
    .await
}

/// Every hour, removes unattached uploads past their day (every instance
/// may run it: each removal is one transaction, and a second finds nothing).
pub fn start_pruner(state: actix_web::web::Data<crate::state::AppState>) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(3600));
        tick.tick().await;
        loop {
            tick.tick().await;
            let s = state.clone();
            let done = crate::db::run(&state.pool, move |c| prune(c, s.store.as_ref())).await;
            match done {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "unattached uploads removed"),
                Err(e) => tracing::warn!(error = %e, "removing unattached uploads failed"),
            }
        }
    });
}
