//! Organizations: rows through the port, and the use cases with their typed rule errors.

use chrono::Duration;
use tuidesk::domain::RuleError;
use tuidesk::org_rules::OrgRuleError;
use tuidesk::store::{OrgPatch, StoreError, TicketFilter};

use crate::backend::Backend;
use crate::fixture::*;

pub fn org_rows_insert_update_and_count_links(b: &dyn Backend) {
    let mut s = b.open();
    let (parent, child, other) = write(&mut *s, |tx| {
        let parent = tx.insert_org(
            "天翼 Parent",
            "ctyun",
            "enterprise",
            "Asia/Shanghai",
            at(-60),
        )?;
        let child = tx.insert_org("Child", "ctyun", "standard", "Asia/Shanghai", at(-30))?;
        let other = tx.insert_org("Another", "ctyun", "business", "Asia/Tokyo", t0())?;
        // Reads inside the write see its rows.
        assert_eq!(tx.org_by_name("Child")?.id, child);
        assert_eq!(tx.org_by_id(parent)?.name, "天翼 Parent");
        Ok((parent, child, other))
    })
    .unwrap();
    let p = s.org_by_id(parent).unwrap();
    assert_eq!(p.id, parent);
    assert_eq!(p.name, "天翼 Parent");
    assert_eq!(p.policy_set, "ctyun");
    assert_eq!(p.plan, "enterprise");
    assert_eq!(p.tz, "Asia/Shanghai");
    assert_eq!(p.created_at, at(-60));
    assert_eq!(
        p.plan_since,
        at(-60),
        "{}: on its plan since it was added",
        b.name()
    );
    assert_eq!((p.parent, p.parent_plan), (None, None));
    assert_eq!(
        s.org_by_name("天翼 Parent").unwrap(),
        s.org_by_id(parent).unwrap()
    );
    let names: Vec<String> = s.list_orgs().unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(names, vec!["Another", "Child", "天翼 Parent"], "by name");

    // A plan change, and the date it took effect.
    write(&mut *s, |tx| {
        tx.update_org(
            other,
            &OrgPatch::Plan {
                plan: "enterprise".into(),
                since: at(10),
            },
        )
    })
    .unwrap();
    let o = s.org_by_id(other).unwrap();
    assert_eq!(
        (o.plan.as_str(), o.plan_since, o.created_at),
        ("enterprise", at(10), t0())
    );

    // Links: the child names its parent and the plan serving its tickets.
    write(&mut *s, |tx| {
        assert_eq!(tx.linked_count(parent)?, 0);
        tx.update_org(child, &OrgPatch::Parent(Some(parent)))?;
        tx.update_org(other, &OrgPatch::Parent(Some(parent)))?;
        assert_eq!(tx.linked_count(parent)?, 2, "counted inside the write");
        assert_eq!(tx.linked_count(child)?, 0);
        Ok(())
    })
    .unwrap();
    let c = s.org_by_id(child).unwrap();
    assert_eq!(c.parent.as_deref(), Some("天翼 Parent"));
    assert_eq!(c.parent_plan.as_deref(), Some("enterprise"));
    assert_eq!(c.plan, "standard", "its own plan stays");
    assert_eq!(c.plan_for_tickets(), "enterprise");
    let linked: Vec<String> = s
        .linked_orgs(parent)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(linked, vec!["Another", "Child"]);
    assert!(s.linked_orgs(child).unwrap().is_empty());

    write(&mut *s, |tx| tx.update_org(other, &OrgPatch::Parent(None))).unwrap();
    let o = s.org_by_id(other).unwrap();
    assert_eq!((o.parent, o.parent_plan), (None, None));
    assert_eq!(write(&mut *s, |tx| tx.linked_count(parent)).unwrap(), 1);

    // Names are unique.
    let dup = write(&mut *s, |tx| {
        tx.insert_org("Child", "ctyun", "business", "UTC", t0())
    });
    assert!(dup.is_err(), "{}: a second \"Child\"", b.name());
    assert_eq!(s.list_orgs().unwrap().len(), 3);
}

