//! The seeds' rules that need a policy set: known sets and plans, a ticket's kind and
//! severity under an organization's plan, and how a (retired, linked) plan serves.
//! Pure: the errors are the domain's [`RuleError`].

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{Organization, RuleError, TicketKind, parse_tz};
use crate::policy::{PolicyRegistry, PolicySet};

pub fn policy_set<'a>(
    registry: &'a PolicyRegistry,
    name: &str,
) -> Result<&'a PolicySet, RuleError> {
    registry
        .get(name)
        .ok_or_else(|| RuleError::UnknownPolicySet(name.to_string(), registry.names().join(", ")))
}

/// An organization must name a known policy set, a plan of that set and a real time zone.
pub fn validate_org(
    registry: &PolicyRegistry,
    name: &str,
    set_name: &str,
    plan: &str,
    tz: &str,
) -> Result<(), RuleError> {
    if name.trim().is_empty() {
        return Err(RuleError::EmptyOrgName);
    }
    let set = policy_set(registry, set_name)?;
    validate_plan(set, plan)?;
    parse_tz(tz)?;
    Ok(())
}

pub fn validate_plan(set: &PolicySet, plan: &str) -> Result<(), RuleError> {
    if set.plan(plan).is_none() {
        return Err(RuleError::UnknownPlan {
            set: set.name.clone(),
            plan: plan.to_string(),
            known: set
                .plans
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(())
}

/// The seeds' rules for a ticket's kind and severity under an organization's (effective) plan.
pub fn validate_kind_severity(
    set: &PolicySet,
    org_name: &str,
    effective_plan: &str,
    kind: TicketKind,
    severity: &str,
) -> Result<(), RuleError> {
    if !set.has_severity(severity) {
        return Err(RuleError::UnknownSeverity {
            set: set.name.clone(),
            severity: severity.to_string(),
            known: set.severities.join(", "),
        });
    }
    if kind == TicketKind::Billing
        && set
            .billing_excluded_severities
            .iter()
            .any(|s| s == severity)
    {
        return Err(RuleError::BillingSeverity(severity.to_string()));
    }
    if kind == TicketKind::Technical {
        let allowed = set
            .plan(effective_plan)
            .map(|p| p.technical_tickets)
            .unwrap_or(false);
        if !allowed {
            return Err(RuleError::TechnicalNotAllowed {
                org: org_name.to_string(),
                plan: effective_plan.to_string(),
            });
        }
    }
    Ok(())
}

/// An organization's plan as it serves today, for people: "legacy-enterprise → basic since
/// 2026-01-15" when retired, and whose plan the tickets get when linked.
pub fn plan_summary(org: &Organization, policies: &PolicyRegistry, now: DateTime<Utc>) -> String {
    let set = policies.get(&org.policy_set);
    let today = org.local_date(now);
    let own = describe_served_plan(set, &org.plan, today);
    match (&org.parent, &org.parent_plan) {
        (Some(parent), Some(pp)) => format!(
            "{own}; linked to {parent} (tickets served as {})",
            describe_served_plan(set, pp, today)
        ),
        _ => own,
    }
}

/// A plan as it serves on `date`: "legacy-enterprise → basic since 2026-01-15" when retired.
pub fn describe_served_plan(set: Option<&PolicySet>, plan: &str, date: NaiveDate) -> String {
    let Some(set) = set else {
        return plan.to_string();
    };
    let served = set.effective_plan(plan, date);
    if served == plan {
        return plan.to_string();
    }
    match set.plan(plan).and_then(|p| p.retired_on) {
        Some(since) => format!("{plan} → {served} since {since}"),
        None => format!("{plan} → {served}"),
    }
}
