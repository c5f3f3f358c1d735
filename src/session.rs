//! What every front-end shares about the session it runs in: the database it opens, the
//! user it acts as, the clock it reads and the policy directory. The CLI, the TUI and the
//! demo all take these from here, so none of them reaches into another.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{DateTime, Utc};

use crate::config;
use crate::desk::Desk;
use crate::domain::{self, Actor};
use crate::policy::PolicyRegistry;

/// The wall clock, read in exactly one place. `TUIDESK_NOW` (RFC 3339) pins it, so scripts
/// and tests can replay a moment; the demo runs its own faster clock on top of this.
pub fn now() -> Result<DateTime<Utc>> {
    match std::env::var("TUIDESK_NOW") {
        Ok(s) if !s.is_empty() => DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| anyhow!("TUIDESK_NOW={s:?} is not an RFC 3339 instant: {e}")),
        _ => Ok(Utc::now()),
    }
}

pub fn actor(as_user: Option<&str>) -> Result<Actor> {
    if let Some(name) = as_user {
        domain::validate_user_name(name)?;
        return Ok(Actor {
            name: name.to_string(),
            via_as: true,
        });
    }
    // The account the process runs as, not an environment variable anyone can set.
    let name = whoami::username()
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            ["USER", "LOGNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        })
        .unwrap_or_else(|| "unknown".to_string());
    Ok(Actor {
        name,
        via_as: false,
    })
}

/// Where the database lives: --db, else $TUIDESK_DB, else the platform data directory.
pub fn database_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Ok(p) = std::env::var("TUIDESK_DB")
        && !p.is_empty()
    {
        return Ok(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "tuidesk").ok_or_else(|| {
        anyhow!("cannot find a home directory for the default database; pass --db PATH")
    })?;
    let dir = dirs.data_dir();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.join("tuidesk.db"))
}

/// Built-in policy sets plus the user's own from $TUIDESK_POLICY_DIR or the config directory.
pub fn policies() -> Result<Arc<PolicyRegistry>> {
    let dir = std::env::var_os("TUIDESK_POLICY_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "tuidesk")
                .map(|d| d.config_dir().join("policies"))
        })
        .filter(|d| d.is_dir());
    Ok(Arc::new(config::policies::load_with_dir(dir.as_deref())?))
}

pub fn open_store(db: Option<&Path>) -> Result<Desk> {
    let path = database_path(db)?;
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.is_dir()
    {
        bail!(
            "cannot open database {}: directory {} does not exist",
            path.display(),
            parent.display()
        );
    }
    if path.is_dir() {
        bail!("cannot open database {}: it is a directory", path.display());
    }
    crate::store::warn_if_network_fs(&path);
    Ok(Desk::open(&path, policies()?)?)
}
