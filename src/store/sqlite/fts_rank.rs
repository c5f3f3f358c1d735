//! `tuidesk_terms(search)`: an FTS5 auxiliary function giving what BM25 needs of one
//! matching document (its length and how often each query phrase occurs in it), so a
//! search can rank a bounded set of documents without the built-in `bm25()`.
//!
//! `bm25()` counts, once per statement, every document in the whole index that holds each
//! query phrase (its IDF): a walk of the phrase's full posting list, 6–18 ms per statement
//! for a frequent word at 1M tickets and ten times that at 10M, whatever `LIMIT` says. Ranking
//! only the newest matches needs no global counts (see [`super::tickets`]), so this function
//! reads only the document at hand: one `%_docsize` row and its phrase instances.
//!
//! rusqlite does not wrap FTS5's extension API, hence the raw calls below; they are the only
//! `unsafe` code in the store and touch nothing but the pointers SQLite hands them.

use std::ffi::{c_int, c_void};

use rusqlite::Connection;
use rusqlite::ffi;

/// The function's SQL name.
pub const NAME: &str = "tuidesk_terms";

/// What [`NAME`] returns for one document, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct DocTerms {
    /// Documents in the index.
    pub rows: i64,
    /// Tokens in the whole index.
    pub tokens: i64,
    /// Tokens in this document.
    pub len: i64,
    /// Occurrences of each query phrase in this document, in query order.
    pub freq: Vec<i64>,
}

impl DocTerms {
    /// Decodes the blob: little-endian i64s `rows, tokens, len, freq…`.
    pub fn decode(blob: &[u8]) -> Option<DocTerms> {
        if !blob.len().is_multiple_of(8) {
            return None;
        }
        let mut values = blob
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        Some(DocTerms {
            rows: values.next()?,
            tokens: values.next()?,
            len: values.next()?,
            freq: values.collect(),
        })
    }
}

/// Registers [`NAME`] on this connection (once per connection: each registration adds an
/// entry to FTS5's list).
pub fn register(conn: &Connection) -> Result<(), String> {
    // SAFETY: `handle` is this open connection's; the statement is finalized before
    // returning; `api` is written by SQLite only while the statement runs.
    unsafe {
        let db = conn.handle();
        let mut api: *mut ffi::fts5_api = std::ptr::null_mut();
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let sql = c"SELECT fts5(?1)";
        let rc = ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut());
        if rc != ffi::SQLITE_OK {
            return Err(format!("FTS5 is not available (error {rc})"));
        }
        ffi::sqlite3_bind_pointer(
            stmt,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(stmt);
        ffi::sqlite3_finalize(stmt);
        if api.is_null() || (*api).iVersion < 2 {
            return Err("FTS5's extension interface is not available".into());
        }
        let Some(create) = (*api).xCreateFunction else {
            return Err("FTS5 cannot register functions".into());
        };
        let rc = create(
            api,
            c"tuidesk_terms".as_ptr(),
            std::ptr::null_mut(),
            Some(doc_terms),
            None,
        );
        if rc != ffi::SQLITE_OK {
            return Err(format!("registering {NAME} failed (error {rc})"));
        }
    }
    Ok(())
}

/// Reads the counts of the current row, or the SQLite error code that stopped it.
///
/// # Safety
/// `api` and `fts` are the pointers FTS5 passed to the auxiliary function.
unsafe fn read(api: &ffi::Fts5ExtensionApi, fts: *mut ffi::Fts5Context) -> Result<Vec<i64>, c_int> {
    let (
        Some(row_count),
        Some(total_size),
        Some(column_size),
        Some(phrase_count),
        Some(inst_count),
        Some(inst),
        Some(get_aux),
        Some(set_aux),
    ) = (
        api.xRowCount,
        api.xColumnTotalSize,
        api.xColumnSize,
        api.xPhraseCount,
        api.xInstCount,
        api.xInst,
        api.xGetAuxdata,
        api.xSetAuxdata,
    )
    else {
        return Err(ffi::SQLITE_MISUSE);
    };
    let check = |rc: c_int| {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(rc)
        }
    };
    // SAFETY: FTS5's own functions on its own context, with out-pointers to locals. The
    // auxiliary data slot holds only a `Box<[i64; 2]>` this function put there, freed by
    // `free_totals` when the query ends.
    unsafe {
        // The index totals are the same for every row of one query: read them once (each
        // read opens a blob on `%_data`: 11% of a search when done for every row).
        let cached = get_aux(fts, 0).cast::<[i64; 2]>();
        let [rows, tokens] = if let Some(totals) = cached.as_ref() {
            *totals
        } else {
            let (mut rows, mut tokens) = (0i64, 0i64);
            check(row_count(fts, &mut rows))?;
            check(total_size(fts, -1, &mut tokens))?;
            let boxed = Box::into_raw(Box::new([rows, tokens]));
            // On failure SQLite calls the destructor itself.
            check(set_aux(fts, boxed.cast::<c_void>(), Some(free_totals)))?;
            [rows, tokens]
        };
        let (mut len, mut n) = (0 as c_int, 0 as c_int);
        check(column_size(fts, -1, &mut len))?;
        let phrases = phrase_count(fts).max(0) as usize;
        let mut out = Vec::with_capacity(3 + phrases);
        out.extend([rows, tokens, i64::from(len)]);
        out.resize(3 + phrases, 0);
        check(inst_count(fts, &mut n))?;
        for i in 0..n {
            let (mut phrase, mut col, mut off) = (0 as c_int, 0 as c_int, 0 as c_int);
            check(inst(fts, i, &mut phrase, &mut col, &mut off))?;
            if let Some(f) = usize::try_from(phrase)
                .ok()
                .and_then(|p| out.get_mut(3 + p))
            {
                *f += 1;
            }
        }
        Ok(out)
    }
}

