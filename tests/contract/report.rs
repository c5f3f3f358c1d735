//! The monthly report's reads: an organization's tickets created or resolved in a month,
//! with half-open bounds, and the report the desk builds on them.

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuidesk::domain::{AuthorRole, EntryKind, Status, TicketKind, YearMonth};
use tuidesk::sla::columns::SlaColumns;
use tuidesk::store::{TicketChange, TicketInsert, TicketPatch};

use crate::backend::Backend;
use crate::fixture::*;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

pub fn month_tickets_take_created_or_resolved_in_half_open_bounds(b: &dyn Backend) {
    let mut s = b.open();
    let org = raw_org(&mut *s, "Acme");
    let other = raw_org(&mut *s, "Other");
    let (from, to) = (utc(2026, 3, 1, 0, 0, 0), utc(2026, 4, 1, 0, 0, 0));
    let second = Duration::seconds(1);
    let mut add = |org_id: i64, summary: &str, created, resolved: Option<DateTime<Utc>>| {
        write(&mut *s, |tx| {
            let id = tx.insert_ticket(&ticket_row(org_id, summary, created))?;
            if let Some(r) = resolved {
                tx.update_ticket(id, &TicketPatch::ResolvedAt(Some(r)))?;
            }
            Ok(id)
        })
        .unwrap()
    };
    add(org, "before, open", from - second, None);
    let resolved_in = add(
        org,
        "before, resolved in",
        from - Duration::days(3),
        Some(from + second),
    );
    let first_instant = add(org, "at the first instant", from, None);
    let last_second = add(org, "in the last second", to - second, Some(to + second));
    add(org, "at the end", to, None);
    add(org, "resolved at the end", from - second, Some(to));
    add(
        org,
        "resolved before",
        from - Duration::days(9),
        Some(from - second),
    );
    add(
        other,
        "another organization",
        from + Duration::days(1),
        None,
    );
    let same_a = add(org, "same instant a", from + Duration::days(10), None);
    let same_b = add(org, "same instant b", from + Duration::days(10), None);
    let answered = write(&mut *s, |tx| {
        let id = tx.insert_ticket(&TicketInsert {
            kind: TicketKind::Billing,
            severity: "S3",
            ..ticket_row(org, "answered", from + Duration::days(5))
        })?;
        tx.update_ticket(
            id,
            &TicketPatch::FirstResponseAt(from + Duration::days(5) + Duration::hours(2)),
        )?;
        tx.store_sla_columns(
            id,
            &SlaColumns {
                first_response_due: Some(ts(from + Duration::days(5) + Duration::hours(8))),
                ..SlaColumns::default()
            },
        )?;
        Ok(id)
    })
    .unwrap();

    let got = s.month_tickets(org, from, to).unwrap();
    assert_eq!(
        got.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![
            resolved_in,
            first_instant,
            answered,
            same_a,
            same_b,
            last_second
        ],
        "{}: created or resolved in [from, to), oldest first",
        b.name()
    );
    let a = got.iter().find(|t| t.id == answered).unwrap();
    assert_eq!(a.summary, "answered");
    assert_eq!(a.kind, TicketKind::Billing);
    assert_eq!(a.severity, "S3");
    assert_eq!(a.created_at, from + Duration::days(5));
    assert_eq!(a.resolved_at, None);
    assert_eq!(
        a.first_response_at,
        Some(from + Duration::days(5) + Duration::hours(2))
    );
    assert_eq!(
        a.first_response_due,
        Some(from + Duration::days(5) + Duration::hours(8))
    );
    let r = got.iter().find(|t| t.id == resolved_in).unwrap();
    assert_eq!(r.resolved_at, Some(from + second));
    assert_eq!(r.first_response_due, None);
    assert!(
        s.month_tickets(other, to, to + Duration::days(30))
            .unwrap()
            .is_empty()
    );
}

pub fn monthly_report_counts_the_month_in_the_organizations_zone(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    // 天翼客户 is in Shanghai (UTC+8): 2026-02-28 17:00 UTC is already March there.
    let march_in_shanghai = utc(2026, 2, 28, 17, 0, 0);
    let met = d
        .create_ticket(
            &new_ticket(CTYUN, "urgent", "met", ""),
            &me,
            march_in_shanghai,
        )
        .unwrap();
    d.add_entry(
        met.id,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "on it",
        &me,
        march_in_shanghai + Duration::minutes(5),
    )
    .unwrap();
    d.change_ticket(
        met.id,
        &TicketChange::Status(Status::Resolved),
        None,
        &me,
        march_in_shanghai + Duration::hours(1),
    )
    .unwrap();
    let late = d
        .create_ticket(&new_ticket(CTYUN, "general", "late", ""), &me, t0())
        .unwrap();
    d.add_entry(
        late.id,
        EntryKind::Reply,
        AuthorRole::Engineer,
        "sorry",
        &me,
        t0() + Duration::hours(1),
    )
    .unwrap();
    // February in UTC, but not in Shanghai; April everywhere.
    d.create_ticket(
        &new_ticket(CTYUN, "general", "february", ""),
        &me,
        utc(2026, 2, 28, 15, 0, 0),
    )
    .unwrap();
    d.create_ticket(
        &new_ticket(CTYUN, "general", "april", ""),
        &me,
        utc(2026, 4, 1, 0, 0, 0),
    )
    .unwrap();

    let month = YearMonth::new(2026, 3).unwrap();
    let report = d
        .monthly_report(month, Some(CTYUN), utc(2026, 4, 2, 0, 0, 0))
        .unwrap();
    assert_eq!(report.orgs.len(), 1);
    let r = &report.orgs[0];
    assert_eq!(r.org, CTYUN);
    assert_eq!(r.plan, "business");
    assert_eq!((r.opened, r.resolved), (2, 1), "{}: {r:?}", b.name());
    assert_eq!((r.first_response.met, r.first_response.breached), (1, 1));
    let numbers: Vec<i64> = r.tickets.iter().map(|t| t.number).collect();
    assert_eq!(numbers, vec![met.id, late.id]);
    // Every organization with tickets in the month, and only those.
    let all = d
        .monthly_report(month, None, utc(2026, 4, 2, 0, 0, 0))
        .unwrap();
    assert_eq!(
        all.orgs.iter().map(|o| o.org.as_str()).collect::<Vec<_>>(),
        vec![CTYUN]
    );
}
