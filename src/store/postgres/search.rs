//! Full-text search on PostgreSQL that answers like the SQLite index: documents hold the
//! same folded CJK bigram tokens ([`crate::store::search_text::tokens`]) with their positions
//! in a `tsvector` (written as a literal, so PostgreSQL's own parser never re-splits them),
//! found through a GIN index with the same parsed query, and ranked with FTS5's BM25
//! (k1 = 1.2, b = 0.75, the same IDF floor) computed from the positions of the query's
//! tokens: the same data gives the same tickets in the same order on both backends.
//!
//! Limits PostgreSQL puts on a `tsvector`: positions above 16383 count as 16383 and a
//! lexeme keeps at most 256 positions, so documents longer than that may rank slightly
//! differently; tokens longer than 2 KiB are not indexed.

use std::collections::{BTreeMap, HashMap};

use postgres::Client;

use super::error::{Ctx as _, get};
use crate::store::search_text::{Phrase, SearchQuery, fold, tokens};
use crate::store::{Result, SEARCH_RANKED};

const MAX_POSITION: usize = 16383;
const MAX_POSITIONS_PER_LEXEME: usize = 256;
const MAX_LEXEME_BYTES: usize = 2046;
/// FTS5's bm25 keeps the best this many documents before grouping them by ticket.
const BEST_DOCUMENTS: usize = 1000;

fn quote(lexeme: &str) -> String {
    format!("'{}'", lexeme.replace('\\', "\\\\").replace('\'', "''"))
}

/// A document's token count and its `tsvector` literal.
pub fn document(text: &str) -> (i64, String) {
    let toks = tokens(text);
    let mut positions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in toks.iter().enumerate() {
        if t.len() > MAX_LEXEME_BYTES {
            continue;
        }
        let list = positions.entry(t.as_str()).or_default();
        let p = (i + 1).min(MAX_POSITION);
        if list.len() < MAX_POSITIONS_PER_LEXEME && list.last() != Some(&p) {
            list.push(p);
        }
    }
    let literal = positions
        .iter()
        .map(|(lexeme, ps)| {
            let ps = ps
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",");
            format!("{}:{ps}", quote(lexeme))
        })
        .collect::<Vec<_>>()
        .join(" ");
    (toks.len() as i64, literal)
}

/// One query token as the index compares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Spec {
    lexeme: String,
    prefix: bool,
}

fn phrase_specs(p: &Phrase) -> Vec<Spec> {
    let n = p.tokens.len();
    p.tokens
        .iter()
        .enumerate()
        .map(|(i, t)| Spec {
            lexeme: fold(t),
            prefix: p.prefix && i + 1 == n,
        })
        .collect()
}

fn phrase_tsquery(p: &Phrase) -> String {
    phrase_specs(p)
        .iter()
        .map(|s| {
            if s.prefix {
                format!("{}:*", quote(&s.lexeme))
            } else {
                quote(&s.lexeme)
            }
        })
        .collect::<Vec<_>>()
        .join(" <-> ")
}

