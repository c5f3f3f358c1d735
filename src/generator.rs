//! Realistic generated tickets, from the demo templates in `assets/demo/`. Pure: the caller
//! passes the clock and the random seed, the store inserts what comes out.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::demo_templates::{
    DemoEntryKind, DemoEnvironment, DemoLang, DemoRole, DemoSeverity, DemoTemplates, DemoTicket,
    DemoTicketKind,
};
use crate::desk::{GeneratedEntry, GeneratedOrg, GeneratedTicket};
use crate::domain::{AuthorRole, EntryKind, Environment, Status, TicketKind};
use crate::policy::{Clock, Metric, PolicyRegistry};
use crate::sla::Pause;

pub const ENGINEERS: &[&str] = &[
    "alice", "bob", "chen.wei", "tanaka.k", "priya", "marco", "sato.y", "li.na",
];

/// How a generated ticket's SLA clock should stand at `now`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scenario {
    /// First response overdue by the given seconds.
    Breached(i64),
    /// First response due in the given seconds (24×7 targets only, so it is exact).
    DueIn(i64),
    /// Opened the given seconds ago, no response yet.
    Fresh(i64),
    /// Responded, waiting on the customer since the given seconds.
    Pending(i64),
    /// Responded and being worked.
    Working(i64),
    OnHold(i64),
    /// Resolved or closed the given seconds after opening, opened that long before `now`.
    Done {
        age: i64,
        closed: bool,
        late: bool,
    },
}

pub struct Generator {
    rng: fastrand::Rng,
    templates: DemoTemplates,
    registry: Arc<PolicyRegistry>,
    pub orgs: Vec<GeneratedOrg>,
}

fn map_severity(set: &str, sev: DemoSeverity) -> String {
    let s = match sev {
        DemoSeverity::S1 => "S1",
        DemoSeverity::S2 => "S2",
        DemoSeverity::S3 => "S3",
        DemoSeverity::S4 => "S4",
    };
    if set == "ctyun" {
        if matches!(sev, DemoSeverity::S1 | DemoSeverity::S2) {
            "urgent"
        } else {
            "general"
        }
        .to_string()
    } else {
        s.to_string()
    }
}

impl Generator {
    /// `extra_orgs` adds numbered sister organizations for large data sets.
    pub fn new(
        templates: DemoTemplates,
        registry: Arc<PolicyRegistry>,
        seed: u64,
        extra_orgs: usize,
    ) -> Generator {
        let mut orgs: Vec<GeneratedOrg> = templates
            .orgs
            .iter()
            .map(|o| GeneratedOrg {
                name: o.name.clone(),
                policy_set: o.policy_set.clone(),
                plan: o.plan.clone(),
                tz: o.tz.clone(),
            })
            .collect();
        let base = orgs.len();
        for i in 0..extra_orgs {
            let t = &templates.orgs[i % base];
            orgs.push(GeneratedOrg {
                name: format!("{} #{}", t.name, i / base + 2),
                policy_set: t.policy_set.clone(),
                plan: t.plan.clone(),
                tz: t.tz.clone(),
            });
        }
        Generator {
            rng: fastrand::Rng::with_seed(seed),
            templates,
            registry,
            orgs,
        }
    }

    fn org_lang(&self, org: usize) -> DemoLang {
        let n = self.templates.orgs.len();
        self.templates.orgs[org % n].lang
    }

    /// Whether `org` may open technical tickets at `at` (Basic and retired plans may not).
    fn technical_allowed(&self, org: usize, at: DateTime<Utc>) -> bool {
        let o = &self.orgs[org];
        let (Some(set), Ok(tz)) = (
            self.registry.get(&o.policy_set),
            o.tz.parse::<chrono_tz::Tz>(),
        ) else {
            return false;
        };
        let plan = set.effective_plan(&o.plan, at.with_timezone(&tz).date_naive());
        set.plan(plan).is_some_and(|p| p.technical_tickets)
    }

    /// The wall-clock first-response target for an org and severity, if its clock is 24×7.
    pub fn wall_target(&self, org: usize, severity: &str, at: DateTime<Utc>) -> Option<i64> {
        let o = &self.orgs[org];
        let set = self.registry.get(&o.policy_set)?;
        let tz: chrono_tz::Tz = o.tz.parse().ok()?;
        let plan = set.effective_plan(&o.plan, at.with_timezone(&tz).date_naive());
        let t = set.target(plan, Metric::FirstResponse, severity)?;
        matches!(t.clock, Clock::Wall).then_some(t.seconds)
    }

    fn pick_template(&mut self, org: usize, technical: bool) -> DemoTicket {
        let lang = self.org_lang(org);
        let candidates: Vec<&DemoTicket> = self
            .templates
            .tickets
            .iter()
            .filter(|t| (t.kind == DemoTicketKind::Technical) == technical)
            .collect();
        let same_lang: Vec<&DemoTicket> = candidates
            .iter()
            .copied()
            .filter(|t| t.lang == lang)
            .collect();
        // Mostly the organization's language, sometimes another (multinational customers).
        let pool = if !same_lang.is_empty() && self.rng.u8(0..10) < 8 {
            same_lang
        } else {
            candidates
        };
        pool[self.rng.usize(0..pool.len())].clone()
    }