pub fn org_use_cases_audit_and_recompute_open_tickets(b: &dyn Backend) {
    let mut d = desk(b);
    let me = actor("li.na");
    let ent = d
        .add_org("Ent", "ctyun", "enterprise", "Asia/Shanghai", &me, t0())
        .unwrap();
    assert_eq!(
        (ent.name.as_str(), ent.plan.as_str()),
        ("Ent", "enterprise")
    );
    d.add_org("  Sub  ", "ctyun", "standard", "Asia/Shanghai", &me, t0())
        .unwrap();
    let sub = d.org_by_name("Sub").unwrap();
    let ev = d.org_events(ent.id).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(
        (ev[0].field.as_str(), ev[0].actor.as_str()),
        ("org", "li.na")
    );

    // Standard answers urgent tickets in 30 minutes, enterprise in 10.
    let t = d
        .create_ticket(&new_ticket("Sub", "urgent", "slow", ""), &me, t0())
        .unwrap();
    let done = d
        .create_ticket(&new_ticket("Sub", "urgent", "done", ""), &me, t0())
        .unwrap();
    d.change_ticket(
        done.id,
        &tuidesk::store::TicketChange::Status(tuidesk::domain::Status::Resolved),
        None,
        &me,
        at(1),
    )
    .unwrap();
    assert_eq!(t.first_response_due, Some(t0() + Duration::minutes(30)));

    let change = d.link_org("Sub", "Ent", &me, at(2)).unwrap();
    assert_eq!(change.org, "Sub");
    assert_eq!(change.new, "Ent");
    assert_eq!(change.recomputed, 1, "{}: only the open ticket", b.name());
    let sub_now = d.org_by_id(sub.id).unwrap();
    assert_eq!(sub_now.parent.as_deref(), Some("Ent"));
    assert_eq!(
        d.ticket(t.id, at(2)).unwrap().first_response_due,
        Some(t0() + Duration::minutes(10)),
        "served on the parent's plan from creation on"
    );
    assert_eq!(d.sla_inputs_many(&[t.id]).unwrap()[0].plan, "enterprise");
    assert_eq!(d.linked_orgs(ent.id).unwrap().len(), 1);
    let ev = d.org_events(sub.id).unwrap();
    let last = ev.last().unwrap();
    assert_eq!(
        (
            last.field.as_str(),
            last.old.as_deref(),
            last.new.as_deref()
        ),
        ("linked_to", None, Some("Ent"))
    );

    let change = d.unlink_org("Sub", &me, at(3)).unwrap();
    assert_eq!((change.old.as_str(), change.recomputed), ("Ent", 1));
    assert_eq!(d.org_by_id(sub.id).unwrap().parent, None);
    assert_eq!(
        d.ticket(t.id, at(3)).unwrap().first_response_due,
        Some(t0() + Duration::minutes(30))
    );

    // A plan change is audited and recomputes too; it starts serving from now.
    let change = d.change_org_plan("Sub", "business", &me, at(4)).unwrap();
    assert_eq!(
        (change.old.as_str(), change.new.as_str(), change.recomputed),
        ("standard", "business", 1)
    );
    let sub_now = d.org_by_id(sub.id).unwrap();
    assert_eq!(
        (sub_now.plan.as_str(), sub_now.plan_since),
        ("business", at(4))
    );
    assert_eq!(
        d.ticket(t.id, at(4)).unwrap().first_response_due,
        Some(t0() + Duration::minutes(10))
    );
    assert_eq!(
        d.ticket(done.id, at(4)).unwrap().first_response_due,
        Some(t0() + Duration::minutes(30)),
        "a resolved ticket keeps the plan that served it"
    );
    let fields: Vec<String> = d
        .org_events(sub.id)
        .unwrap()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, vec!["org", "linked_to", "linked_to", "plan"]);
}

