//! Export, import and generated data: the backend-neutral way data moves between
//! databases (and, later, between backends).

use chrono::Duration;
use tuidesk::desk::{Desk, GeneratedEntry, GeneratedOrg, GeneratedTicket};
use tuidesk::domain::{AuthorRole, EntryKind, OrderKind, Status, Ticket, TicketKind};
use tuidesk::orders::OrderRequest;
use tuidesk::store::{NewOrder, Store, StoreError, TicketChange, TicketFilter, TicketSort};

use crate::backend::Backend;
use crate::fixture::*;

fn export(s: &dyn Store) -> String {
    let mut out = Vec::new();
    tuidesk::desk::export_store(s, &mut out, t0()).unwrap();
    String::from_utf8(out).unwrap()
}

/// A desk with a bit of everything: orgs, a link, tickets in several states with
/// conversations and pauses, and a completed, rated order with a binary attachment.
fn populated(b: &dyn Backend) -> tuidesk::desk::Desk {
    let mut d = desk_with_orgs(b);
    let me = actor("li.na");
    d.add_org("Sub", "ctyun", "standard", "Asia/Shanghai", &me, t0())
        .unwrap();
    d.link_org("Sub", CTYUN, &me, t0()).unwrap();
    d.change_contacts(
        ACME,
        &[
            "zoe@acme.example".into(),
            "@Acme.Example".into(),
            "Ann@acme.example".into(),
        ],
        &[],
        &me,
        at(1),
    )
    .unwrap();
    let a = d
        .create_ticket(
            &new_ticket(ACME, "S1", "数据库连接失败", "details\nline 2"),
            &me,
            t0(),
        )
        .unwrap();
    d.add_entry(
        a.id,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "looking",
        &me,
        at(5),
    )
    .unwrap();
    d.add_entry(
        a.id,
        EntryKind::Note,
        AuthorRole::Engineer,
        "internal",
        &os_actor("bob"),
        at(6),
    )
    .unwrap();
    d.change_ticket(
        a.id,
        &TicketChange::Status(Status::Pending),
        None,
        &me,
        at(10),
    )
    .unwrap();
    d.change_ticket(a.id, &TicketChange::Status(Status::Open), None, &me, at(20))
        .unwrap();
    d.change_ticket(
        a.id,
        &TicketChange::Status(Status::Resolved),
        None,
        &me,
        at(30),
    )
    .unwrap();
    let mut billing = new_ticket("Sub", "general", "发票", "");
    billing.kind = Some(TicketKind::Billing);
    let c = d.create_ticket(&billing, &me, at(1)).unwrap();
    d.claim(c.id, &actor("alice"), at(2)).unwrap();
    d.create_ticket(&new_ticket(ACME, "S3", "open question", ""), &me, at(3))
        .unwrap();
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 9, 2, 0, 0).unwrap();
    let order = d
        .create_order(
            &NewOrder {
                org: CTYUN.into(),
                request: OrderRequest {
                    kind: OrderKind::EventAssurance,
                    level: Some(3),
                    start: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 20).unwrap()),
                    end: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 21).unwrap()),
                    scenario: None,
                    month: None,
                },
                note: "重保".into(),
            },
            &me,
            now,
        )
        .unwrap()
        .order;
    d.complete_order(
        order.id,
        &[("raw.bin".into(), (0..=255u8).collect())],
        &me,
        now,
    )
    .unwrap();
    d.rate_order(order.id, 5, 4, "很好", &me, now).unwrap();
    // The team's canned replies and the watcher's log of SLA alerts travel too.
    d.add_reply_template("greet", "您好 {{customer.name}},\n", false, &me, at(2))
        .unwrap();
    for (key, kind) in [
        (
            format!("{}:first-response:breached:{}", a.id, at(30).timestamp()),
            "breached",
        ),
        (
            format!("{}:entry:9:customer_replied", a.id),
            "customer_replied",
        ),
    ] {
        let claim = tuidesk::store::AlertClaim {
            key: &key,
            kind,
            ticket_id: a.id,
            happened_at: at(30),
            fired_at: at(31),
            fired_by: "li.na",
            outcome: "fired",
        };
        assert!(d.claim_alert(&claim).unwrap());
    }
    d
}

