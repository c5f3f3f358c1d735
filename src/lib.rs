//! tuidesk: a keyboard-only terminal help desk with live SLA countdowns.
//!
//! Layout: the pure core is `domain` (types and the seeds' rules; imports nothing of the
//! crate), `calendar` (business-hours arithmetic), `policy` (policy model and registry, and
//! `policy::rules`), `sla` (the SLA engine), `orders`, `report` and `text`: no file I/O, no
//! clock. `config` reads and parses the files (policy sets, calendars, the user config).
//! `store` (all SQL), `app` (state and actions, no terminal), `ui` (drawing only), `tui`
//! (the event loop), `cli` (command-line dispatch). `scripts/module_cycles.py` checks that no
//! two modules import each other.

pub mod alerts;
pub mod app;
pub mod assurance;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod demo_templates;
pub mod desk;
pub mod domain;
pub mod files;
pub mod generator;
pub mod i18n;
pub mod localize;
pub mod mail;
pub mod orders;
pub mod org_rules;
pub mod out;
pub mod policy;
pub mod reply_template;
pub mod report;
pub mod session;
pub mod sla;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
pub mod worker;
