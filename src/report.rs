//! The monthly service report (服务月报, seed 004 §1.5.8 and §3.6): per organization, the
//! month's tickets counted by kind and severity, first-response attainment, and the ticket
//! list the seed's report carries (number, description, category, created, resolved).
//!
//! Pure: no I/O, no SQL, no clock reads; `now` is a parameter. The store supplies one
//! [`ReportTicket`] per ticket opened or resolved in the month (anything else passed in is
//! ignored).
//!
//! Rules:
//! * The month is the calendar month **in the organization's time zone**: from the first
//!   local midnight (inclusive) to the next month's first local midnight (exclusive), see
//!   [`month_bounds_utc`]. A ticket created 2026-10-31T23:30+08:00 belongs to October even
//!   though it is 15:30Z.
//! * *Opened* counts tickets created in the month; *resolved* counts tickets whose
//!   resolution falls in the month, whenever they were opened.
//! * First response is judged only for tickets opened in the month, by the one SLA evaluation
//!   ([`ReportTicket::first_response_verdict`], the engine's state of the metric): *met* when
//!   the first response came at or before its due instant; *breached* when it came later (met
//!   late), when there is none and `now` is past the due instant, when the ticket was resolved
//!   after the due instant without one, or when a breach is on record (a later severity or
//!   plan change does not undo it); *pending* when there is none yet and the target is still
//!   running; *stopped* when the ticket was resolved before it was due without a reply
//!   (neither met nor breached); *no target* when no first-response target applies.
//!   Attainment = met ÷ (met + breached), `None` when that is 0.
//! * Time to first response is wall-clock seconds from creation to the first response, over
//!   the month's opened tickets that have one (with or without a target; a response
//!   recorded before creation counts as 0). The median of an even count is the mean of the
//!   two middle values rounded down; the 90th percentile is nearest-rank (the ⌈0.9·n⌉-th
//!   smallest).
//! * Next response and resolution (policy files that define `next_response` and `resolution`)
//!   are judged for the same tickets, opened in the month, by the same evaluation
//!   ([`TargetVerdicts`], filled by the desk): *met*, *breached* (a breach in any cycle of
//!   next response counts), *pending* (still running or paused), *stopped* (next response:
//!   resolved before it was due) or *no target*. Attainment = met ÷ (met + breached).
//! * Rows are in kind order ([`TicketKind::ALL`]) then the policy's severity order; a
//!   severity the policy no longer lists follows the policy's ones, alphabetically.
//!   Plans (in `by_plan_severity`) appear in the order they first served a ticket.
//!
//! Output: [`MonthlyReport`] serialises to JSON as is (snake_case fields); [`render_text`]
//! gives fixed-width tables in which customer text is sanitised and fitted by display
//! width; [`render_csv`] gives one row per organization × kind × severity.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::domain::{TicketKind, YearMonth};
use crate::i18n::Lang;
use crate::sla::{MetricStatus, SlaState};
use crate::text::{display_width, fit_to_width, pad_left, sanitize_line, truncate_to_width};
use crate::tr;

/// One ticket as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTicket {
    pub id: i64,
    pub summary: String,
    pub kind: TicketKind,
    pub severity: String,
    /// The plan that served the ticket (it may differ from the organization's plan today).
    pub plan: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    /// None when no first-response target applies.
    pub first_response_due: Option<DateTime<Utc>>,
    /// The ticket's tags.
    pub tags: Vec<String>,
    /// The SLA engine's verdict (the desk fills it); `None`: judged from the instants above
    /// by the same rules (without recorded breaches).
    pub first_response_verdict: Option<Verdict>,
}

/// A ticket's first response (or another target) as the report counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Verdict {
    Met,
    Breached,
    Pending,
    Stopped,
    #[default]
    NoTarget,
}

/// How a ticket's next-response and resolution targets went (the SLA engine's verdicts,
/// filled by the desk; a ticket without them counts as *no target*).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TargetVerdicts {
    pub next_response: Verdict,
    pub resolution: Verdict,
}

/// The outcome counts of a target other than first response over tickets opened in the
/// month.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TargetFigures {
    pub met: u32,
    pub breached: u32,
    /// Still running, or paused.
    pub pending: u32,
    /// Stopped by the resolution before it was due.
    pub stopped: u32,
    pub no_target: u32,
    /// met ÷ (met + breached); None when both are 0.
    pub attainment: Option<f64>,
}

impl TargetFigures {
    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Met => self.met += 1,
            Verdict::Breached => self.breached += 1,
            Verdict::Pending => self.pending += 1,
            Verdict::Stopped => self.stopped += 1,
            Verdict::NoTarget => self.no_target += 1,
        }
        self.attainment = attainment(self.met, self.breached);
    }
}

impl Verdict {
    /// The verdict of the SLA engine's first-response metric (`None`: no target).
    pub fn of(metric: Option<&MetricStatus>) -> Verdict {
        match metric.map(|m| m.state) {
            Some(SlaState::Met) => Verdict::Met,
            Some(SlaState::Breached) => Verdict::Breached,
            Some(SlaState::Running | SlaState::AtRisk | SlaState::Paused) => Verdict::Pending,
            Some(SlaState::Stopped) => Verdict::Stopped,
            Some(SlaState::NotApplicable) | None => Verdict::NoTarget,
        }
    }
}

/// The organization a report is for.
#[derive(Debug, Clone, Copy)]
pub struct ReportOrg<'a> {
    pub name: &'a str,
    pub plan: &'a str,
    pub plan_label: &'a str,
    pub tz: Tz,
    /// The policy's severities, most severe first.
    pub severities: &'a [String],
}

/// First-response figures over tickets opened in the month.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct FirstResponse {
    pub met: u32,
    pub breached: u32,
    /// Not answered yet, target still running.
    pub pending: u32,
    /// Resolved before it was due without a reply: neither met nor breached.
    pub stopped: u32,
    /// No first-response target applies.
    pub no_target: u32,
    /// met ÷ (met + breached); None when both are 0.
    pub attainment: Option<f64>,
    /// How many tickets have a first response (the n of median and p90).
    pub responded: u32,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

/// One kind × severity row; only rows with something opened or resolved are listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSeverityRow {
    pub kind: TicketKind,
    pub severity: String,
    pub opened: u32,
    pub resolved: u32,
    pub first_response: FirstResponse,
    pub next_response: TargetFigures,
    pub resolution: TargetFigures,
}

