use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

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
    pub translations: String,
}

/// A category's words in one language; empty ones fall back to the
/// category's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CategoryText {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// Language code → its words.
pub type Translations = BTreeMap<String, CategoryText>;

/// The stored JSON, read leniently: a damaged value shows the base words.
pub fn translations_from_text(text: &str) -> Translations {
    serde_json::from_str(text).unwrap_or_default()
}

/// What is stored: languages with nothing in them are left out.
pub fn translations_to_text(t: &Translations) -> String {
    let kept: Translations = t
        .iter()
        .filter(|(_, v)| !v.name.is_empty() || !v.description.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::to_string(&kept).unwrap_or_else(|_| "{}".into())
}

#[derive(Debug, Clone, Hash, Serialize)]
pub struct Category {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub readable_by: Vec<Role>,
    pub archived: bool,
    pub translations: Translations,
}

impl Category {
    /// Its name for readers of `lang` (templates use `localized()`).
    pub fn name_in(&self, lang: &str) -> &str {
        self.translations
            .get(lang)
            .map(|t| t.name.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.name)
    }
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
            translations: translations_from_text(&r.translations),
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
    /// None keeps what is stored (an update that does not touch them).
    pub translations: Option<Translations>,
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
            categories::translations.eq(translations_to_text(
                &input.translations.clone().unwrap_or_default(),
            )),
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
    if let Some(t) = &input.translations {
        diesel::update(categories::table.find(id))
            .set(categories::translations.eq(translations_to_text(t)))
            .execute(conn)?;
    }
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
