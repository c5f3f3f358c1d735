//! Full-text indexing that finds Chinese and Japanese words inside longer runs of text,
//! shared by every backend: the SQLite one feeds [`index_text`] to FTS5 and renders queries
//! with [`match_expression`]; the PostgreSQL one stores the same text's [`tokens`] in a
//! `tsvector` and evaluates the same parsed [`SearchQuery`].
//!
//! FTS5's `unicode61` tokenizer treats a run of CJK characters as one token, so "连接" would
//! never match inside "数据库连接失败". The `trigram` tokenizer fixes that but cannot match
//! queries shorter than three characters, and most Chinese words are two. We therefore index
//! CJK runs as overlapping bigrams (plus the run's last character as a unigram, so a
//! one-character query can match anywhere) and turn queries into phrases of the same bigrams:
//! the approach of Lucene's CJK analyzer. Latin text goes through `unicode61` unchanged.

/// Characters indexed as CJK bigrams: Han, kana, Hangul and their punctuation-free
/// extensions. Full-width punctuation splits runs.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF   // hiragana, katakana
        | 0x31F0..=0x31FF // katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF66..=0xFF9F // half-width katakana
        | 0x20000..=0x3134F // extensions B–H
    )
}

/// Emits the CJK run as bigrams and a final unigram, separated by spaces.
fn push_cjk_run(run: &[char], out: &mut String) {
    if run.len() == 1 {
        out.push(' ');
        out.push(run[0]);
        out.push(' ');
        return;
    }
    for pair in run.windows(2) {
        out.push(' ');
        out.push(pair[0]);
        out.push(pair[1]);
    }
    out.push(' ');
    out.push(run[run.len() - 1]);
    out.push(' ');
}

/// Text as stored in the index: Latin words unchanged, CJK runs as bigrams.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run: Vec<char> = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                push_cjk_run(&run, &mut out);
                run.clear();
            }
            out.push(c);
        }
    }
    if !run.is_empty() {
        push_cjk_run(&run, &mut out);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("search query is empty")]
    Empty,
    #[error("search query has an unclosed double quote; close it or remove it")]
    UnclosedQuote,
    #[error("search query has no searchable words (only punctuation)")]
    NoWords,
    #[error(
        "search query has {0} words; at most {MAX_SEARCH_WORDS} are searched (a pair of CJK characters counts as one word): narrow it down"
    )]
    TooManyWords(usize),
}

/// The most index words one query may hold. Each word is one more phrase to intersect, so
/// this bounds a search's cost (thousands of words took minutes).
pub const MAX_SEARCH_WORDS: usize = 64;

/// One user word or phrase: index tokens that must follow each other, the last one a prefix
/// when `prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub tokens: Vec<String>,
    pub prefix: bool,
}

/// A parsed query: any of `groups` matches, a group when all of its phrases do (implicit AND
/// binds tighter than `OR`, as in FTS5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub groups: Vec<Vec<Phrase>>,
}

impl SearchQuery {
    /// Every phrase in query order (ranking sums over them, as FTS5's bm25 does).
    pub fn phrases(&self) -> impl Iterator<Item = &Phrase> {
        self.groups.iter().flatten()
    }
}

enum Term {
    Or,
    Phrase(Phrase),
}

/// What a user typed as terms. Words are ANDed; `"a phrase"` stays a phrase; a trailing `*`
/// on a Latin word is a prefix search; `OR` between words is kept; everything else is a
/// word, so no input is a syntax error.
fn terms(query: &str) -> Result<Vec<Term>, QueryError> {
    if query.trim().is_empty() {
        return Err(QueryError::Empty);
    }
    if query.chars().filter(|&c| c == '"').count() % 2 == 1 {
        return Err(QueryError::UnclosedQuote);
    }
    let mut terms: Vec<Term> = Vec::new();
    let mut words = 0;
    let mut rest = query;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (raw, phrase) = if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            let raw = &stripped[..end];
            rest = stripped.get(end + 1..).unwrap_or("");
            (raw, true)
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let raw = &rest[..end];
            rest = &rest[end..];
            (raw, false)
        };
        if !phrase && raw == "OR" {
            if terms.last().is_some_and(|t| !matches!(t, Term::Or)) {
                terms.push(Term::Or);
            }
            continue;
        }
        if let Some(term) = term_phrase(raw) {
            words += term.tokens.len();
            if words > MAX_SEARCH_WORDS {
                // Count the rest roughly, only to say how many there were.
                let more = rest.split_whitespace().count();
                return Err(QueryError::TooManyWords(words + more));
            }
            terms.push(Term::Phrase(term));
        }
    }
    while terms.last().is_some_and(|t| matches!(t, Term::Or)) {
        terms.pop();
    }
    if terms.is_empty() {
        return Err(QueryError::NoWords);
    }
    Ok(terms)
}