pub fn org_rules_are_typed_errors_and_change_nothing(b: &dyn Backend) {
    let mut d = desk_with_orgs(b);
    let me = actor("admin");
    for (name, plan) in [
        ("Ent", "enterprise"),
        ("Biz", "business"),
        ("Std", "standard"),
    ] {
        d.add_org(name, "ctyun", plan, "Asia/Shanghai", &me, t0())
            .unwrap();
    }
    for i in 0..3 {
        let name = format!("Sub{i}");
        d.add_org(&name, "ctyun", "standard", "Asia/Shanghai", &me, t0())
            .unwrap();
        d.link_org(&name, "Biz", &me, t0()).unwrap();
    }
    d.add_org("Spare", "ctyun", "standard", "Asia/Shanghai", &me, t0())
        .unwrap();
    let snapshot = |d: &tuidesk::desk::Desk| {
        let orgs = d.list_orgs().unwrap();
        let events: usize = orgs.iter().map(|o| d.org_events(o.id).unwrap().len()).sum();
        (orgs, events)
    };
    let before = snapshot(&d);

    let rule = |r: tuidesk::store::Result<_>| match r {
        Err(StoreError::OrgRule(e)) => e,
        other => panic!("{}: expected an OrgRule error, got {other:?}", b.name()),
    };
    assert!(matches!(
        rule(d.add_org("Ent", "ctyun", "business", "UTC", &me, t0()).map(|_| ())),
        OrgRuleError::Exists(n) if n == "Ent"
    ));
    assert!(matches!(
        rule(
            d.add_org(
                "Old",
                "connected-care",
                "legacy-enterprise",
                "UTC",
                &me,
                t0()
            )
            .map(|_| ())
        ),
        OrgRuleError::RetiredPlan { .. }
    ));
    assert!(matches!(
        rule(
            d.change_org_plan("Ent", "enterprise", &me, t0())
                .map(|_| ())
        ),
        OrgRuleError::SamePlan { .. }
    ));
    assert!(matches!(
        rule(
            d.change_org_plan("Biz", "lightweight", &me, t0())
                .map(|_| ())
        ),
        OrgRuleError::TooManyLinksForPlan { linked: 3, .. }
    ));
    assert!(matches!(
        rule(d.link_org("Ent", "Ent", &me, t0()).map(|_| ())),
        OrgRuleError::SelfLink(_)
    ));
    assert!(matches!(
        rule(d.link_org("Sub0", "Ent", &me, t0()).map(|_| ())),
        OrgRuleError::AlreadyLinked { parent, .. } if parent == "Biz"
    ));
    assert!(matches!(
        rule(d.link_org("Spare", "Sub0", &me, t0()).map(|_| ())),
        OrgRuleError::ParentIsLinked { grand, .. } if grand == "Biz"
    ));
    assert!(matches!(
        rule(d.link_org("Biz", "Ent", &me, t0()).map(|_| ())),
        OrgRuleError::HasChildren { children: 3, .. }
    ));
    assert!(matches!(
        rule(d.link_org(ACME, "Ent", &me, t0()).map(|_| ())),
        OrgRuleError::DifferentPolicySets { .. }
    ));
    assert!(matches!(
        rule(d.link_org("Spare", "Std", &me, t0()).map(|_| ())),
        OrgRuleError::PlanHasNoLinks { .. }
    ));
    assert!(matches!(
        rule(d.link_org("Spare", "Biz", &me, t0()).map(|_| ())),
        OrgRuleError::LinkLimit {
            linked: 3,
            limit: 3,
            ..
        }
    ));
    assert!(matches!(
        rule(d.unlink_org("Spare", &me, t0()).map(|_| ())),
        OrgRuleError::NotLinked(_)
    ));
    // Not rules of organizations, but refusals all the same.
    assert!(matches!(
        d.link_org("Nobody", "Ent", &me, t0()),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        d.change_org_plan("Ent", "platinum", &me, t0()),
        Err(StoreError::Rule(RuleError::UnknownPlan { .. }))
    ));
    assert!(matches!(
        d.add_org("Zoned", "ctyun", "business", "Mars/Olympus", &me, t0()),
        Err(StoreError::Rule(RuleError::UnknownTimeZone(_)))
    ));
    assert_eq!(
        snapshot(&d),
        before,
        "{}: refusals change nothing",
        b.name()
    );
    assert_eq!(
        d.count_tickets(
            &TicketFilter {
                all_statuses: true,
                ..TicketFilter::default()
            },
            t0()
        )
        .unwrap(),
        0
    );
}
