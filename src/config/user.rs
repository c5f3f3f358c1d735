//! The user's configuration file (`config.toml`): bell and key bindings. Reading it is the
//! front-ends' business; a mistake names the file and the key.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Ring the terminal bell when a ticket breaches while watched.
    #[serde(default = "yes")]
    pub bell: bool,
    #[serde(default)]
    pub keys: std::collections::HashMap<String, Vec<String>>,
    /// Whether `--as USER` may be used (audited as "alice as bob"); a team can turn it off.
    #[serde(default = "yes")]
    pub allow_as: bool,
    /// The screen's palette: `dark` (default), `light` or `high-contrast`; checked by the TUI,
    /// which names this file on a mistake. `TUIDESK_THEME` overrides it.
    pub theme: Option<String>,
    /// The language of the TUI and the CLI's human output: `en`, `zh-CN` or `ja`; unset, the
    /// locale decides (`LC_ALL`, `LC_MESSAGES`, `LANG`). Resolved by [`crate::session::language`].
    pub language: Option<String>,
    /// Desktop notifications through the terminal on a breach: `off` (default), `osc9`,
    /// `osc777`; checked by the TUI.
    pub notify: Option<String>,
    /// The undo window in seconds (default 10, 0 turns it off): a public reply, resolving or
    /// closing, and reassigning from the TUI wait this long, and `u` undoes them meanwhile.
    /// `TUIDESK_UNDO_SECONDS` overrides it; see [`undo_seconds`].
    pub undo_seconds: Option<i64>,
    /// `[mail]`: how replies leave and how much of received mail is kept.
    #[serde(default)]
    pub mail: MailConfig,
    /// `[hooks]`: the commands `tuidesk watch` runs when an alert falls due.
    #[serde(default)]
    pub hooks: HooksConfig,
}

/// `[hooks]` of config.toml: a command per alert (`at_risk = "notify-send …"`), or a table
/// with options (`breached = { command = "…", business_hours_only = true }`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HooksConfig {
    pub at_risk: Option<HookSpec>,
    pub breached: Option<HookSpec>,
    pub customer_replied: Option<HookSpec>,
    pub assigned_to_me: Option<HookSpec>,
    /// A hook still running after this many seconds is stopped (default 10).
    pub timeout_seconds: Option<u64>,
    /// A watcher that was down fires what it missed up to this age, and skips (and says
    /// so) anything older (default 1440 = a day).
    pub skip_older_than_minutes: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum HookSpec {
    Command(String),
    Table(HookTable),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookTable {
    pub command: String,
    /// Fire only inside the customer's business hours (the hours the ticket's target
    /// counts); an alert outside them waits for the next opening.
    #[serde(default)]
    pub business_hours_only: bool,
}

impl HookSpec {
    pub fn command(&self) -> &str {
        match self {
            HookSpec::Command(c) => c,
            HookSpec::Table(t) => &t.command,
        }
    }
    pub fn business_hours_only(&self) -> bool {
        matches!(self, HookSpec::Table(t) if t.business_hours_only)
    }
}

impl HooksConfig {
    /// The hook for an alert kind (`at_risk`, `breached`, `customer_replied`,
    /// `assigned_to_me`).
    pub fn get(&self, kind: &str) -> Option<&HookSpec> {
        match kind {
            "at_risk" => self.at_risk.as_ref(),
            "breached" => self.breached.as_ref(),
            "customer_replied" => self.customer_replied.as_ref(),
            "assigned_to_me" => self.assigned_to_me.as_ref(),
            _ => None,
        }
    }
}

/// `[mail]` of config.toml; `TUIDESK_SMTP_URL` and `TUIDESK_MAIL_FROM` override `smtp` and
/// `from`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The desk's address, e.g. `"Support <support@example.com>"`.
    pub from: Option<String>,
    /// `smtps://host` (implicit TLS), `smtp://host:587?tls=required` (STARTTLS),
    /// `smtp://host:25` (no TLS, a local relay); `user:password@` in the URL for AUTH.
    pub smtp: Option<String>,
    /// A sendmail-compatible command instead of SMTP, e.g. `"/usr/sbin/sendmail"`.
    pub sendmail: Option<String>,
    /// A PEM file with a CA certificate to trust besides the public ones, for a relay whose
    /// certificate a private CA signed (with `smtps://` or `?tls=required`).
    pub smtp_ca: Option<PathBuf>,
    /// Attachments larger than this are recorded but not stored (default 10 MiB).
    pub max_attachment_bytes: Option<usize>,
    /// A received message larger than this is quarantined, its first MiB kept (default 64 MiB).
    pub max_message_bytes: Option<usize>,
}

impl MailConfig {
    /// The file's `[mail]` with the environment's overrides.
    pub fn with_env(mut self) -> MailConfig {
        if let Some(v) = std::env::var("TUIDESK_SMTP_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            self.smtp = Some(v);
            self.sendmail = None;
        }
        if let Some(v) = std::env::var_os("TUIDESK_SMTP_CA").filter(|v| !v.is_empty()) {
            self.smtp_ca = Some(PathBuf::from(v));
        }
        if let Some(v) = std::env::var("TUIDESK_MAIL_FROM")
            .ok()
            .filter(|v| !v.is_empty())
        {
            self.from = Some(v);
        }
        self
    }
}

/// The longest undo window accepted (an hour): longer is a typo, not a wish.
pub const UNDO_SECONDS_MAX: u64 = 3600;

/// The undo window: `TUIDESK_UNDO_SECONDS` over `undo_seconds` in the file over the default;
/// a mistake names where the value came from.
pub fn undo_seconds(config: &Config, path: Option<&Path>) -> Result<u64> {
    let check = |v: u64, from: &str| {
        if v > UNDO_SECONDS_MAX {
            Err(anyhow!(
                "{from}: undo_seconds = {v} is longer than {UNDO_SECONDS_MAX} s; 0 turns the undo window off"
            ))
        } else {
            Ok(v)
        }
    };
    if let Some(raw) = std::env::var("TUIDESK_UNDO_SECONDS")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        let v = raw.trim().parse::<u64>().map_err(|_| {
            anyhow!(
                "TUIDESK_UNDO_SECONDS: {raw:?} is not a whole number of seconds (0 turns the undo window off)"
            )
        })?;
        return check(v, "TUIDESK_UNDO_SECONDS");
    }
    let file = path.map(|p| p.display().to_string()).unwrap_or_default();
    match config.undo_seconds {
        Some(v) => match u64::try_from(v) {
            Ok(v) => check(v, &file),
            Err(_) => Err(anyhow!(
                "{file}: undo_seconds = {v} is negative; 0 turns the undo window off"
            )),
        },
        None => Ok(crate::desk::UNDO_SECONDS_DEFAULT),
    }
}

fn yes() -> bool {
    true
}

pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TUIDESK_CONFIG") {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "tuidesk").map(|d| d.config_dir().join("config.toml"))
}

/// Reads the config file if there is one; a mistake names the file and the key. Key names
/// are checked by whoever builds the keymap from `keys` (the TUI), naming the same file.
pub fn load_config(path: Option<&Path>) -> Result<Config> {
    let Some(path) = path.filter(|p| p.exists()) else {
        return Ok(Config {
            bell: true,
            allow_as: true,
            ..Default::default()
        });
    };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow!("{}: {}", path.display(), e.message()))
}
