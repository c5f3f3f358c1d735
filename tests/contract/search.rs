//! Full-text search: Latin words, Chinese and Japanese words inside longer runs, phrases,
//! OR, prefixes, conversation entries, and typed errors for queries that cannot run.

use tuidesk::domain::{AuthorRole, EntryKind};
use tuidesk::store::{EntryInsert, SEARCH_RANKED, Store, StoreError};

use crate::backend::Backend;
use crate::fixture::*;

fn found(s: &dyn Store, q: &str) -> Vec<i64> {
    sorted(ids(&s
        .search(q, 50, t0())
        .unwrap_or_else(|e| panic!("search {q:?}: {e}"))
        .tickets))
}

pub fn search_finds_words_in_every_script(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let mut add = |summary: &str, description: &str| {
        write(&mut *s, |tx| {
            tx.insert_ticket(&tuidesk::store::TicketInsert {
                description,
                ..ticket_row(org, summary, t0())
            })
        })
        .unwrap()
    };
    let zh = add("数据库连接失败", "订单写入超时");
    let ja = add("接続がタイムアウトしました", "TiKV region unavailable");
    let slow = add("Slow query on orders", "the optimizer picks a full scan");
    let vpc = add("两个 VPC 建立对等后不通，请协助检查路由配置", "");
    let other = add("Query is slow sometimes", "nothing special");
    let name = b.name();
    let s = &*s;

    // Latin words, any case, all words required.
    assert_eq!(found(s, "region"), vec![ja], "{name}");
    assert_eq!(found(s, "SLOW"), sorted(vec![slow, other]));
    assert_eq!(found(s, "slow orders"), vec![slow]);
    assert_eq!(found(s, "optimizer scan"), vec![slow]);
    assert!(found(s, "nonexistentword").is_empty());
    // Phrases keep their word order; OR takes either side.
    assert_eq!(found(s, "\"slow query\""), vec![slow]);
    assert_eq!(found(s, "\"query is slow\""), vec![other]);
    assert_eq!(found(s, "region OR optimizer"), sorted(vec![ja, slow]));
    // A trailing * is a prefix.
    assert_eq!(found(s, "optim*"), vec![slow]);
    // Chinese and Japanese words inside longer runs, in summary or description.
    assert_eq!(
        found(s, "连接"),
        vec![zh],
        "{name}: 连接 inside 数据库连接失败"
    );
    assert_eq!(found(s, "数据库"), vec![zh]);
    assert_eq!(found(s, "连接失败"), vec![zh]);
    assert_eq!(found(s, "写入"), vec![zh], "from the description");
    assert_eq!(found(s, "タイムアウト"), vec![ja]);
    assert_eq!(found(s, "接続"), vec![ja]);
    assert!(
        found(s, "连败").is_empty(),
        "two characters that are not adjacent"
    );
    assert!(
        found(s, "失败连接").is_empty(),
        "the words, but not in this order"
    );
    // One CJK character: first, middle or last of its run.
    assert_eq!(found(s, "数"), vec![zh]);
    assert_eq!(found(s, "库"), vec![zh]);
    assert_eq!(
        found(s, "败"),
        vec![zh],
        "{name}: last character of its run"
    );
    assert_eq!(found(s, "タ"), vec![ja]);
    // Mixed: a CJK word and a Latin word.
    assert_eq!(found(s, "タイムアウト tikv"), vec![ja]);
    assert!(found(s, "连接 tikv").is_empty());
    // A summary pasted whole, with its CJK punctuation and spaces, as words or as a phrase.
    let pasted = "两个 VPC 建立对等后不通，请协助检查路由配置";
    assert_eq!(found(s, pasted), vec![vpc], "{name}");
    assert_eq!(found(s, &format!("\"{pasted}\"")), vec![vpc], "{name}");
    assert_eq!(found(s, "\"两个 VPC\""), vec![vpc], "{name}");
    assert_eq!(found(s, "\"对等后不通，请协助\""), vec![vpc], "{name}");
    assert!(found(s, "\"两个 检查\"").is_empty(), "{name}");
}

