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
use std::fmt::Write as _;

use postgres::Client;

use super::error::{Ctx as _, get};
use crate::store::search_text::{Phrase, SearchQuery, fold, tokens};
use crate::store::{Result, SEARCH_RANKED};

const MAX_POSITION: usize = 16383;
const MAX_POSITIONS_PER_LEXEME: usize = 256;
const MAX_LEXEME_BYTES: usize = 2046;
/// How many of the newest documents of a kind the first look for matches covers, unless the
/// planner's estimate of the query's matches says how wide a window holds enough of them
/// (then between an eighth of this and eight times it).
const FIRST_WINDOW: i64 = 40_000;
/// How many more matches than needed the first window is sized for: every match of a window
/// is read, so more is wasted work, and too few costs one more (small) round.
const FIRST_WINDOW_MARGIN: f64 = 1.05;
/// Documents are grouped into buckets of `doc >> BUCKET_BITS` for the bucketed index
/// (`tuidesk_search_buckets`, schema migration 11, which must shift by the same amount).
const BUCKET_BITS: u32 = 14;
/// A round whose window names more buckets than this asks the plain index instead (a wide
/// window of a rare word: its whole posting list is short anyway).
const MAX_BUCKETS: usize = 48;

fn quote(lexeme: &str) -> String {
    let mut out = String::with_capacity(lexeme.len() + 2);
    push_quoted(&mut out, lexeme);
    out
}

/// Appends `lexeme` as a quoted `tsvector`/`tsquery` lexeme.
fn push_quoted(out: &mut String, lexeme: &str) {
    out.push('\'');
    for c in lexeme.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            c => out.push(c),
        }
    }
    out.push('\'');
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
    // Written straight into one string: a bulk load formats a literal per document.
    let mut literal = String::with_capacity(text.len() * 2);
    for (lexeme, ps) in &positions {
        if !literal.is_empty() {
            literal.push(' ');
        }
        push_quoted(&mut literal, lexeme);
        for (j, p) in ps.iter().enumerate() {
            literal.push(if j == 0 { ':' } else { ',' });
            let _ = write!(literal, "{p}");
        }
    }
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

impl Spec {
    /// The token as a `tsquery` operand.
    fn operand(&self) -> String {
        if self.prefix {
            format!("{}:*", quote(&self.lexeme))
        } else {
            quote(&self.lexeme)
        }
    }
}

fn phrase_tsquery(p: &Phrase) -> String {
    phrase_specs(p)
        .iter()
        .map(Spec::operand)
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

/// A `tsvector` as the server sends it in binary: each lexeme with its positions (weights
/// dropped). Layout: lexeme count (i32), then per lexeme its UTF-8 text ended by a NUL, its
/// position count (u16) and the positions (u16 each, the weight in the top two bits).
struct TsVector(Vec<(String, Vec<i16>)>);

impl<'a> postgres::types::FromSql<'a> for TsVector {
    fn from_sql(
        _ty: &postgres::types::Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        fn take<'b>(raw: &mut &'b [u8], n: usize) -> std::result::Result<&'b [u8], String> {
            if raw.len() < n {
                return Err("a tsvector ended early".into());
            }
            let (head, tail) = raw.split_at(n);
            *raw = tail;
            Ok(head)
        }
        let mut raw = raw;
        let count = i32::from_be_bytes(take(&mut raw, 4)?.try_into()?);
        let mut lexemes = Vec::with_capacity(usize::try_from(count)?.min(1024));
        for _ in 0..count {
            let end = raw
                .iter()
                .position(|&b| b == 0)
                .ok_or("a tsvector lexeme without its end")?;
            let lexeme = std::str::from_utf8(take(&mut raw, end)?)?.to_string();
            take(&mut raw, 1)?;
            let n = u16::from_be_bytes(take(&mut raw, 2)?.try_into()?);
            let mut positions = Vec::with_capacity(usize::from(n));
            for _ in 0..n {
                let p = u16::from_be_bytes(take(&mut raw, 2)?.try_into()?) & 0x3fff;
                positions.push(p as i16);
            }
            lexemes.push((lexeme, positions));
        }
        Ok(TsVector(lexemes))
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        *ty == postgres::types::Type::TS_VECTOR
    }
}

