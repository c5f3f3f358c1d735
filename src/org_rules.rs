//! The rules of organizations' plans and linked accounts (seed 004 §1.5.12, §2.2, §2.3):
//! pure checks over what the store read, each refusal a typed error that names the rule.

use chrono::NaiveDate;

use crate::domain::Organization;
use crate::policy::PolicySet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgRuleError {
    #[error("organization {0:?} already exists")]
    Exists(String),
    #[error("the {plan} plan was retired on {retired}; choose a current plan of {set}")]
    RetiredPlan {
        plan: String,
        retired: NaiveDate,
        set: String,
    },
    #[error("organization {org:?} is already on the {plan} plan")]
    SamePlan { org: String, plan: String },
    #[error(
        "{org:?} has {linked} linked accounts and the {plan} plan allows {allowed}; unlink some first (`tuidesk org unlink ORG`)"
    )]
    TooManyLinksForPlan {
        org: String,
        linked: i64,
        plan: String,
        allowed: u32,
    },
    #[error("an organization cannot be linked to itself ({0:?})")]
    SelfLink(String),
    #[error(
        "{org:?} is already linked to {parent:?}; unlink it first (`tuidesk org unlink {org}`)"
    )]
    AlreadyLinked { org: String, parent: String },
    #[error(
        "{parent:?} is itself linked to {grand:?}; link to {grand:?} instead (linked accounts do not chain)"
    )]
    ParentIsLinked { parent: String, grand: String },
    #[error(
        "{org:?} uses policy set {org_set} and {parent:?} uses {parent_set}; linked accounts must share a policy set"
    )]
    DifferentPolicySets {
        org: String,
        org_set: String,
        parent: String,
        parent_set: String,
    },
    #[error("{org:?} has {children} linked accounts of its own; linked accounts do not chain")]
    HasChildren { org: String, children: i64 },
    #[error("the {plan} plan of {parent:?} cannot have linked accounts (allowed on: {allowed_on})")]
    PlanHasNoLinks {
        plan: String,
        parent: String,
        allowed_on: String,
    },
    #[error("{parent:?} already has {linked} linked accounts, the {plan} plan's limit of {limit}")]
    LinkLimit {
        parent: String,
        linked: i64,
        plan: String,
        limit: u32,
    },
    #[error("{0:?} is not linked to another organization")]
    NotLinked(String),
}

/// A new organization may not start on a plan retired by `today` (its own calendar day).
pub fn check_plan_current(
    set: &PolicySet,
    plan: &str,
    today: NaiveDate,
) -> Result<(), OrgRuleError> {
    match set
        .plan(plan)
        .and_then(|p| p.retired_on)
        .filter(|r| *r <= today)
    {
        Some(retired) => Err(OrgRuleError::RetiredPlan {
            plan: plan.to_string(),
            retired,
            set: set.name.clone(),
        }),
        None => Ok(()),
    }
}

/// A plan change: to another, current plan that allows the links in use.
pub fn check_plan_change(
    set: &PolicySet,
    org: &Organization,
    plan: &str,
    linked: i64,
    today: NaiveDate,
) -> Result<(), OrgRuleError> {
    if org.plan == plan {
        return Err(OrgRuleError::SamePlan {
            org: org.name.clone(),
            plan: plan.to_string(),
        });
    }
    check_plan_current(set, plan, today)?;
    let allowed = set.plan(plan).map_or(0, |p| p.linked_accounts);
    if linked > i64::from(allowed) {
        return Err(OrgRuleError::TooManyLinksForPlan {
            org: org.name.clone(),
            linked,
            plan: plan.to_string(),
            allowed,
        });
    }
    Ok(())
}

/// What a link needs to know besides the two organizations.
#[derive(Debug, Clone, Copy)]
pub struct LinkCounts {
    /// Accounts already linked to the organization being linked.
    pub org_children: i64,
    /// Accounts already linked to the parent.
    pub parent_children: i64,
}