unsafe extern "C" fn free_totals(p: *mut c_void) {
    if !p.is_null() {
        // SAFETY: `p` came from `Box::into_raw` in `read` and is freed once, by SQLite.
        drop(unsafe { Box::from_raw(p.cast::<[i64; 2]>()) });
    }
}

unsafe extern "C" fn doc_terms(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    _n: c_int,
    _args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes valid pointers for the duration of the call; no panic can cross
    // this boundary (caught and reported as an error).
    unsafe {
        let Some(api) = api.as_ref() else {
            ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_MISUSE);
            return;
        };
        match std::panic::catch_unwind(|| read(api, fts)) {
            Ok(Ok(values)) => {
                let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                ffi::sqlite3_result_blob(
                    ctx,
                    bytes.as_ptr().cast::<c_void>(),
                    bytes.len() as c_int,
                    ffi::SQLITE_TRANSIENT(),
                );
            }
            Ok(Err(rc)) => ffi::sqlite3_result_error_code(ctx, rc),
            Err(_) => ffi::sqlite3_result_error_code(ctx, ffi::SQLITE_INTERNAL),
        }
    }
}

/// BM25 as FTS5's `bm25()` computes it (k1 = 1.2, b = 0.75, one column, lower is better),
/// with each phrase's document count `hits` given rather than counted over the index.
pub fn bm25(doc: &DocTerms, hits: &[i64]) -> f64 {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    let rows = doc.rows.max(1) as f64;
    let avgdl = (doc.tokens as f64 / rows).max(f64::MIN_POSITIVE);
    let d = doc.len as f64;
    let mut score = 0.0;
    for (i, &f) in doc.freq.iter().enumerate() {
        let n = hits.get(i).copied().unwrap_or(0) as f64;
        let mut idf = ((rows - n + 0.5) / (n + 0.5)).ln();
        if idf <= 0.0 {
            idf = 1e-6;
        }
        let f = f as f64;
        score += idf * (f * (K1 + 1.0)) / (f + K1 * (1.0 - B + B * d / avgdl));
    }
    -score
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With each phrase's document count over the whole index, the score is FTS5's own
    /// `bm25()`: the bounded ranking is BM25, only its document counts are local.
    #[test]
    fn counts_give_fts5s_own_bm25() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE s USING fts5 (body, content = '', contentless_delete = 1);
             INSERT INTO s (rowid, body) VALUES
               (1, 'slow query on orders'), (2, 'query query slow'),
               (3, 'nothing here at all today'), (-4, 'a slow reply about orders and more'),
               (5, 'orders orders orders');",
        )
        .unwrap();
        for (q, phrases) in [
            ("slow", vec!["slow"]),
            ("slow orders", vec!["slow", "orders"]),
            ("query OR orders", vec!["query", "orders"]),
            ("\"slow query\"", vec!["\"slow query\""]),
        ] {
            let hits: Vec<i64> = phrases
                .iter()
                .map(|p| {
                    conn.query_row("SELECT count(*) FROM s WHERE s MATCH ?1", [p], |r| r.get(0))
                        .unwrap()
                })
                .collect();
            let mut stmt = conn
                .prepare("SELECT bm25(s), tuidesk_terms(s) FROM s WHERE s MATCH ?1")
                .unwrap();
            let rows: Vec<(f64, Vec<u8>)> = stmt
                .query_map([q], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(!rows.is_empty(), "{q}");
            for (theirs, blob) in rows {
                let terms = DocTerms::decode(&blob).unwrap();
                assert_eq!((terms.rows, terms.freq.len()), (5, phrases.len()), "{q}");
                let ours = bm25(&terms, &hits);
                assert!((ours - theirs).abs() < 1e-9, "{q}: {ours} vs {theirs}");
            }
        }
        assert_eq!(DocTerms::decode(&[1, 2, 3]), None);
    }
}
