//! Templates for the offline demo: fictional organizations and realistic
//! tickets in English, Chinese and Japanese, kept as data in `assets/demo/`.
//!
//! The text is deliberately untrusted-looking (two tickets carry terminal
//! escape sequences) so the demo shows that everything is rendered inert.

use serde::Deserialize;

const ORGS_TOML: &str = include_str!("../assets/demo/orgs.toml");
const TICKETS_TOML: &str = include_str!("../assets/demo/tickets.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoLang {
    En,
    Zh,
    Ja,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoTicketKind {
    Technical,
    Billing,
}

/// Severity in the S1..S4 terms of the TiDB Cloud seed; the demo maps S1/S2 to
/// CTyun "urgent" and S3/S4 to "general".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum DemoSeverity {
    S1,
    S2,
    S3,
    S4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DemoEnvironment {
    Production,
    NonProduction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoEntryKind {
    /// Public: visible to the customer.
    Reply,
    /// Internal engineer note.
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DemoRole {
    Engineer,
    Customer,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoOrg {
    pub name: String,
    /// "connected-care" or "ctyun".
    pub policy_set: String,
    /// A plan of that policy set, e.g. "premium" or "lightweight".
    pub plan: String,
    /// IANA time zone, e.g. "Asia/Tokyo".
    pub tz: String,
    pub lang: DemoLang,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoEntry {
    pub kind: DemoEntryKind,
    pub role: DemoRole,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoTicket {
    pub lang: DemoLang,
    pub kind: DemoTicketKind,
    pub severity: DemoSeverity,
    /// Technical tickets only, e.g. "TiKV" or "ECS".
    #[serde(default)]
    pub component: Option<String>,
    /// Technical tickets only.
    #[serde(default)]
    pub environment: Option<DemoEnvironment>,
    /// Affected version, technical tickets only, e.g. "v7.5.1".
    #[serde(default)]
    pub version: Option<String>,
    pub summary: String,
    pub description: String,
    #[serde(default)]
    pub conversation: Vec<DemoEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTemplates {
    pub orgs: Vec<DemoOrg>,
    pub tickets: Vec<DemoTicket>,
}

/// The templates shipped in `assets/demo/` (same as [`DemoTemplates::builtin`]).
pub fn builtin() -> Result<DemoTemplates, toml::de::Error> {
    DemoTemplates::builtin()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgsFile {
    org: Vec<DemoOrg>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketsFile {
    ticket: Vec<DemoTicket>,
}

impl DemoTemplates {
    /// The templates shipped in `assets/demo/`.
    pub fn builtin() -> Result<DemoTemplates, toml::de::Error> {
        Self::parse(ORGS_TOML, TICKETS_TOML)
    }

    /// Templates from the text of an orgs file and a tickets file.
    pub fn parse(orgs_toml: &str, tickets_toml: &str) -> Result<DemoTemplates, toml::de::Error> {
        let orgs: OrgsFile = toml::from_str(orgs_toml)?;
        let tickets: TicketsFile = toml::from_str(tickets_toml)?;
        Ok(DemoTemplates {
            orgs: orgs.org,
            tickets: tickets.ticket,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{display_width, sanitize_block, sanitize_line};
    use std::collections::{BTreeSet, HashMap};

    fn templates() -> DemoTemplates {
        DemoTemplates::builtin().expect("assets/demo templates parse")
    }

    #[test]
    fn orgs_cover_every_plan_zone_and_language() {
        let t = templates();
        assert!((10..=16).contains(&t.orgs.len()), "{} orgs", t.orgs.len());
        let plans: BTreeSet<(&str, &str)> = t
            .orgs
            .iter()
            .map(|o| (o.policy_set.as_str(), o.plan.as_str()))
            .collect();
        let expected = [
            ("connected-care", "basic"),
            ("connected-care", "developer"),
            ("connected-care", "enterprise"),
            ("connected-care", "premium"),
            ("connected-care", "legacy-enterprise"),
            ("ctyun", "standard"),
            ("ctyun", "lightweight"),
            ("ctyun", "business"),
            ("ctyun", "enterprise"),
        ];
        for plan in expected {
            assert!(plans.contains(&plan), "no org on {plan:?}");
        }
        for plan in &plans {
            assert!(expected.contains(plan), "unknown plan {plan:?}");
        }
        let zones: BTreeSet<&str> = t.orgs.iter().map(|o| o.tz.as_str()).collect();
        assert!(zones.len() >= 8, "{zones:?}");
        for tz in [
            "Asia/Shanghai",
            "Asia/Tokyo",
            "Europe/Berlin",
            "America/New_York",
            "Australia/Sydney",
            "Asia/Kolkata",
            "America/Sao_Paulo",
            "Europe/London",
        ] {
            assert!(zones.contains(tz), "no org in {tz}");
        }
        for org in &t.orgs {
            assert!(
                org.tz.parse::<chrono_tz::Tz>().is_ok(),
                "{}: bad tz {}",
                org.name,
                org.tz
            );
            if org.policy_set == "ctyun" {
                assert_eq!(org.lang, DemoLang::Zh, "{}", org.name);
            }
        }
        let names: BTreeSet<&str> = t.orgs.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names.len(), t.orgs.len(), "duplicate org names");
    }

    #[test]
    fn tickets_are_balanced_and_well_formed() {
        let t = templates();
        assert!(t.tickets.len() >= 60, "{} tickets", t.tickets.len());
        let mut per_lang: HashMap<DemoLang, usize> = HashMap::new();
        for ticket in &t.tickets {
            *per_lang.entry(ticket.lang).or_default() += 1;
        }
        for lang in [DemoLang::En, DemoLang::Zh, DemoLang::Ja] {
            let n = per_lang.get(&lang).copied().unwrap_or(0);
            assert!(n * 4 >= t.tickets.len(), "{lang:?}: only {n}");
        }
        let severities: BTreeSet<DemoSeverity> = t.tickets.iter().map(|t| t.severity).collect();
        assert_eq!(severities.len(), 4, "every severity used");
        let billing = t
            .tickets
            .iter()
            .filter(|t| t.kind == DemoTicketKind::Billing)
            .count();
        assert!(billing >= 8, "{billing} billing tickets");

        for ticket in &t.tickets {
            let s = &ticket.summary;
            // The template spec says 120; anything over 200 would break the store's limit.
            assert!(s.chars().count() <= 120, "summary too long: {s}");
            assert!(!s.trim().is_empty() && !s.contains('\n'), "{s:?}");
            assert!(
                ticket.description.lines().count() >= 2,
                "{s}: thin description"
            );
            match ticket.kind {
                DemoTicketKind::Billing => {
                    assert_ne!(ticket.severity, DemoSeverity::S1, "{s}: S1 billing");
                    assert!(
                        ticket.component.is_none()
                            && ticket.environment.is_none()
                            && ticket.version.is_none(),
                        "{s}: billing ticket with technical fields"
                    );
                }
                DemoTicketKind::Technical => {
                    assert!(ticket.component.is_some(), "{s}: no component");
                    assert!(ticket.environment.is_some(), "{s}: no environment");
                }
            }
            if let Some(v) = &ticket.version {
                assert!(v.starts_with('v'), "{s}: version {v}");
            }
            assert!(ticket.conversation.len() <= 3, "{s}");
            for entry in &ticket.conversation {
                assert!(!entry.body.trim().is_empty(), "{s}: empty entry");
                if entry.kind == DemoEntryKind::Note {
                    assert_eq!(entry.role, DemoRole::Engineer, "{s}: customer note");
                }
            }
        }
    }

    #[test]
    fn hostile_templates_render_inert() {
        let t = templates();
        let hostile: Vec<&DemoTicket> = t
            .tickets
            .iter()
            .filter(|t| t.description.contains('\u{1b}'))
            .collect();
        assert!(
            hostile.len() >= 2,
            "the demo must show escapes rendered inert"
        );
        for ticket in &t.tickets {
            let texts = std::iter::once(&ticket.description)
                .chain(ticket.conversation.iter().map(|e| &e.body));
            for text in texts {
                let shown = sanitize_block(text);
                assert!(
                    !shown.chars().any(|c| c.is_control() && c != '\n'),
                    "{shown:?}"
                );
            }
            let summary = sanitize_line(&ticket.summary);
            assert!(!summary.chars().any(char::is_control));
            assert!(display_width(&summary) <= 200);
        }
    }
}