pub fn export_import_export_is_identical(b: &dyn Backend) {
    let src = populated(b);
    let exported = export(&*src);
    assert!(exported.lines().count() >= 7, "{exported}");
    let mut dst = Desk::new(b.open());
    let summary = dst.import(&mut exported.as_bytes(), at(60)).unwrap();
    assert_eq!(
        (summary.orgs, summary.tickets, summary.orders),
        (4, 3, 1),
        "{}",
        b.name()
    );
    assert!(summary.entries >= 2 && summary.events > 0);
    assert_eq!(
        export(&*dst),
        exported,
        "{}: export → import → export",
        b.name()
    );
    // Shared templates and SLA alerts are carried; an alert keyed by a row id is not.
    let templates = dst.reply_templates().unwrap();
    assert_eq!(templates.len(), 1, "{}", b.name());
    assert_eq!(
        (templates[0].name.as_str(), templates[0].body.as_str()),
        ("greet", "您好 {{customer.name}},\n")
    );
    assert_eq!(templates[0].updated_at, Some(at(2)));
    let log: Vec<String> = dst
        .store()
        .alert_log()
        .unwrap()
        .into_iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(log, vec!["breached"], "{}", b.name());
    // Into a desk that has the template already: refused, nothing written.
    let mut again = Desk::new(b.open());
    again
        .add_reply_template("greet", "hi", false, &actor("bob"), at(3))
        .unwrap();
    let err = again
        .import(&mut exported.as_bytes(), at(60))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("reply template \"greet\" already exists"),
        "{err}"
    );
    assert!(
        again.store().list_orgs().unwrap().is_empty(),
        "{}",
        b.name()
    );
    // Contacts travel with their organization (sorted bytewise, lowercased, dated).
    assert!(
        exported.contains(r#""contacts":[{"address":"@acme.example","added_at":"#),
        "{exported}"
    );
    let acme = dst.store().org_by_name(ACME).unwrap();
    assert_eq!(
        dst.store().contacts(acme.id).unwrap(),
        vec!["@acme.example", "ann@acme.example", "zoe@acme.example"]
    );
    // What reads see is the same on both sides.
    let all = TicketFilter {
        all_statuses: true,
        ..TicketFilter::default()
    };
    // Organization ids are the importing database's own; a breached ticket's `risk_at` is
    // when its columns were last computed (any instant up to now means "at risk").
    let view = |s: &dyn Store, sort| -> Vec<Ticket> {
        s.list_tickets(&all, sort, None, None, 50, at(60))
            .unwrap()
            .tickets
            .into_iter()
            .map(|mut t| {
                t.org_id = 0;
                t.risk_at = t.risk_at.map(|r| r.min(at(60)));
                if t.breached {
                    t.risk_at = t.risk_at.map(|_| at(60));
                }
                t
            })
            .collect()
    };
    for sort in TicketSort::ALL {
        assert_eq!(
            view(&*src, sort),
            view(&*dst, sort),
            "{}: by {}",
            b.name(),
            sort.as_str()
        );
    }
    assert_eq!(
        ids(&dst.search("连接", 5, at(60)).unwrap().tickets),
        ids(&src.search("连接", 5, at(60)).unwrap().tickets)
    );
    let orgs = |s: &dyn Store| -> Vec<_> {
        s.list_orgs()
            .unwrap()
            .into_iter()
            .map(|o| {
                (
                    o.name,
                    o.plan,
                    o.parent,
                    o.parent_plan,
                    o.created_at,
                    o.plan_since,
                )
            })
            .collect()
    };
    assert_eq!(orgs(&*dst), orgs(&*src));
    let orders = src.list_orders(&Default::default(), 10).unwrap();
    let without_org_id = |s: &dyn Store| -> Vec<_> {
        s.list_orders(&Default::default(), 10)
            .unwrap()
            .into_iter()
            .map(|o| tuidesk::domain::Order { org_id: 0, ..o })
            .collect()
    };
    assert_eq!(without_org_id(&*dst), without_org_id(&*src));
    assert_eq!(
        orders[0].attachments.len(),
        1,
        "{}: listed with its deliverables",
        b.name()
    );
    assert_eq!(
        dst.order_attachment(orders[0].id, "raw.bin").unwrap(),
        (0..=255u8).collect::<Vec<_>>()
    );
}

