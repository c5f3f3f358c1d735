//! The persistence port. Backends live in their own folders (`sqlite/` is the first); the
//! rest of the program sees neutral types and errors only.

pub mod error;
pub mod sqlite;

pub use error::{DbFailure, Result, StoreError};
pub use sqlite::*;
