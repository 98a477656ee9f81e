use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::competitors;
use crate::db::{now, DbConn};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = competitors)]
pub struct Competitor {
    #[serde(skip)]
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub website: Option<String>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Competitor>> {
    competitors::table
        .filter(competitors::slug.eq(slug))
        .select(Competitor::as_select())
        .first(conn)
        .optional()
}

/// Inserts or updates by slug; `true` when it was created.
pub fn upsert(
    conn: &mut DbConn,
    slug: &str,
    name: &str,
    website: Option<&str>,
) -> QueryResult<bool> {
    let t = now();
    match find(conn, slug)? {
        Some(c) if c.name == name && c.website.as_deref() == website => Ok(false),
        Some(c) => {
            diesel::update(competitors::table.find(c.id))
                .set((
                    competitors::name.eq(name),
                    competitors::website.eq(website),
                    competitors::updated_at.eq(t),
                ))
                .execute(conn)?;
            Ok(false)
        }
        None => {
            let values = (
                competitors::slug.eq(slug),
                competitors::name.eq(name),
                competitors::website.eq(website),
                competitors::created_at.eq(t),
                competitors::updated_at.eq(t),
            );
            let created =
                crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(competitors::table)
                    .values(values)
                    .on_conflict(competitors::slug)
                    .do_nothing()
                    .execute(c))?;
            if created == 0 {
                // Another writer created it a moment ago: update that one.
                return upsert(conn, slug, name, website);
            }
            Ok(true)
        }
    }
}

/// Competitors for a picker, as `accounts::search`.
pub fn search(conn: &mut DbConn, q: &str, limit: i64) -> Result<Vec<Competitor>, AppError> {
    use crate::search::DocKind;
    let ids = crate::search::find::names(conn, DocKind::Competitor, q, limit)?;
    let mut query = competitors::table.into_boxed();
    if let Some(ids) = &ids {
        query = query.filter(competitors::id.eq_any(ids));
    }
    let mut found: Vec<Competitor> = query
        .order((competitors::name.asc(), competitors::id.asc()))
        .limit(limit)
        .select(Competitor::as_select())
        .load(conn)?;
    if let Some(ids) = ids {
        found.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
    }
    Ok(found)
}

pub fn by_keys(conn: &mut DbConn, keys: &[String]) -> QueryResult<Vec<Competitor>> {
    competitors::table
        .filter(competitors::slug.eq_any(keys))
        .select(Competitor::as_select())
        .load(conn)
}

pub fn by_names(conn: &mut DbConn, names: &[String]) -> QueryResult<Vec<Competitor>> {
    let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    competitors::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Text>("lower(competitors.name)").eq_any(lowered),
        )
        .select(Competitor::as_select())
        .load(conn)
}
