//! Search over everything a reader may see: `text` (how words are
//! normalised, the same for both engines), `query` (the grammar, parsed
//! once), `index` (kept in step with writes, rebuilt by `search reindex`)
//! and `find` (the query with visibility in its SQL).

pub mod find;
pub mod index;
pub mod query;
mod rank;
pub mod text;

pub use find::{find, DocKind, Results, Sort};
pub use query::parse;
