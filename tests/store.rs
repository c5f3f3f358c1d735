//! Store tests on temporary files: migrations, full text, transactions, SLA columns,
//! concurrency primitives and faults.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuidesk::config::policies;
use tuidesk::desk::Desk;
use tuidesk::domain::{Actor, AuthorRole, EntryKind, Status, TicketKind};
use tuidesk::store::{NewTicket, SqliteStore, StoreError, TicketChange, TicketFilter, TicketSort};

fn t0() -> DateTime<Utc> {
    // Friday 2026-03-06 09:30 UTC.
    Utc.with_ymd_and_hms(2026, 3, 6, 9, 30, 0).unwrap()
}

fn actor(name: &str) -> Actor {
    Actor {
        name: name.into(),
        via_as: true,
        os: None,
    }
}

fn open(dir: &tempfile::TempDir) -> Desk {
    Desk::open(
        &dir.path().join("t.db"),
        Arc::new(policies::builtin().unwrap()),
    )
    .unwrap()
}

fn seeded() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.add_org(
        "Acme",
        "connected-care",
        "enterprise",
        "Europe/Berlin",
        &actor("admin"),
        t0(),
    )
    .unwrap();
    s.add_org(
        "天翼客户",
        "ctyun",
        "business",
        "Asia/Shanghai",
        &actor("admin"),
        t0(),
    )
    .unwrap();
    s.add_org(
        "Basic Co",
        "connected-care",
        "basic",
        "America/New_York",
        &actor("admin"),
        t0(),
    )
    .unwrap();
    (dir, s)
}

fn new_ticket(org: &str, sev: &str, summary: &str, description: &str) -> NewTicket {
    NewTicket {
        org: org.into(),
        kind: Some(TicketKind::Technical),
        severity: sev.into(),
        summary: summary.into(),
        description: description.into(),
        ..Default::default()
    }
}

#[test]
fn migrations_apply_from_empty_and_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(&dir));
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(version >= 1);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    // Reopening does not re-run migrations (they would fail on existing tables).
    let s = open(&dir);
    assert_eq!(
        s.maintenance().unwrap().integrity_check().unwrap(),
        vec!["ok".to_string()]
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(&dir));
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Desk::open(
        &dir.path().join("t.db"),
        Arc::new(policies::builtin().unwrap()),
    )
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }));
    assert!(err.to_string().contains("upgrade tuidesk"));
}

#[test]
fn a_file_that_is_not_a_database_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let content =
        "this is not a database, just some text that is long enough to fill a header page....";
    std::fs::write(&path, content).unwrap();
    let err = Desk::open(
        &path,
        Arc::new(tuidesk::config::policies::builtin().unwrap()),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("not a tuidesk database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        content,
        "the file is left alone"
    );
}

#[test]
fn full_text_finds_cjk_words_inside_longer_runs() {
    let (_d, mut s) = seeded();
    let a = s
        .create_ticket(
            &new_ticket("Acme", "S2", "数据库连接失败", "订单写入超时"),
            &actor("a"),
            t0(),
        )
        .unwrap();
    let b = s
        .create_ticket(
            &new_ticket(
                "Acme",
                "S3",
                "接続がタイムアウトしました",
                "TiKV region unavailable",
            ),
            &actor("a"),
            t0(),
        )
        .unwrap();
    let c = s
        .create_ticket(
            &new_ticket("Acme", "S3", "Slow query on orders", "nothing special"),
            &actor("a"),
            t0(),
        )
        .unwrap();
    fn ids(s: &Desk, q: &str) -> Vec<i64> {
        s.search(q, 10, t0())
            .unwrap()
            .tickets
            .into_iter()
            .map(|t| t.id)
            .collect()
    }
    assert_eq!(ids(&s, "连接"), vec![a.id]);
    assert_eq!(ids(&s, "写入"), vec![a.id]);
    assert_eq!(ids(&s, "タイムアウト"), vec![b.id]);
    assert_eq!(ids(&s, "region"), vec![b.id]);
    assert_eq!(ids(&s, "败"), vec![a.id], "one character, last of its run");
    assert_eq!(ids(&s, "slow"), vec![c.id]);
    // Replies and notes are indexed in step with writes.
    s.add_entry(
        c.id,
        EntryKind::Note,
        AuthorRole::Engineer,
        "客户的索引缺失",
        &actor("bob"),
        t0(),
    )
    .unwrap();
    assert_eq!(ids(&s, "索引"), vec![c.id]);
    assert!(ids(&s, "nonexistentword").is_empty());
    // Syntax the user could type never reaches FTS5 as syntax.
    assert!(s.search("AND OR ( NEAR", 10, t0()).is_ok());
    let err = s.search("\"unclosed", 10, t0()).unwrap_err();
    assert!(err.to_string().contains("unclosed double quote"));
}

