//! Where uploaded bytes live, behind one small trait so another store (an
//! S3-compatible one) can be added without touching callers. Bytes are
//! addressed by their SHA-256: the same bytes are kept once.

use std::io::Write;
use std::path::PathBuf;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::config::{Settings, StorageKind};
use crate::db::schema::blobs;
use crate::db::DbConn;
use crate::error::AppError;

/// The hex SHA-256 of some bytes: their address in a store.
pub fn address(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A content-addressed store. Every call gets the request's connection, so
/// a store inside the database writes in the caller's transaction.
pub trait BlobStore: Send + Sync {
    /// Keeps `bytes` under `hash` (nothing to do when already kept).
    fn put(&self, conn: &mut DbConn, hash: &str, bytes: &[u8]) -> Result<(), AppError>;
    fn get(&self, conn: &mut DbConn, hash: &str) -> Result<Option<Vec<u8>>, AppError>;
    fn delete(&self, conn: &mut DbConn, hash: &str) -> Result<(), AppError>;
}

/// The store the settings name.
pub fn from_settings(settings: &Settings) -> Box<dyn BlobStore> {
    match settings.uploads.storage {
        StorageKind::Fs => Box::new(FsStore {
            root: settings.data_dir.join("files"),
        }),
        StorageKind::Database => Box::new(DatabaseStore),
    }
}

/// Files under `$GRAPEVINE_DATA_DIR/files/ab/abcdef…`, written to a temporary
/// file and renamed, so a reader never sees half a file.
pub struct FsStore {
    pub root: PathBuf,
}

impl FsStore {
    fn path(&self, hash: &str) -> Result<PathBuf, AppError> {
        // Addresses come from our own hashing; anything else never reaches the disk.
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        Ok(self.root.join(&hash[..2]).join(hash))
    }
}

fn io(e: std::io::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(e).context("file store"))
}

impl BlobStore for FsStore {
    fn put(&self, _: &mut DbConn, hash: &str, bytes: &[u8]) -> Result<(), AppError> {
        let path = self.path(hash)?;
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().expect("a hash path has a folder");
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(bytes).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }

    fn get(&self, _: &mut DbConn, hash: &str) -> Result<Option<Vec<u8>>, AppError> {
        match std::fs::read(self.path(hash)?) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    fn delete(&self, _: &mut DbConn, hash: &str) -> Result<(), AppError> {
        match std::fs::remove_file(self.path(hash)?) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(()),
        }
    }
}

/// Rows of the `blobs` table: several instances on one PostgreSQL share
/// their files with nothing else to run.
pub struct DatabaseStore;

impl BlobStore for DatabaseStore {
    fn put(&self, conn: &mut DbConn, hash: &str, bytes: &[u8]) -> Result<(), AppError> {
        let values = (
            blobs::hash.eq(hash),
            blobs::data.eq(bytes),
            blobs::created_at.eq(crate::db::now()),
        );
        crate::on_each_backend!(&mut *conn, |c| diesel::insert_into(blobs::table)
            .values(values)
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(())
    }

    fn get(&self, conn: &mut DbConn, hash: &str) -> Result<Option<Vec<u8>>, AppError> {
        Ok(blobs::table
            .find(hash)
            .select(blobs::data)
            .first(conn)
            .optional()?)
    }

    fn delete(&self, conn: &mut DbConn, hash: &str) -> Result<(), AppError> {
        diesel::delete(blobs::table.find(hash)).execute(conn)?;
        Ok(())
    }
}
