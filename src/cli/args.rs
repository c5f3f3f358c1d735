//! The command line. Names here are a contract: scripts and checks call them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tuidesk",
    version,
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
    /// Fresh demo database with live ticket generator, opened in the TUI
    Demo(DemoArgs),
    /// Organizations
    #[command(subcommand)]
    Org(OrgCommand),
    /// Tickets
    #[command(subcommand)]
    Ticket(TicketCommand),
    /// Full-text search over summaries, descriptions, replies and notes
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Write everything as JSON Lines
    Export {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Read JSON Lines (all or nothing); `-` reads standard input
    Import { file: String },
    /// SLA arithmetic
    #[command(subcommand)]
    Sla(SlaCommand),
    /// Fill the database with generated tickets (benchmarks)
    Gen {
        #[arg(long)]
        tickets: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Consistent copy of the database (SQLite online backup) while others keep writing
    Backup { path: PathBuf },
    /// Run SQLite's integrity check and report
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
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the demo clock N times faster than real time
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Create the demo database and exit without opening the TUI or the generator
    #[arg(long)]
    pub no_tui: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organization
    Add {
        name: String,
        #[arg(long)]
        policy_set: String,
        #[arg(long)]
        plan: String,
        /// IANA time zone, e.g. Asia/Shanghai
        #[arg(long)]
        tz: String,
    },
    /// List organizations
    List {
        #[arg(long)]
        json: bool,
    },
    /// Plan, linked accounts and plan history of one organization
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Upgrade or downgrade to PLAN (audited; open tickets are recomputed)
    Plan { name: String, plan: String },
    /// Link ORG to a Business or Enterprise PARENT: its tickets get the parent's plan
    Link {
        name: String,
        #[arg(long = "to", value_name = "PARENT")]
        parent: String,
    },
    /// Remove ORG's link to its parent
    Unlink { name: String },
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Request a service order; prints its id (or the order as JSON)
    New(NewOrderArgs),
    /// List orders: open ones first, soonest deadline first
    List {
        #[arg(long)]
        org: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// One order with its rating, deliverables and history
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Mark delivered, storing deliverables with it
    Complete {
        id: i64,
        /// A deliverable to store with the order (repeatable)
        #[arg(long = "attach", value_name = "PATH")]
        attach: Vec<std::path::PathBuf>,
        /// Monthly-report orders: attach the monthly report of the order's month
        #[arg(long)]
        attach_report: bool,
    },
    /// Refuse the order, with the reason the customer will see
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// The customer's rating of a completed order: 1–5 stars each, feedback ≤ 500 characters
    Rate {
        id: i64,
        #[arg(long, allow_negative_numbers = true)]
        speed: i64,
        #[arg(long, allow_negative_numbers = true)]
        quality: i64,
        #[arg(long, conflicts_with = "feedback_file")]
        feedback: Option<String>,
        /// Read the feedback from PATH (`-` for standard input)
        #[arg(long, value_name = "PATH")]
        feedback_file: Option<String>,
    },
    /// Write a stored deliverable back to a file (`--out -` for standard output)
    Attachment {
        id: i64,
        name: String,
        #[arg(long, value_name = "PATH")]
        out: String,
    },
}

#[derive(Debug, Args)]
pub struct NewOrderArgs {
    #[arg(long)]
    pub org: String,
    /// event-assurance, availability-check or monthly-report
    #[arg(long)]
    pub kind: String,
    /// Event assurance level, 1 (highest) to 3
    #[arg(long)]
    pub level: Option<u8>,
    /// First day of the event assurance (YYYY-MM-DD, organization's calendar)
    #[arg(long)]
    pub start: Option<String>,
    /// Last day, inclusive
    #[arg(long)]
    pub end: Option<String>,
    /// Availability check: joining, major-event, major-change or annual
    #[arg(long)]
    pub scenario: Option<String>,
    /// Monthly report: the month it covers (YYYY-MM)
    #[arg(long)]
    pub month: Option<String>,
    #[arg(long, default_value = "")]
    pub note: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Monthly service report per organization (seed 004 §1.5.8)
    Monthly {
        #[arg(long)]
        month: String,
        #[arg(long)]
        org: Option<String>,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
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
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Public reply to the customer
    Reply(BodyArgs),
    /// Internal note (never shown to the customer)
    Note(BodyArgs),
    /// Change status: new, open, pending, on-hold, resolved, closed
    Status {
        id: i64,
        status: String,
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Change severity (a level of the organization's policy set)
    Severity {
        id: i64,
        severity: String,
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Assign to USER (`-` unassigns)
    Assign {
        id: i64,
        user: String,
        #[arg(long, value_name = "VERSION")]
        expect_version: Option<i64>,
    },
    /// Assign to yourself; refused if someone else holds it
    Claim { id: i64 },
}

#[derive(Debug, Args)]
pub struct NewTicketArgs {
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub severity: String,
    #[arg(long)]
    pub summary: String,
    #[arg(long, conflicts_with = "description_file")]
    pub description: Option<String>,
    /// Read the description from PATH (`-` for standard input)
    #[arg(long, value_name = "PATH")]
    pub description_file: Option<String>,
    #[arg(long)]
    pub component: Option<String>,
    #[arg(long)]
    pub environment: Option<String>,
    #[arg(long = "version", value_name = "V")]
    pub affected_version: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long = "status", value_name = "S")]
    pub statuses: Vec<String>,
    /// Every status, resolved and closed included
    #[arg(long, conflicts_with = "statuses")]
    pub all: bool,
    #[arg(long)]
    pub org: Option<String>,
    #[arg(long, conflicts_with_all = ["unassigned", "mine"])]
    pub assignee: Option<String>,
    #[arg(long, conflicts_with = "mine")]
    pub unassigned: bool,
    #[arg(long)]
    pub mine: bool,
    #[arg(long)]
    pub breached: bool,
    #[arg(long, default_value = "due")]
    pub sort: String,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BodyArgs {
    pub id: i64,
    #[arg(
        long,
        conflicts_with = "body_file",
        required_unless_present = "body_file"
    )]
    pub body: Option<String>,
    /// Read the body from PATH (`-` for standard input)
    #[arg(long, value_name = "PATH")]
    pub body_file: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// First-response due instant for a ticket opened at --opened
    Due {
        #[arg(long)]
        policy_set: String,
        #[arg(long)]
        plan: String,
        #[arg(long)]
        severity: String,
        #[arg(long)]
        tz: String,
        /// RFC 3339 instant, e.g. 2026-03-06T17:30:00+01:00
        #[arg(long)]
        opened: String,
    },
    /// How a ticket's targets were computed
    Explain {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List policy sets, plans and severities
    List,
}
