//! The accounts importer, shared by `grapevine accounts import` and the
//! upload page: RFC 4180 CSV (the `csv` crate), a UTF-8 BOM tolerated, header
//! names matched in any case, unknown columns ignored, rows upserted by
//! `external_id`. A file with any invalid row imports nothing and every
//! invalid row is reported with its line number.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{accounts, users};
use crate::db::{now, DbConn};
use crate::domain::{crm, Email, ExternalId};
use crate::error::AppError;
use crate::models::accounts::{AccountFields, AccountRow};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file where the row starts (the header is line 1).
    pub line: u64,
    pub reason: String,
}

#[derive(Debug)]
pub enum ImportError {
    /// The file as a whole cannot be used (no header, missing column).
    File(String),
    /// These rows are invalid; nothing was imported.
    Rows(Vec<RowError>),
    Db(AppError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::File(m) => write!(f, "{m}"),
            ImportError::Rows(rows) => {
                write!(f, "{} invalid row(s), nothing imported: ", rows.len())?;
                let shown: Vec<String> = rows
                    .iter()
                    .take(20)
                    .map(|r| format!("line {}: {}", r.line, r.reason))
                    .collect();
                write!(f, "{}", shown.join("; "))?;
                if rows.len() > 20 {
                    write!(f, "; and {} more", rows.len() - 20)?;
                }
                Ok(())
            }
            ImportError::Db(e) => write!(f, "{e}"),
        }
    }
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(e.into())
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged",
            self.created, self.updated, self.unchanged
        )
    }
}

/// One valid row, before owners are resolved.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub external_id: String,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub owner_email: Option<Email>,
}

/// Counts lines up to byte offsets that only move forward. The csv crate's
/// own line numbers are one short after CRLF endings, so records are
/// located by byte offset; `\r\n`, `\n` and a lone `\r` each end a line.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    /// The line of the record starting at `offset` (line ends skipped).
    fn line_of(&mut self, offset: u64) -> u64 {
        let mut target = (offset as usize).min(self.bytes.len());
        while target < self.bytes.len() && matches!(self.bytes[target], b'\r' | b'\n') {
            target += 1;
        }
        while self.pos < target {
            match self.bytes[self.pos] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(self.pos + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.pos += 1;
        }
        self.line
    }
}

const COLUMNS: [&str; 5] = ["external_id", "name", "domain", "industry", "owner_email"];

