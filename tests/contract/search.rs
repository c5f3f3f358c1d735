//! Full-text search: Latin words, Chinese and Japanese words inside longer runs, phrases,
//! OR, prefixes, conversation entries, and typed errors for queries that cannot run.

use tuidesk::domain::{AuthorRole, EntryKind};
use tuidesk::store::{EntryInsert, Store, StoreError};

use crate::backend::Backend;
use crate::fixture::*;

fn found(s: &dyn Store, q: &str) -> Vec<i64> {
    sorted(ids(&s
        .search(q, 50, t0())
        .unwrap_or_else(|e| panic!("search {q:?}: {e}"))))
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
    let t = &s.search("索引", 10, t0()).unwrap()[0];
    assert_eq!(
        (t.summary.as_str(), t.org.as_str()),
        ("second ticket", "Acme")
    );
    // The limit caps the tickets returned.
    assert_eq!(s.search("zebra", 1, t0()).unwrap().len(), 1);
    for i in 0..5 {
        raw_ticket(&mut *s, org, &format!("many giraffe {i}"), t0());
    }
    assert_eq!(s.search("giraffe", 3, t0()).unwrap().len(), 3);
    assert_eq!(s.search("giraffe", 50, t0()).unwrap().len(), 5);
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
