use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{categories, threads};
use crate::db::{now, DbConn};
use crate::domain::{Role, Slug};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories)]
pub struct CategoryRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub readable_by: String,
    pub archived: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub readable_by: Vec<Role>,
    pub archived: bool,
}

pub fn roles_from_text(s: &str) -> Vec<Role> {
    s.split(',').filter_map(|r| Role::parse(r).ok()).collect()
}

pub fn roles_to_text(roles: &[Role]) -> String {
    let mut sorted: Vec<Role> = roles.to_vec();
    sorted.sort();
    sorted.dedup();
    sorted
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

impl From<CategoryRow> for Category {
    fn from(r: CategoryRow) -> Self {
        Category {
            id: r.id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            position: r.position,
            readable_by: roles_from_text(&r.readable_by),
            archived: r.archived,
        }
    }
}

/// Every category, in display order.
pub fn list_all(conn: &mut DbConn) -> QueryResult<Vec<Category>> {
    categories::table
        .order((
            categories::position.asc(),
            categories::name.asc(),
            categories::id.asc(),
        ))
        .select(CategoryRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().map(Category::from).collect())
}

/// The categories a role may read, in display order.
pub fn readable_by(conn: &mut DbConn, role: Role) -> QueryResult<Vec<Category>> {
    Ok(list_all(conn)?
        .into_iter()
        .filter(|c| c.readable_by.contains(&role))
        .collect())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Category>> {
    categories::table
        .find(id)
        .select(CategoryRow::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(Category::from))
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Category>> {
    categories::table
        .filter(categories::slug.eq(slug))
        .select(CategoryRow::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(Category::from))
}

pub struct CategoryInput {
    pub slug: Slug,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub readable_by: Vec<Role>,
    pub archived: bool,
}

pub fn create(conn: &mut DbConn, input: &CategoryInput) -> Result<Category, AppError> {
    if find_by_slug(conn, input.slug.as_str())?.is_some() {
        return Err(AppError::conflict(
            "slug_taken",
            format!(
                "a category with slug {} already exists",
                input.slug.as_str()
            ),
        ));
    }
    let row: CategoryRow = diesel::insert_into(categories::table)
        .values((
            categories::slug.eq(input.slug.as_str()),
            categories::name.eq(&input.name),
            categories::description.eq(&input.description),
            categories::position.eq(input.position),
            categories::readable_by.eq(roles_to_text(&input.readable_by)),
            categories::archived.eq(input.archived),
            categories::created_at.eq(now()),
        ))
        .get_result(conn)?;
    Ok(row.into())
}

pub fn update(conn: &mut DbConn, id: i64, input: &CategoryInput) -> Result<Category, AppError> {
    if let Some(other) = find_by_slug(conn, input.slug.as_str())? {
        if other.id != id {
            return Err(AppError::conflict(
                "slug_taken",
                "another category has this slug",
            ));
        }
    }
    let n = diesel::update(categories::table.find(id))
        .set((
            categories::slug.eq(input.slug.as_str()),
            categories::name.eq(&input.name),
            categories::description.eq(&input.description),
            categories::position.eq(input.position),
            categories::readable_by.eq(roles_to_text(&input.readable_by)),
            categories::archived.eq(input.archived),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    find(conn, id)?.ok_or(AppError::NotFound)
}

/// Visible thread count and last activity per category, in one query.
pub fn stats(
    conn: &mut DbConn,
    include_hidden: bool,
) -> QueryResult<Vec<(i64, i64, Option<NaiveDateTime>)>> {
    let mut q = threads::table
        .group_by(threads::category_id)
        .select((
            threads::category_id,
            diesel::dsl::count(threads::id),
            diesel::dsl::max(threads::last_activity_at),
        ))
        .into_boxed();
    if !include_hidden {
        q = q.filter(threads::hidden.eq(false));
    }
    q.load(conn)
}