/// Parses and checks every row; all problems are reported at once.
pub fn parse(bytes: &[u8]) -> Result<Vec<Row>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .byte_headers()
        .map_err(|e| ImportError::File(format!("cannot read the header row: {e}")))?
        .clone();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(h).trim().to_lowercase();
        if let Some(col) = COLUMNS.iter().find(|c| **c == name) {
            index.entry(col).or_insert(i);
        }
    }
    for required in ["external_id", "name"] {
        if !index.contains_key(required) {
            return Err(ImportError::File(format!(
                "missing required column {required:?} in the header row (comma-separated, UTF-8)"
            )));
        }
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut lines = LineCounter::new(bytes);
    for result in reader.byte_records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                errors.push(RowError {
                    line,
                    reason: format!("unreadable row: {e}"),
                });
                if !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ) {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
        // Every field, known column or not, must be clean text.
        if let Some(i) = record.iter().position(|f| std::str::from_utf8(f).is_err()) {
            errors.push(RowError {
                line,
                reason: format!(
                    "field {} is not valid UTF-8 (save the file as UTF-8)",
                    i + 1
                ),
            });
            continue;
        }
        if let Some(i) = record.iter().position(|f| f.contains(&0)) {
            errors.push(RowError {
                line,
                reason: format!("field {} contains a NUL byte", i + 1),
            });
            continue;
        }
        if record.len() != headers.len() {
            errors.push(RowError {
                line,
                reason: format!(
                    "wrong number of fields: expected {}, found {}",
                    headers.len(),
                    record.len()
                ),
            });
            continue;
        }
        let text = |col: &str| -> Result<Option<String>, String> {
            let Some(&i) = index.get(col) else {
                return Ok(None);
            };
            let raw = record.get(i).unwrap_or_default();
            let s = std::str::from_utf8(raw)
                .map_err(|_| format!("{col} is not valid UTF-8 (save the file as UTF-8)"))?;
            if s.contains('\0') {
                return Err(format!("{col} contains a NUL byte"));
            }
            Ok(Some(s.to_string()))
        };
        let parsed = (|| -> Result<Row, String> {
            let ext = text("external_id")?.unwrap_or_default();
            let external_id = ExternalId::parse(&ext).map_err(|e| {
                if ext.trim().is_empty() {
                    "missing external_id".to_string()
                } else {
                    format!("external_id: {e}")
                }
            })?;
            let name = crm::display_name(&text("name")?.unwrap_or_default())
                .map_err(|e| format!("name: {e}"))?;
            let domain =
                crm::domain(text("domain")?.as_deref()).map_err(|e| format!("domain: {e}"))?;
            let industry = crm::short_text(text("industry")?.as_deref())
                .map_err(|e| format!("industry: {e}"))?;
            let owner_email = match text("owner_email")?
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => None,
                Some(e) => Some(Email::parse(e).map_err(|err| format!("owner_email: {err}"))?),
            };
            Ok(Row {
                line,
                external_id: external_id.as_str().to_string(),
                name,
                domain,
                industry,
                owner_email,
            })
        })();
        match parsed {
            Ok(row) => {
                if let Some(first) = seen.get(&row.external_id) {
                    errors.push(RowError {
                        line,
                        reason: format!(
                            "external_id {} already appears on line {first}",
                            row.external_id
                        ),
                    });
                } else {
                    seen.insert(row.external_id.clone(), line);
                    rows.push(row);
                }
            }
            Err(reason) => errors.push(RowError { line, reason }),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ImportError::Rows(errors))
    }
}

#[derive(Insertable, Clone)]
#[diesel(table_name = accounts)]
struct NewAccount<'a> {
    external_id: &'a str,
    name: &'a str,
    domain: Option<&'a str>,
    industry: Option<&'a str>,
    owner_id: Option<i64>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// Writes new and changed accounts. PostgreSQL gets batches of INSERT … ON