#[test]
fn failed_writes_roll_back_everything() {
    let (_d, mut s) = seeded();
    let before = export(&s);
    // A bad line in the middle of an import writes nothing.
    let good = r#"{"type":"org","name":"New Org","policy_set":"ctyun","plan":"standard","tz":"Asia/Tokyo","created_at":"2026-03-01T00:00:00Z"}"#;
    let bad = r#"{"type":"ticket","id":5,"org":"New Org","kind":"billing","severity":"S1","status":"new","summary":"x","created_at":"2026-03-01T00:00:00Z","updated_at":"2026-03-01T00:00:00Z","first_response_at":null,"resolved_at":null,"component":null,"environment":null,"affected_version":null,"assignee":null}"#;
    let input = format!("{good}\n{bad}\n");
    let err = s.import(&mut input.as_bytes(), t0()).unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    assert_eq!(export(&s), before);
    // A rule broken inside a write transaction rolls back the whole transaction.
    let mut raw = SqliteStore::open(
        &_d.path().join("t.db"),
        Arc::new(tuidesk::config::policies::builtin().unwrap()),
    )
    .unwrap();
    let result = raw.write(|tx| {
        tx.execute("INSERT INTO orgs (name, policy_set, plan, tz, created_at) VALUES ('Ghost', 'ctyun', 'standard', 'UTC', 0)", [])
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Err::<(), _>(StoreError::Other("boom".into()))
    });
    assert!(result.is_err());
    assert!(s.list_orgs().unwrap().iter().all(|o| o.name != "Ghost"));
}

