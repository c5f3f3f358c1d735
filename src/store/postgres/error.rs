//! PostgreSQL failures in the store's neutral words: one line a user can act on (server
//! unreachable, authentication failed, database missing, permission denied on a table), a
//! [`DbFailure`] kind, and never the password.

use postgres::error::SqlState;
use postgres::row::Row;
use postgres::types::FromSql;

use crate::store::error::{DbFailure, Result, StoreError};

/// Attaches what we were doing to a PostgreSQL error.
pub trait Ctx<T> {
    fn ctx(self, context: &str) -> Result<T>;
}

impl<T> Ctx<T> for std::result::Result<T, postgres::Error> {
    fn ctx(self, context: &str) -> Result<T> {
        self.map_err(|e| pg_error(context, &e))
    }
}

/// One column of a row, or an error naming it.
pub fn get<'a, T: FromSql<'a>>(row: &'a Row, idx: usize) -> Result<T> {
    row.try_get(idx).map_err(|e| StoreError::Db {
        context: "reading a row".into(),
        kind: DbFailure::Other,
        message: e.to_string(),
    })
}

fn kind_of(code: &SqlState) -> DbFailure {
    match code.code() {
        "40001" | "40P01" | "55P03" => DbFailure::Busy,
        // query_canceled: a cancel request (the TUI's Esc on a search).
        "57014" => DbFailure::Interrupted,
        "53100" => DbFailure::DiskFull,
        "25006" => DbFailure::ReadOnly,
        "42501" => DbFailure::PermissionDenied,
        "3D000" | "28000" | "28P01" | "57P03" | "53300" => DbFailure::CannotOpen,
        c if c.starts_with("08") || c.starts_with("57P") => DbFailure::Io,
        "XX001" | "XX002" => DbFailure::Corrupt,
        _ => DbFailure::Other,
    }
}

/// The neutral error for a PostgreSQL failure while working.
pub fn pg_error(context: &str, err: &postgres::Error) -> StoreError {
    if let Some(db) = err.as_db_error() {
        let kind = kind_of(db.code());
        let message = match kind {
            DbFailure::Busy => format!(
                "other sessions kept conflicting with this change past the retry limit ({}); try again",
                db.message()
            ),
            // Creating the tables at the first open needs more than working in them.
            DbFailure::PermissionDenied if db.message().contains("for schema") => format!(
                "{}; the first open of an empty database creates tuidesk's tables, so that role needs CREATE on the schema (or to own the database); see README: setting up PostgreSQL",
                db.message()
            ),
            DbFailure::PermissionDenied => format!(
                "{}; the database role needs SELECT, INSERT, UPDATE and DELETE on tuidesk's tables (see README: setting up PostgreSQL)",
                db.message()
            ),
            DbFailure::DiskFull => {
                format!(
                    "the server's disk is full ({}); nothing was written",
                    db.message()
                )
            }
            DbFailure::ReadOnly => {
                format!("the server is read-only (a standby?): {}", db.message())
            }
            _ => match db.detail() {
                Some(d) => format!("{} ({d})", db.message()),
                None => db.message().to_string(),
            },
        };
        return StoreError::Db {
            context: context.to_string(),
            kind,
            message,
        };
    }
    if err.is_closed() {
        return StoreError::Db {
            context: context.to_string(),
            kind: DbFailure::Io,
            message:
                "the connection to the server was lost; try again (the server may be restarting)"
                    .into(),
        };
    }
    StoreError::Db {
        context: context.to_string(),
        kind: DbFailure::Io,
        message: describe_io(err),
    }
}

fn describe_io(err: &postgres::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// Whether the client library gave up because the server asked for a password and it had
/// none: a configuration error of the client (not a server reply, not a network failure),
/// told apart only by its text. A module test against a stand-in server pins that text.
fn is_password_missing(err: &postgres::Error) -> bool {
    err.as_db_error().is_none()
        && std::error::Error::source(err).is_some_and(|s| s.to_string() == "password missing")
}

/// The neutral error for a failed connection, with the URL (password hidden) and the cause.
pub fn connect_error(
    location: &str,
    dbname: &str,
    user: &str,
    err: &postgres::Error,
) -> StoreError {
    let context = format!("connecting to {location}");
    if is_password_missing(err) {
        // The server is there and wants a password: saying "unreachable" would send the user
        // after the network instead.
        return StoreError::Db {
            context,
            kind: DbFailure::CannotOpen,
            message: format!(
                "the server asks for a password for user {user:?} and none was given; put it in the URL (postgres://{user}:PASSWORD@…), PGPASSWORD or ~/.pgpass (PGPASSFILE)"
            ),
        };
    }
    if let Some(db) = err.as_db_error() {
        let message = match db.code().code() {
            "28P01" | "28000" => format!(
                "authentication failed ({}); check the user and the password (URL, PGPASSWORD or ~/.pgpass)",
                db.message()
            ),
            "3D000" => format!(
                "database {dbname:?} does not exist; create it first (createdb {dbname}) or fix the URL"
            ),
            "57P03" => "the server is starting up or shutting down; try again in a moment".into(),
            "53300" => {
                "the server has no free connection slots; try again or raise max_connections".into()
            }
            _ => db.message().to_string(),
        };
        return StoreError::Db {
            context,
            kind: kind_of(db.code()),
            message,
        };
    }
    StoreError::Db {
        context,
        kind: DbFailure::CannotOpen,
        message: format!(
            "the server is unreachable ({}); check the host, the port and that PostgreSQL is running",
            describe_io(err)
        ),
    }
}
