//! Turning the flat, path-ordered list of a thread's posts into what readers
//! get: the contract's nested tree (API) and a nested list with a depth cap
//! (pages). Both are linear in the number of posts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::models::posts::PostView;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorRef {
    pub id: i64,
    pub name: String,
}

/// A post as the API returns it, with its replies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiPost {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author: AuthorRef,
    /// Empty when the post was deleted or hidden.
    pub body_html: String,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc_opt")]
    pub edited_at: Option<NaiveDateTime>,
    pub deleted: bool,
    pub hidden: bool,
    /// Empty when the post was deleted or hidden.
    pub attachments: Vec<crate::uploads::Attachment>,
    /// Written by a marketer or an admin.
    pub marketing: bool,
    /// How many marked it useful to marketing.
    pub useful: i64,
    #[schema(no_recursion)]
    pub replies: Vec<ApiPost>,
}

impl ApiPost {
    pub fn from_view(p: &PostView, show_hidden: bool) -> ApiPost {
        let withheld = p.post.deleted || (p.post.hidden && !show_hidden);
        ApiPost {
            id: p.post.id,
            parent_id: p.post.parent_id,
            author: AuthorRef {
                id: p.post.author_id,
                name: p.author_name.clone(),
            },
            body_html: if withheld {
                String::new()
            } else {
                p.post.body_html.clone()
            },
            created_at: p.post.created_at,
            edited_at: p.post.edited_at,
            deleted: p.post.deleted,
            hidden: p.post.hidden,
            attachments: if withheld {
                Vec::new()
            } else {
                p.attachments.clone()
            },
            marketing: p.marketing,
            useful: p.useful_by.len() as i64,
            replies: Vec::new(),
        }
    }
}

/// The opening post with every reply nested under its parent, in path order.
pub fn api_tree(posts: &[PostView], show_hidden: bool) -> Option<ApiPost> {
    let mut nodes: Vec<Option<ApiPost>> = posts
        .iter()
        .map(|p| Some(ApiPost::from_view(p, show_hidden)))
        .collect();
    let index: HashMap<i64, usize> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.post.id, i))
        .collect();
    // Children follow their parent in path order: attach from the end so
    // each node is complete when it moves into its parent.
    for i in (1..nodes.len()).rev() {
        let parent = posts[i]
            .post
            .parent_id
            .and_then(|id| index.get(&id).copied());
        if let (Some(pi), Some(node)) = (parent, nodes[i].take()) {
            if let Some(Some(p)) = nodes.get_mut(pi) {
                p.replies.push(node);
            }
        }
    }
    for n in nodes.iter_mut().flatten() {
        reverse_all(n);
    }
    nodes.into_iter().next().flatten()
}

fn reverse_all(n: &mut ApiPost) {
    n.replies.reverse();
    for c in &mut n.replies {
        reverse_all(c);
    }
}

/// One reply placed in the page's nested list.
#[derive(Debug, Clone, Serialize)]
pub struct Placed<'a> {
    pub post: &'a PostView,
    /// Depth as displayed (capped).
    pub depth: usize,
    /// Lists to open before this item (entering a deeper level).
    pub opens: usize,
    /// Lists to close before this item (coming back up), when a sibling.
    pub closes: usize,
    pub sibling: bool,
    /// Shown beyond the depth cap: whom it answers.
    pub reply_to: Option<&'a str>,
}

/// The replies (not the opening post) laid out for a nested `<ol>` list,
/// and how many lists remain open at the end.
pub fn layout(posts: &[PostView], max_depth: usize) -> (Vec<Placed<'_>>, usize) {
    let names: HashMap<i64, &str> = posts
        .iter()
        .map(|p| (p.post.id, p.author_name.as_str()))
        .collect();
    let mut out = Vec::with_capacity(posts.len());
    let mut cur = 0usize;
    for p in posts.iter().skip(1) {
        let real = (p.post.depth.max(1)) as usize;
        let depth = real.min(max_depth);
        let reply_to = (real > max_depth)
            .then(|| p.post.parent_id.and_then(|id| names.get(&id).copied()))
            .flatten();
        let placed = if depth > cur {
            Placed {
                post: p,
                depth,
                opens: depth - cur,
                closes: 0,
                sibling: false,
                reply_to,
            }
        } else {
            Placed {
                post: p,
                depth,
                opens: 0,
                closes: cur - depth,
                sibling: true,
                reply_to,
            }
        };
        cur = depth;
        out.push(placed);
    }
    (out, cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::posts::PostRow;

    fn post(id: i64, parent: Option<i64>, depth: i32) -> PostView {
        PostView {
            attachments: Vec::new(),
            marketing: false,
            useful_by: Vec::new(),
            post: PostRow {
                id,
                thread_id: 1,
                parent_id: parent,
                author_id: id,
                path: String::new(),
                depth,
                body: String::new(),
                body_html: format!("<p>{id}</p>"),
                deleted: id == 3,
                hidden: false,
                created_at: NaiveDateTime::default(),
                edited_at: None,
            },
            author_name: format!("user{id}"),
        }
    }

    // 1 ─┬─ 2 ── 3 ── 4
    //    └─ 5
    fn sample() -> Vec<PostView> {
        vec![
            post(1, None, 0),
            post(2, Some(1), 1),
            post(3, Some(2), 2),
            post(4, Some(3), 3),
            post(5, Some(1), 1),
        ]
    }

    #[test]
    fn api_tree_nests_in_order() {
        let root = api_tree(&sample(), false).unwrap();
        assert_eq!(root.id, 1);
        assert_eq!(
            root.replies.iter().map(|r| r.id).collect::<Vec<_>>(),
            [2, 5]
        );
        let three = &root.replies[0].replies[0];
        assert_eq!(three.id, 3);
        assert!(
            three.deleted && three.body_html.is_empty(),
            "deleted posts keep their place, not their text"
        );
        assert_eq!(three.replies[0].id, 4);
    }

    #[test]
    fn layout_opens_and_closes_lists() {
        let posts = sample();
        let (placed, remaining) = layout(&posts, 6);
        let shape: Vec<(i64, usize, usize, bool)> = placed
            .iter()
            .map(|p| (p.post.post.id, p.opens, p.closes, p.sibling))
            .collect();
        assert_eq!(
            shape,
            [
                (2, 1, 0, false),
                (3, 1, 0, false),
                (4, 1, 0, false),
                (5, 0, 2, true)
            ]
        );
        assert_eq!(remaining, 1);
    }

    #[test]
    fn layout_flattens_beyond_the_cap() {
        let posts = sample();
        let (placed, _) = layout(&posts, 2);
        let four = placed.iter().find(|p| p.post.post.id == 4).unwrap();
        assert_eq!(four.depth, 2);
        assert!(four.sibling);
        assert_eq!(four.reply_to, Some("user3"));
    }
}