/// The whole query as a `tsquery` literal: groups ORed, phrases in a group ANDed.
pub fn tsquery(q: &SearchQuery) -> String {
    q.groups
        .iter()
        .map(|g| {
            let inner = g
                .iter()
                .map(|p| format!("({})", phrase_tsquery(p)))
                .collect::<Vec<_>>()
                .join(" & ");
            format!("({inner})")
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// How often a phrase occurs, from the positions of its tokens.
fn phrase_frequency(specs: &[usize], positions: &[Vec<i16>]) -> usize {
    let Some((&first, rest)) = specs.split_first() else {
        return 0;
    };
    positions[first]
        .iter()
        .filter(|&&p| {
            rest.iter().enumerate().all(|(j, &s)| {
                let want = i32::from(p) + j as i32 + 1;
                positions[s].iter().any(|&q| i32::from(q) == want)
            })
        })
        .count()
}

/// Ticket ids, best match first (at most `limit`), and whether the ranking was bounded.
///
/// As on SQLite: each kind of document (ticket text: doc = ticket id; replies and notes:
/// doc = -entry id) is read newest first, at most [`SEARCH_RANKED`] (+1 to learn whether
/// there were more). When either kind had more, the read documents are ranked by BM25 with
/// each phrase's document count taken among them; otherwise every match was read and each
/// phrase's count is the whole index's, exactly as an unbounded search.
pub fn search(client: &mut Client, q: &SearchQuery, limit: usize) -> Result<(Vec<i64>, bool)> {
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .ctx("searching")?;
    let stats = tx
        .query_one("SELECT docs, tokens FROM search_stats WHERE id = 1", &[])
        .ctx("searching")?;
    let n_rows: i64 = get(&stats, 0)?;
    let n_tokens: i64 = get(&stats, 1)?;
    let n_rows = n_rows.max(1) as f64;
    let avgdl = n_tokens as f64 / n_rows;

    let phrases: Vec<&Phrase> = q.phrases().collect();
    // Distinct token specs; each phrase is a list of indexes into them.
    let mut specs: Vec<Spec> = Vec::new();
    let mut index: HashMap<Spec, usize> = HashMap::new();
    let phrase_idx: Vec<Vec<usize>> = phrases
        .iter()
        .map(|p| {
            phrase_specs(p)
                .into_iter()
                .map(|s| {
                    *index.entry(s.clone()).or_insert_with(|| {
                        specs.push(s);
                        specs.len() - 1
                    })
                })
                .collect()
        })
        .collect();

    let mut idf: Vec<f64> = Vec::with_capacity(phrases.len());
    for p in &phrases {
        let row = tx
            .query_one(
                "SELECT count(*) FROM search_docs WHERE vec @@ $1::text::tsquery",
                &[&phrase_tsquery(p)],
            )
            .ctx("searching")?;
        let hits: i64 = get(&row, 0)?;
        let hits = hits as f64;
        let v = ((n_rows - hits + 0.5) / (hits + 0.5)).ln();
        idf.push(if v <= 0.0 { 1e-6 } else { v });
    }

    let mut params: Vec<Box<dyn postgres::types::ToSql + Sync>> = vec![Box::new(tsquery(q))];
    let mut aggregates = Vec::new();
    for s in &specs {
        params.push(Box::new(s.lexeme.clone()));
        let n = params.len();
        let cond = if s.prefix {
            format!("starts_with(u.lexeme, ${n})")
        } else {
            format!("u.lexeme = ${n}")
        };
        aggregates.push(format!("array_agg(p) FILTER (WHERE {cond})"));
    }
    let bound = SEARCH_RANKED + 1;
    let sql = format!(
        "WITH m AS (SELECT doc, ticket_id, len, vec FROM search_docs
                    WHERE vec @@ $1::text::tsquery),
              d AS ((SELECT * FROM m WHERE doc > 0 ORDER BY doc DESC LIMIT {bound})
                    UNION ALL
                    (SELECT * FROM m WHERE doc < 0 ORDER BY doc ASC LIMIT {bound}))
         SELECT d.doc, d.ticket_id, d.len, {}
         FROM d
         CROSS JOIN LATERAL (SELECT {}
                             FROM unnest(d.vec) u, unnest(u.positions) p) x",
        (0..specs.len())
            .map(|i| format!("x.s{i}"))
            .collect::<Vec<_>>()
            .join(", "),
        aggregates
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{a} AS s{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|p| p.as_ref() as &(dyn postgres::types::ToSql + Sync))
        .collect();
    let rows = tx.query(&sql, &refs).ctx("searching")?;
    // (doc, ticket, length, frequency of each phrase)
    let mut read: Vec<(i64, i64, i64, Vec<f64>)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let doc: i64 = get(r, 0)?;
        let ticket: i64 = get(r, 1)?;
        let len: i64 = get(r, 2)?;
        let positions = (0..specs.len())
            .map(|i| Ok(get::<Option<Vec<i16>>>(r, 3 + i)?.unwrap_or_default()))
            .collect::<Result<Vec<_>>>()?;
        let freq = phrase_idx
            .iter()
            .map(|specs| phrase_frequency(specs, &positions) as f64)
            .collect();
        read.push((doc, ticket, len, freq));
    }
    tx.commit().ctx("searching")?;
    // Keep the newest SEARCH_RANKED of each kind; more than that of either: bounded.
    let (mut tickets_read, mut entries_read): (Vec<_>, Vec<_>) =
        read.into_iter().partition(|r| r.0 > 0);
    tickets_read.sort_by_key(|r| std::cmp::Reverse(r.0));
    entries_read.sort_by_key(|r| r.0);
    let bounded = tickets_read.len() > SEARCH_RANKED || entries_read.len() > SEARCH_RANKED;
    tickets_read.truncate(SEARCH_RANKED);
    entries_read.truncate(SEARCH_RANKED);
    let read: Vec<_> = tickets_read.into_iter().chain(entries_read).collect();
    if bounded {
        for (i, v) in idf.iter_mut().enumerate() {
            let hits = read.iter().filter(|r| r.3[i] > 0.0).count() as f64;
            let x = ((n_rows - hits + 0.5) / (hits + 0.5)).ln();
            *v = if x <= 0.0 { 1e-6 } else { x };
        }
    }
    let (k1, b) = (1.2_f64, 0.75_f64);
    let mut scored: Vec<(f64, i64, i64)> = Vec::with_capacity(read.len());
    for (doc, ticket, len, freq) in &read {
        let d = k1 * (1.0 - b + b * (*len as f64 / avgdl));
        let mut score = 0.0;
        for (i, f) in freq.iter().enumerate() {
            score += idf[i] * (f * (k1 + 1.0)) / (f + d);
        }
        scored.push((-score, *doc, *ticket));
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    scored.truncate(BEST_DOCUMENTS);
    let mut best: HashMap<i64, f64> = HashMap::new();
    for (score, _, ticket) in scored {
        best.entry(ticket)
            .and_modify(|s| *s = s.min(score))
            .or_insert(score);
    }
    let mut tickets: Vec<(f64, i64)> = best.into_iter().map(|(t, s)| (s, t)).collect();
    tickets.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    Ok((
        tickets.into_iter().take(limit).map(|(_, t)| t).collect(),
        bounded,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_keep_positions_of_folded_bigrams() {
        let (len, lit) = document("Café 连接失败");
        assert_eq!(len, 5);
        assert_eq!(lit, "'cafe':1 '失败':4 '接失':3 '败':5 '连接':2");
    }

    #[test]
    fn queries_become_tsquery_phrases() {
        let q = crate::store::search_text::parse("连接失败 OR tik*").unwrap();
        assert_eq!(
            tsquery(&q),
            "(('连接' <-> '接失' <-> '失败')) | (('tik':*))"
        );
    }
}
