//! SLA inputs and reports: what the one SLA evaluation reads from a backend, and the
//! desk's refresh of the stored columns through it.

use chrono::Duration;
use tuidesk::domain::Status;
use tuidesk::sla::SlaState;
use tuidesk::store::{OrgPatch, TicketChange, TicketInsert, TicketPatch};

use crate::backend::Backend;
use crate::fixture::*;

pub fn sla_inputs_many_come_in_the_order_asked(b: &dyn Backend) {
    let mut s = b.open();
    let (parent, child) = write(&mut *s, |tx| {
        let parent = tx.insert_org("Parent", "ctyun", "enterprise", "Asia/Shanghai", t0())?;
        let child = tx.insert_org("Child", "ctyun", "standard", "Asia/Tokyo", t0())?;
        tx.update_org(child, &OrgPatch::Parent(Some(parent)))?;
        Ok((parent, child))
    })
    .unwrap();
    let acme = raw_org(&mut *s, "Acme");
    let a = write(&mut *s, |tx| {
        tx.insert_ticket(&TicketInsert {
            severity: "urgent",
            ..ticket_row(parent, "a", at(-10))
        })
    })
    .unwrap();
    let c = write(&mut *s, |tx| {
        let c = tx.insert_ticket(&TicketInsert {
            severity: "general",
            status: Status::Resolved,
            ..ticket_row(child, "c", at(-20))
        })?;
        tx.update_ticket(c, &TicketPatch::FirstResponseAt(at(-15)))?;
        tx.update_ticket(c, &TicketPatch::ResolvedAt(Some(at(-5))))?;
        tx.open_pause(c, at(-14))?;
        tx.close_pause(c, at(-12))?;
        Ok(c)
    })
    .unwrap();
    let x = raw_ticket(&mut *s, acme, "x", at(-30));

    let many = s.sla_inputs_many(&[c, x, a, c]).unwrap();
    assert_eq!(
        many.len(),
        4,
        "{}: one per id asked, repeats included",
        b.name()
    );
    let (ic, ix, ia) = (&many[0], &many[1], &many[2]);
    assert_eq!(many[3], *ic);
    assert_eq!(ic.policy_set, "ctyun");
    assert_eq!(
        ic.plan, "enterprise",
        "a linked account is served on its parent's plan"
    );
    assert_eq!(ic.tz, "Asia/Tokyo", "in its own zone");
    assert_eq!(ic.severity, "general");
    assert_eq!(ic.status, Status::Resolved);
    assert_eq!(ic.timeline.opened, at(-20));
    assert_eq!(ic.timeline.first_response_at, Some(at(-15)));
    assert_eq!(ic.timeline.resolved_at, Some(at(-5)));
    assert_eq!(ic.timeline.pauses.len(), 1);
    assert_eq!(
        (
            ix.policy_set.as_str(),
            ix.plan.as_str(),
            ix.tz.as_str(),
            ix.severity.as_str()
        ),
        ("connected-care", "enterprise", "UTC", "S2")
    );
    assert_eq!((ia.plan.as_str(), ia.status), ("enterprise", Status::Open));
    assert_eq!(ia.timeline.opened, at(-10));
    assert!(s.sla_inputs_many(&[]).unwrap().is_empty());
    // The same inputs inside a write.
    let inside = write(&mut *s, |tx| Ok((tx.sla_inputs(c)?, tx.sla_inputs(a)?))).unwrap();
    assert_eq!((&inside.0, &inside.1), (ic, ia));
}

