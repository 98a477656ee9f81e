//! A thread page is expensive to render (a tree of posts) and read far more
//! often than written, so the whole page is rendered once per (thread
//! version, category, language, viewer) and kept in memory. The per-request
//! bits — the CSRF token and "new since your last visit" markers — are left
//! as placeholders and stamped in with one linear pass. The version comes
//! from the database, so several instances stay coherent. The thread's JSON
//! is kept the same way, serialized once per (thread version, moderator).
//! Lists are kept per viewer, under a digest of the rows they show.

use std::sync::Arc;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

/// Placeholders in a cached fragment: `\u{1}C\u{2}` is the CSRF token,
/// `\u{1}U<post id>\u{2}` becomes ` unread` for posts newer than the last visit.
pub const MARK_OPEN: &str = "\u{1}U";
pub const MARK_CLOSE: &str = "\u{2}";
pub const CSRF_MARK: &str = "\u{1}C\u{2}";
/// The live feed's current event id, for the page's `since`.
pub const SINCE_MARK: &str = "\u{1}E\u{2}";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FragmentKey {
    pub thread_id: i64,
    pub version: i64,
    /// The category's name and slug, shown on the page.
    pub category: u64,
    pub lang: &'static str,
    /// Controls differ per viewer (own posts) and role (moderator tools).
    pub viewer_id: i64,
    pub role: crate::domain::Role,
}

/// A stable digest of what a page shows of its category.
pub fn digest(parts: &[&str]) -> u64 {
    hash_of(&parts)
}

pub fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// A list (category page, home page, `GET /api/v1/threads`) as one viewer
/// gets it. The viewer's id is in the key itself, so one reader's copy can
/// never answer another; `digest` covers the rest of what is shown (the
/// rows and their versions, read marks, names, the request's parameters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListKey {
    pub viewer_id: i64,
    pub route: &'static str,
    pub lang: &'static str,
    pub digest: u64,
}

/// Rendered list pages and serialized list answers.
pub type ListCache = Cache<ListKey, Arc<str>, ByteWeight>;

/// What a page shows of its viewer besides their id (the header's name, the
/// role's links).
pub fn viewer_digest(user: &crate::models::users::User) -> u64 {
    hash_of(&(&user.name, &user.email, user.role.as_str()))
}

/// The kept copy under `key`, else `build`'s, kept when `keep`; for every
/// cache here (thread pages, thread JSON, lists).
pub fn cached<K, V>(
    cache: &Cache<K, V, ByteWeight>,
    key: K,
    keep: bool,
    build: impl FnOnce() -> Result<V, crate::error::AppError>,
) -> Result<V, crate::error::AppError>
where
    K: Eq + std::hash::Hash + Clone,
    V: Clone,
    ByteWeight: Weighter<K, V>,
{
    if keep {
        if let Some(hit) = cache.get(&key) {
            return Ok(hit);
        }
    }
    let fresh = build()?;
    if keep {
        cache.insert(key, fresh.clone());
    }
    Ok(fresh)
}

/// The thread's JSON is the same for every reader who may see the thread,
/// but for what moderators see of hidden posts; the category's slug is in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonKey {
    pub thread_id: i64,
    pub version: i64,
    pub category: u64,
    pub moderator: bool,
}

#[derive(Clone)]
pub struct ByteWeight;

impl<K> Weighter<K, Arc<str>> for ByteWeight {
    fn weight(&self, _key: &K, val: &Arc<str>) -> u64 {
        val.len() as u64 + 64
    }
}

impl<K> Weighter<K, actix_web::web::Bytes> for ByteWeight {
    fn weight(&self, _key: &K, val: &actix_web::web::Bytes) -> u64 {
        val.len() as u64 + 64
    }
}

pub type FragmentCache = Cache<FragmentKey, Arc<str>, ByteWeight>;
/// Serialized answers of `GET /api/v1/threads/{id}`.
pub type JsonCache = Cache<JsonKey, actix_web::web::Bytes, ByteWeight>;

/// A cache holding at most `bytes` of rendered pages or JSON.
pub fn new_cache<K, V>(bytes: u64) -> Cache<K, V, ByteWeight>
where
    K: Eq + std::hash::Hash + Clone,
    V: Clone,
    ByteWeight: Weighter<K, V>,
{
    Cache::with_weighter((bytes / 20_000).max(16) as usize, bytes, ByteWeight)
}

/// Fills the placeholders of a cached fragment for one request.
pub fn stamp(fragment: &str, csrf: &str, last_read: Option<i64>, since: i64) -> String {
    let mut out = String::with_capacity(fragment.len() + 64);
    let mut rest = fragment;
    while let Some(start) = rest.find('\u{1}') {
        out.push_str(&rest[..start]);
        let tail = &rest[start + 1..];
        // Only a well-formed placeholder is replaced; anything else is kept
        // as it is, so a stray byte can never swallow the rest of a page.
        let token = tail
            .find('\u{2}')
            .map(|end| &tail[..end])
            .filter(|t| t.len() <= 20 && !t.contains('\u{1}'));
        let Some(token) = token else {
            out.push('\u{fffd}');
            rest = tail;
            continue;
        };
        if token == "C" {
            out.push_str(csrf);
        } else if token == "E" {
            out.push_str(&since.to_string());
        } else if let Some(id) = token.strip_prefix('U').and_then(|n| n.parse::<i64>().ok()) {
            if last_read.is_some_and(|r| id > r) {
                out.push_str(" unread");
            }
        } else {
            out.push('\u{fffd}');
            rest = tail;
            continue;
        }
        rest = &tail[token.len() + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_csrf_and_unread() {
        let frag = format!(
            "<a class=\"post{MARK_OPEN}5{MARK_CLOSE}\"><input value=\"{CSRF_MARK}\"><a class=\"post{MARK_OPEN}9{MARK_CLOSE}\">"
        );
        assert_eq!(
            stamp(&frag, "tok", Some(5), 0),
            "<a class=\"post\"><input value=\"tok\"><a class=\"post unread\">"
        );
        assert_eq!(
            stamp(&frag, "tok", None, 0),
            "<a class=\"post\"><input value=\"tok\"><a class=\"post\">"
        );
    }

    #[test]
    fn a_stray_control_byte_swallows_nothing() {
        let frag = format!("<p>a\u{1}b</p><input value=\"{CSRF_MARK}\"><p>end</p>");
        assert_eq!(
            stamp(&frag, "tok", None, 0),
            "<p>a\u{fffd}b</p><input value=\"tok\"><p>end</p>"
        );
    }
}