pub fn a_bad_import_line_imports_nothing(b: &dyn Backend) {
    let src = populated(b);
    let exported = export(&*src);
    let mut dst = Desk::new(b.open());
    let mut lines: Vec<&str> = exported.lines().collect();
    let bad = lines.len() - 1;
    lines[bad] = "{\"type\":\"ticket\",\"nonsense\":true}";
    let input = lines.join("\n") + "\n";
    match dst.import(&mut input.as_bytes(), at(60)) {
        Err(StoreError::Import { line, .. }) => assert_eq!(line, bad + 1, "{}", b.name()),
        other => panic!("{}: expected an Import error, got {other:?}", b.name()),
    }
    assert_eq!(export(&*dst), "", "{}: nothing was imported", b.name());
    // A contact that is not an address as stored (lowercased), or listed twice, is refused.
    for (from, to) in [
        (
            "\"address\":\"zoe@acme.example\"",
            "\"address\":\"Zoe@acme.example\"",
        ),
        (
            "\"address\":\"zoe@acme.example\"",
            "\"address\":\"zoe at acme\"",
        ),
        (
            "\"address\":\"zoe@acme.example\"",
            "\"address\":\"ann@acme.example\"",
        ),
    ] {
        assert!(exported.contains(from), "{exported}");
        let bad = exported.replace(from, to);
        let r = dst.import(&mut bad.as_bytes(), at(60));
        assert!(
            matches!(r, Err(StoreError::Import { line: 1, .. })),
            "{}: {to}: {r:?}",
            b.name()
        );
        assert_eq!(export(&*dst), "", "{}: nothing was imported", b.name());
    }
    // Importing the same data twice is refused as a whole, too.
    dst.import(&mut exported.as_bytes(), at(60)).unwrap();
    assert!(dst.import(&mut exported.as_bytes(), at(60)).is_err());
    assert_eq!(export(&*dst), exported);
}

/// A file of more than a thousand records (written in batches) is read again to write it:
/// the ticket with the highest id goes in first, after the tickets it follows up even when
/// they are on later lines; a ticket id repeated far apart is named at its second line.
pub fn a_large_import_is_read_again_and_keeps_follow_ups(b: &dyn Backend) {
    let src = populated(b);
    let exported = export(&*src);
    let lines: Vec<serde_json::Value> = exported
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let is = |v: &serde_json::Value, t: &str| v["type"] == t;
    let template = lines
        .iter()
        .find(|v| is(v, "ticket") && v.get("merged_into").is_none())
        .unwrap()
        .clone();
    let ticket = |id: i64, follows: Option<i64>| {
        let mut t = template.clone();
        t["id"] = id.into();
        match follows {
            Some(f) => t["follows"] = f.into(),
            None => {
                t.as_object_mut().unwrap().remove("follows");
            }
        }
        serde_json::to_string(&t).unwrap()
    };
    let mut file: Vec<String> = lines
        .iter()
        .filter(|v| is(v, "org"))
        .map(|v| v.to_string())
        .collect();
    // The highest id first, following 4000, which follows 3000 (both on later lines).
    file.push(ticket(5000, Some(4000)));
    for id in 1000..2200 {
        file.push(ticket(id, None));
    }
    file.push(ticket(3000, None));
    file.push(ticket(4000, Some(3000)));
    let input = file.join("\n") + "\n";
    let mut dst = Desk::new(b.open());
    let mut once: &[u8] = input.as_bytes();
    let summary = dst.import(&mut once, at(60)).unwrap();
    assert_eq!(summary.tickets, 1203, "{}", b.name());
    let read = |id: i64| dst.store().ticket(id, at(60)).unwrap();
    assert_eq!(read(5000).follows, Some(4000), "{}", b.name());
    assert_eq!(read(4000).follows, Some(3000), "{}", b.name());
    assert_eq!(read(1500).summary, template["summary"], "{}", b.name());

    // The same id twice, 1,200 lines apart: nothing goes in, the second line is named.
    let mut twice = file.clone();
    twice.retain(|l| !l.contains("\"id\":5000"));
    twice.push(ticket(1001, None));
    let input = twice.join("\n") + "\n";
    let mut fresh = Desk::new(b.open());
    match fresh.import(&mut input.as_bytes(), at(60)) {
        Err(StoreError::Import { line, message }) => {
            assert_eq!(line, twice.len(), "{}: {message}", b.name());
            assert!(message.contains("ticket 1001 appears twice"), "{message}");
        }
        other => panic!("{}: expected an Import error, got {other:?}", b.name()),
    }
    assert_eq!(export(&*fresh), "", "{}: nothing was imported", b.name());
}