/// First-response attainment of one plan × severity (tickets opened in the month).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attainment {
    pub plan: String,
    pub severity: String,
    pub met: u32,
    pub breached: u32,
}

/// First-response outcomes of the tickets opened on one (org-local) day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayAttainment {
    pub date: NaiveDate,
    pub met: u32,
    pub breached: u32,
}

/// One entry of the ticket list (seed 004 §1.5.8: number, description, category, created,
/// resolved). Times are RFC 3339 in the organization's offset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportTicketLine {
    pub number: i64,
    /// Raw customer text: sanitise before it reaches a terminal (JSON output escapes it).
    pub summary: String,
    pub category: TicketKind,
    pub severity: String,
    pub created: String,
    pub resolved: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgReport {
    pub org: String,
    pub plan: String,
    pub plan_label: String,
    /// `YYYY-MM`.
    pub month: String,
    /// IANA name of the organization's time zone.
    pub tz: String,
    /// First instant of the month, RFC 3339 in the organization's offset.
    pub period_start: String,
    /// First instant after the month (exclusive), RFC 3339 in the organization's offset.
    pub period_end: String,
    pub opened: u32,
    pub resolved: u32,
    /// Totals over all kinds and severities.
    pub first_response: FirstResponse,
    /// Next-response outcomes, totals (tickets opened in the month).
    pub next_response: TargetFigures,
    /// Resolution outcomes (creation to resolution minus time pending), totals.
    pub resolution: TargetFigures,
    pub by_kind_severity: Vec<KindSeverityRow>,
    pub by_plan_severity: Vec<Attainment>,
    /// Every day of the month, in order.
    pub by_day: Vec<DayAttainment>,
    /// Tickets opened or resolved in the month, by creation then number.
    pub tickets: Vec<ReportTicketLine>,
    /// Tickets opened in the month per tag, most first (then by name).
    pub tags: Vec<TagCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub opened: u32,
}

/// Tag counts over several organizations' reports (the TUI's Report view), most first.
pub fn total_tags(orgs: &[OrgReport]) -> Vec<TagCount> {
    let mut by: BTreeMap<&str, u32> = BTreeMap::new();
    for o in orgs {
        for t in &o.tags {
            *by.entry(&t.tag).or_default() += t.opened;
        }
    }
    sorted_counts(by)
}

fn sorted_counts(by: BTreeMap<&str, u32>) -> Vec<TagCount> {
    let mut v: Vec<TagCount> = by
        .into_iter()
        .map(|(tag, opened)| TagCount {
            tag: tag.to_string(),
            opened,
        })
        .collect();
    v.sort_by(|a, b| b.opened.cmp(&a.opened).then_with(|| a.tag.cmp(&b.tag)));
    v
}

/// `bug 3, db 1`.
pub fn tag_counts_text(tags: &[TagCount]) -> String {
    tags.iter()
        .map(|t| format!("{} {}", sanitize_line(&t.tag), t.opened))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyReport {
    /// `YYYY-MM`.
    pub month: String,
    /// RFC 3339, UTC.
    pub generated_at: String,
    pub orgs: Vec<OrgReport>,
}

impl MonthlyReport {
    pub fn new(month: YearMonth, generated_at: DateTime<Utc>, orgs: Vec<OrgReport>) -> Self {
        MonthlyReport {
            month: month.to_string(),
            generated_at: generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            orgs,
        }
    }
}

/// `[start, end)` of `month` in `tz`: the first local midnight of the month and of the next
/// month. A midnight that falls in a DST gap maps to the first instant after the gap; an
/// ambiguous one to the earlier instant.
pub fn month_bounds_utc(tz: Tz, month: YearMonth) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        local_midnight(tz, month.first_day()),
        local_midnight(tz, month.next().first_day()),
    )
}

fn local_midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
    crate::calendar::local_to_utc(tz, local)
}

fn local_rfc3339(tz: Tz, t: DateTime<Utc>) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

use Verdict as Outcome;

fn outcome(t: &ReportTicket, now: DateTime<Utc>) -> Outcome {
    if let Some(v) = t.first_response_verdict {
        return v;
    }
    // The engine's rules on the stored instants: a reply after the resolution does not count.
    let answer = t
        .first_response_at
        .filter(|a| t.resolved_at.is_none_or(|r| *a <= r));
    match (t.first_response_due, answer, t.resolved_at) {
        (None, _, _) => Outcome::NoTarget,
        (Some(due), Some(at), _) if at <= due => Outcome::Met,
        (Some(_), Some(_), _) => Outcome::Breached,
        (Some(due), None, Some(r)) if r <= due => Outcome::Stopped,
        (Some(_), None, Some(_)) => Outcome::Breached,
        (Some(due), None, None) if now > due => Outcome::Breached,
        (Some(_), None, None) => Outcome::Pending,
    }
}

#[derive(Default)]
struct FrAcc {
    met: u32,
    breached: u32,
    pending: u32,
    stopped: u32,
    no_target: u32,
    durations: Vec<i64>,
}

impl FrAcc {
    fn add(&mut self, t: &ReportTicket, now: DateTime<Utc>) {
        match outcome(t, now) {
            Outcome::Met => self.met += 1,
            Outcome::Breached => self.breached += 1,
            Outcome::Pending => self.pending += 1,
            Outcome::Stopped => self.stopped += 1,
            Outcome::NoTarget => self.no_target += 1,
        }
        if let Some(at) = t.first_response_at {
            self.durations
                .push((at - t.created_at).num_seconds().max(0));
        }
    }

    fn finish(mut self) -> FirstResponse {
        self.durations.sort_unstable();
        FirstResponse {
            met: self.met,
            breached: self.breached,
            pending: self.pending,
            stopped: self.stopped,
            no_target: self.no_target,
            attainment: attainment(self.met, self.breached),
            responded: self.durations.len() as u32,
            median_seconds: median(&self.durations),
            p90_seconds: p90(&self.durations),
        }
    }
}

fn attainment(met: u32, breached: u32) -> Option<f64> {
    let judged = met + breached;
    (judged > 0).then(|| f64::from(met) / f64::from(judged))
}

/// Median of sorted values; for an even count the mean of the two middle ones, rounded down.
fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]).div_euclid(2)),
    }
}

/// Nearest-rank 90th percentile of sorted values: the ⌈0.9·n⌉-th smallest.
fn p90(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    (n > 0).then(|| sorted[(9 * n).div_ceil(10) - 1])
}