/// Linking `org` to `parent`: only plans with `linked_accounts` may have them, up to that
/// many; no chains, no self-links; both in the same policy set. `set` is the parent's.
pub fn check_link(
    set: &PolicySet,
    org: &Organization,
    parent: &Organization,
    counts: LinkCounts,
    parent_today: NaiveDate,
) -> Result<(), OrgRuleError> {
    if org.id == parent.id {
        return Err(OrgRuleError::SelfLink(org.name.clone()));
    }
    if let Some(current) = &org.parent {
        return Err(OrgRuleError::AlreadyLinked {
            org: org.name.clone(),
            parent: current.clone(),
        });
    }
    if let Some(grand) = &parent.parent {
        return Err(OrgRuleError::ParentIsLinked {
            parent: parent.name.clone(),
            grand: grand.clone(),
        });
    }
    if org.policy_set != parent.policy_set {
        return Err(OrgRuleError::DifferentPolicySets {
            org: org.name.clone(),
            org_set: org.policy_set.clone(),
            parent: parent.name.clone(),
            parent_set: parent.policy_set.clone(),
        });
    }
    if counts.org_children > 0 {
        return Err(OrgRuleError::HasChildren {
            org: org.name.clone(),
            children: counts.org_children,
        });
    }
    let served = set.effective_plan(&parent.plan, parent_today);
    let limit = set.plan(served).map_or(0, |p| p.linked_accounts);
    if limit == 0 {
        return Err(OrgRuleError::PlanHasNoLinks {
            plan: served.to_string(),
            parent: parent.name.clone(),
            allowed_on: plans_with_links(set),
        });
    }
    if counts.parent_children >= i64::from(limit) {
        return Err(OrgRuleError::LinkLimit {
            parent: parent.name.clone(),
            linked: counts.parent_children,
            plan: served.to_string(),
            limit,
        });
    }
    Ok(())
}

/// "business (at most 3), enterprise (at most 5)": the plans of a set that may have links.
fn plans_with_links(set: &PolicySet) -> String {
    let v: Vec<String> = set
        .plans
        .iter()
        .filter(|p| p.linked_accounts > 0)
        .map(|p| format!("{} (at most {})", p.name, p.linked_accounts))
        .collect();
    if v.is_empty() {
        "no plan of this policy set".into()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn org(id: i64, name: &str, plan: &str, parent: Option<&str>) -> Organization {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Organization {
            id,
            name: name.into(),
            policy_set: "ctyun".into(),
            plan: plan.into(),
            tz: "Asia/Shanghai".into(),
            created_at: t,
            plan_since: t,
            parent: parent.map(str::to_string),
            parent_plan: None,
        }
    }

    fn ctyun() -> PolicySet {
        crate::config::policies::builtin()
            .unwrap()
            .get("ctyun")
            .unwrap()
            .clone()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    #[test]
    fn links_follow_every_rule() {
        let set = ctyun();
        let none = LinkCounts {
            org_children: 0,
            parent_children: 0,
        };
        let child = org(1, "A", "standard", None);
        let parent = org(2, "B", "business", None);
        assert_eq!(check_link(&set, &child, &parent, none, day()), Ok(()));
        assert!(matches!(
            check_link(&set, &child, &child, none, day()),
            Err(OrgRuleError::SelfLink(_))
        ));
        let linked = org(1, "A", "standard", Some("C"));
        assert!(matches!(
            check_link(&set, &linked, &parent, none, day()),
            Err(OrgRuleError::AlreadyLinked { .. })
        ));
        let chained = org(2, "B", "business", Some("C"));
        assert!(matches!(
            check_link(&set, &child, &chained, none, day()),
            Err(OrgRuleError::ParentIsLinked { .. })
        ));
        let mut other = org(2, "B", "business", None);
        other.policy_set = "connected-care".into();
        assert!(matches!(
            check_link(&set, &child, &other, none, day()),
            Err(OrgRuleError::DifferentPolicySets { .. })
        ));
        let kids = LinkCounts {
            org_children: 1,
            parent_children: 0,
        };
        assert!(matches!(
            check_link(&set, &child, &parent, kids, day()),
            Err(OrgRuleError::HasChildren { .. })
        ));
        let full = LinkCounts {
            org_children: 0,
            parent_children: 3,
        };
        assert!(matches!(
            check_link(&set, &child, &parent, full, day()),
            Err(OrgRuleError::LinkLimit { limit: 3, .. })
        ));
        let small = org(2, "B", "standard", None);
        let err = check_link(&set, &child, &small, none, day()).unwrap_err();
        assert!(err.to_string().contains("business (at most 3)"), "{err}");
    }

    #[test]
    fn plan_changes_keep_links_within_the_new_plan() {
        let set = ctyun();
        let o = org(1, "A", "enterprise", None);
        assert!(matches!(
            check_plan_change(&set, &o, "enterprise", 0, day()),
            Err(OrgRuleError::SamePlan { .. })
        ));
        assert!(matches!(
            check_plan_change(&set, &o, "business", 4, day()),
            Err(OrgRuleError::TooManyLinksForPlan { allowed: 3, .. })
        ));
        assert_eq!(check_plan_change(&set, &o, "business", 3, day()), Ok(()));
    }
}