    /// A ticket for `org` whose clock stands as `scenario` says at `now`.
    pub fn ticket(
        &mut self,
        org: usize,
        scenario: Scenario,
        now: DateTime<Utc>,
        with_conversation: bool,
    ) -> GeneratedTicket {
        let set_name = self.orgs[org].policy_set.clone();
        // Severity and the opening instant depend on each other for 24×7 scenarios.
        let technical_probe = now - Duration::hours(1);
        let technical = self.technical_allowed(org, technical_probe) && self.rng.u8(0..10) < 8;
        let template = self.pick_template(org, technical);
        let severity = map_severity(&set_name, template.severity);
        let sec = Duration::seconds;
        let created_at = match scenario {
            Scenario::Breached(over) => {
                now - sec(self.wall_target(org, &severity, now).unwrap_or(3600) + over)
            }
            Scenario::DueIn(left) => {
                now - sec((self.wall_target(org, &severity, now).unwrap_or(3600) - left).max(0))
            }
            // A fresh ticket on a short 24×7 target is young enough to still be running.
            Scenario::Fresh(age) => {
                let cap = self
                    .wall_target(org, &severity, now)
                    .map_or(age, |t| t * 7 / 10);
                now - sec(age.min(cap))
            }
            Scenario::Pending(age) | Scenario::Working(age) | Scenario::OnHold(age) => {
                now - sec(age)
            }
            Scenario::Done { age, .. } => now - sec(age),
        };
        let engineer = ENGINEERS[self.rng.usize(0..ENGINEERS.len())].to_string();
        let age = (now - created_at).num_seconds().max(60);
        let respond_after = |rng: &mut fastrand::Rng, late: bool| {
            let base = if late {
                age / 2
            } else {
                (age / 20).clamp(60, 1800)
            };
            sec(rng.i64(base / 2..=base.max(base / 2 + 1)))
        };
        let (status, first_response_at, resolved_at, pauses, assignee) = match scenario {
            Scenario::Breached(_) | Scenario::DueIn(_) | Scenario::Fresh(_) => {
                let assigned = self.rng.bool().then(|| engineer.clone());
                (Status::New, None, None, vec![], assigned)
            }
            Scenario::Working(_) | Scenario::OnHold(_) => {
                let r = created_at + respond_after(&mut self.rng, false);
                let st = if matches!(scenario, Scenario::OnHold(_)) {
                    Status::OnHold
                } else {
                    Status::Open
                };
                (st, Some(r.min(now)), None, vec![], Some(engineer.clone()))
            }
            Scenario::Pending(_) => {
                let r = (created_at + respond_after(&mut self.rng, false)).min(now);
                let pause_start = r + (now - r) / 2;
                (
                    Status::Pending,
                    Some(r),
                    None,
                    vec![Pause {
                        start: pause_start,
                        end: None,
                    }],
                    Some(engineer.clone()),
                )
            }
            Scenario::Done { closed, late, .. } => {
                let r = created_at + respond_after(&mut self.rng, late);
                let resolved = (r + sec(self.rng.i64(600..=age.max(601)))).min(now);
                let st = if closed {
                    Status::Closed
                } else {
                    Status::Resolved
                };
                (
                    st,
                    Some(r.min(resolved)),
                    Some(resolved),
                    vec![],
                    Some(engineer.clone()),
                )
            }
        };
        let mut entries = Vec::new();
        if with_conversation {
            let mut at = first_response_at.unwrap_or(created_at + sec(age / 3));
            for (i, e) in template.conversation.iter().enumerate() {
                let role = match e.role {
                    DemoRole::Engineer => AuthorRole::Engineer,
                    DemoRole::Customer => AuthorRole::Customer,
                };
                let kind = match e.kind {
                    DemoEntryKind::Reply => EntryKind::Reply,
                    DemoEntryKind::Note => EntryKind::Note,
                };
                // Engineer replies are only written after the first response instant.
                if first_response_at.is_none()
                    && role == AuthorRole::Engineer
                    && kind == EntryKind::Reply
                {
                    continue;
                }
                let author = match role {
                    AuthorRole::Engineer => engineer.clone(),
                    AuthorRole::Customer => "customer".to_string(),
                };
                entries.push(GeneratedEntry {
                    kind,
                    role,
                    author,
                    body: e.body.clone(),
                    at: at.min(now),
                });
                at += sec(60 * (i as i64 + 3));
            }
        }
        GeneratedTicket {
            org,
            kind: if technical {
                TicketKind::Technical
            } else {
                TicketKind::Billing
            },
            severity,
            status,
            summary: template.summary.clone(),
            description: template.description.clone(),
            component: if technical {
                template.component.clone()
            } else {
                None
            },
            environment: if technical {
                template.environment.map(|e| match e {
                    DemoEnvironment::Production => Environment::Production,
                    DemoEnvironment::NonProduction => Environment::NonProduction,
                })
            } else {
                None
            },
            affected_version: if technical {
                template.version.clone()
            } else {
                None
            },
            assignee,
            created_at,
            first_response_at,
            resolved_at,
            pauses,
            entries,
        }
    }

    /// A scenario for bulk data: mostly old, finished tickets, a few active ones.
    pub fn bulk_scenario(&mut self) -> Scenario {
        let age = self.rng.i64(60..365 * 86_400);
        if age > 14 * 86_400 || self.rng.u8(0..10) < 6 {
            return Scenario::Done {
                age,
                closed: self.rng.bool(),
                late: self.rng.u8(0..10) == 0,
            };
        }
        match self.rng.u8(0..5) {
            0 => Scenario::Fresh(age.min(3 * 86_400)),
            1 => Scenario::Pending(age),
            2 => Scenario::OnHold(age),
            _ => Scenario::Working(age),
        }
    }

    pub fn rng(&mut self) -> &mut fastrand::Rng {
        &mut self.rng
    }
}
