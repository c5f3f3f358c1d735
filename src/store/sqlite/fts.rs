//! FTS5 over the CJK bigram index text: the text and the query parsing are the backend-neutral
//! [`crate::store::search_text`]; this file only names what the SQLite code uses.

pub use crate::store::search_text::{
    MAX_SEARCH_WORDS, QueryError, index_text, is_cjk, match_expression,
};
