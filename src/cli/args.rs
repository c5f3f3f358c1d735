//! The command line. Names here are a contract: scripts and checks call them.
//!
//! Every option says what it takes; options with a fixed set of values parse into their
//! types here, so a wrong value is a usage error (exit 2) that lists the right ones.
//! Severities, plans and policy sets come from policy files and are checked later; their
//! help lists the built-in ones.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::{Channel, Environment, OrderKind, OrderStatus, Scenario, Status, TicketKind};
use crate::store::TicketSort;

/// `tuidesk --version`: the version, the commit it was built from and the build date.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("TUIDESK_GIT_COMMIT"),
    ", built ",
    env!("TUIDESK_BUILD_DATE"),
    ")"
);

/// Built-in severities (the policy files are the truth; a unit test keeps this in step).
pub const SEVERITY_HELP: &str = "Severity, a level of the organization's policy set \
    (built in: S1, S2, S3, S4 for connected-care; urgent, general for ctyun)";
const POLICY_SET_HELP: &str = "Policy set (built in: connected-care, ctyun; \
    `tuidesk policy list` shows yours too)";
const PLAN_HELP: &str = "Plan of the organization's policy set (built in: connected-care: \
    basic, developer, enterprise, premium; ctyun: standard, lightweight, business, enterprise)";

/// The domain's fixed sets of words are the CLI's possible values, spelled as stored.
macro_rules! value_enum {
    ($($t:ty),+) => {$(
        impl ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                <$t>::ALL
            }
            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.as_str()))
            }
        }
    )+};
}
value_enum!(
    Channel,
    Status,
    TicketKind,
    Environment,
    OrderKind,
    OrderStatus,
    Scenario
);