pub fn desk_keeps_stored_columns_true_through_a_ticket_life(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    // Enterprise S1 = 1 hour on 24×7, at risk after 45 minutes.
    let t = d
        .create_ticket(&new_ticket(ACME, "S1", "prod down", ""), &me, t0())
        .unwrap();
    assert_eq!(t.first_response_due, Some(at(60)));
    assert_eq!(t.next_due, Some(at(60)));
    assert_eq!(t.risk_at, Some(at(45)));
    assert!(
        !d.ticket(t.id, at(60)).unwrap().breached,
        "{}: due, not late",
        b.name()
    );
    assert!(d.ticket(t.id, at(61)).unwrap().breached);

    // Pending never pauses the first response (the customer was not answered yet): the
    // clock runs on and the pause is recorded for the other metrics.
    let t = d
        .change_ticket(
            t.id,
            &TicketChange::Status(Status::Pending),
            None,
            &me,
            at(20),
        )
        .unwrap();
    assert_eq!((t.next_due, t.paused_seconds_left), (Some(at(60)), None));
    let detail = d.ticket_detail(t.id, at(20)).unwrap();
    assert_eq!(detail.pauses.len(), 1);
    assert_eq!(
        (detail.pauses[0].start, detail.pauses[0].end),
        (at(20), None)
    );
    // Resuming 30 minutes later leaves the first-response due instant where it was.
    let t = d
        .change_ticket(t.id, &TicketChange::Status(Status::Open), None, &me, at(50))
        .unwrap();
    assert_eq!(t.next_due, Some(at(60)));
    assert_eq!(t.paused_seconds_left, None);
    assert_eq!(
        d.ticket_detail(t.id, at(50)).unwrap().pauses[0].end,
        Some(at(50))
    );

    // The SLA report reads the same inputs the columns came from.
    let report = d.sla_report(t.id, at(50)).unwrap();
    assert_eq!(report.org.name, ACME);
    assert_eq!(report.effective_plan, "enterprise");
    assert_eq!(
        (report.severity.as_str(), report.status),
        ("S1", Status::Open)
    );
    assert_eq!(
        report.timeline,
        d.sla_inputs_many(&[t.id]).unwrap()[0].timeline
    );
    let first = &report.metrics[0];
    assert_eq!(first.due, Some(at(60)));
    assert_eq!(first.state, SlaState::AtRisk);

    // A late reply is a recorded breach, never undone by a lower severity.
    d.add_entry(
        t.id,
        tuidesk::domain::EntryKind::Reply,
        tuidesk::domain::AuthorRole::Engineer,
        "sorry",
        &me,
        at(95),
    )
    .unwrap();
    let t = d.ticket(t.id, at(95)).unwrap();
    assert_eq!((t.first_response_at, t.next_due), (Some(at(95)), None));
    assert!(t.breached);

    // Refreshing every active ticket leaves true columns as they are.
    let other = d
        .create_ticket(&new_ticket(CTYUN, "urgent", "紧急", ""), &me, at(100))
        .unwrap();
    let before = (
        d.ticket(t.id, at(100)).unwrap(),
        d.ticket(other.id, at(100)).unwrap(),
    );
    assert_eq!(d.refresh_all_sla(at(100)).unwrap(), 2);
    assert_eq!(
        (
            d.ticket(t.id, at(100)).unwrap(),
            d.ticket(other.id, at(100)).unwrap()
        ),
        before
    );
    assert_eq!(other.first_response_due, Some(at(110)));
    // Resolving stops every clock.
    let r = d
        .change_ticket(
            other.id,
            &TicketChange::Status(Status::Resolved),
            None,
            &me,
            at(105),
        )
        .unwrap();
    assert_eq!(r.resolved_at, Some(at(105)));
    assert_eq!(
        (r.next_due, r.risk_at, r.paused_seconds_left),
        (None, None, None)
    );
    assert!(
        !d.ticket(other.id, at(105) + Duration::days(1))
            .unwrap()
            .breached
    );
}

/// DOMAIN.md: an answered first response keeps the severity that served it. Raising the
/// level after an on-time answer does not make it late (reports never change after the
/// fact); the backend hands the engine the ticket's severity history for that.
pub fn a_met_first_response_survives_a_later_raise(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("alice");
    // Enterprise S2 answers within hours, S1 within one hour (24×7).
    let t = d
        .create_ticket(&new_ticket(ACME, "S2", "slow queries", ""), &me, t0())
        .unwrap();
    d.add_entry(
        t.id,
        tuidesk::domain::EntryKind::Reply,
        tuidesk::domain::AuthorRole::Engineer,
        "looking",
        &me,
        at(90),
    )
    .unwrap();
    let first = |d: &tuidesk::desk::Desk, now| {
        d.sla_report(t.id, now)
            .unwrap()
            .metrics
            .into_iter()
            .find(|m| m.metric == tuidesk::policy::Metric::FirstResponse)
            .unwrap()
    };
    assert_eq!(first(&d, at(95)).state, SlaState::Met, "{}", b.name());
    d.change_ticket(
        t.id,
        &TicketChange::Severity("S1".into()),
        None,
        &me,
        at(92),
    )
    .unwrap();
    let m = first(&d, at(95));
    assert_eq!(m.state, SlaState::Met, "{}: {m:?}", b.name());
    assert!(
        !d.ticket(t.id, at(95)).unwrap().breached,
        "{}: no breach on record",
        b.name()
    );
}
