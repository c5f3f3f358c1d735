//! Typed decoding of stored text: a value the program cannot read back (an unknown status,
//! kind or severity written by a newer version or by hand) is an error naming the table, the
//! row and the column, never a silent default.

use std::str::FromStr;

use crate::store::StoreError;

/// Parses one stored column value.
pub fn column<T: FromStr>(
    table: &'static str,
    row: i64,
    column: &'static str,
    value: &str,
) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    value.parse::<T>().map_err(|e| StoreError::Undecodable {
        table,
        row,
        column,
        value: value.to_string(),
        reason: e.to_string(),
    })
}

/// The same inside a row mapper: the failure travels through rusqlite as a conversion
/// error and comes out of [`super::error::db_error`] as [`StoreError::Undecodable`].
pub fn row_column<T: FromStr>(
    table: &'static str,
    row: i64,
    column_name: &'static str,
    value: &str,
) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    column(table, row, column_name, value).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// An optional column: NULL stays `None`, text must decode.
pub fn row_column_opt<T: FromStr>(
    table: &'static str,
    row: i64,
    column_name: &'static str,
    value: Option<&str>,
) -> rusqlite::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    value
        .map(|v| row_column(table, row, column_name, v))
        .transpose()
}