/// Parses what a user typed (see [`match_expression`] for the rules).
pub fn parse(query: &str) -> Result<SearchQuery, QueryError> {
    let mut groups: Vec<Vec<Phrase>> = vec![Vec::new()];
    for term in terms(query)? {
        match term {
            Term::Or => groups.push(Vec::new()),
            Term::Phrase(p) => {
                if let Some(g) = groups.last_mut() {
                    g.push(p);
                }
            }
        }
    }
    groups.retain(|g| !g.is_empty());
    Ok(SearchQuery { groups })
}

/// Builds an FTS5 MATCH expression from what a user typed. Words are ANDed; `"a phrase"`
/// stays a phrase; a trailing `*` on a Latin word is a prefix search; `OR` between words is
/// kept. Everything else is quoted, so no user input can produce an FTS5 syntax error.
pub fn match_expression(query: &str) -> Result<String, QueryError> {
    let rendered: Vec<String> = terms(query)?
        .into_iter()
        .map(|t| match t {
            Term::Or => "OR".to_string(),
            Term::Phrase(p) => {
                let quoted = format!("\"{}\"", p.tokens.join(" "));
                if p.prefix {
                    format!("{quoted}*")
                } else {
                    quoted
                }
            }
        })
        .collect();
    Ok(rendered.join(" "))
}

/// One user word or phrase as a phrase of index tokens (as typed; FTS5 folds them itself).
fn term_phrase(raw: &str) -> Option<Phrase> {
    let (body, prefix) = match raw.strip_suffix('*') {
        Some(b) => (b, true),
        None => (raw, false),
    };
    let cjk: Vec<char> = body.chars().filter(|&c| is_cjk(c)).collect();
    if cjk.len() == 1 && body.chars().all(is_cjk) {
        // One character: it begins some bigram, or is a run's final unigram.
        return Some(Phrase {
            tokens: vec![cjk[0].to_string()],
            prefix: true,
        });
    }
    let tokens: Vec<String> = split_tokens(&index_text(body))
        .map(str::to_string)
        .collect();
    if tokens.is_empty() {
        return None;
    }
    // The final unigram of the last CJK run is redundant in a query (the last bigram covers
    // it) and would break phrase adjacency where the text's run goes on ("连接" inside
    // "连接失败"), so it goes. A run that ends inside the phrase (at punctuation, a space or
    // Latin text) ends there in any matching text too, whose index then holds its unigram
    // between it and the next token: that one stays.
    let mut phrase = tokens;
    let is_bigram = |t: &String| t.chars().count() == 2 && t.chars().all(is_cjk);
    let is_unigram = |t: &String| t.chars().count() == 1 && t.chars().all(is_cjk);
    if phrase.len() >= 2
        && phrase.last().is_some_and(is_unigram)
        && is_bigram(&phrase[phrase.len() - 2])
    {
        phrase.pop();
    }
    Some(Phrase {
        tokens: phrase,
        prefix,
    })
}

/// The raw tokens of index text, as FTS5's `unicode61` tokenizer splits it: runs of letters
/// and digits (CJK bigrams are such runs already).
fn split_tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || is_cjk(c)))
        .filter(|t| !t.is_empty())
}

