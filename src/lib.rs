//! tuidesk: a keyboard-only terminal help desk with live SLA countdowns.
//!
//! Layout: `domain` (pure types and the seeds' rules), `policy` and `sla` (pure policy data
//! and SLA arithmetic), `store` (all SQL), `app` (state and actions, no terminal), `ui`
//! (drawing only), `tui` (the event loop), `cli` (command-line dispatch), `out` (standard
//! output that reports failures instead of panicking).

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod demo_templates;
pub mod domain;
pub mod generator;
pub mod orders;
pub mod out;
pub mod policy;
pub mod report;
pub mod session;
pub mod sla;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
pub mod worker;