#[derive(Default)]
struct RowAcc {
    opened: u32,
    resolved: u32,
    fr: FrAcc,
    nr: TargetFigures,
    res: TargetFigures,
}

/// The report of one organization, without next-response and resolution verdicts (every
/// ticket counts as *no target* for them): see [`build_org_report_judged`].
pub fn build_org_report(
    org: &ReportOrg,
    month: YearMonth,
    tickets: &[ReportTicket],
    now: DateTime<Utc>,
) -> OrgReport {
    build_org_report_judged(org, month, tickets, &BTreeMap::new(), now)
}

/// The report of one organization; `judged` holds each ticket's next-response and
/// resolution verdicts by ticket id.
pub fn build_org_report_judged(
    org: &ReportOrg,
    month: YearMonth,
    tickets: &[ReportTicket],
    judged: &BTreeMap<i64, TargetVerdicts>,
    now: DateTime<Utc>,
) -> OrgReport {
    let (start, end) = month_bounds_utc(org.tz, month);
    let in_month = |t: DateTime<Utc>| start <= t && t < end;

    let mut mine: Vec<&ReportTicket> = tickets
        .iter()
        .filter(|t| in_month(t.created_at) || t.resolved_at.is_some_and(in_month))
        .collect();
    mine.sort_by_key(|t| (t.created_at, t.id));

    // Severity order: the policy's, then any others alphabetically.
    let mut severities: Vec<&str> = org.severities.iter().map(String::as_str).collect();
    let extra: BTreeSet<&str> = mine
        .iter()
        .map(|t| t.severity.as_str())
        .filter(|s| !severities.contains(s))
        .collect();
    severities.extend(extra);
    let sev_idx = |s: &str| severities.iter().position(|x| *x == s).unwrap_or(0);
    let kind_idx = |k: TicketKind| TicketKind::ALL.iter().position(|x| *x == k).unwrap_or(0);

    let first_day = month.first_day();
    let days = (month.next().first_day() - first_day).num_days().max(0) as usize;
    let mut by_day: Vec<DayAttainment> = first_day
        .iter_days()
        .take(days)
        .map(|date| DayAttainment {
            date,
            met: 0,
            breached: 0,
        })
        .collect();

    let mut total = FrAcc::default();
    let (mut total_nr, mut total_res) = (TargetFigures::default(), TargetFigures::default());
    let (mut opened, mut resolved) = (0u32, 0u32);
    let mut rows: BTreeMap<(usize, usize), RowAcc> = BTreeMap::new();
    let mut plans: Vec<&str> = Vec::new();
    let mut by_plan: BTreeMap<(usize, usize), (u32, u32)> = BTreeMap::new();

    for t in &mine {
        let key = (kind_idx(t.kind), sev_idx(&t.severity));
        let row = rows.entry(key).or_default();
        if t.resolved_at.is_some_and(in_month) {
            resolved += 1;
            row.resolved += 1;
        }
        if !in_month(t.created_at) {
            continue;
        }
        opened += 1;
        row.opened += 1;
        row.fr.add(t, now);
        total.add(t, now);
        let v = judged.get(&t.id).copied().unwrap_or_default();
        row.nr.add(v.next_response);
        row.res.add(v.resolution);
        total_nr.add(v.next_response);
        total_res.add(v.resolution);

        let plan = match plans.iter().position(|p| *p == t.plan) {
            Some(i) => i,
            None => {
                plans.push(&t.plan);
                plans.len() - 1
            }
        };
        let cell = by_plan.entry((plan, key.1)).or_default();
        let day = (t.created_at.with_timezone(&org.tz).date_naive() - first_day).num_days();
        let day = usize::try_from(day).ok().and_then(|d| by_day.get_mut(d));
        match outcome(t, now) {
            Outcome::Met => {
                cell.0 += 1;
                if let Some(d) = day {
                    d.met += 1;
                }
            }
            Outcome::Breached => {
                cell.1 += 1;
                if let Some(d) = day {
                    d.breached += 1;
                }
            }
            Outcome::Pending | Outcome::Stopped | Outcome::NoTarget => {}
        }
    }

    let mut tag_counts: BTreeMap<&str, u32> = BTreeMap::new();
    for t in mine.iter().filter(|t| in_month(t.created_at)) {
        for tag in &t.tags {
            *tag_counts.entry(tag).or_default() += 1;
        }
    }
    let tags = sorted_counts(tag_counts);
    OrgReport {
        org: org.name.to_string(),
        plan: org.plan.to_string(),
        plan_label: org.plan_label.to_string(),
        month: month.to_string(),
        tz: org.tz.name().to_string(),
        period_start: local_rfc3339(org.tz, start),
        period_end: local_rfc3339(org.tz, end),
        opened,
        resolved,
        first_response: total.finish(),
        next_response: total_nr,
        resolution: total_res,
        by_kind_severity: rows
            .into_iter()
            .map(|((k, s), acc)| KindSeverityRow {
                kind: TicketKind::ALL[k],
                severity: severities[s].to_string(),
                opened: acc.opened,
                resolved: acc.resolved,
                first_response: acc.fr.finish(),
                next_response: acc.nr,
                resolution: acc.res,
            })
            .collect(),
        by_plan_severity: by_plan
            .into_iter()
            .map(|((p, s), (met, breached))| Attainment {
                plan: plans[p].to_string(),
                severity: severities[s].to_string(),
                met,
                breached,
            })
            .collect(),
        by_day,
        tickets: mine
            .iter()
            .map(|t| ReportTicketLine {
                number: t.id,
                summary: t.summary.clone(),
                category: t.kind,
                severity: t.severity.clone(),
                created: local_rfc3339(org.tz, t.created_at),
                resolved: t.resolved_at.map(|r| local_rfc3339(org.tz, r)),
            })
            .collect(),
        tags,
    }
}

// ---------------------------------------------------------------------------------------
// Text

/// Columns given to a summary in the ticket list.
pub const SUMMARY_WIDTH: usize = 48;
const NAME_WIDTH: usize = 60;

/// "45s", "12m 30s", "1h 05m", "2d 03h".
pub fn format_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m, sec) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    }
}

fn pct(a: Option<f64>) -> String {
    a.map_or_else(|| "-".to_string(), |a| format!("{:.1}%", a * 100.0))
}

fn dur(s: Option<i64>) -> String {
    s.map_or_else(|| "-".to_string(), format_duration)
}

