use std::sync::Arc;

use crate::config::Settings;
use crate::db::Pool;

/// What every handler can reach: built once at start, shared by all workers.
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: Pool,
    pub tera: tera::Tera,
    /// Rendered thread trees, see `forum::view`.
    pub thread_cache: crate::forum::view::FragmentCache,
    pub thread_json_cache: crate::forum::view::JsonCache,
    /// Category and home pages, thread lists (see `forum::view::ListKey`).
    pub list_cache: crate::forum::view::ListCache,
    /// The live feed's hub (see `live`).
    pub hub: crate::live::Hub,
    /// Where uploaded files live (see `uploads::store`).
    pub store: Box<dyn crate::uploads::store::BlobStore>,
    /// The threads that make uploaded files safe (see `uploads::Workshop`).
    pub uploads: crate::uploads::Workshop,
    /// The OpenID Connect provider, when one is configured.
    pub oidc: Option<crate::auth::oidc::Provider>,
}
