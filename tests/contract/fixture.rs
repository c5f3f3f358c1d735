//! Shared fixtures: a fixed clock, actors, organizations and raw rows written through the
//! port's own primitives (never through a backend's SQL).

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, TimeZone, Utc};
use tuidesk::desk::Desk;
use tuidesk::domain::{Actor, Environment, Status, Ticket, TicketKind};
use tuidesk::policy::PolicyRegistry;
use tuidesk::sla::columns::SlaColumns;
use tuidesk::store::{NewTicket, Result, Store, StoreTx, TicketInsert};

use crate::backend::Backend;

/// Friday 2026-03-06 09:30 UTC: every test's "now" is this or an offset of it.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 6, 9, 30, 0).unwrap()
}

/// `t0()` plus some minutes.
pub fn at(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

pub fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Someone named by a script (`--as`): recorded with source "as".
pub fn actor(name: &str) -> Actor {
    Actor {
        name: name.into(),
        via_as: true,
        os: None,
    }
}

/// The OS user: recorded with source "os".
pub fn os_actor(name: &str) -> Actor {
    Actor {
        name: name.into(),
        via_as: false,
        os: None,
    }
}

/// The built-in policy sets (connected-care, ctyun), parsed once per test binary.
pub fn policies() -> Arc<PolicyRegistry> {
    static POLICIES: OnceLock<Arc<PolicyRegistry>> = OnceLock::new();
    POLICIES
        .get_or_init(|| Arc::new(tuidesk::config::policies::builtin().expect("built-in policies")))
        .clone()
}

/// A desk over a fresh store.
pub fn desk(b: &dyn Backend) -> Desk {
    Desk::new(b.open())
}

/// A second desk on the same database as `d`.
pub fn second(b: &dyn Backend, d: &Desk) -> Desk {
    Desk::new(b.connect(&d.location()))
}

pub const ACME: &str = "Acme";
pub const CTYUN: &str = "天翼客户";
pub const BASIC: &str = "Basic Co";

/// A desk with three organizations, added through the use case:
/// * Acme: connected-care enterprise, Europe/Berlin (S1 1 h, S2 2 h on 24×7);
/// * 天翼客户: ctyun business, Asia/Shanghai (urgent 10 min, general 30 min on 24×7);
/// * Basic Co: connected-care basic, America/New_York (no technical tickets).
pub fn desk_with_orgs(b: &dyn Backend) -> Desk {
    let mut d = desk(b);
    let admin = actor("admin");
    for (name, set, plan, tz) in [
        (ACME, "connected-care", "enterprise", "Europe/Berlin"),
        (CTYUN, "ctyun", "business", "Asia/Shanghai"),
        (BASIC, "connected-care", "basic", "America/New_York"),
    ] {
        d.add_org(name, set, plan, tz, &admin, t0()).unwrap();
    }
    d
}

pub fn new_ticket(org: &str, severity: &str, summary: &str, description: &str) -> NewTicket {
    NewTicket {
        org: org.into(),
        kind: Some(TicketKind::Technical),
        severity: severity.into(),
        summary: summary.into(),
        description: description.into(),
        ..NewTicket::default()
    }
}

/// Runs `body` in one write and hands back what it returned.
pub fn write<T>(
    store: &mut dyn Store,
    mut body: impl FnMut(&mut dyn StoreTx) -> Result<T>,
) -> Result<T> {
    let mut out = None;
    store.write(&mut |tx| {
        out = Some(body(tx)?);
        Ok(())
    })?;
    Ok(out.expect("a successful write ran its body"))
}

/// An organization written with the raw primitive (connected-care enterprise, UTC).
pub fn raw_org(store: &mut dyn Store, name: &str) -> i64 {
    write(store, |tx| {
        tx.insert_org(name, "connected-care", "enterprise", "UTC", t0())
    })
    .unwrap()
}

/// A ticket row with every optional field set, as a use case would decide it.
pub fn ticket_row(org_id: i64, summary: &str, created_at: DateTime<Utc>) -> TicketInsert<'_> {
    TicketInsert {
        org_id,
        kind: TicketKind::Technical,
        severity: "S2",
        severity_rank: 1,
        status: Status::Open,
        summary,
        description: "",
        component: None,
        environment: None,
        affected_version: None,
        created_at,
        priority: 2,
        requester_name: None,
        requester_address: None,
        channel: None,
        follows: None,
    }
}

pub fn raw_ticket(
    store: &mut dyn Store,
    org_id: i64,
    summary: &str,
    created: DateTime<Utc>,
) -> i64 {
    write(store, |tx| {
        tx.insert_ticket(&ticket_row(org_id, summary, created))
    })
    .unwrap()
}

/// Columns of a ticket whose clock runs until `due` (at risk from `risk`).
pub fn running(due: DateTime<Utc>, risk: DateTime<Utc>) -> SlaColumns {
    SlaColumns {
        first_response_due: Some(ts(due)),
        next_due: Some(ts(due)),
        risk_at: Some(ts(risk)),
        breach_at: Some(ts(due)),
        paused_left: None,
        urgency: ts(due),
        ..SlaColumns::default()
    }
}

pub fn ids(tickets: &[Ticket]) -> Vec<i64> {
    tickets.iter().map(|t| t.id).collect()
}

pub fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

pub const PRODUCTION: Environment = Environment::Production;
