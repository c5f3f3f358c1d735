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