/// Each group's rarest token (any of them matches), and the share of documents the planner's
/// statistics say hold one of them; `None` without statistics (then the index is asked for
/// the whole query).
fn rarest_tokens(
    tx: &mut postgres::Transaction<'_>,
    q: &SearchQuery,
) -> Result<Option<(Vec<Spec>, f64)>> {
    let stats = tx
        .query(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats
             WHERE schemaname = current_schema() AND tablename = 'search_docs'
               AND attname = 'vec' AND most_common_elems IS NOT NULL",
            &[],
        )
        .ctx("searching")?;
    let Some(row) = stats.first() else {
        return Ok(None);
    };
    let elems: Vec<String> = get(row, 0)?;
    let freqs: Vec<f32> = get(row, 1)?;
    // The frequencies of the listed lexemes, then the lowest and the highest of them (and
    // the share of empty vectors); a lexeme not listed is rarer than the lowest: half of it,
    // as the planner assumes.
    let listed = &freqs[..elems.len().min(freqs.len())];
    let unlisted = listed.iter().copied().fold(f32::MAX, f32::min).min(1.0) as f64 / 2.0;
    let freq: HashMap<&str, f64> = elems
        .iter()
        .map(String::as_str)
        .zip(listed.iter().map(|f| f64::from(*f)))
        .collect();
    let share = |s: &Spec| -> f64 {
        if s.prefix {
            let sum: f64 = freq
                .iter()
                .filter(|(e, _)| e.starts_with(s.lexeme.as_str()))
                .map(|(_, f)| *f)
                .sum();
            sum.max(unlisted)
        } else {
            freq.get(s.lexeme.as_str()).copied().unwrap_or(unlisted)
        }
    };
    let mut parts = Vec::new();
    let mut density = 0.0;
    for g in &q.groups {
        let Some((spec, f)) = g
            .iter()
            .flat_map(phrase_specs)
            .map(|s| {
                let f = share(&s);
                (s, f)
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
        else {
            continue;
        };
        density += f;
        parts.push(spec);
    }
    if parts.is_empty() {
        return Ok(None);
    }
    Ok(Some((parts, density.min(1.0))))
}

/// A `tsquery` matching any of `specs`.
fn any_of(specs: &[Spec]) -> String {
    specs
        .iter()
        .map(Spec::operand)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The buckets of the bucketed index that hold the documents `from..=to`.
fn buckets(from: i64, to: i64) -> std::ops::RangeInclusive<i64> {
    (from >> BUCKET_BITS)..=(to >> BUCKET_BITS)
}

/// A `tsquery` on the bucketed index: any of `specs` (exact tokens) in any of `buckets`.
/// The index's lexemes are a document's own, each followed by a space and its bucket.
fn in_buckets(specs: &[Spec], buckets: &[i64]) -> String {
    specs
        .iter()
        .flat_map(|s| {
            buckets
                .iter()
                .map(move |b| quote(&format!("{} {b}", s.lexeme)))
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
///
/// Only the positions of the query's own tokens leave the server: each read vector is first
/// cut down to the query's lexemes (`setweight` marks them, `ts_filter` keeps the marked
/// ones; a prefix token keeps every lexeme it starts), so the cost per document does not
/// grow with the document's vocabulary.
pub fn search(client: &mut Client, q: &SearchQuery, limit: usize) -> Result<(Vec<i64>, bool)> {
    search_in(client, q, limit, FIRST_WINDOW, SEARCH_RANKED, MAX_BUCKETS)
}

/// [`search`] with its first window, its bound and the most buckets a round may name given
/// (tests make them small; no buckets: the plain index only).
fn search_in(
    client: &mut Client,
    q: &SearchQuery,
    limit: usize,
    first_window: i64,
    ranked: usize,
    bucket_limit: usize,
) -> Result<(Vec<i64>, bool)> {
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

    let exact: Vec<String> = specs
        .iter()
        .filter(|s| !s.prefix)
        .map(|s| s.lexeme.clone())
        .collect();
    let prefixes: Vec<String> = specs
        .iter()
        .filter(|s| s.prefix)
        .map(|s| s.lexeme.clone())
        .collect();
    // The lexemes of a read vector that the query's tokens name: the exact ones as given;
    // with prefix tokens, those of the vector's own lexemes that match.
    let wanted = if prefixes.is_empty() {
        "$2::text[]"
    } else {
        "ARRAY(SELECT l FROM unnest(tsvector_to_array(d.vec)) l
               WHERE l = ANY($2::text[])
                  OR EXISTS (SELECT 1 FROM unnest($3::text[]) x WHERE starts_with(l, x)))"
    };
    let mut params: Vec<Box<dyn postgres::types::ToSql + Sync>> =
        vec![Box::new(tsquery(q)), Box::new(exact)];
    if !prefixes.is_empty() {
        params.push(Box::new(prefixes));
    }
    let bound = ranked + 1;
    // The planner multiplies the frequencies of words it is asked for together (and knows
    // nothing of phrases), so a query of words that go together, or a phrase, is estimated
    // at a handful of rows: it then fetches every match in the whole index and filters the
    // window afterwards. So the index is asked only for each group's rarest token (by the
    // same statistics the planner keeps), whose estimate is right, and the whole query is a
    // filter on the fetched rows. The same rarest tokens say how wide a first window holds
    // `bound` matches.
    let rarest = rarest_tokens(&mut tx, q)?;
    let first_window = match &rarest {
        Some((_, d)) if first_window == FIRST_WINDOW => ((bound as f64 * FIRST_WINDOW_MARGIN
            / d.clamp(1e-9, 1.0)) as i64)
            .clamp(FIRST_WINDOW / 8, FIRST_WINDOW * 8),
        _ => first_window,
    };
    // Exact rarest tokens can be looked up per bucket of documents: a frequent word's
    // posting list in the plain index covers the whole desk (160k entries for a word in a
    // sixth of 1M documents, most of a search's time), where a window's buckets hold only
    // the window's share of it.
    let bucketable = rarest
        .as_ref()
        .filter(|(specs, _)| specs.iter().all(|s| !s.prefix))
        .map(|(specs, _)| specs.as_slice());
    let plain = rarest
        .as_ref()
        .map_or_else(|| tsquery(q), |(specs, _)| any_of(specs));
    let ends = tx
        .query_one(
            "SELECT COALESCE(max(doc), 0), COALESCE(min(doc), 0) FROM search_docs",
            &[],
        )
        .ctx("searching")?;
    // The matches come from a GIN index as a bitmap, never by walking the primary key and
    // testing each document (tens of thousands of rows for a word in one document of
    // twenty); a bitmap sorts only what a window of the newest documents holds. Parallel
    // workers cost more to start than a window's few thousand rows take to read (a bucketed
    // round of `invoice` at 1M: 20 ms alone, 31-40 ms with two workers), and so does
    // compiling the round's expressions (5-9 ms at 1M, for a query that runs once).
    tx.batch_execute(
        "SET LOCAL enable_indexscan = off; SET LOCAL work_mem = '64MB';
         SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off",
    )
    .ctx("searching")?;
    let newest_ticket: i64 = get(&ends, 0)?;
    let newest_entry: i64 = get(&ends, 1)?;
    // Each fetched vector is cut down to the query's lexemes once, and the whole query is
    // matched against the cut (it holds every lexeme and position the query names): one
    // pass over each vector instead of two (`OFFSET 0` keeps the planner from folding the
    // two levels together and computing the cut twice).
    let select = |window: &str| {
        format!(
            "SELECT * FROM (
                 SELECT doc, ticket_id, len, ts_filter(setweight(d.vec, 'A', {wanted}), '{{a}}') AS cut
                 FROM search_docs d WHERE {window} OFFSET 0) w
             WHERE ts_match_vq(cut, $1::text::tsquery)"
        )
    };
    // Each kind is looked at in windows of its newest documents, newer before older, every
    // match of a window read (one index scan per round for both kinds), until a kind has
    // `bound` matches or no more documents. Keys: a ticket document's doc, an entry's -doc
    // (newest = highest key).
    struct Kind {
        newest: i64,
        to: i64,
        width: i64,
        found: usize,
    }
    let mut kinds = [newest_ticket, -newest_entry].map(|newest| Kind {
        newest,
        to: newest,
        width: first_window,
        found: 0,
    });
    let mut rows = Vec::new();
    loop {
        // Each kind's window: keys `from` (excluded) to `to`; with buckets, widened down to
        // whole buckets so that the next window starts at a bucket's end.
        let mut froms = [0i64; 2];
        let mut docs: Vec<(i64, i64)> = Vec::new();
        for (i, k) in kinds.iter().enumerate() {
            if k.to <= 0 || k.found >= bound {
                continue;
            }
            let mut from = k.to.saturating_sub(k.width).max(0);
            if bucketable.is_some() {
                from = if i == 0 {
                    (((from + 1) >> BUCKET_BITS) << BUCKET_BITS) - 1
                } else {
                    (from >> BUCKET_BITS) << BUCKET_BITS
                }
                .max(0);
            }
            froms[i] = from;
            // The window's documents, first to last.
            docs.push(if i == 0 {
                (from + 1, k.to)
            } else {
                (-k.to, -from - 1)
            });
        }
        if docs.is_empty() {
            break;
        }
        let named: Vec<i64> = docs.iter().flat_map(|&(a, b)| buckets(a, b)).collect();
        let mut p: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn postgres::types::ToSql + Sync))
            .collect();
        // The window is a filter on the buckets' matches (`+ 0`: not another index scan,
        // whose bitmap would cover the whole window), or a range ANDed with the plain index.
        let (lookup, index, key) = match bucketable.filter(|_| named.len() <= bucket_limit) {
            Some(specs) => (
                in_buckets(specs, &named),
                "tuidesk_search_buckets(d.vec, d.doc)",
                "(doc + 0)",
            ),
            None => (plain.clone(), "d.vec", "doc"),
        };
        p.push(&lookup);
        let index = format!("{index} @@ ${}::text::tsquery", p.len());
        let mut ranges = Vec::new();
        for (first, last) in &docs {
            p.push(first);
            p.push(last);
            ranges.push(format!(
                "({key} >= ${} AND {key} <= ${})",
                p.len() - 1,
                p.len()
            ));
        }
        let sql = select(&format!("{index} AND ({})", ranges.join(" OR ")));
        let got = tx.query(sql.as_str(), &p).ctx("searching")?;
        for r in &got {
            let doc: i64 = get(r, 0)?;
            kinds[usize::from(doc < 0)].found += 1;
        }
        rows.extend(got);
        for (i, k) in kinds.iter_mut().enumerate() {
            if k.to <= 0 || k.found >= bound {
                continue;
            }
            // The next window: wide enough, at the density seen so far, for what is
            // missing (half as much again), never narrower than this one.
            let covered = (k.newest - froms[i]).max(1) as f64;
            let missing = bound.saturating_sub(k.found) as f64;
            k.width = if k.found == 0 {
                i64::MAX
            } else {
                ((missing * 1.5 * covered / k.found as f64) as i64).max(k.width)
            };
            k.to = froms[i];
        }
    }
    // (doc, ticket, length, frequency of each phrase)
    let mut read: Vec<(i64, i64, i64, Vec<f64>)> = Vec::with_capacity(rows.len());
    for r in &rows {
        let doc: i64 = get(r, 0)?;
        let ticket: i64 = get(r, 1)?;
        let len: i64 = get(r, 2)?;
        let cut: TsVector = get(r, 3)?;
        let positions: Vec<Vec<i16>> = specs
            .iter()
            .map(|s| {
                let mut ps: Vec<i16> = cut
                    .0
                    .iter()
                    .filter(|(lexeme, _)| {
                        if s.prefix {
                            lexeme.starts_with(&s.lexeme)
                        } else {
                            *lexeme == s.lexeme
                        }
                    })
                    .flat_map(|(_, ps)| ps.iter().copied())
                    .collect();
                ps.sort_unstable();
                ps
            })
            .collect();
        let freq = phrase_idx
            .iter()
            .map(|specs| phrase_frequency(specs, &positions) as f64)
            .collect();
        read.push((doc, ticket, len, freq));
    }
    // Keep the newest SEARCH_RANKED of each kind; more than that of either: bounded.
    let (mut tickets_read, mut entries_read): (Vec<_>, Vec<_>) =
        read.into_iter().partition(|r| r.0 > 0);
    tickets_read.sort_by_key(|r| std::cmp::Reverse(r.0));
    entries_read.sort_by_key(|r| r.0);
    let bounded = tickets_read.len() > ranked || entries_read.len() > ranked;
    tickets_read.truncate(ranked);
    entries_read.truncate(ranked);
    let read: Vec<_> = tickets_read.into_iter().chain(entries_read).collect();
    // Each phrase's document count: among the read documents when the ranking is bounded;
    // otherwise the whole index's. Unbounded, every document holding a phrase that alone
    // makes up its group matched and was read, so only a phrase ANDed with others in its
    // group needs the index counted.
    let mut idf: Vec<f64> = Vec::with_capacity(phrases.len());
    let alone: Vec<bool> = q
        .groups
        .iter()
        .flat_map(|g| std::iter::repeat_n(g.len() == 1, g.len()))
        .collect();
    for (i, p) in phrases.iter().enumerate() {
        let hits = if bounded || alone.get(i).copied().unwrap_or(false) {
            read.iter().filter(|r| r.3[i] > 0.0).count() as f64
        } else {
            let row = tx
                .query_one(
                    "SELECT count(*) FROM search_docs WHERE vec @@ $1::text::tsquery",
                    &[&phrase_tsquery(p)],
                )
                .ctx("searching")?;
            let hits: i64 = get(&row, 0)?;
            hits as f64
        };
        let v = ((n_rows - hits + 0.5) / (hits + 0.5)).ln();
        idf.push(if v <= 0.0 { 1e-6 } else { v });
    }
    tx.commit().ctx("searching")?;
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
    // Every read document counts (as on SQLite): a cut here would leave fewer than `limit`
    // tickets when some of them match in several documents.
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
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
    use super::super::scratch::{Scratch, connect};
    use super::*;

    #[test]
    fn documents_keep_positions_of_folded_bigrams() {
        let (len, lit) = document("Café 连接失败");
        assert_eq!(len, 5);
        assert_eq!(lit, "'cafe':1 '失败':4 '接失':3 '败':5 '连接':2");
        let (len, lit) = document("it's a\\b, it's");
        assert_eq!(len, 6);
        assert_eq!(lit, "'a':3 'b':4 'it':1,5 's':2,6");
        assert_eq!(quote("o'k\\"), "'o''k\\\\'");
    }

    /// Whatever the width of the first window (one document, a few, all of them at once, or
    /// what the planner's estimate says), a search reads the same newest matches and ranks
    /// them the same, bounded or not.
    #[test]
    fn window_widths_do_not_change_the_results() {
        let Some(scratch) = Scratch::new("windows") else {
            return;
        };
        let url = scratch.url.clone();
        {
            let policies = std::sync::Arc::new(crate::config::policies::builtin().unwrap());
            drop(super::super::PgStore::open(&url, policies).unwrap());
            let mut c = connect(&url);
            let words = [
                "invoice",
                "连接失败",
                "region",
                "slow query",
                "タイムアウト",
            ];
            let (mut docs, mut tokens) = (0i64, 0i64);
            // Documents spread over many buckets of the bucketed index (ids 997 apart: 19
            // buckets of tickets, 4 of entries).
            for n in (-60i64..=300).filter(|d| *d != 0) {
                let a = words[n.unsigned_abs() as usize % words.len()];
                let b = words[(n.unsigned_abs() as usize / 3) % words.len()];
                let text = format!("{a} then {b} and {a} again {}", n % 7);
                let (len, vec) = document(&text);
                c.execute(
                    "INSERT INTO search_docs (doc, ticket_id, len, vec)
                     VALUES ($1, $2, $3, $4::text::tsvector)",
                    &[&(n * 997), &(n.abs() % 150 + 1), &len, &vec],
                )
                .unwrap();
                docs += 1;
                tokens += len;
            }
            c.execute(
                "UPDATE search_stats SET docs = $1, tokens = $2 WHERE id = 1",
                &[&docs, &tokens],
            )
            .unwrap();
            c.batch_execute("ANALYZE search_docs").unwrap();
            // The index is asked for each group's rarest token: "invoice" is in a fifth of
            // the documents, "then" in all of them.
            {
                let mut tx = c.transaction().unwrap();
                let q = crate::store::search_text::parse("then invoice OR again").unwrap();
                let (rare, density) = rarest_tokens(&mut tx, &q).unwrap().unwrap();
                assert_eq!(any_of(&rare), "'invoice' | 'again'");
                assert!(density > 0.9, "{density:?}");
                tx.commit().unwrap();
            }
            let mut bounded_seen = false;
            for text in [
                "invoice",
                "连接",
                "region OR slow",
                "\"slow query\"",
                "タイム",
                "inv*",
                "then again",
            ] {
                let q = crate::store::search_text::parse(text).unwrap();
                // The first window the planner's estimate picks changes nothing either.
                assert_eq!(
                    search(&mut c, &q, 40).unwrap(),
                    search_in(&mut c, &q, 40, i64::MAX / 2, SEARCH_RANKED, 0).unwrap(),
                    "{text:?}, first window from the estimate"
                );
                for ranked in [25, 5000] {
                    // One round on the plain index: every match at once.
                    let all = search_in(&mut c, &q, 40, i64::MAX / 2, ranked, 0).unwrap();
                    assert!(!all.0.is_empty(), "{text:?} finds something");
                    bounded_seen |= all.1;
                    for window in [1, 3, 17, 100, 5_000, 40_000] {
                        // The plain index, a mix (rounds of a few buckets), buckets only.
                        for limit in [0, 2, MAX_BUCKETS] {
                            assert_eq!(
                                search_in(&mut c, &q, 40, window, ranked, limit).unwrap(),
                                all,
                                "{text:?}, first window {window}, ranked {ranked}, \
                                 at most {limit} buckets a round"
                            );
                        }
                    }
                }
            }
            assert!(bounded_seen, "some searches hit the bound");
        }
    }

    /// A desk from before the bucketed index (schema 10) gets it when opened, over the
    /// documents it already holds: a search by bucket finds them.
    #[test]
    fn an_older_desk_is_indexed_by_bucket_when_opened() {
        let Some(scratch) = Scratch::new("upgrade") else {
            return;
        };
        let mut c = connect(&scratch.url);
        c.batch_execute(
            "CREATE TABLE schema_migrations (
                 version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .unwrap();
        let before = super::super::schema::BUCKETED_SEARCH - 1;
        for (i, sql) in super::super::schema::MIGRATIONS[..before]
            .iter()
            .enumerate()
        {
            c.batch_execute(sql).unwrap();
            c.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&(i as i64 + 1)],
            )
            .unwrap();
        }
        // Two buckets of tickets and one of entries.
        for doc in [3i64, 20_000, 40_000, -5] {
            let (len, vec) = document(&format!("invoice number {doc}"));
            c.execute(
                "INSERT INTO search_docs (doc, ticket_id, len, vec)
                 VALUES ($1, $2, $3, $4::text::tsvector)",
                &[&doc, &doc.abs(), &len, &vec],
            )
            .unwrap();
        }
        c.execute(
            "UPDATE search_stats SET docs = 4, tokens = 12 WHERE id = 1",
            &[],
        )
        .unwrap();
        c.batch_execute("ANALYZE search_docs").unwrap();
        let policies = std::sync::Arc::new(crate::config::policies::builtin().unwrap());
        drop(super::super::PgStore::open(&scratch.url, policies).unwrap());
        let row = c
            .query_one(
                "SELECT count(*) FROM search_docs
                 WHERE tuidesk_search_buckets(vec, doc) @@ '''invoice 1'' | ''invoice -1'''",
                &[],
            )
            .unwrap();
        assert_eq!(row.get::<_, i64>(0), 2, "the documents of buckets 1 and -1");
        let q = crate::store::search_text::parse("invoice").unwrap();
        let (mut found, bounded) =
            search_in(&mut c, &q, 10, 1, SEARCH_RANKED, MAX_BUCKETS).unwrap();
        found.sort_unstable();
        assert_eq!(found, vec![3, 5, 20_000, 40_000]);
        assert!(!bounded);
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
