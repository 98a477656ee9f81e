//! `client_id`: a UUID a client makes for what it creates (a phone's
//! offline queue), so a replayed request creates nothing and answers with
//! what the first one made. The id is claimed first in the writer's own
//! transaction: a concurrent repeat waits on the row, then finds it.

use diesel::prelude::*;

use crate::db::schema::client_ids;
use crate::db::DbConn;
use crate::error::AppError;

/// A client's id for a record, parsed once (any UUID form; kept hyphenated
/// in lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(text: &str) -> Result<ClientId, AppError> {
        uuid::Uuid::parse_str(text.trim())
            .map(|u| ClientId(u.hyphenated().to_string()))
            .map_err(|_| {
                AppError::invalid("invalid_input", "client_id: expected a UUID".to_string())
            })
    }

    pub fn parse_opt(text: Option<&str>) -> Result<Option<ClientId>, AppError> {
        text.map(ClientId::parse).transpose()
    }
}

/// What a claim found.
pub enum Claim {
    /// The id is new: the caller creates the record, then calls `done`.
    Fresh,
    /// The same user already created this record: its id.
    Earlier(i64),
}

/// Claims `id` for a record of `kind` by `user_id`, inside the writer's
/// transaction.
pub fn claim(
    conn: &mut DbConn,
    user_id: i64,
    id: &ClientId,
    kind: &'static str,
) -> Result<Claim, AppError> {
    let values = (
        client_ids::user_id.eq(user_id),
        client_ids::client_id.eq(&id.0),
        client_ids::kind.eq(kind),
        client_ids::ref_id.eq(0i64),
        client_ids::created_at.eq(crate::db::now()),
    );
    let inserted = crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(client_ids::table)
        .values(values)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let (was, ref_id): (String, i64) = client_ids::table
        .find((user_id, &id.0))
        .select((client_ids::kind, client_ids::ref_id))
        .first(conn)?;
    if was != kind || ref_id == 0 {
        return Err(AppError::conflict(
            "client_id_reused",
            format!("client_id: already used for a {was}"),
        ));
    }
    Ok(Claim::Earlier(ref_id))
}

/// Records what a fresh claim created.
pub fn done(conn: &mut DbConn, user_id: i64, id: &ClientId, ref_id: i64) -> QueryResult<()> {
    diesel::update(client_ids::table.find((user_id, &id.0)))
        .set(client_ids::ref_id.eq(ref_id))
        .execute(conn)
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::ClientId;

    #[test]
    fn uuids_are_kept_in_one_form() {
        let a = ClientId::parse("6F9619FF-8B86-D011-B42D-00C04FC964FF").unwrap();
        let b = ClientId::parse("{6f9619ff-8b86-d011-b42d-00c04fc964ff}").unwrap();
        assert_eq!(a, b);
        assert!(ClientId::parse("not-a-uuid").is_err());
        assert!(ClientId::parse("").is_err());
    }
}