fn generated(n: usize) -> (Vec<GeneratedOrg>, Vec<GeneratedTicket>) {
    let orgs = vec![
        GeneratedOrg {
            name: "Acme".into(),
            policy_set: "connected-care".into(),
            plan: "enterprise".into(),
            tz: "Europe/Berlin".into(),
        },
        GeneratedOrg {
            name: "天翼".into(),
            policy_set: "ctyun".into(),
            plan: "business".into(),
            tz: "Asia/Shanghai".into(),
        },
    ];
    let statuses = [Status::New, Status::Open, Status::Pending, Status::Resolved];
    let tickets = (0..n)
        .map(|i| {
            let created = t0() + Duration::hours(i as i64 * 5);
            let status = statuses[i % statuses.len()];
            GeneratedTicket {
                org: i % 2,
                kind: TicketKind::Technical,
                severity: if i % 2 == 0 {
                    ["S1", "S2", "S3"][i % 3]
                } else {
                    "urgent"
                }
                .into(),
                status,
                summary: format!("generated number{i} 数据库连接失败"),
                description: format!("description {i}"),
                component: None,
                environment: None,
                affected_version: None,
                assignee: (i % 3 == 0).then(|| "alice".to_string()),
                created_at: created,
                first_response_at: (i % 5 == 0).then(|| created + Duration::minutes(30)),
                resolved_at: status.is_done().then(|| created + Duration::hours(4)),
                pauses: Vec::new(),
                entries: (0..i % 3)
                    .map(|k| GeneratedEntry {
                        kind: EntryKind::Reply,
                        role: AuthorRole::Customer,
                        author: "customer".into(),
                        body: format!("reply{i}x{k} タイムアウト"),
                        at: created + Duration::minutes(10 + k as i64),
                    })
                    .collect(),
            }
        })
        .collect();
    (orgs, tickets)
}

pub fn generated_data_loads_the_same_in_bulk_and_row_by_row(b: &dyn Backend) {
    let (orgs, tickets) = generated(40);
    let now = t0() + Duration::days(10);
    let system = actor("generator");
    let mut bulk = Desk::new(b.open());
    let mut rows = Desk::new(b.open());
    let n = bulk
        .insert_generated(&orgs, &mut tickets.clone().into_iter(), &system, now, true)
        .unwrap();
    assert_eq!(n, 40);
    rows.insert_generated(&orgs, &mut tickets.into_iter(), &system, now, false)
        .unwrap();
    assert_eq!(export(&*bulk), export(&*rows), "{}", b.name());
    for q in [
        "reply8x1",
        "タイムアウト",
        "连接",
        "number12",
        "\"description 4\"",
    ] {
        let found = sorted(ids(&bulk.search(q, 100, now).unwrap().tickets));
        assert!(
            !found.is_empty(),
            "{}: bulk load finds nothing for {q:?}",
            b.name()
        );
        assert_eq!(
            found,
            sorted(ids(&rows.search(q, 100, now).unwrap().tickets)),
            "{q:?}"
        );
    }
    let all = TicketFilter {
        all_statuses: true,
        ..TicketFilter::default()
    };
    assert_eq!(bulk.count_tickets(&all, now).unwrap(), 40);
    assert_eq!(
        bulk.urgency_counts(now).unwrap(),
        rows.urgency_counts(now).unwrap()
    );
}