fn export(s: &Desk) -> String {
    let mut out = Vec::new();
    s.export(&mut out, t0()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn due_instants_are_stored_and_kept_current() {
    let (_d, mut s) = seeded();
    let actor = actor("alice");
    // Enterprise S3 = 8 business hours in Berlin (UTC+1 in March): opened Fri 10:30 local.
    let t = s
        .create_ticket(&new_ticket("Acme", "S3", "s3 issue", ""), &actor, t0())
        .unwrap();
    let due = t.first_response_due.unwrap();
    // 7.5 h on Friday (10:30–18:00), the last 0.5 h on Monday morning.
    assert_eq!(
        due,
        Utc.with_ymd_and_hms(2026, 3, 9, 8, 30, 0).unwrap(),
        "Mon 09:30 Berlin"
    );
    // Severity change recomputes from creation: S1 = 1 h on 24×7.
    let t = s
        .change_ticket(
            t.id,
            &TicketChange::Severity("S1".into()),
            None,
            &actor,
            t0(),
        )
        .unwrap();
    assert_eq!(t.first_response_due.unwrap(), t0() + Duration::hours(1));
    // Pending pauses the next-response and resolution clocks, never the first response
    // (issue 12): the first-response clock keeps running, due as before.
    let later = t0() + Duration::minutes(20);
    let t = s
        .change_ticket(
            t.id,
            &TicketChange::Status(Status::Pending),
            None,
            &actor,
            later,
        )
        .unwrap();
    assert_eq!(t.next_due, Some(t0() + Duration::hours(1)));
    assert_eq!(t.paused_seconds_left, None);
    // Resuming after 30 minutes does not move the first-response due instant.
    let t = s
        .change_ticket(
            t.id,
            &TicketChange::Status(Status::Open),
            None,
            &actor,
            later + Duration::minutes(30),
        )
        .unwrap();
    assert_eq!(t.next_due.unwrap(), t0() + Duration::minutes(60));
    // A public reply meets the target; an internal note does not.
    s.add_entry(
        t.id,
        EntryKind::Note,
        AuthorRole::Engineer,
        "looking",
        &actor,
        later + Duration::minutes(31),
    )
    .unwrap();
    assert!(s.ticket(t.id, later).unwrap().first_response_at.is_none());
    s.add_entry(
        t.id,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "on it",
        &actor,
        later + Duration::minutes(32),
    )
    .unwrap();
    let t = s.ticket(t.id, later).unwrap();
    assert!(t.first_response_at.is_some());
    assert_eq!(t.next_due, None);
    assert!(!t.breached);
}

#[test]
fn queue_is_most_urgent_first_and_pages_by_key() {
    let (_d, mut s) = seeded();
    let a = actor("x");
    let mut ids = Vec::new();
    for i in 0..7 {
        // Later tickets on a 10-minute target are due later.
        let t = s
            .create_ticket(
                &new_ticket("天翼客户", "urgent", &format!("t{i}"), ""),
                &a,
                t0() + Duration::minutes(i),
            )
            .unwrap();
        ids.push(t.id);
    }
    let slow = s
        .create_ticket(&new_ticket("天翼客户", "general", "slow", ""), &a, t0())
        .unwrap();
    let filter = TicketFilter::default();
    let page = s
        .list_tickets(&filter, TicketSort::Due, None, None, 3, t0())
        .unwrap();
    assert_eq!(
        page.tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
        ids[..3]
    );
    let next = s
        .list_tickets(&filter, TicketSort::Due, page.keys.last(), None, 3, t0())
        .unwrap();
    assert_eq!(
        next.tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
        ids[3..6]
    );
    let back = s
        .list_tickets(&filter, TicketSort::Due, None, next.keys.first(), 2, t0())
        .unwrap();
    assert_eq!(
        back.tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
        ids[1..3]
    );
    let all = s
        .list_tickets(&filter, TicketSort::Due, None, None, 100, t0())
        .unwrap();
    assert_eq!(
        all.tickets.last().unwrap().id,
        slow.id,
        "30-minute target after the 10-minute ones"
    );
    // Breached filter and counts follow the clock: at +12 min the tickets due at +10 and +11
    // are breached, the one due at +12 itself not yet (breached once now is past due).
    let late = t0() + Duration::minutes(12);
    let breached = s
        .list_tickets(
            &TicketFilter {
                breached: true,
                ..Default::default()
            },
            TicketSort::Due,
            None,
            None,
            100,
            late,
        )
        .unwrap();
    assert_eq!(breached.tickets.len(), 2);
    let counts = s.urgency_counts(late).unwrap();
    assert_eq!(counts.active, 8);
    assert_eq!(counts.breached, 2);
    assert_eq!(s.count_tickets(&filter, late).unwrap(), 8);
}

#[test]
fn claims_and_stale_edits_are_refused_with_who() {
    let (_d, mut s) = seeded();
    let t = s
        .create_ticket(&new_ticket("Acme", "S2", "x", ""), &actor("c"), t0())
        .unwrap();
    s.claim(t.id, &actor("alice"), t0()).unwrap();
    let err = s.claim(t.id, &actor("bob"), t0()).unwrap_err();
    assert!(
        err.to_string().contains("already claimed by alice"),
        "{err}"
    );
    let fresh = s.ticket(t.id, t0()).unwrap();
    s.change_ticket(
        t.id,
        &TicketChange::Severity("S1".into()),
        Some(fresh.version),
        &actor("alice"),
        t0(),
    )
    .unwrap();
    let err = s
        .change_ticket(
            t.id,
            &TicketChange::Severity("S3".into()),
            Some(fresh.version),
            &actor("bob"),
            t0(),
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("alice") && msg.contains("severity") && msg.contains("S2 → S1"),
        "{msg}"
    );
    assert_eq!(s.ticket(t.id, t0()).unwrap().severity, "S1");
}

#[test]
fn drafts_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.save_draft("alice", 7, "reply", "half a reply", t0())
        .unwrap();
    drop(s);
    let s = open(&dir);
    assert_eq!(
        s.draft("alice", 7, "reply").unwrap().as_deref(),
        Some("half a reply")
    );
    assert_eq!(s.drafts_for("alice", 7).unwrap(), vec!["reply".to_string()]);
    assert_eq!(s.draft("bob", 7, "reply").unwrap(), None);
}

#[test]
fn disk_full_is_a_clear_error_and_nothing_is_half_written() {
    let (d, s) = seeded();
    let before = export(&s);
    drop(s);
    let mut raw = SqliteStore::open(
        &d.path().join("t.db"),
        Arc::new(tuidesk::config::policies::builtin().unwrap()),
    )
    .unwrap();
    // Cap the file at its current size: the next large write cannot fit.
    raw.write(|tx| {
        let pages: i64 = tx
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(|e| StoreError::Other(e.to_string()))?;
        tx.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
            .map_err(|e| StoreError::Other(e.to_string()))?;
        Ok(())
    })
    .unwrap();
    let mut s = Desk::new(Box::new(raw));
    let big = "x".repeat(900_000);
    let err = s
        .create_ticket(&new_ticket("Acme", "S2", "big", &big), &actor("a"), t0())
        .unwrap_err();
    assert!(err.to_string().contains("disk full"), "{err}");
    assert_eq!(export(&s), before);
}

#[test]
fn backups_are_consistent_copies() {
    let (dir, mut s) = seeded();
    s.create_ticket(
        &new_ticket("Acme", "S2", "backed up", ""),
        &actor("a"),
        t0(),
    )
    .unwrap();
    let dest = dir.path().join("copy.db");
    s.maintenance().unwrap().backup_to(&dest, &|_| {}).unwrap();
    let copy = Desk::open(
        &dest,
        Arc::new(tuidesk::config::policies::builtin().unwrap()),
    )
    .unwrap();
    assert_eq!(
        copy.maintenance().unwrap().integrity_check().unwrap(),
        vec!["ok".to_string()]
    );
    assert_eq!(export(&copy), export(&s));
    assert!(
        s.maintenance()
            .unwrap()
            .backup_to(&dest, &|_| {})
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );
}

#[test]
fn network_file_systems_are_recognised() {
    assert!(tuidesk::store::sqlite::is_network_fs_type("nfs4"));
    assert!(tuidesk::store::sqlite::is_network_fs_type("cifs"));
    assert!(!tuidesk::store::sqlite::is_network_fs_type("ext4"));
}

#[test]
fn export_import_round_trips_orders_links_ratings_and_attachments() {
    use tuidesk::domain::{OrderKind, YearMonth};
    use tuidesk::orders::OrderRequest;
    use tuidesk::store::{NewOrder, OrderFilter};
    let dir = tempfile::tempdir().unwrap();
    let policies = Arc::new(tuidesk::config::policies::builtin().unwrap());
    let mut src = Desk::open(&dir.path().join("src.db"), policies.clone()).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
    let me = actor("li.na");
    src.add_org("Ent", "ctyun", "enterprise", "Asia/Shanghai", &me, now)
        .unwrap();
    src.add_org("Sub", "ctyun", "standard", "Asia/Shanghai", &me, now)
        .unwrap();
    src.link_org("Sub", "Ent", &me, now).unwrap();
    let req = OrderRequest {
        kind: OrderKind::MonthlyReport,
        level: None,
        start: None,
        end: None,
        scenario: None,
        month: Some(YearMonth::new(2026, 11).unwrap()),
    };
    let created = src
        .create_order(
            &NewOrder {
                org: "Ent".into(),
                request: req,
                note: "第一份月报".into(),
            },
            &me,
            now,
        )
        .unwrap();
    let id = created.order.id;
    let bytes: Vec<u8> = (0..=255u8).collect();
    src.complete_order(id, &[("raw.bin".into(), bytes.clone())], &me, now)
        .unwrap();
    src.rate_order(id, 5, 4, "很好", &me, now).unwrap();

    let mut exported = Vec::new();
    src.export(&mut exported, now).unwrap();
    let mut dst = Desk::open(&dir.path().join("dst.db"), policies).unwrap();
    let summary = dst.import(&mut exported.as_slice(), now).unwrap();
    assert_eq!(summary.orders, 1);
    let mut again = Vec::new();
    dst.export(&mut again, now).unwrap();
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(exported.clone()).unwrap()
    );
    let orders = dst.list_orders(&OrderFilter::default(), 10).unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].rating.as_ref().map(|r| r.feedback.as_str()),
        Some("很好")
    );
    assert_eq!(dst.order_attachment(id, "raw.bin").unwrap(), bytes);
    assert_eq!(
        dst.org_by_name("Sub").unwrap().parent.as_deref(),
        Some("Ent")
    );
    // Importing the same orders again is refused as a whole.
    let err = dst.import(&mut exported.as_slice(), now).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