/// An RFC 3339 instant from the report as "YYYY-MM-DD HH:MM" (its own offset).
fn short_time(s: &str) -> String {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| sanitize_line(s))
}

/// One line; `fit_to_width` pads, so trailing spaces of the last column are trimmed.
fn push_line(out: &mut String, line: &str) {
    out.push_str(line.trim_end());
    out.push('\n');
}

/// Readable fixed-width tables, one section per organization. All names and customer text
/// are sanitised; columns are fitted by display width (CJK counts 2).
pub fn render_text(r: &MonthlyReport) -> String {
    render_text_in(Lang::En, r)
}

/// [`render_text`] in the user's language (`tuidesk report monthly`); the deliverable
/// attached to an order stays English ([`render_text`]).
pub fn render_text_in(lang: Lang, r: &MonthlyReport) -> String {
    let mut out = String::new();
    push_line(
        &mut out,
        &tr!(
            lang,
            "rpt-heading",
            month = sanitize_line(&r.month),
            generated = sanitize_line(&r.generated_at)
        ),
    );
    if r.orgs.is_empty() {
        push_line(&mut out, "");
        push_line(&mut out, &lang.t("rpt-no-orgs"));
    }
    for o in &r.orgs {
        push_line(&mut out, "");
        render_org(lang, &mut out, o);
    }
    out
}