/// CONFLICT DO UPDATE (round trips are what cost there); SQLite, where
/// diesel has no batched upsert, batch inserts new rows and updates the
/// changed ones one by one (in-process, so cheap).
fn write_batches(
    conn: &mut DbConn,
    inserts: &[NewAccount],
    updates: &[NewAccount],
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    match conn {
        DbConn::Postgres(c) => {
            let all: Vec<&NewAccount> = inserts.iter().chain(updates).collect();
            for chunk in all.chunks(500) {
                let chunk: Vec<NewAccount> = chunk.iter().map(|w| (*w).clone()).collect();
                diesel::insert_into(accounts::table)
                    .values(&chunk)
                    .on_conflict(accounts::external_id)
                    .do_update()
                    .set((
                        accounts::name.eq(excluded(accounts::name)),
                        accounts::domain.eq(excluded(accounts::domain)),
                        accounts::industry.eq(excluded(accounts::industry)),
                        accounts::owner_id.eq(excluded(accounts::owner_id)),
                        accounts::updated_at.eq(excluded(accounts::updated_at)),
                    ))
                    .execute(c)?;
            }
        }
        DbConn::Sqlite(c) => {
            for chunk in inserts.chunks(500) {
                diesel::insert_into(accounts::table)
                    .values(chunk)
                    .execute(c)?;
            }
            for w in updates {
                diesel::update(accounts::table.filter(accounts::external_id.eq(w.external_id)))
                    .set((
                        accounts::name.eq(w.name),
                        accounts::domain.eq(w.domain),
                        accounts::industry.eq(w.industry),
                        accounts::owner_id.eq(w.owner_id),
                        accounts::updated_at.eq(w.updated_at),
                    ))
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Upserts the rows in one transaction: all or nothing. Unknown owner emails
/// are row errors. `progress` is told how many rows are done.
pub fn import(
    conn: &mut DbConn,
    rows: &[Row],
    progress: &dyn Fn(usize),
) -> Result<Summary, ImportError> {
    crate::db::write_tx(conn, |conn| {
        let owners: HashMap<String, i64> = users::table
            .select((users::email, users::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect();
        let mut errors = Vec::new();
        let mut resolved: Vec<(&Row, AccountFields)> = Vec::with_capacity(rows.len());
        for row in rows {
            let owner_id = match &row.owner_email {
                None => None,
                Some(e) => match owners.get(e.as_str()) {
                    Some(id) => Some(*id),
                    None => {
                        errors.push(RowError {
                            line: row.line,
                            reason: format!("unknown owner_email {e}: no such user"),
                        });
                        continue;
                    }
                },
            };
            let fields = AccountFields {
                name: row.name.clone(),
                domain: row.domain.clone(),
                industry: row.industry.clone(),
                owner_id,
            };
            resolved.push((row, fields));
        }
        if !errors.is_empty() {
            return Err(ImportError::Rows(errors));
        }
        let existing: HashMap<String, AccountRow> = crate::models::accounts::all_rows(conn)?
            .into_iter()
            .map(|r| (r.external_id.clone(), r))
            .collect();
        let mut summary = Summary::default();
        let t = now();
        // New and changed rows go in batches of INSERT … ON CONFLICT DO
        // UPDATE (keeping created_at); unchanged rows are not written.
        let (mut inserts, mut updates): (Vec<NewAccount>, Vec<NewAccount>) =
            (Vec::new(), Vec::new());
        for (i, (row, fields)) in resolved.iter().enumerate() {
            match existing.get(&row.external_id) {
                Some(old) if old.fields() == *fields => summary.unchanged += 1,
                found => {
                    let target = if found.is_some() {
                        summary.updated += 1;
                        &mut updates
                    } else {
                        summary.created += 1;
                        &mut inserts
                    };
                    target.push(NewAccount {
                        external_id: &row.external_id,
                        name: &fields.name,
                        domain: fields.domain.as_deref(),
                        industry: fields.industry.as_deref(),
                        owner_id: fields.owner_id,
                        created_at: t,
                        updated_at: t,
                    });
                }
            }
            if i % 1000 == 999 {
                progress(i + 1);
            }
        }
        write_batches(conn, &inserts, &updates)?;
        // Found by name at once; a renamed account is found in its threads too.
        let created: Vec<&str> = inserts.iter().map(|a| a.external_id).collect();
        let changed: Vec<&str> = updates.iter().map(|a| a.external_id).collect();
        crate::search::index::accounts_by_key(conn, &created, false)?;
        crate::search::index::accounts_by_key(conn, &changed, true)?;
        crate::models::threads::touch_linked(conn, &changed, None)?;
        progress(rows.len());
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_case_bom_and_unknown_columns() {
        let rows = parse(b"\xEF\xBB\xBFExternal_ID,Name,Notes\nA-1,Acme,ignored\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].external_id, "A-1");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn every_bad_row_is_reported() {
        let err = parse(
            b"external_id,name,owner_email\n,No id,\nB-2,Ok,\nC-3,Bad mail,nope\nB-2,Dup,\nD-4\n",
        )
        .unwrap_err();
        let ImportError::Rows(rows) = err else {
            panic!("row errors expected")
        };
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 5, 6]);
        assert!(rows[0].reason.contains("missing external_id"));
        assert!(rows[2].reason.contains("already appears on line 3"));
        assert!(rows[3].reason.contains("wrong number of fields"));
    }

    #[test]
    fn line_numbers_with_any_line_ending() {
        for sep in ["\n", "\r\n", "\r"] {
            let text = format!("external_id,name{sep}A,\"multi{sep}line\"{sep}B{sep}C,ok{sep}");
            let Err(ImportError::Rows(rows)) = parse(text.as_bytes()) else {
                panic!("row error expected")
            };
            assert_eq!(rows.len(), 1, "{sep:?}");
            assert_eq!(rows[0].line, 4, "{sep:?}: the row after a two-line field");
        }
    }

    #[test]
    fn missing_columns_refuse_the_file() {
        assert!(matches!(
            parse(b"id,title\n1,x\n"),
            Err(ImportError::File(_))
        ));
    }
}
