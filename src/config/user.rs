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
    /// `[mail]`: how replies leave and how much of received mail is kept.
    #[serde(default)]
    pub mail: MailConfig,
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