fn render_org(lang: Lang, out: &mut String, o: &OrgReport) {
    push_line(
        out,
        &format!("== {} ==", truncate_to_width(&o.org, NAME_WIDTH)),
    );
    push_line(
        out,
        &tr!(
            lang,
            "rpt-plan",
            label = truncate_to_width(&o.plan_label, NAME_WIDTH),
            plan = truncate_to_width(&o.plan, NAME_WIDTH),
            tz = sanitize_line(&o.tz)
        ),
    );
    push_line(
        out,
        &tr!(
            lang,
            "rpt-period",
            start = sanitize_line(&o.period_start),
            end = sanitize_line(&o.period_end)
        ),
    );
    push_line(
        out,
        &tr!(lang, "rpt-opened", opened = o.opened, resolved = o.resolved),
    );
    if !o.tags.is_empty() {
        push_line(out, &tr!(lang, "rpt-tags", tags = tag_counts_text(&o.tags)));
    }
    let fr = &o.first_response;
    push_line(
        out,
        &format!(
            "{}{}",
            tr!(
                lang,
                "rpt-first-response",
                met = fr.met,
                breached = fr.breached,
                pending = fr.pending,
                none = fr.no_target
            ),
            if fr.stopped > 0 {
                tr!(lang, "rpt-stopped-unanswered", n = fr.stopped)
            } else {
                String::new()
            }
        ),
    );
    push_line(
        out,
        &tr!(
            lang,
            "rpt-attainment",
            attainment = pct(fr.attainment),
            median = dur(fr.median_seconds),
            p90 = dur(fr.p90_seconds),
            n = fr.responded
        ),
    );

    for (what, f) in [
        (lang.t("rpt-next-response"), &o.next_response),
        (lang.t("rpt-resolution"), &o.resolution),
    ] {
        push_line(
            out,
            &tr!(
                lang,
                "rpt-target-line",
                what = what,
                met = f.met,
                breached = f.breached,
                pending = f.pending,
                none = f.no_target,
                stopped = if f.stopped > 0 {
                    tr!(lang, "rpt-stopped-by-resolution", n = f.stopped)
                } else {
                    String::new()
                },
                attainment = pct(f.attainment)
            ),
        );
    }

    if o.tickets.is_empty() {
        push_line(out, "");
        push_line(out, &lang.t("rpt-no-tickets"));
        return;
    }

    let sev_w = o
        .by_kind_severity
        .iter()
        .map(|r| display_width(&r.severity))
        .chain(
            o.by_plan_severity
                .iter()
                .map(|a| display_width(&a.severity)),
        )
        .chain(o.tickets.iter().map(|t| display_width(&t.severity)))
        .max()
        .unwrap_or(0)
        .clamp(8, 16);

    push_line(out, "");
    push_line(
        out,
        &format!(
            "{}  {}  {}  {}  {}  {}  {}  {}  {}",
            fit_to_width(&lang.t("rpt-col-kind"), 10),
            fit_to_width(&lang.t("rpt-col-severity"), sev_w),
            pad_left(&lang.t("rep-col-opened"), 6),
            pad_left(&lang.t("rep-col-resolved"), 8),
            pad_left(&lang.t("rep-col-met"), 4),
            pad_left(&lang.t("rep-col-breached"), 8),
            pad_left(&lang.t("rep-col-attain"), 7),
            pad_left(&lang.t("rep-col-median"), 8),
            pad_left(&lang.t("rep-col-p90"), 8)
        ),
    );
    let row = |kind: &str, sev: &str, opened: u32, resolved: u32, fr: &FirstResponse| {
        format!(
            "{}  {}  {:>6}  {:>8}  {:>4}  {:>8}  {:>7}  {:>8}  {:>8}",
            fit_to_width(kind, 10),
            fit_to_width(&lang.word("severity", sev), sev_w),
            opened,
            resolved,
            fr.met,
            fr.breached,
            pct(fr.attainment),
            dur(fr.median_seconds),
            dur(fr.p90_seconds)
        )
    };
    for r in &o.by_kind_severity {
        push_line(
            out,
            &row(
                &lang.word("kind", r.kind.as_str()),
                &r.severity,
                r.opened,
                r.resolved,
                &r.first_response,
            ),
        );
    }
    push_line(
        out,
        &row(&lang.t("rpt-total"), "", o.opened, o.resolved, fr),
    );

    if !o.by_plan_severity.is_empty() {
        let plan_w = o
            .by_plan_severity
            .iter()
            .map(|a| display_width(&a.plan))
            .max()
            .unwrap_or(0)
            .clamp(4, 20);
        push_line(out, "");
        push_line(
            out,
            &format!(
                "{}  {}  {}  {}  {}",
                fit_to_width(&lang.t("rep-col-plan"), plan_w),
                fit_to_width(&lang.t("rpt-col-severity"), sev_w),
                pad_left(&lang.t("rep-col-met"), 4),
                pad_left(&lang.t("rep-col-breached"), 8),
                pad_left(&lang.t("rep-col-attain"), 7)
            ),
        );
        for a in &o.by_plan_severity {
            push_line(
                out,
                &format!(
                    "{}  {}  {:>4}  {:>8}  {:>7}",
                    fit_to_width(&a.plan, plan_w),
                    fit_to_width(&lang.word("severity", &a.severity), sev_w),
                    a.met,
                    a.breached,
                    pct(attainment(a.met, a.breached))
                ),
            );
        }
    }

    push_line(out, "");
    push_line(out, &tr!(lang, "rpt-tickets", tz = sanitize_line(&o.tz)));
    push_line(
        out,
        &format!(
            "{}  {}  {}  {}  {}  {}",
            pad_left(&lang.t("rpt-col-no"), 7),
            fit_to_width(&lang.t("rpt-col-category"), 9),
            fit_to_width(&lang.t("rpt-col-severity"), sev_w),
            fit_to_width(&lang.t("rpt-col-created"), 16),
            fit_to_width(&lang.t("rpt-col-resolved-at"), 16),
            lang.t("col-summary")
        ),
    );
    for t in &o.tickets {
        push_line(
            out,
            &format!(
                "{:>7}  {}  {}  {:<16}  {:<16}  {}",
                t.number,
                fit_to_width(&lang.word("kind", t.category.as_str()), 9),
                fit_to_width(&lang.word("severity", &t.severity), sev_w),
                short_time(&t.created),
                t.resolved
                    .as_deref()
                    .map_or_else(|| "-".to_string(), short_time),
                fit_to_width(&t.summary, SUMMARY_WIDTH)
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------
// CSV

pub const CSV_HEADER: &str = "org,month,plan,kind,severity,opened,resolved,first_response_met,first_response_breached,attainment,median_first_response_seconds,p90_first_response_seconds,next_response_met,next_response_breached,resolution_met,resolution_breached";

/// RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. A cell a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
/// leading `'`, as OWASP recommends against CSV injection.
fn csv_field(s: &str) -> String {
    let neutral;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutral = format!("'{s}");
        neutral.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per organization × kind × severity (the rows of [`OrgReport::by_kind_severity`])
/// and one `all,all` row per organization. Lines end in `\n`. Names are sanitised as in the
/// text output, so the CSV holds no control characters and is safe to print.
pub fn render_csv(r: &MonthlyReport) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for o in &r.orgs {
        let mut row = |kind: &str,
                       sev: &str,
                       opened: u32,
                       resolved: u32,
                       fr: &FirstResponse,
                       nr: &TargetFigures,
                       res: &TargetFigures| {
            let fields = [
                csv_field(&sanitize_line(&o.org)),
                csv_field(&sanitize_line(&o.month)),
                csv_field(&sanitize_line(&o.plan)),
                csv_field(kind),
                csv_field(&sanitize_line(sev)),
                opened.to_string(),
                resolved.to_string(),
                fr.met.to_string(),
                fr.breached.to_string(),
                fr.attainment
                    .map_or_else(String::new, |a| format!("{a:.4}")),
                fr.median_seconds
                    .map_or_else(String::new, |s| s.to_string()),
                fr.p90_seconds.map_or_else(String::new, |s| s.to_string()),
                nr.met.to_string(),
                nr.breached.to_string(),
                res.met.to_string(),
                res.breached.to_string(),
            ];
            out.push_str(&fields.join(","));
            out.push('\n');
        };
        for k in &o.by_kind_severity {
            row(
                k.kind.as_str(),
                &k.severity,
                k.opened,
                k.resolved,
                &k.first_response,
                &k.next_response,
                &k.resolution,
            );
        }
        row(
            "all",
            "all",
            o.opened,
            o.resolved,
            &o.first_response,
            &o.next_response,
            &o.resolution,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{HOSTILE_SAMPLES, is_inert};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ym(s: &str) -> YearMonth {
        s.parse().unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn t(
        id: i64,
        kind: TicketKind,
        severity: &str,
        plan: &str,
        created: &str,
        due: Option<&str>,
        response: Option<&str>,
        resolved: Option<&str>,
    ) -> ReportTicket {
        ReportTicket {
            id,
            summary: format!("ticket {id}"),
            kind,
            severity: severity.to_string(),
            plan: plan.to_string(),
            created_at: at(created),
            resolved_at: resolved.map(at),
            first_response_at: response.map(at),
            first_response_due: due.map(at),
            first_response_verdict: None,
            tags: Vec::new(),
        }
    }

    fn sev(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn org<'a>(severities: &'a [String]) -> ReportOrg<'a> {
        ReportOrg {
            name: "Acme",
            plan: "enterprise",
            plan_label: "Enterprise",
            tz: chrono_tz::Asia::Shanghai,
            severities,
        }
    }

    /// Report generated 2026-12-01 09:00 Shanghai (01:00Z), just after November.
    fn now() -> DateTime<Utc> {
        at("2026-12-01T09:00:00+08:00")
    }

    /// All times local to Asia/Shanghai (UTC+8, no DST). Passed in scrambled order.
    fn fixture() -> Vec<ReportTicket> {
        use TicketKind::{Billing, Technical};
        vec![
            // T8 billing S2: answered exactly at due (met), 30m 00s = 1800 s; resolved in
            // December, so not counted as resolved in November.
            t(
                8,
                Billing,
                "S2",
                "enterprise",
                "2026-11-25T16:00:00+08:00",
                Some("2026-11-25T16:30:00+08:00"),
                Some("2026-11-25T16:30:00+08:00"),
                Some("2026-12-01T08:00:00+08:00"),
            ),
            // T1 technical S1: created 2026-10-31 23:30 local = 15:30Z → October. Met in
            // October (10m = 600 s), resolved 2026-11-01 02:00 local → resolved in November.
            t(
                1,
                Technical,
                "S1",
                "business",
                "2026-10-31T23:30:00+08:00",
                Some("2026-10-31T23:45:00+08:00"),
                Some("2026-10-31T23:40:00+08:00"),
                Some("2026-11-01T02:00:00+08:00"),
            ),
            // T3 technical S2: answered 12:05 against a 11:00 due → breached, 2h 05m = 7500 s.
            t(
                3,
                Technical,
                "S2",
                "enterprise",
                "2026-11-03T10:00:00+08:00",
                Some("2026-11-03T11:00:00+08:00"),
                Some("2026-11-03T12:05:00+08:00"),
                Some("2026-11-04T09:00:00+08:00"),
            ),
            // T2 technical S1: created 2026-11-01 00:10 local = 2026-10-31 16:10Z → November.
            // Met, 12m 30s = 750 s. Served by the business plan (upgraded afterwards).
            t(
                2,
                Technical,
                "S1",
                "business",
                "2026-11-01T00:10:00+08:00",
                Some("2026-11-01T00:40:00+08:00"),
                Some("2026-11-01T00:22:30+08:00"),
                Some("2026-11-01T05:00:00+08:00"),
            ),
            // T4 billing S2: never answered, due long past at `now` → breached.
            t(
                4,
                Billing,
                "S2",
                "enterprise",
                "2026-11-10T14:00:00+08:00",
                Some("2026-11-10T15:00:00+08:00"),
                None,
                None,
            ),
            // T5 billing S2: never answered, due 2026-12-01 10:00 > now (09:00) → pending.
            t(
                5,
                Billing,
                "S2",
                "enterprise",
                "2026-11-30T23:50:00+08:00",
                Some("2026-12-01T10:00:00+08:00"),
                None,
                None,
            ),
            // T6 technical S2: no target → no_target; answered after 45m = 2700 s (counts
            // toward median / p90).
            t(
                6,
                Technical,
                "S2",
                "enterprise",
                "2026-11-15T09:00:00+08:00",
                None,
                Some("2026-11-15T09:45:00+08:00"),
                None,
            ),
            // T7 technical S1: met, 5m 01s = 301 s; resolved in November.
            t(
                7,
                Technical,
                "S1",
                "enterprise",
                "2026-11-20T08:00:00+08:00",
                Some("2026-11-20T08:30:00+08:00"),
                Some("2026-11-20T08:05:01+08:00"),
                Some("2026-11-20T12:00:00+08:00"),
            ),
            // T9: September only; must be ignored by both reports.
            t(
                9,
                Billing,
                "S2",
                "enterprise",
                "2026-09-20T10:00:00+08:00",
                Some("2026-09-20T10:30:00+08:00"),
                Some("2026-09-20T10:10:00+08:00"),
                Some("2026-09-25T10:00:00+08:00"),
            ),
        ]
    }

    #[allow(clippy::too_many_arguments)]
    fn fr(
        met: u32,
        breached: u32,
        pending: u32,
        no_target: u32,
        attainment: Option<f64>,
        responded: u32,
        median: Option<i64>,
        p90: Option<i64>,
    ) -> FirstResponse {
        FirstResponse {
            met,
            breached,
            pending,
            stopped: 0,
            no_target,
            attainment,
            responded,
            median_seconds: median,
            p90_seconds: p90,
        }
    }

    #[test]
    fn november_fixture_worked_by_hand() {
        let sevs = sev(&["S1", "S2"]);
        let r = build_org_report(&org(&sevs), ym("2026-11"), &fixture(), now());

        assert_eq!(r.month, "2026-11");
        assert_eq!(r.tz, "Asia/Shanghai");
        assert_eq!(r.period_start, "2026-11-01T00:00:00+08:00");
        assert_eq!(r.period_end, "2026-12-01T00:00:00+08:00");
        // Opened in November: T2 T3 T4 T5 T6 T7 T8 = 7 (T1 is October's, T9 September's).
        assert_eq!(r.opened, 7);
        // Resolved in November: T1 (Nov 1 02:00), T2, T3, T7 = 4 (T8 is December's).
        assert_eq!(r.resolved, 4);
        // First response over the 7 opened: met T2 T7 T8 = 3; breached T3 (late) and T4
        // (unanswered, past due) = 2; pending T5; no target T6.
        // Attainment 3 / 5 = 0.6.
        // Durations (s): T7 301, T2 750, T8 1800, T6 2700, T3 7500 → n = 5;
        // median = 3rd = 1800; p90 = ⌈4.5⌉ = 5th = 7500.
        assert_eq!(
            r.first_response,
            fr(3, 2, 1, 1, Some(0.6), 5, Some(1800), Some(7500))
        );

        let rows: Vec<(TicketKind, &str, u32, u32, &FirstResponse)> = r
            .by_kind_severity
            .iter()
            .map(|k| {
                (
                    k.kind,
                    k.severity.as_str(),
                    k.opened,
                    k.resolved,
                    &k.first_response,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                // technical S1: opened T2 T7; resolved T1 T2 T7; met T2 T7.
                // Durations [301, 750]: median ⌊1051 / 2⌋ = 525; p90 = ⌈1.8⌉ = 2nd = 750.
                (
                    TicketKind::Technical,
                    "S1",
                    2,
                    3,
                    &fr(2, 0, 0, 0, Some(1.0), 2, Some(525), Some(750))
                ),
                // technical S2: opened T3 T6; resolved T3; breached T3; no target T6.
                // Durations [2700, 7500]: median 5100; p90 7500.
                (
                    TicketKind::Technical,
                    "S2",
                    2,
                    1,
                    &fr(0, 1, 0, 1, Some(0.0), 2, Some(5100), Some(7500))
                ),
                // billing S1: empty → no row. billing S2: opened T4 T5 T8; resolved none;
                // met T8, breached T4, pending T5. Durations [1800].
                (
                    TicketKind::Billing,
                    "S2",
                    3,
                    0,
                    &fr(1, 1, 1, 0, Some(0.5), 1, Some(1800), Some(1800))
                ),
            ]
        );

        // Plans in order of first service: business (T2), enterprise (T3 ...).
        assert_eq!(
            r.by_plan_severity,
            vec![
                Attainment {
                    plan: "business".into(),
                    severity: "S1".into(),
                    met: 1,
                    breached: 0
                },
                Attainment {
                    plan: "enterprise".into(),
                    severity: "S1".into(),
                    met: 1,
                    breached: 0
                },
                // T3 breached, T4 breached, T5 pending, T6 no target, T8 met.
                Attainment {
                    plan: "enterprise".into(),
                    severity: "S2".into(),
                    met: 1,
                    breached: 2
                },
            ]
        );

        assert_eq!(r.by_day.len(), 30);
        assert_eq!(
            r.by_day[0].date,
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(
            r.by_day[29].date,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        let busy: Vec<(u32, u32, u32)> = r
            .by_day
            .iter()
            .filter(|d| d.met + d.breached > 0)
            .map(|d| (chrono::Datelike::day(&d.date), d.met, d.breached))
            .collect();
        // T2 on the 1st (local, though 31 Oct in UTC), T3 3rd, T4 10th, T7 20th, T8 25th.
        assert_eq!(
            busy,
            vec![(1, 1, 0), (3, 0, 1), (10, 0, 1), (20, 1, 0), (25, 1, 0)]
        );

        // Ticket list: opened or resolved in November, by creation then number.
        let ids: Vec<i64> = r.tickets.iter().map(|t| t.number).collect();
        assert_eq!(ids, vec![1, 2, 3, 4, 6, 7, 8, 5]);
        assert_eq!(r.tickets[0].created, "2026-10-31T23:30:00+08:00");
        assert_eq!(
            r.tickets[0].resolved.as_deref(),
            Some("2026-11-01T02:00:00+08:00")
        );
        assert_eq!(r.tickets[1].created, "2026-11-01T00:10:00+08:00");
        assert_eq!(r.tickets[1].category, TicketKind::Technical);
        assert_eq!(r.tickets[3].resolved, None);
    }

    #[test]
    fn october_gets_the_late_evening_ticket_only() {
        let sevs = sev(&["S1", "S2"]);
        let r = build_org_report(&org(&sevs), ym("2026-10"), &fixture(), now());
        // Only T1 (23:30 local on Oct 31); T2 (16:10Z on Oct 31) is November's.
        assert_eq!((r.opened, r.resolved), (1, 0));
        // T1 met after 10m = 600 s.
        assert_eq!(
            r.first_response,
            fr(1, 0, 0, 0, Some(1.0), 1, Some(600), Some(600))
        );
        assert_eq!(r.tickets.len(), 1);
        assert_eq!(r.tickets[0].number, 1);
        assert_eq!(r.by_day.len(), 31);
        assert_eq!((r.by_day[30].met, r.by_day[30].breached), (1, 0));
    }

    #[test]
    fn month_bounds_follow_the_org_zone() {
        let sh = chrono_tz::Asia::Shanghai;
        assert_eq!(
            month_bounds_utc(sh, ym("2026-11")),
            (at("2026-10-31T16:00:00Z"), at("2026-11-30T16:00:00Z"))
        );
        assert_eq!(
            month_bounds_utc(sh, ym("2026-12")),
            (at("2026-11-30T16:00:00Z"), at("2026-12-31T16:00:00Z"))
        );
        // Berlin leaves summer time on 2026-10-25: October starts at +02:00, ends at +01:00.
        assert_eq!(
            month_bounds_utc(chrono_tz::Europe::Berlin, ym("2026-10")),
            (at("2026-09-30T22:00:00Z"), at("2026-10-31T23:00:00Z"))
        );
    }

    #[test]
    fn median_and_nearest_rank_p90() {
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!((median(&ten), p90(&ten)), (Some(5), Some(9)));
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!((median(&eleven), p90(&eleven)), (Some(6), Some(10)));
        assert_eq!((median(&[7]), p90(&[7])), (Some(7), Some(7)));
        assert_eq!((median(&[]), p90(&[])), (None, None));
        assert_eq!(median(&[1, 2]), Some(1));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(45), "45s");
        assert_eq!(format_duration(750), "12m 30s");
        assert_eq!(format_duration(3900), "1h 05m");
        assert_eq!(format_duration(2 * 86_400 + 3 * 3600), "2d 03h");
    }

    /// A minimal RFC 4180 reader for the tests: records of fields.
    fn parse_csv(s: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') if field.is_empty() => quoted = true,
                (false, '"') => panic!("stray quote in unquoted field: {s}"),
                (false, ',') => record.push(std::mem::take(&mut field)),
                (false, '\n') => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                (false, c) => field.push(c),
            }
        }
        assert!(
            !quoted && field.is_empty() && record.is_empty(),
            "unterminated: {s}"
        );
        records
    }

    #[test]
    fn csv_rows_and_quoting() {
        let sevs = sev(&["S1", "S2"]);
        let mut tickets = fixture();
        tickets[0].summary = "Invoice \"2026-11\", wrong, total".into();
        let mut o = org(&sevs);
        o.name = "Acme, \"Intl\"";
        let r = MonthlyReport::new(
            ym("2026-11"),
            now(),
            vec![build_org_report(&o, ym("2026-11"), &tickets, now())],
        );
        let csv = render_csv(&r);
        let records = parse_csv(&csv);
        assert!(records.iter().all(|r| r.len() == 16), "{csv}");
        assert_eq!(records[0].join(","), CSV_HEADER);
        let org_q = "\"Acme, \"\"Intl\"\"\"";
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[1..],
            [
                format!("{org_q},2026-11,enterprise,technical,S1,2,3,2,0,1.0000,525,750,0,0,0,0"),
                format!("{org_q},2026-11,enterprise,technical,S2,2,1,0,1,0.0000,5100,7500,0,0,0,0"),
                format!("{org_q},2026-11,enterprise,billing,S2,3,0,1,1,0.5000,1800,1800,0,0,0,0"),
                format!("{org_q},2026-11,enterprise,all,all,7,4,3,2,0.6000,1800,7500,0,0,0,0"),
            ]
        );
        assert_eq!(records[1][0], "Acme, \"Intl\"");
        assert!(!csv.contains("Invoice"));
        // The summary is in the text list, sanitised, and quotes survive as text.
        assert!(render_text(&r).contains("Invoice \"2026-11\", wrong, total"));
    }

    #[test]
    fn next_response_and_resolution_count_the_months_opened_tickets() {
        let sevs = sev(&["S1", "S2"]);
        let v = |nr, res| TargetVerdicts {
            next_response: nr,
            resolution: res,
        };
        let judged: BTreeMap<i64, TargetVerdicts> = [
            (2, v(Verdict::Met, Verdict::Met)),
            (3, v(Verdict::Breached, Verdict::Met)),
            (4, v(Verdict::Stopped, Verdict::Pending)),
            // T1 was opened in October: not judged in November.
            (1, v(Verdict::Breached, Verdict::Breached)),
        ]
        .into_iter()
        .collect();
        let r = build_org_report_judged(&org(&sevs), ym("2026-11"), &fixture(), &judged, now());
        let nr = &r.next_response;
        assert_eq!((nr.met, nr.breached, nr.stopped), (1, 1, 1));
        assert_eq!(nr.no_target, r.opened - 3, "the rest have none");
        assert_eq!(nr.attainment, Some(0.5));
        let res = &r.resolution;
        assert_eq!((res.met, res.breached, res.pending), (2, 0, 1));
        assert_eq!(res.attainment, Some(1.0));
        let s2 = r
            .by_kind_severity
            .iter()
            .find(|k| k.kind == TicketKind::Technical && k.severity == "S2")
            .unwrap();
        assert_eq!(s2.next_response.breached, 1);
        let text = render_text(&MonthlyReport::new(ym("2026-11"), now(), vec![r]));
        assert!(
            text.contains("Next response: 1 met, 1 breached, 0 pending, 4 no target, 1 stopped by the resolution   Attainment: 50.0%"),
            "{text}"
        );
    }

    #[test]
    fn empty_month() {
        let sevs = sev(&["S1", "S2"]);
        let r = build_org_report(&org(&sevs), ym("2026-11"), &[], now());
        assert_eq!((r.opened, r.resolved), (0, 0));
        assert_eq!(r.first_response, FirstResponse::default());
        assert!(r.by_kind_severity.is_empty() && r.by_plan_severity.is_empty());
        assert!(r.tickets.is_empty());
        assert_eq!(r.by_day.len(), 30);
        assert!(r.by_day.iter().all(|d| d.met == 0 && d.breached == 0));
        let m = MonthlyReport::new(ym("2026-11"), now(), vec![r]);
        assert_eq!(
            render_csv(&m),
            format!("{CSV_HEADER}\nAcme,2026-11,enterprise,all,all,0,0,0,0,,,,0,0,0,0\n")
        );
        let text = render_text(&m);
        assert!(
            text.contains("No tickets opened or resolved in this month."),
            "{text}"
        );
        assert!(text.contains("Attainment: -   Median: -"), "{text}");
        let none = MonthlyReport::new(ym("2026-11"), now(), vec![]);
        assert_eq!(render_csv(&none), format!("{CSV_HEADER}\n"));
        assert!(render_text(&none).contains("No organizations."));
    }

    #[test]
    fn json_shape() {
        let sevs = sev(&["S1", "S2"]);
        let r = MonthlyReport::new(
            ym("2026-11"),
            now(),
            vec![build_org_report(
                &org(&sevs),
                ym("2026-11"),
                &fixture(),
                now(),
            )],
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["month"], "2026-11");
        assert_eq!(v["generated_at"], "2026-12-01T01:00:00Z");
        let o = &v["orgs"][0];
        assert_eq!(o["first_response"]["attainment"], 0.6);
        assert_eq!(o["first_response"]["median_seconds"], 1800);
        assert_eq!(o["by_kind_severity"][0]["kind"], "technical");
        assert_eq!(o["by_day"][0]["date"], "2026-11-01");
        assert_eq!(o["tickets"][0]["category"], "technical");
        assert_eq!(o["tickets"][3]["resolved"], serde_json::Value::Null);
        assert_eq!(o["by_plan_severity"][2]["breached"], 2);
    }

    #[test]
    fn text_has_the_figures_and_aligns_cjk() {
        let sevs = sev(&["紧急", "一般"]);
        let mut tickets = fixture();
        for t in &mut tickets {
            t.severity = if t.severity == "S1" {
                "紧急"
            } else {
                "一般"
            }
            .into();
        }
        tickets[2].summary = "数据库连接失败，请尽快处理。".repeat(4);
        tickets[3].summary = "ﾃｽﾄ mixed 接続 text".into();
        let mut o = org(&sevs);
        o.name = "天翼云客户 Acme";
        let r = MonthlyReport::new(
            ym("2026-11"),
            now(),
            vec![build_org_report(&o, ym("2026-11"), &tickets, now())],
        );
        let text = render_text(&r);
        assert!(is_inert(&text), "{text}");
        for needle in [
            "== 天翼云客户 Acme ==",
            "Opened: 7   Resolved: 4",
            "3 met, 2 breached, 1 pending, 1 no target",
            "Attainment: 60.0%   Median: 30m 00s   90th percentile: 2h 05m   (n = 5)",
            "12m 30s",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }

        // Kind × severity table: every line (header to total) is equally wide.
        let lines: Vec<&str> = text.lines().collect();
        let head = lines.iter().position(|l| l.starts_with("KIND")).unwrap();
        let total = lines.iter().position(|l| l.starts_with("total")).unwrap();
        let widths: BTreeSet<usize> = lines[head..=total]
            .iter()
            .map(|l| display_width(l))
            .collect();
        assert_eq!(widths.len(), 1, "{text}");

        // Ticket list: summaries start in the SUMMARY column and stay within its width.
        let head = lines
            .iter()
            .position(|l| l.trim_start().starts_with("NO"))
            .unwrap();
        let col = display_width(&lines[head][..lines[head].find("SUMMARY").unwrap()]);
        let rows = &lines[head + 1..head + 1 + 8];
        for (line, t) in rows.iter().zip(&r.orgs[0].tickets) {
            let cell = fit_to_width(&t.summary, SUMMARY_WIDTH);
            let cell = cell.trim_end();
            assert!(line.ends_with(cell), "{line}");
            assert_eq!(
                display_width(&line[..line.len() - cell.len()]),
                col,
                "{line}"
            );
            assert!(display_width(line) <= col + SUMMARY_WIDTH, "{line}");
        }
    }

    #[test]
    fn hostile_text_never_reaches_the_terminal_raw() {
        let sevs = sev(&["S1", "S2"]);
        let mut tickets = Vec::new();
        for (i, (_, text)) in HOSTILE_SAMPLES.iter().enumerate() {
            let mut tk = fixture()[3].clone();
            tk.id = 100 + i as i64;
            tk.summary = text.to_string();
            tickets.push(tk);
        }
        tickets[0].severity = "S\x1b[31m9".into();
        tickets[1].plan = "evil\u{9b}plan".into();
        let mut o = org(&sevs);
        o.name = "org\x1b]0;pwned\x07\r\nname";
        o.plan_label = "label\u{202e}txt";
        let r = MonthlyReport::new(
            ym("2026-11"),
            now(),
            vec![build_org_report(&o, ym("2026-11"), &tickets, now())],
        );
        let text = render_text(&r);
        assert!(is_inert(&text), "{text:?}");
        assert!(!text.contains('\x1b') && !text.contains('\r'));
        let csv = render_csv(&r);
        assert!(is_inert(&csv), "{csv:?}");
        assert!(parse_csv(&csv).iter().all(|r| r.len() == 16));
        // Every hostile summary is listed (one line per ticket).
        assert_eq!(r.orgs[0].tickets.len(), HOSTILE_SAMPLES.len());
    }
}
