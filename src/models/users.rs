use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::users;
use crate::db::{now, DbConn};
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub locale: Option<String>,
    pub password_hash: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub seen_lang: Option<String>,
    pub session_epoch: i64,
}

/// A user as the rest of the application sees it: role parsed, no hash.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: Option<String>,
    pub active: bool,
    #[serde(serialize_with = "crate::time::utc")]
    pub created_at: NaiveDateTime,
    /// The language negotiated at the last visit (see `remember_language`).
    #[serde(skip)]
    pub seen_lang: Option<String>,
    /// Sessions signed with another number are over (`end_sessions`).
    #[serde(skip)]
    pub session_epoch: i64,
}

impl User {
    /// A user for unit tests of rules that only look at the role.
    #[cfg(test)]
    pub fn sample(role: Role) -> User {
        User {
            id: 1,
            email: "a@b.c".into(),
            name: "A".into(),
            role,
            locale: None,
            active: true,
            created_at: NaiveDateTime::default(),
            seen_lang: None,
            session_epoch: 0,
        }
    }
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            // The CHECK constraint keeps the column to known roles; a
            // hand-edited row degrades to the least privilege.
            role: Role::parse(&r.role).unwrap_or(Role::Rep),
            locale: r.locale,
            active: r.active,
            created_at: r.created_at,
            seen_lang: r.seen_lang,
            session_epoch: r.session_epoch,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    email: &'a str,
    name: &'a str,
    role: &'a str,
    locale: Option<&'a str>,
    password_hash: &'a str,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

pub struct NewUser {
    pub email: Email,
    pub name: PersonName,
    pub role: Role,
    pub locale: Option<String>,
}

pub fn create(conn: &mut DbConn, new: &NewUser, password: &NewPassword) -> Result<User, AppError> {
    let hash = crate::auth::password::hash(password.as_str())?;
    create_with_hash(conn, new, &hash)
}

/// Split out so callers can hash outside a transaction (argon2 is slow).
pub fn create_with_hash(conn: &mut DbConn, new: &NewUser, hash: &str) -> Result<User, AppError> {
    let t = now();
    let exists = users::table
        .filter(users::email.eq(new.email.as_str()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Err(AppError::conflict(
            "email_taken",
            format!("a user with email {} already exists", new.email),
        ));
    }
    diesel::insert_into(users::table)
        .values(NewUserRow {
            email: new.email.as_str(),
            name: new.name.as_str(),
            role: new.role.as_str(),
            locale: new.locale.as_deref(),
            password_hash: hash,
            active: true,
            created_at: t,
            updated_at: t,
        })
        .execute(conn)?;
    let row: UserRow = users::table
        .filter(users::email.eq(new.email.as_str()))
        .select(UserRow::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// People with an account: Grapevine's own (system) account is not one, so
/// creating it never closes the first-run setup.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table
        .filter(users::email.ne(crate::ideas::SYSTEM_EMAIL))
        .count()
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<User>> {
    // Runs on every request: on the concrete connection, where diesel can
    // reuse the prepared statement.
    crate::on_each_backend!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())
    .map(|r| r.map(User::from))
}

pub fn find_row_by_email(conn: &mut DbConn, email: &Email) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email.as_str()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &Email) -> QueryResult<Option<User>> {
    find_row_by_email(conn, email).map(|r| r.map(User::from))
}

/// Everyone with an account, for the admins' list (not the system account).
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::email.ne(crate::ideas::SYSTEM_EMAIL))
        .order((users::name.asc(), users::id.asc()))
        .select(UserRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().map(User::from).collect())
}

pub fn set_role(conn: &mut DbConn, id: i64, role: Role) -> Result<User, AppError> {
    crate::db::write_tx(conn, |conn| {
        let user = find(conn, id)?.ok_or(AppError::NotFound)?;
        if user.role == Role::Admin && role != Role::Admin {
            ensure_another_admin(conn, id)?;
        }
        diesel::update(users::table.find(id))
            .set((users::role.eq(role.as_str()), users::updated_at.eq(now())))
            .execute(conn)?;
        Ok(User { role, ..user })
    })
}

pub fn set_active(conn: &mut DbConn, id: i64, active: bool) -> Result<User, AppError> {
    crate::db::write_tx(conn, |conn| {
        let user = find(conn, id)?.ok_or(AppError::NotFound)?;
        if !active && user.role == Role::Admin {
            ensure_another_admin(conn, id)?;
        }
        diesel::update(users::table.find(id))
            .set((users::active.eq(active), users::updated_at.eq(now())))
            .execute(conn)?;
        Ok(User { active, ..user })
    })
}

/// Sets a user's password hash and ends their sessions everywhere (whoever
/// knew the old password is signed out).
pub fn set_password_hash(conn: &mut DbConn, id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Ends every session of the user ("sign out everywhere").
pub fn end_sessions(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::session_epoch.eq(users::session_epoch + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Remembers the language a user's browser got, for their mail.
pub fn remember_language(conn: &mut DbConn, id: i64, lang: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::seen_lang.eq(lang))
        .execute(conn)
        .map(|_| ())
}

pub fn set_locale(conn: &mut DbConn, id: i64, locale: Option<&str>) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::locale.eq(locale), users::updated_at.eq(now())))
        .execute(conn)
        .map(|_| ())
}

/// The last active admin cannot be demoted or deactivated: nobody could
/// manage users any more.
fn ensure_another_admin(conn: &mut DbConn, except: i64) -> Result<(), AppError> {
    let others: i64 = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::active.eq(true))
        .filter(users::id.ne(except))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(AppError::conflict(
            "last_admin",
            "this is the last active admin; promote another user first",
        ));
    }
    Ok(())
}

/// Sets (or clears) a user's team.
pub fn set_team(conn: &mut DbConn, id: i64, team: Option<&str>) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::team.eq(team), users::updated_at.eq(now())))
        .execute(conn)
        .map(|_| ())
}

/// Every user's team, for those who have one.
pub fn teams(conn: &mut DbConn) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, Option<String>)> =
        users::table.select((users::id, users::team)).load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, t)| t.map(|t| (id, t)))
        .collect())
}