/// A token as the index compares it: lower case, without diacritics (`unicode61
/// remove_diacritics 2`): "Café" and "cafe" are one token.
pub fn fold(token: &str) -> String {
    // Most tokens are plain ASCII words or unified ideographs (no case, no decomposition):
    // folding leaves them as they are apart from ASCII case, without the two
    // normalization passes.
    if token
        .chars()
        .all(|c| c.is_ascii() || matches!(c as u32, 0x4E00..=0x9FFF))
    {
        return token.to_ascii_lowercase();
    }
    full_fold(token)
}

/// [`fold`] without its shortcut.
fn full_fold(token: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_normalization::char::is_combining_mark;
    token
        .to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .nfc()
        .collect()
}

/// The folded tokens of a document in order: what FTS5 indexes of [`index_text`]`(text)`,
/// for a backend that keeps its own token lists (position = index + 1).
pub fn tokens(text: &str) -> Vec<String> {
    split_tokens(&index_text(text))
        .map(fold)
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The shortcut folds exactly as the normalization passes do.
        #[test]
        fn folding_shortcut_agrees(token in "[a-zA-Z0-9\u{4E00}-\u{9FFF}\u{3040}-\u{30FF}\u{C0}-\u{17F}\u{F900}-\u{FAFF}]{0,12}") {
            proptest::prop_assert_eq!(fold(&token), full_fold(&token));
        }
    }

    #[test]
    fn folding_keeps_ideographs_and_lowers_ascii() {
        assert_eq!(fold("TiKV"), "tikv");
        assert_eq!(fold("连接"), "连接");
        assert_eq!(fold("Café"), "cafe");
        assert_eq!(fold("ガ"), full_fold("ガ"));
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(index_text("连接失败").trim(), "连接 接失 失败 败");
        assert_eq!(index_text("TiKV节点宕机").trim(), "TiKV 节点 点宕 宕机 机");
        assert_eq!(index_text("ok 数 ok"), "ok  数  ok");
    }

    #[test]
    fn queries_are_always_valid_fts5() {
        assert_eq!(match_expression("连接").unwrap(), "\"连接\"");
        assert_eq!(match_expression("连接失败").unwrap(), "\"连接 接失 失败\"");
        // A run that ends inside the word keeps its unigram, as the index text has it.
        assert_eq!(
            match_expression("不通，请协助").unwrap(),
            "\"不通 通 请协 协助\""
        );
        assert_eq!(match_expression("\"两个 VPC\"").unwrap(), "\"两个 个 VPC\"");
        assert_eq!(
            match_expression("region unavailable").unwrap(),
            "\"region\" \"unavailable\""
        );
        assert_eq!(
            match_expression("\"slow query\"").unwrap(),
            "\"slow query\""
        );
        assert_eq!(match_expression("tik*").unwrap(), "\"tik\"*");
        assert_eq!(match_expression("a OR b").unwrap(), "\"a\" OR \"b\"");
        assert_eq!(match_expression("OR a OR").unwrap(), "\"a\"");
        assert_eq!(match_expression("败").unwrap(), "\"败\"*");
        assert_eq!(
            match_expression("AND ( NEAR"),
            Ok("\"AND\" \"NEAR\"".to_string())
        );
        assert_eq!(match_expression("\"open"), Err(QueryError::UnclosedQuote));
        assert_eq!(match_expression("  "), Err(QueryError::Empty));
        assert_eq!(match_expression("( ) :"), Err(QueryError::NoWords));
        let many = vec!["w"; MAX_SEARCH_WORDS + 1].join(" ");
        assert!(matches!(
            match_expression(&many),
            Err(QueryError::TooManyWords(_))
        ));
        assert!(match_expression(&vec!["w"; MAX_SEARCH_WORDS].join(" ")).is_ok());
    }

    #[test]
    fn parsed_queries_group_or_of_ands() {
        let q = parse("a b OR Café*").unwrap();
        assert_eq!(q.groups.len(), 2);
        assert_eq!(q.groups[0].len(), 2);
        assert_eq!(
            q.groups[1][0],
            Phrase {
                tokens: vec!["Café".into()],
                prefix: true
            }
        );
        assert_eq!(
            tokens("Café 数据库 x_y"),
            ["cafe", "数据", "据库", "库", "x", "y"]
        );
    }
}