/// Tickets with conversations for the bulk-load and queue-index tests: mixed statuses,
/// assignees, severities and ages, so some are breached at `t0() + 30 days`.
fn generated(
    n: usize,
) -> (
    Vec<tuidesk::desk::GeneratedOrg>,
    Vec<tuidesk::desk::GeneratedTicket>,
) {
    use tuidesk::desk::{GeneratedEntry, GeneratedOrg, GeneratedTicket};
    let orgs = vec![
        GeneratedOrg {
            name: "Acme".into(),
            policy_set: "connected-care".into(),
            plan: "enterprise".into(),
            tz: "Europe/Berlin".into(),
        },
        GeneratedOrg {
            name: "Basic Co".into(),
            policy_set: "connected-care".into(),
            plan: "enterprise".into(),
            tz: "America/New_York".into(),
        },
    ];
    let statuses = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Resolved,
        Status::Closed,
    ];
    let tickets = (0..n)
        .map(|i| {
            let created = t0() + Duration::hours(i as i64 * 7);
            let status = statuses[i % statuses.len()];
            GeneratedTicket {
                org: i % 2,
                kind: TicketKind::Technical,
                severity: ["S1", "S2", "S3", "S4"][i % 4].into(),
                status,
                summary: format!("ticket number{i} 数据库连接失败"),
                description: format!("description of ticket {i}"),
                component: None,
                environment: None,
                affected_version: None,
                assignee: (i % 3 == 0).then(|| "alice".to_string()),
                created_at: created,
                first_response_at: (i % 5 == 0).then(|| created + Duration::minutes(30)),
                resolved_at: status.is_done().then(|| created + Duration::hours(5)),
                pauses: Vec::new(),
                entries: (0..i % 3)
                    .map(|k| GeneratedEntry {
                        kind: EntryKind::Reply,
                        role: AuthorRole::Customer,
                        author: "customer".into(),
                        body: format!("reply{i}x{k} mentions タイムアウト and zebra{}", i % 7),
                        at: created + Duration::minutes(10 + k as i64),
                    })
                    .collect(),
            }
        })
        .collect();
    (orgs, tickets)
}

