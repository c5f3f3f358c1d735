//! Import never panics and never half-applies, whatever the input: arbitrary bytes, truncated
//! or mutated valid lines, duplicates.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use tuidesk::desk::Desk;
use tuidesk::domain::Actor;
use tuidesk::store::NewTicket;

fn valid_export() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Desk::open(
        &dir.path().join("src.db"),
        Arc::new(tuidesk::config::policies::builtin().unwrap()),
    )
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 6, 9, 0, 0).unwrap();
    let a = Actor {
        name: "a".into(),
        via_as: true,
        os: None,
    };
    s.add_org("Acme", "connected-care", "premium", "Asia/Tokyo", &a, now)
        .unwrap();
    for i in 0..3 {
        let t = s
            .create_ticket(
                &NewTicket {
                    org: "Acme".into(),
                    severity: "S2".into(),
                    summary: format!("问题 {i}"),
                    description: "d\u{1b}[2J".into(),
                    ..Default::default()
                },
                &a,
                now,
            )
            .unwrap();
        s.add_entry(
            t.id,
            tuidesk::domain::EntryKind::Reply,
            tuidesk::domain::AuthorRole::Engineer,
            "ok",
            &a,
            now,
        )
        .unwrap();
    }
    let mut out = Vec::new();
    s.export(&mut out, now).unwrap();
    (dir, String::from_utf8(out).unwrap())
}

fn fresh() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let s = Desk::open(
        &dir.path().join("dst.db"),
        Arc::new(tuidesk::config::policies::builtin().unwrap()),
    )
    .unwrap();
    (dir, s)
}

fn dump(s: &Desk) -> String {
    let mut out = Vec::new();
    s.export(&mut out, Utc.with_ymd_and_hms(2026, 3, 6, 9, 0, 0).unwrap())
        .unwrap();
    String::from_utf8(out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let (_d, mut s) = fresh();
        let before = dump(&s);
        if s.import(&mut bytes.as_slice(), Utc::now()).is_err() {
            prop_assert_eq!(dump(&s), before);
        }
    }

    #[test]
    fn mutated_valid_files_apply_wholly_or_not_at_all(cut in 0usize..4000, flip in 0usize..4000, byte in any::<u8>(), dup in any::<bool>()) {
        let (_src, text) = valid_export();
        let mut bytes = text.into_bytes();
        if dup {
            let first_ticket = String::from_utf8_lossy(&bytes).lines().nth(1).unwrap_or_default().to_string();
            bytes.extend_from_slice(first_ticket.as_bytes());
            bytes.push(b'\n');
        }
        let len = bytes.len();
        bytes[flip % len] = byte;
        bytes.truncate(cut % (len + 1));
        let (_d, mut s) = fresh();
        let before = dump(&s);
        match s.import(&mut bytes.as_slice(), Utc::now()) {
            Ok(summary) => {
                let after = dump(&s);
                prop_assert_eq!(after.lines().count(), summary.orgs + summary.tickets);
            }
            Err(e) => {
                prop_assert!(e.to_string().contains("line "), "{}", e);
                prop_assert_eq!(dump(&s), before);
            }
        }
    }
}