impl ValueEnum for TicketSort {
    fn value_variants<'a>() -> &'a [Self] {
        &TicketSort::ALL
    }
    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "tuidesk",
    version = VERSION,
    about = "A keyboard-only terminal help desk with live SLA countdowns",
    long_about = "A keyboard-only terminal help desk with live SLA countdowns.\n\nWith no subcommand, opens the TUI on the database."
)]
pub struct Cli {
    /// Database file (default: $TUIDESK_DB, else tuidesk.db in the platform data directory)
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Act as USER instead of the OS user (for scripts; recorded as such in the audit log)
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Demo database with a live ticket generator, opened in the TUI
    Demo(DemoArgs),
    /// Organizations
    #[command(subcommand)]
    Org(OrgCommand),
    /// Tickets
    #[command(subcommand)]
    Ticket(TicketCommand),
    /// Full-text search over summaries, descriptions, replies and notes
    Search {
        /// Words to find (CJK words too); all must occur
        query: String,
        /// At most N tickets
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
        /// Print the tickets as JSON
        #[arg(long)]
        json: bool,
    },
    /// Write everything as JSON Lines
    Export {
        /// Write to FILE (replaced whole, or left alone on failure) instead of standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Read JSON Lines (all or nothing)
    Import {
        /// A file written by `tuidesk export`, or `-` for standard input
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Copy the whole desk into a new, empty database (SQLite file <-> PostgreSQL URL)
    Migrate {
        /// The destination: a SQLite file that does not exist yet, or the postgres:// URL of
        /// a database without tickets or organizations
        #[arg(long, value_name = "DB")]
        to: PathBuf,
    },
    /// SLA arithmetic
    #[command(subcommand)]
    Sla(SlaCommand),
    /// Fill the database with generated tickets (benchmarks)
    Gen {
        /// How many tickets (at least 1)
        #[arg(long, value_name = "N")]
        tickets: u64,
        /// Random seed: the same seed gives the same tickets
        #[arg(long, default_value_t = 1, value_name = "S")]
        seed: u64,
    },
    /// Consistent copy of the database while others keep writing (SQLite: a new database
    /// file; PostgreSQL: pg_dump's custom format, restore with pg_restore)
    Backup {
        /// The copy to create (must not exist yet)
        path: PathBuf,
    },
    /// Check the database: SQLite's integrity check, the full-text index and the
    /// application's invariants (PostgreSQL: the index and the invariants; pages and
    /// constraints are pg_amcheck's)
    Check,
    /// Policy sets known to this installation
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Service orders (服务单): event assurance, availability checks, monthly reports
    #[command(subcommand)]
    Order(OrderCommand),
    /// Reports
    #[command(subcommand)]
    Report(ReportCommand),
    /// Mail: delivery from a mail server, the triage inbox, the quarantine, the outbox
    #[command(subcommand)]
    Mail(MailCommand),
    /// Run the [hooks] of config.toml when SLA alerts fall due (at risk, breached), a customer
    /// writes, or a ticket is assigned to you; headless, for a systemd service or cron
    Watch {
        /// Fire whatever is due now, then exit (for cron and tests)
        #[arg(long)]
        once: bool,
    },
    /// The team's shared canned replies (inserted in the TUI's editor with Ctrl-T)
    #[command(subcommand, name = "reply-template")]
    ReplyTemplate(ReplyTemplateCommand),
    /// Shell completion script on standard output
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Manual page (roff) on standard output, e.g. `tuidesk man | man -l -`
    Man,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the demo clock N times faster than real time (above 0, at most 10000)
    #[arg(long, default_value_t = 1.0, value_name = "N")]
    pub speed: f64,
    /// Write the demo database to --db PATH and exit, without the TUI or the generator
    #[arg(long)]
    pub no_tui: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organization; prints its id
    Add {
        /// The organization's name (unique)
        name: String,
        #[arg(long, value_name = "SET", help = POLICY_SET_HELP)]
        policy_set: String,
        #[arg(long, value_name = "PLAN", help = PLAN_HELP)]
        plan: String,
        /// IANA time zone of its business hours, e.g. Asia/Shanghai or Europe/Berlin
        #[arg(long, value_name = "TZ")]
        tz: String,
    },
    /// List organizations
    List {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// Plan, linked accounts and plan history of one organization
    Show {
        /// The organization's name
        name: String,
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
    /// Upgrade or downgrade to PLAN (audited; open tickets are recomputed)
    Plan {
        /// The organization's name
        name: String,
        #[arg(help = PLAN_HELP)]
        plan: String,
    },
    /// Link ORG to a Business or Enterprise PARENT: its tickets get the parent's plan
    Link {
        /// The organization to link
        name: String,
        /// The organization whose plan serves it
        #[arg(long = "to", value_name = "PARENT")]
        parent: String,
    },
    /// Remove ORG's link to its parent
    Unlink {
        /// The linked organization
        name: String,
    },
    /// Add or remove contacts: addresses (or @example.com for a whole domain) whose mail
    /// opens and follows up the organization's tickets; lists them after
    Contact {
        /// The organization's name
        name: String,
        /// An address or @domain to add (repeatable)
        #[arg(long, value_name = "ADDRESS")]
        add: Vec<String>,
        /// An address or @domain to remove (repeatable)
        #[arg(long, value_name = "ADDRESS")]
        remove: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Request a service order; prints its id (or the order as JSON)
    New(NewOrderArgs),
    /// List orders: open ones first, soonest deadline first
    List {
        /// Only this organization's orders
        #[arg(long)]
        org: Option<String>,
        /// Only orders in this status
        #[arg(long, value_name = "S")]
        status: Option<OrderStatus>,
        /// Only orders of this kind
        #[arg(long, value_name = "K")]
        kind: Option<OrderKind>,
        /// At most N orders
        #[arg(long, default_value_t = 200, value_name = "N")]
        limit: usize,
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// One order with its rating, deliverables and history
    Show {
        /// The order's number
        id: i64,
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
    /// Mark delivered, storing deliverables with it
    Complete {
        /// The order's number
        id: i64,
        /// Deliverables to store with the order (`--attach a.pdf b.pdf`, or repeated)
        #[arg(long = "attach", value_name = "PATH", num_args = 1..)]
        attach: Vec<std::path::PathBuf>,
        /// Monthly-report orders: attach the monthly report of the order's month
        #[arg(long)]
        attach_report: bool,
        /// Mail the first deliverable (the report) to the organization's contact addresses
        #[arg(long)]
        mail: bool,
    },
    /// Refuse the order, with the reason the customer will see
    Reject {
        /// The order's number
        id: i64,
        /// Why (required; the customer sees it)
        #[arg(long)]
        reason: String,
    },
    /// The customer's rating of a completed order: 1–5 stars each, feedback ≤ 500 characters
    Rate {
        /// The order's number
        id: i64,
        /// Response speed, 1 to 5 stars
        #[arg(long, allow_negative_numbers = true, value_name = "1-5")]
        speed: i64,
        /// Deliverable quality, 1 to 5 stars
        #[arg(long, allow_negative_numbers = true, value_name = "1-5")]
        quality: i64,
        /// The customer's words, at most 500 characters
        #[arg(long, conflicts_with = "feedback_file", value_name = "TEXT")]
        feedback: Option<String>,
        /// Read the feedback from PATH (`-` for standard input)
        #[arg(long, value_name = "PATH")]
        feedback_file: Option<String>,
    },
    /// Write a stored deliverable back to a file (`--out -` for standard output)
    Attachment {
        /// The order's number
        id: i64,
        /// The deliverable's file name, as `order show` lists it
        name: String,
        /// Where to write it: a new file, or `-` for standard output
        #[arg(long, value_name = "PATH")]
        out: String,
    },
}

#[derive(Debug, Args)]
pub struct NewOrderArgs {
    /// The organization the order is for
    #[arg(long)]
    pub org: String,
    /// What is ordered
    #[arg(long, value_name = "KIND")]
    pub kind: OrderKind,
    /// Event assurance level, 1 (highest) to 3
    #[arg(long, value_name = "N")]
    pub level: Option<u8>,
    /// First day of the event assurance (YYYY-MM-DD, organization's calendar)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start: Option<String>,
    /// Last day of the event assurance, inclusive (YYYY-MM-DD)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub end: Option<String>,
    /// Why the availability check is done
    #[arg(long, value_name = "S")]
    pub scenario: Option<Scenario>,
    /// Monthly report: the month it covers (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// A note for the engineers who deliver it
    #[arg(long, default_value = "", value_name = "TEXT")]
    pub note: String,
    /// Print the new order as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReplyTemplateCommand {
    /// Save a shared template; its text comes from --file (`-`: standard input) or --body.
    /// Variables: {{customer.name}} {{ticket.id}} {{ticket.summary}} {{sla.due_customer}}
    /// {{engineer.name}}, and {{cursor}} where the cursor goes
    Add {
        /// The template's name (letters, digits, '-', '_', '.')
        name: String,
        /// The text inline
        #[arg(long, conflicts_with = "file")]
        body: Option<String>,
        /// A file holding the text (`-` for standard input)
        #[arg(long)]
        file: Option<String>,
        /// Overwrite a shared template of the same name
        #[arg(long)]
        replace: bool,
    },
    /// The shared templates and your own (`replies/*.md` beside config.toml)
    List {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print one template's text (yours first, then the shared one)
    Show {
        /// The template's name
        name: String,
    },
    /// Remove a shared template
    Remove {
        /// The template's name
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Store one message read on standard input (for a mail server alias, procmail,
    /// fetchmail's mda); exits 75 when it should be retried
    Deliver,
    /// Store every message of a Maildir (a folder with cur/ and new/) or an mbox file
    Import {
        /// The Maildir folder or the mbox file
        path: std::path::PathBuf,
    },
    /// Messages from unknown senders, waiting to be filed or discarded
    Triage {
        /// Filed and discarded ones too
        #[arg(long)]
        all: bool,
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// File a triage item under an organization: opens a ticket; prints its id
    File {
        /// The triage item's number
        id: i64,
        /// The organization it belongs to
        #[arg(long)]
        org: String,
        #[arg(long, value_name = "SEV", help = SEVERITY_HELP)]
        severity: Option<String>,
    },
    /// Discard a triage item, saying why (it stays listed with `mail triage --all`)
    Discard {
        /// The triage item's number
        id: i64,
        /// Why (required)
        #[arg(long)]
        reason: String,
    },
    /// Messages that could not be parsed, kept raw
    Quarantine {
        /// Print message ID as received, raw, on standard output
        #[arg(long, value_name = "ID")]
        show: Option<i64>,
        /// Print the list as JSON
        #[arg(long)]
        json: bool,
    },
    /// Outgoing messages: queued, sent and failed
    Queue {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
        /// At most N, newest first
        #[arg(long, default_value_t = 100, value_name = "N")]
        limit: usize,
    },
    /// Deliver the queued messages whose time has come, through [mail] smtp or sendmail
    Send {
        /// Keep delivering (for a systemd service)
        #[arg(long)]
        watch: bool,
        /// With --watch: seconds between rounds
        #[arg(long, default_value_t = 5, value_name = "SECONDS")]
        interval: u64,
    },
    /// Write a received attachment to a file (`--out -` for standard output)
    Attachment {
        /// The attachment's number, as `ticket show` lists it (#N)
        id: i64,
        /// Where to write it: a new file, or `-` for standard output
        #[arg(long, value_name = "PATH")]
        out: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Monthly service report per organization
    Monthly {
        /// The month to report (YYYY-MM)
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// Only this organization (default: every organization with tickets that month)
        #[arg(long)]
        org: Option<String>,
        /// Print it as JSON
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print it as CSV: one row per organization × kind × severity plus an `all` row
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// Open a ticket; prints its id (or the ticket as JSON)
    New(NewTicketArgs),
    /// List tickets (active ones unless --status or --all)
    List(ListArgs),
    /// Fields, conversation and audit events
    Show {
        /// The ticket's number
        id: i64,
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
    /// Public reply to the customer
    Reply(BodyArgs),
    /// Internal note (never shown to the customer)
    Note(BodyArgs),
    /// Write a file attached to the ticket to PATH (`--out -` for standard output)
    Attachment {
        /// The ticket's number
        id: i64,
        /// The file's name as `ticket show` lists it (the newest of that name), or `#N`
        name: String,
        /// Where to write it: a new file, or `-` for standard output
        #[arg(long, value_name = "PATH")]
        out: String,
    },
    /// Change status (`pending` pauses the SLA clock while waiting on the customer)
    Status {
        /// The ticket's number
        id: i64,
        /// The new status
        status: Status,
        /// Refuse the change unless the ticket is still at this version
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Change severity (a level of the organization's policy set)
    Severity {
        /// The ticket's number
        id: i64,
        #[arg(value_name = "SEV", help = SEVERITY_HELP)]
        severity: String,
        /// Refuse the change unless the ticket is still at this version
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Assign to USER (`-` unassigns)
    Assign {
        /// The ticket's number
        id: i64,
        /// The engineer, or `-` for nobody
        user: String,
        /// Refuse the change unless the ticket is still at this version
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Assign to yourself; refused if someone else holds it
    Claim {
        /// The ticket's number
        id: i64,
    },
    /// Add and remove tags: `+bug` (or `bug`) adds, `-billing` removes
    Tag {
        /// The ticket's number
        id: i64,
        /// Tags to add (+TAG or TAG) and remove (-TAG): letters, digits, - _ . /, at most 32
        #[arg(required = true, allow_hyphen_values = true, value_name = "±TAG")]
        tags: Vec<String>,
        /// Refuse the change unless the ticket is still at this version
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Merge a ticket into another: its conversation, attachments and tags move there and
    /// it is closed with a pointer to it
    Merge {
        /// The ticket merged away (closed afterwards)
        source: i64,
        /// The ticket that takes everything over
        #[arg(long, value_name = "TARGET")]
        into: i64,
        /// Refuse unless the source is still at this version
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
        /// Refuse unless the target is still at this version
        #[arg(long, value_name = "VERSION")]
        expect_target_version: Option<i64>,
    },
}

#[derive(Debug, Args)]
pub struct NewTicketArgs {
    /// The customer's organization
    #[arg(long)]
    pub org: String,
    /// Technical, or account and billing
    #[arg(long)]
    pub kind: TicketKind,
    #[arg(long, value_name = "SEV", help = SEVERITY_HELP)]
    pub severity: String,
    /// One line: what is wrong
    #[arg(long, value_name = "TEXT")]
    pub summary: String,
    /// The full description
    #[arg(long, conflicts_with = "description_file", value_name = "TEXT")]
    pub description: Option<String>,
    /// Read the description from PATH (`-` for standard input)
    #[arg(long, value_name = "PATH")]
    pub description_file: Option<String>,
    /// The product component affected, e.g. TiKV
    #[arg(long, value_name = "C")]
    pub component: Option<String>,
    /// Where the problem is
    #[arg(long, value_name = "ENV")]
    pub environment: Option<Environment>,
    /// The affected product version
    #[arg(long = "version", value_name = "V")]
    pub affected_version: Option<String>,
    /// How the customer reached you (the hotline: phone)
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<Channel>,
    /// The requester's mail address (replies go there)
    #[arg(long, value_name = "ADDRESS")]
    pub requester: Option<String>,
    /// The requester's name
    #[arg(long, value_name = "NAME")]
    pub requester_name: Option<String>,
    /// Print the new ticket as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tickets in this status (repeatable; default: new, open, pending, on-hold)
    #[arg(long = "status", value_name = "S")]
    pub statuses: Vec<Status>,
    /// Every ticket: every status, resolved and closed included, and no limit
    #[arg(long, conflicts_with = "statuses")]
    pub all: bool,
    /// Only this organization's tickets
    #[arg(long)]
    pub org: Option<String>,
    /// Only tickets assigned to USER
    #[arg(long, conflicts_with_all = ["unassigned", "mine"], value_name = "USER")]
    pub assignee: Option<String>,
    /// Only tickets nobody holds
    #[arg(long, conflicts_with = "mine")]
    pub unassigned: bool,
    /// Only tickets assigned to you (or to --as USER)
    #[arg(long)]
    pub mine: bool,
    /// Only tickets that missed a target
    #[arg(long)]
    pub breached: bool,
    /// Only tickets tagged TAG (repeatable: tickets with every one of them)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Order: most urgent first, newest first, or most severe first
    #[arg(long, default_value = "due", value_name = "ORDER")]
    pub sort: TicketSort,
    /// At most N tickets (default 50, none with --all); says on stderr when more exist
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print them as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BodyArgs {
    /// The ticket's number
    pub id: i64,
    /// The text
    #[arg(
        long,
        conflicts_with = "body_file",
        required_unless_present = "body_file",
        value_name = "TEXT"
    )]
    pub body: Option<String>,
    /// Read the body from PATH (`-` for standard input)
    #[arg(long, value_name = "PATH")]
    pub body_file: Option<String>,
    /// Attach files (`--attach a.log b.png`, or repeated; a mailed reply carries at most one)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub attach: Vec<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// First-response due instant for a ticket opened at --opened
    Due {
        #[arg(long, value_name = "SET", help = POLICY_SET_HELP)]
        policy_set: String,
        #[arg(long, value_name = "PLAN", help = PLAN_HELP)]
        plan: String,
        #[arg(long, value_name = "SEV", help = SEVERITY_HELP)]
        severity: String,
        /// IANA time zone of the customer, e.g. Asia/Tokyo
        #[arg(long, value_name = "TZ")]
        tz: String,
        /// RFC 3339 instant, e.g. 2026-03-06T17:30:00+01:00
        #[arg(long, value_name = "RFC3339")]
        opened: String,
    },
    /// How a ticket's targets were computed
    Explain {
        /// The ticket's number
        id: i64,
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List policy sets, plans and severities
    List,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_option_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() {
                    missing.push(format!("{path} {} (about)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "tuidesk", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }

    #[test]
    fn help_lists_the_built_in_severities_plans_and_sets() {
        let reg = crate::config::policies::builtin().unwrap();
        let mut sets = reg.names();
        sets.sort();
        for name in &sets {
            assert!(POLICY_SET_HELP.contains(name), "{name} missing");
            let set = reg.get(name).unwrap();
            let levels = set.severities.join(", ");
            assert!(
                SEVERITY_HELP.contains(&format!("{levels} for {name}")),
                "{levels} for {name}"
            );
            let plans: Vec<&str> = set
                .plans
                .iter()
                .filter(|p| p.retired_on.is_none())
                .map(|p| p.name.as_str())
                .collect();
            for plan in plans {
                assert!(PLAN_HELP.contains(plan), "plan {plan} of {name}");
            }
        }
    }
}
