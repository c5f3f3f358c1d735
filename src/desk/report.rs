//! The monthly service report (seed 004 §1.5.8): the store reads each organization's
//! tickets of the month; the plan that served each one and every figure are decided here
//! and in the pure `crate::report`.

use chrono::{DateTime, Utc};

use super::Desk;
use crate::domain::{self, YearMonth};
use crate::policy::Metric;
use crate::report::{self, MonthlyReport, ReportOrg, ReportTicket, TargetVerdicts, Verdict};
use crate::sla::columns;
use crate::store::Result;

impl Desk {
    /// The report for `month`, each organization in its own time zone: one organization, or
    /// every organization with tickets in the month.
    pub fn monthly_report(
        &self,
        month: YearMonth,
        org: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<MonthlyReport> {
        let orgs = match org {
            Some(name) => vec![self.store.org_by_name(name)?],
            None => self.store.list_orgs()?,
        };
        let mut reports = Vec::new();
        for org_row in &orgs {
            let set = crate::policy::rules::policy_set(&self.policies, &org_row.policy_set)?;
            let tz = domain::parse_tz(&org_row.tz)?;
            let (from, to) = report::month_bounds_utc(tz, month);
            let plan_source = org_row.plan_for_tickets();
            let mut tickets: Vec<ReportTicket> = self.store.month_tickets(org_row.id, from, to)?;
            // The one SLA evaluation judges each first response (a breach on record, a reply
            // after resolution, a resolution before due), on the plan that served the ticket.
            let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
            let inputs = self.store.sla_inputs_many(&ids)?;
            let mut judged = std::collections::BTreeMap::new();
            for (t, inputs) in tickets.iter_mut().zip(&inputs) {
                let opened = t.created_at.with_timezone(&tz).date_naive();
                t.plan = set.effective_plan(&inputs.plan, opened).to_string();
                let metrics = columns::evaluate_inputs(&self.policies, inputs, now);
                let fr = metrics.iter().find(|m| m.metric == Metric::FirstResponse);
                t.first_response_verdict = Some(Verdict::of(fr));
                let of = |metric| Verdict::of(metrics.iter().find(|m| m.metric == metric));
                judged.insert(
                    t.id,
                    TargetVerdicts {
                        next_response: of(Metric::NextResponse),
                        resolution: of(Metric::Resolution),
                    },
                );
            }
            if tickets.is_empty() && org.is_none() {
                continue;
            }
            let served = set.effective_plan(plan_source, now.with_timezone(&tz).date_naive());
            let label = set.plan(served).map_or(served, |p| p.label.as_str());
            reports.push(report::build_org_report_judged(
                &ReportOrg {
                    name: &org_row.name,
                    plan: served,
                    plan_label: label,
                    tz,
                    severities: &set.severities,
                },
                month,
                &tickets,
                &judged,
                now,
            ));
        }
        Ok(MonthlyReport::new(month, now, reports))
    }
}