/// The contract suite checks that a bulk load finds and exports the same as row by row on
/// both backends; what is SQLite's own is the FTS5 buffer setting a bulk load changes.
#[test]
fn bulk_load_restores_the_fts_buffer_setting() {
    let (orgs, tickets) = generated(60);
    let now = t0() + Duration::days(30);
    let dir = tempfile::tempdir().unwrap();
    let mut bulk = open(&dir);
    bulk.insert_generated(&orgs, &mut tickets.into_iter(), &actor("gen"), now, true)
        .unwrap();
    // A word only in a conversation entry finds its ticket.
    let found: Vec<i64> = bulk
        .search("reply8x1", 50, now)
        .unwrap()
        .tickets
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(found, vec![9]);
    // FTS5 stores its settings; the bulk load's larger buffer must not stay behind.
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    let hashsize: Option<i64> = conn
        .query_row(
            "SELECT v FROM search_config WHERE k = 'hashsize'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(None);
    assert_eq!(hashsize.unwrap_or(1024 * 1024), 1024 * 1024);
}

#[test]
fn active_queue_indexes_give_the_same_pages_and_counts_as_the_planner() {
    let (orgs, tickets) = generated(240);
    let now = t0() + Duration::days(30);
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.insert_generated(&orgs, &mut tickets.into_iter(), &actor("gen"), now, false)
        .unwrap();
    let org = s.list_orgs().unwrap()[0].id;
    let filters = [
        TicketFilter::default(),
        TicketFilter {
            breached: true,
            ..Default::default()
        },
        TicketFilter {
            breached: true,
            org_id: Some(org),
            ..Default::default()
        },
        TicketFilter {
            unassigned: true,
            ..Default::default()
        },
        TicketFilter {
            severity: Some("S2".into()),
            ..Default::default()
        },
    ];
    let mut breached_seen = false;
    for filter in filters {
        // Naming the active statuses explicitly bypasses the partial indexes.
        let explicit = TicketFilter {
            statuses: Status::ACTIVE.to_vec(),
            ..filter.clone()
        };
        assert_eq!(
            s.count_tickets(&filter, now).unwrap(),
            s.count_tickets(&explicit, now).unwrap(),
            "{filter:?}"
        );
        for sort in TicketSort::ALL {
            let (mut a, mut b) = (None, None);
            for _ in 0..4 {
                let pa = s
                    .list_tickets(&filter, sort, a.as_ref(), None, 7, now)
                    .unwrap();
                let pb = s
                    .list_tickets(&explicit, sort, b.as_ref(), None, 7, now)
                    .unwrap();
                let ids = |p: &tuidesk::store::TicketPage| {
                    p.tickets.iter().map(|t| t.id).collect::<Vec<_>>()
                };
                assert_eq!(ids(&pa), ids(&pb), "{filter:?} {sort:?}");
                breached_seen |= filter.breached && !pa.tickets.is_empty();
                a = pa.keys.last().cloned();
                b = pb.keys.last().cloned();
            }
        }
    }
    assert!(breached_seen, "the fixture has breached active tickets");
    let counts = s.urgency_counts(now).unwrap();
    let count = |f: TicketFilter| s.count_tickets(&f, now).unwrap();
    assert_eq!(counts.active, count(TicketFilter::default()));
    assert_eq!(
        counts.breached,
        count(TicketFilter {
            breached: true,
            ..Default::default()
        })
    );
}

#[test]
fn undecodable_stored_values_name_their_table_row_and_column() {
    let (dir, mut s) = seeded();
    let t = s
        .create_ticket(&new_ticket("Acme", "S2", "odd", ""), &actor("a"), t0())
        .unwrap();
    drop(s);
    let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
    // As a newer version or a hand edit would leave it.
    conn.execute_batch("PRAGMA ignore_check_constraints = ON")
        .unwrap();
    conn.execute("UPDATE tickets SET status = 'limbo' WHERE id = ?1", [t.id])
        .unwrap();
    drop(conn);
    let s = open(&dir);
    let err = s.ticket(t.id, t0()).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            StoreError::Undecodable {
                table: "tickets",
                column: "status",
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.contains(&format!("tickets row {}", t.id)), "{msg}");
    assert!(msg.contains("\"limbo\""), "{msg}");
    // Listing fails the same way instead of showing the ticket as open.
    let err = s
        .list_tickets(
            &TicketFilter {
                all_statuses: true,
                ..TicketFilter::default()
            },
            TicketSort::Due,
            None,
            None,
            10,
            t0(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("status = \"limbo\""), "{err}");
}

/// Issue 14 item 7: the store's interrupter stops a running search from another thread (the
/// TUI's Esc), as an `Interrupted` failure; the next query on the connection runs normally.
#[test]
fn a_running_search_can_be_interrupted_from_another_thread() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tuidesk"))
        .arg("--db")
        .arg(&db)
        .args(["gen", "--tickets", "3000"])
        .env("TUIDESK_NOW", "2026-03-06T16:30:00Z")
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let s = Desk::open(&db, Arc::new(policies::builtin().unwrap())).unwrap();
    let interrupt = s.interrupter().expect("SQLite can interrupt");
    let done = Arc::new(AtomicBool::new(false));
    let hammer = {
        let done = done.clone();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                interrupt();
                std::thread::yield_now();
            }
        })
    };
    let words = "database error slow timeout connection replica cluster latency region leader \
                 storage backup restore invoice refund login console node disk memory query";
    let query = words.split_whitespace().collect::<Vec<_>>().join(" OR ");
    let result = s.search(&query, 200, t0());
    done.store(true, Ordering::Relaxed);
    hammer.join().unwrap();
    let err = result.expect_err("the search ran to its end despite the interrupts");
    assert_eq!(
        err.db_failure(),
        Some(tuidesk::store::DbFailure::Interrupted),
        "{err}"
    );
    assert!(s.search("database", 10, t0()).is_ok());
}