pub fn search_reaches_conversation_entries_and_limits(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let a = raw_ticket(&mut *s, org, "first ticket zebra", t0());
    let c = raw_ticket(&mut *s, org, "second ticket", t0());
    write(&mut *s, |tx| {
        for (ticket_id, kind, body) in [
            (c, EntryKind::Note, "客户的索引缺失"),
            (c, EntryKind::Reply, "the zebra index is missing"),
            (a, EntryKind::Reply, "zebra again in a reply"),
        ] {
            tx.insert_entry(&EntryInsert {
                ticket_id,
                kind,
                role: AuthorRole::Engineer,
                author: "bob",
                body,
                at: at(1),
            })?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(found(&*s, "索引"), vec![c], "{}: a note's words", b.name());
    assert_eq!(found(&*s, "missing"), vec![c], "a reply's words");
    // A ticket found through its summary and its entries is listed once.
    assert_eq!(found(&*s, "zebra"), sorted(vec![a, c]));
    // Found tickets are whole rows.
    let t = &s.search("索引", 10, t0()).unwrap().tickets[0];
    assert_eq!(
        (t.summary.as_str(), t.org.as_str()),
        ("second ticket", "Acme")
    );
    // The limit caps the tickets returned.
    assert_eq!(s.search("zebra", 1, t0()).unwrap().tickets.len(), 1);
    for i in 0..5 {
        raw_ticket(&mut *s, org, &format!("many giraffe {i}"), t0());
    }
    assert_eq!(s.search("giraffe", 3, t0()).unwrap().tickets.len(), 3);
    assert_eq!(s.search("giraffe", 50, t0()).unwrap().tickets.len(), 5);
}

pub fn search_refuses_bad_queries_with_typed_errors(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let id = raw_ticket(&mut *s, org, "AND OR NEAR are words here", t0());
    for q in ["", "   ", "\"unclosed", "( ) :", "\"a\" \"b"] {
        match s.search(q, 10, t0()) {
            Err(StoreError::Query(_)) => {}
            other => panic!("{}: {q:?} gave {other:?}, not StoreError::Query", b.name()),
        }
    }
    // Query syntax a user could type never reaches the backend as syntax.
    for q in [
        "AND OR ( NEAR",
        "NOT",
        "a:b",
        "col:value",
        "-x",
        "^start",
        "{x}",
        "'",
        "*",
    ] {
        assert!(
            !matches!(s.search(q, 10, t0()), Err(StoreError::Db { .. })),
            "{}: {q:?} reached the database as syntax",
            b.name()
        );
    }
    assert_eq!(found(&*s, "NEAR"), vec![id]);
}

/// Ranking is bounded: at most [`SEARCH_RANKED`] of the newest matching ticket documents and
/// as many of the newest matching conversation entries are ranked, so a word found in a
/// million tickets costs what one found in five thousand does. Within the bound, best match
/// still comes first, for words, phrases and CJK words inside longer runs alike; `bounded`
/// says whether anything was left unranked.
pub fn search_ranks_within_the_newest_matches(b: &dyn Backend) {
    let mut s = b.open();
    let name = b.name();
    let org = raw_org(&mut *s, "Acme");
    // The oldest exact match: past the bound once the newer ones are written.
    let oldest = raw_ticket(&mut *s, org, "giraffe report", t0());
    let (exact, keepers, cjk_exact, phrase_only) = write(&mut *s, |tx| {
        let filler = |tx: &mut dyn tuidesk::store::StoreTx, i: usize| {
            let summary = format!(
                "giraffe {i}: the keepers report it has not left, 网关连接失败 at the north gate again"
            );
            tx.insert_ticket(&ticket_row(org, &summary, t0())).map(|_| ())
        };
        for i in 0..SEARCH_RANKED / 2 {
            filler(tx, i)?;
        }
        // In the middle of the newest matches, not the newest: relevance, not recency.
        let exact = tx.insert_ticket(&ticket_row(org, "giraffe report", t0()))?;
        let keepers = tx.insert_ticket(&ticket_row(org, "keepers report", t0()))?;
        let cjk_exact = tx.insert_ticket(&ticket_row(org, "连接失败", t0()))?;
        let phrase_only = tx.insert_ticket(&ticket_row(
            org,
            "the keepers report it escaped: giraffe loose near the gate",
            t0(),
        ))?;
        for i in SEARCH_RANKED / 2..SEARCH_RANKED {
            filler(tx, i)?;
        }
        Ok((exact, keepers, cjk_exact, phrase_only))
    })
    .unwrap();

    let hits = |q: &str, limit: usize| {
        s.search(q, limit, t0())
            .unwrap_or_else(|e| panic!("{name}: search {q:?}: {e}"))
    };
    // More ticket documents match than are ranked: said, and the exact match leads.
    let words = hits("giraffe report", 10);
    assert!(
        words.bounded,
        "{name}: more matches than the bound {SEARCH_RANKED}"
    );
    assert_eq!(words.tickets.len(), 10);
    assert_eq!(words.tickets[0].id, exact, "{name}: exact match first");
    // As many tickets as asked for, up to everything ranked (none is cut short).
    let all = hits("giraffe", SEARCH_RANKED + 10);
    assert_eq!(
        all.tickets.len(),
        SEARCH_RANKED,
        "{name}: every ranked ticket"
    );
    // The bound is the newest matches: the oldest exact match is not among them.
    assert!(
        !ids(&hits("giraffe report", 500).tickets).contains(&oldest),
        "{name}: ranked beyond the newest {SEARCH_RANKED}"
    );
    // A phrase with more matches than the bound: the exact one first; word order kept.
    let phrase = hits("\"keepers report\"", 10);
    assert!(phrase.bounded, "{name}");
    assert_eq!(phrase.tickets[0].id, keepers, "{name}: exact phrase first");
    assert!(hits("\"report keepers\"", 10).tickets.is_empty());
    // Below the bound nothing changes: both exact matches, unbounded (equal scores: oldest
    // ticket first).
    let two = hits("\"giraffe report\"", 10);
    assert_eq!(
        (ids(&two.tickets), two.bounded),
        (vec![oldest, exact], false)
    );
    let loose = hits("\"giraffe loose\"", 10);
    assert_eq!(
        (ids(&loose.tickets), loose.bounded),
        (vec![phrase_only], false)
    );
    // A CJK word inside longer runs, more matches than the bound: the exact one first.
    for q in ["连接", "连接失败", "接失"] {
        let cjk = hits(q, 5);
        assert!(cjk.bounded, "{name}: {q}");
        assert_eq!(cjk.tickets.len(), 5, "{name}: {q} inside 网关连接失败");
        assert_eq!(
            cjk.tickets[0].id, cjk_exact,
            "{name}: {q}: 连接失败 alone first"
        );
    }
}

/// Conversation entries have their own bound: a ticket whose reply is the exact match leads
/// even when more replies match than are ranked.
pub fn search_ranks_entries_within_the_newest_matches(b: &dyn Backend) {
    let mut s = b.open();
    let name = b.name();
    let org = raw_org(&mut *s, "Acme");
    let busy = raw_ticket(&mut *s, org, "a long conversation", t0());
    let quiet = raw_ticket(&mut *s, org, "a short one", t0());
    let reply = |ticket_id: i64, body: &'static str| EntryInsert {
        ticket_id,
        kind: EntryKind::Reply,
        role: AuthorRole::Engineer,
        author: "bob",
        body,
        at: at(1),
    };
    write(&mut *s, |tx| {
        for i in 0..=SEARCH_RANKED {
            let body = if i == SEARCH_RANKED / 2 {
                "zebra crossing"
            } else {
                "the zebra crossing at the depot is closed again today, see the map"
            };
            let id = if i == SEARCH_RANKED / 2 { quiet } else { busy };
            tx.insert_entry(&reply(id, body))?;
        }
        Ok(())
    })
    .unwrap();
    let found = s.search("zebra crossing", 10, t0()).unwrap();
    assert!(found.bounded, "{name}: {} replies match", SEARCH_RANKED + 1);
    assert_eq!(ids(&found.tickets), vec![quiet, busy], "{name}");
}
