use crate::domain::RuleError;
use crate::store::search_text::QueryError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Rule(#[from] RuleError),
    #[error("{0}")]
    Query(#[from] QueryError),
    #[error("{0}")]
    OrderRule(#[from] crate::orders::OrderRuleError),
    #[error("{0}")]
    OrgRule(#[from] crate::org_rules::OrgRuleError),
    /// A stored value the program cannot read back.
    #[error(
        "the database holds a value this tuidesk cannot read: {table} row {row}, {column} = {value:?} ({reason}); fix the row or upgrade tuidesk"
    )]
    Undecodable {
        table: &'static str,
        row: i64,
        column: &'static str,
        value: String,
        reason: String,
    },
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
    /// The database failed; `kind` says how, in terms a user can act on.
    #[error("{context}: {message}")]
    Db {
        context: String,
        kind: DbFailure,
        message: String,
    },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How a database operation failed, the same words for every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFailure {
    /// Other writers held the lock past the retry limit (or a serialization failure).
    Busy,
    DiskFull,
    ReadOnly,
    NotADatabase,
    Corrupt,
    CannotOpen,
    PermissionDenied,
    Io,
    /// Stopped on purpose ([`super::Store::interrupter`]): a cancelled search.
    Interrupted,
    Other,
}

impl StoreError {
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Db {
                kind: DbFailure::Busy,
                ..
            }
        )
    }

    /// The backend's failure kind, if this is a database failure.
    pub fn db_failure(&self) -> Option<DbFailure> {
        match self {
            StoreError::Db { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}
