use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{accounts, users};
use crate::db::{now, DbConn};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub owner_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Owner {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    pub external_id: String,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub owner: Option<Owner>,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::time::utc")]
    pub updated_at: NaiveDateTime,
}

/// The fields a CRM or a marketer sets, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountFields {
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub owner_id: Option<i64>,
}

impl AccountRow {
    pub fn fields(&self) -> AccountFields {
        AccountFields {
            name: self.name.clone(),
            domain: self.domain.clone(),
            industry: self.industry.clone(),
            owner_id: self.owner_id,
        }
    }
}

/// An account row with its owner's `(id, name, email)`, as queries load it.
type RowWithOwner = (AccountRow, Option<(i64, String, String)>);

fn with_owner(row: AccountRow, owner: Option<(i64, String, String)>) -> Account {
    Account {
        id: row.id,
        external_id: row.external_id,
        name: row.name,
        domain: row.domain,
        industry: row.industry,
        owner: owner.map(|(id, name, email)| Owner { id, name, email }),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub fn find(conn: &mut DbConn, external_id: &str) -> QueryResult<Option<Account>> {
    let row: Option<RowWithOwner> = accounts::table
        .left_join(users::table)
        .filter(accounts::external_id.eq(external_id))
        .select((
            AccountRow::as_select(),
            (users::id, users::name, users::email).nullable(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(r, o)| with_owner(r, o)))
}

pub fn find_row(conn: &mut DbConn, external_id: &str) -> QueryResult<Option<AccountRow>> {
    accounts::table
        .filter(accounts::external_id.eq(external_id))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts or updates by external id; `true` when it was created.
pub fn upsert(conn: &mut DbConn, external_id: &str, f: &AccountFields) -> QueryResult<bool> {
    let t = now();
    match find_row(conn, external_id)? {
        Some(existing) if existing.fields() == *f => Ok(false),
        Some(existing) => {
            diesel::update(accounts::table.find(existing.id))
                .set((
                    accounts::name.eq(&f.name),
                    accounts::domain.eq(&f.domain),
                    accounts::industry.eq(&f.industry),
                    accounts::owner_id.eq(f.owner_id),
                    accounts::updated_at.eq(t),
                ))
                .execute(conn)?;
            Ok(false)
        }
        None => {
            let values = (
                accounts::external_id.eq(external_id),
                accounts::name.eq(&f.name),
                accounts::domain.eq(&f.domain),
                accounts::industry.eq(&f.industry),
                accounts::owner_id.eq(f.owner_id),
                accounts::created_at.eq(t),
                accounts::updated_at.eq(t),
            );
            let created =
                crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(accounts::table)
                    .values(values)
                    .on_conflict(accounts::external_id)
                    .do_nothing()
                    .execute(c))?;
            if created == 0 {
                // Another writer created it a moment ago: update that one.
                return upsert(conn, external_id, f);
            }
            Ok(true)
        }
    }
}

/// Every account's key and fields, for the importer's comparison.
pub fn all_rows(conn: &mut DbConn) -> QueryResult<Vec<AccountRow>> {
    accounts::table.select(AccountRow::as_select()).load(conn)
}

/// Accounts for a picker: those whose name, key, domain or industry has
/// words starting with the words of `q`, from the search index (best
/// first); every account by name when nothing is typed.
pub fn search(conn: &mut DbConn, q: &str, limit: i64) -> Result<Vec<Account>, AppError> {
    use crate::search::DocKind;
    let ids = crate::search::find::names(conn, DocKind::Account, q, limit)?;
    let mut query = accounts::table.left_join(users::table).into_boxed();
    if let Some(ids) = &ids {
        query = query.filter(accounts::id.eq_any(ids));
    }
    let rows: Vec<RowWithOwner> = query
        .order((accounts::name.asc(), accounts::id.asc()))
        .limit(limit)
        .select((
            AccountRow::as_select(),
            (users::id, users::name, users::email).nullable(),
        ))
        .load(conn)?;
    let mut found: Vec<Account> = rows.into_iter().map(|(r, o)| with_owner(r, o)).collect();
    if let Some(ids) = ids {
        found.sort_by_key(|a| ids.iter().position(|id| *id == a.id));
    }
    Ok(found)
}

/// Rows by key, for resolving links; missing keys are simply absent.
pub fn by_keys(conn: &mut DbConn, keys: &[String]) -> QueryResult<Vec<AccountRow>> {
    accounts::table
        .filter(accounts::external_id.eq_any(keys))
        .select(AccountRow::as_select())
        .load(conn)
}

/// Rows whose name equals one of `names` (any case), for typed-in names.
pub fn by_names(conn: &mut DbConn, names: &[String]) -> QueryResult<Vec<AccountRow>> {
    let lowered: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    accounts::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Text>("lower(accounts.name)").eq_any(lowered))
        .select(AccountRow::as_select())
        .load(conn)
}

/// An account as a picker shows it: `(external id, name)`.
pub type Pick = (String, String);

/// A rep's accounts for the capture page: those they own (CRM
/// `owner_email`), then others they reported on lately.
pub fn for_capture(conn: &mut DbConn, user_id: i64) -> QueryResult<(Vec<Pick>, Vec<Pick>)> {
    use crate::db::schema::{thread_accounts, threads};
    let own: Vec<Pick> = accounts::table
        .filter(accounts::owner_id.eq(user_id))
        .order((accounts::name.asc(), accounts::id.asc()))
        .limit(8)
        .select((accounts::external_id, accounts::name))
        .load(conn)?;
    let lately: Vec<(String, String, NaiveDateTime)> = thread_accounts::table
        .inner_join(threads::table)
        .inner_join(accounts::table)
        .filter(threads::author_id.eq(user_id))
        .order(threads::created_at.desc())
        .limit(40)
        .select((accounts::external_id, accounts::name, threads::created_at))
        .load(conn)?;
    let mut recent: Vec<Pick> = Vec::new();
    for (key, name, _) in lately {
        if recent.len() < 5
            && !own.iter().any(|(k, _)| *k == key)
            && !recent.iter().any(|(k, _)| *k == key)
        {
            recent.push((key, name));
        }
    }
    Ok((own, recent))
}
