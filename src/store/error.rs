use rusqlite::ErrorCode;

use crate::domain::RuleError;
use crate::store::fts::QueryError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Rule(#[from] RuleError),
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("{0}")]
    OrderRule(#[from] crate::orders::OrderRuleError),
    #[error("no {what} {key:?}")]
    NotFound { what: &'static str, key: String },
    #[error(
        "ticket {id} changed under you: you edited version {expected}, it is now version {actual} after {by} set {field} {old} → {new}; reload and try again"
    )]
    Conflict {
        id: i64,
        expected: i64,
        actual: i64,
        by: String,
        field: String,
        old: String,
        new: String,
    },
    #[error("ticket {id} is already claimed by {by}")]
    ClaimedBy { id: i64, by: String },
    #[error("import line {line}: {message}; nothing was imported")]
    Import { line: usize, message: String },
    #[error(
        "database schema version {found} is newer than this tuidesk understands ({supported}); upgrade tuidesk"
    )]
    NewerSchema { found: i64, supported: i64 },
    #[error("{context}: {}", describe_sqlite(.source))]
    Db {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{0}")]
    Other(String),
}

/// A message a user can act on, for the SQLite failures people actually meet.
fn describe_sqlite(err: &rusqlite::Error) -> String {
    if let rusqlite::Error::SqliteFailure(e, msg) = err {
        let detail = msg.clone().unwrap_or_default();
        return match e.code {
            ErrorCode::DiskFull => {
                "the disk is full (SQLITE_FULL); free some space and retry — nothing was written".into()
            }
            ErrorCode::ReadOnly => {
                "the database is read-only; check the permissions of the file and its directory (writers need both)".into()
            }
            ErrorCode::NotADatabase => {
                "the file is not a tuidesk database (not SQLite, or encrypted)".into()
            }
            ErrorCode::DatabaseCorrupt => {
                "the database file is corrupt; restore it from a backup (`tuidesk backup`)".into()
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

impl StoreError {
    pub fn sqlite_code(&self) -> Option<ErrorCode> {
        match self {
            StoreError::Db {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } => Some(e.code),
            _ => None,
        }
    }

    pub fn is_busy(&self) -> bool {
        matches!(
            self.sqlite_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Attaches what we were doing to a SQLite error.
pub trait Context<T> {
    fn ctx(self, context: &str) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn ctx(self, context: &str) -> Result<T> {
        self.map_err(|source| StoreError::Db {
            context: context.to_string(),
            source,
        })
    }
}
