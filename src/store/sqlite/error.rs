//! SQLite failures in the store's neutral words: every `rusqlite::Error` becomes a
//! [`StoreError::Db`] with a [`DbFailure`] kind and a message a user can act on.

use rusqlite::ErrorCode;

use crate::store::error::{DbFailure, Result, StoreError};

/// Attaches what we were doing to a SQLite error.
pub trait Context<T> {
    fn ctx(self, context: &str) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn ctx(self, context: &str) -> Result<T> {
        self.map_err(|source| db_error(context, &source))
    }
}

/// The neutral error for a SQLite failure.
pub fn db_error(context: &str, err: &rusqlite::Error) -> StoreError {
    if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = err
        && let Some(StoreError::Undecodable {
            table,
            row,
            column,
            value,
            reason,
        }) = inner.downcast_ref::<StoreError>()
    {
        return StoreError::Undecodable {
            table,
            row: *row,
            column,
            value: value.clone(),
            reason: reason.clone(),
        };
    }
    StoreError::Db {
        context: context.to_string(),
        kind: failure_kind(err),
        message: describe_sqlite(err),
    }
}

fn failure_kind(err: &rusqlite::Error) -> DbFailure {
    let rusqlite::Error::SqliteFailure(e, _) = err else {
        return DbFailure::Other;
    };
    match e.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => DbFailure::Busy,
        ErrorCode::DiskFull => DbFailure::DiskFull,
        ErrorCode::ReadOnly => DbFailure::ReadOnly,
        ErrorCode::NotADatabase => DbFailure::NotADatabase,
        ErrorCode::DatabaseCorrupt => DbFailure::Corrupt,
        ErrorCode::CannotOpen => DbFailure::CannotOpen,
        ErrorCode::PermissionDenied => DbFailure::PermissionDenied,
        ErrorCode::SystemIoFailure => DbFailure::Io,
        ErrorCode::OperationInterrupted => DbFailure::Interrupted,
        _ => DbFailure::Other,
    }
}

/// A message a user can act on, for the SQLite failures people actually meet.
fn describe_sqlite(err: &rusqlite::Error) -> String {
    if let rusqlite::Error::SqliteFailure(e, msg) = err {
        let detail = msg.clone().unwrap_or_default();
        return match e.code {
            ErrorCode::DiskFull => {
                "disk full: free some space and retry — nothing was written".into()
            }
            ErrorCode::ReadOnly => {
                "the database is read-only; check the permissions of the file and its directory (writers need both)".into()
            }
            ErrorCode::NotADatabase => {
                "the file is not a tuidesk database (not SQLite, or encrypted)".into()
            }
            ErrorCode::DatabaseCorrupt => {
                "database is corrupt (run tuidesk check); restore it from a backup if the check confirms".into()
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                "the database stayed busy (other writers) past the retry limit; try again".into()
            }
            ErrorCode::CannotOpen => format!(
                "cannot open the database file; check that the directory exists and is writable ({detail})"
            ),
            ErrorCode::PermissionDenied => "permission denied".into(),
            ErrorCode::SystemIoFailure => format!("I/O error ({detail})"),
            _ => {
                if detail.is_empty() {
                    e.to_string()
                } else {
                    detail
                }
            }
        };
    }
    err.to_string()
}
