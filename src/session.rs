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

/// The clock of a long-running command: the wall clock, or `TUIDESK_NOW` pinned — running
/// `TUIDESK_CLOCK_SPEED` times faster than real time from there when that is set (tests and
/// rehearsals of a watcher: an hour of SLA time in seconds).
pub fn clock() -> Result<std::sync::Arc<dyn crate::clock::Clock>> {
    let origin = now()?;
    let pinned = std::env::var("TUIDESK_NOW").is_ok_and(|s| !s.is_empty());
    let speed = match std::env::var("TUIDESK_CLOCK_SPEED") {
        Ok(s) if !s.is_empty() => {
            let v: f64 = s
                .parse()
                .map_err(|_| anyhow!("TUIDESK_CLOCK_SPEED={s:?} is not a number"))?;
            if !(v.is_finite() && v > 0.0) {
                return Err(anyhow!("TUIDESK_CLOCK_SPEED={s:?} must be above 0"));
            }
            Some(v)
        }
        _ => None,
    };
    Ok(match (pinned, speed) {
        (_, Some(speed)) => std::sync::Arc::new(crate::clock::ScaledClock::new(origin, speed)),
        (true, None) => std::sync::Arc::new(crate::clock::FixedClock(origin)),
        (false, None) => std::sync::Arc::new(crate::clock::SystemClock),
    })
}

/// The language of every human-readable word, resolved once at start: `language` in
/// config.toml when set (an unknown name is an error naming the file), else the locale
/// (`LC_ALL`, then `LC_MESSAGES`, then `LANG`).
pub fn language() -> Result<crate::i18n::Lang> {
    let path = config::config_path();
    let config = config::load_config(path.as_deref())?;
    language_of(config.language.as_deref(), path.as_deref())
}

/// [`language`] with the config file already read.
pub fn language_of(configured: Option<&str>, path: Option<&Path>) -> Result<crate::i18n::Lang> {
    let env = |k: &str| std::env::var(k).ok();
    crate::i18n::Lang::resolve(
        configured,
        env("LC_ALL").as_deref(),
        env("LC_MESSAGES").as_deref(),
        env("LANG").as_deref(),
    )
    .map_err(|e| {
        let file = path.map(|p| p.display().to_string()).unwrap_or_default();
        anyhow!("{file}: language: {e}")
    })
}

/// The language for an error line when even reading the config failed: the configured one
/// if it can be read, else the locale's.
pub fn language_for_errors() -> crate::i18n::Lang {
    language().unwrap_or_else(|_| {
        let env = |k: &str| std::env::var(k).ok();
        crate::i18n::Lang::from_locale(
            env("LC_ALL").as_deref(),
            env("LC_MESSAGES").as_deref(),
            env("LANG").as_deref(),
        )
    })
}

/// Who acts: the OS account, or `--as USER` for scripts, recorded as both ("alice as bob").
/// A team turns `--as` off with `allow_as = false` in the config file.
pub fn actor(as_user: Option<&str>) -> Result<Actor> {
    let os = os_account();
    if let Some(name) = as_user {
        domain::validate_user_name(name)?;
        let config = config::load_config(config::config_path().as_deref())?;
        if !config.allow_as {
            bail!(
                "--as is turned off on this desk (allow_as = false in the config file); act as yourself"
            );
        }
        return Ok(Actor {
            name: name.to_string(),
            via_as: true,
            os: Some(os),
        });
    }
    Ok(Actor {
        name: os,
        via_as: false,
        os: None,
    })
}

/// The account the process runs as, not an environment variable anyone can set.
fn os_account() -> String {
    whoami::username()
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            ["USER", "LOGNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// Where the database lives: --db, else $TUIDESK_DB, else the platform data directory. A
/// `postgres://` URL comes back as given (see [`crate::store::open`]).
/// Creates nothing: only opening for a write makes the file (and the default directory).
pub fn database_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    if let Ok(p) = std::env::var("TUIDESK_DB")
        && !p.is_empty()
    {
        return Ok(PathBuf::from(p));
    }
    default_database_path().ok_or_else(|| {
        anyhow!("cannot find a home directory for the default database; pass --db PATH")
    })
}

/// `tuidesk.db` in the platform data directory, the database nobody has to name.
fn default_database_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "tuidesk").map(|d| d.data_dir().join("tuidesk.db"))
}

fn is_default_path(path: &Path) -> bool {
    default_database_path().is_some_and(|d| d == path)
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

/// Opens the database for a command that writes, creating it on first use.
pub fn open_store(db: Option<&Path>) -> Result<Desk> {
    let path = database_path(db)?;
    if crate::store::is_server_url(&path) {
        return Ok(Desk::open(&path, policies()?)?);
    }
    if is_default_path(&path)
        && let Some(dir) = path.parent()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    check_location(&path)?;
    if path.exists() && !writable(&path) {
        bail!(
            "cannot write to {}: it is read-only for you (the file or its directory cannot be written); writes are off, reads still work",
            path.display()
        );
    }
    crate::store::warn_if_network_fs(&path);
    let mut desk = Desk::open(&path, policies()?)?;
    desk.set_mail_from(mail_config()?.from);
    Ok(desk)
}

/// `[mail]` of config.toml (if there is one) with the environment's overrides.
pub fn mail_config() -> Result<config::MailConfig> {
    let path = config::config_path();
    let cfg = match path.as_deref().filter(|p| p.exists()) {
        Some(p) => config::load_config(Some(p))?.mail,
        None => config::MailConfig::default(),
    };
    Ok(cfg.with_env())
}

/// Opens the database for a command that only reads: a missing file is an error, and
/// nothing (no file, no -wal or -shm) is created in its place.
pub fn open_existing_store(db: Option<&Path>) -> Result<Desk> {
    let path = database_path(db)?;
    if crate::store::is_server_url(&path) {
        // A server database exists once its schema does; opening applies the migrations.
        return open_store(Some(&path));
    }
    if !path.exists() {
        // A named path in a missing directory is likely a typo: say which part is missing.
        if !is_default_path(&path) {
            check_location(&path)?;
        }
        return Err(no_database(&path));
    }
    check_location(&path)?;
    if !writable(&path) {
        let desk = Desk::open_for_reading(&path, policies()?)?;
        eprintln!(
            "tuidesk: note: {} is read-only for you; writes are off",
            path.display()
        );
        return Ok(desk);
    }
    open_store(Some(&path))
}

/// Whether this process may write the database: the file, and either its directory (where
/// SQLite makes the -wal and -shm files) or those files where they already exist. Asks
/// access(2), which knows about read-only mounts as well as permissions.
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt as _;
    let can_write = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            // SAFETY: a NUL-terminated path that lives across the call.
            .is_ok_and(|c| unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0)
    };
    let sibling = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    can_write(path) && (can_write(dir) || ["-wal", "-shm"].iter().all(|s| can_write(&sibling(s))))
}

/// The error of a read on a database that does not exist.
pub fn no_database(path: &Path) -> anyhow::Error {
    anyhow!(
        "no database at {} (commands that write create it; run `tuidesk demo` for a sample)",
        path.display()
    )
}

/// Refuses a path whose directory is missing or that names a directory.
fn check_location(path: &Path) -> Result<()> {
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
    Ok(())
}

/// Before the TUI opens a database that does not exist yet: the default one is simply
/// created, but a named path may be a typo, so ask on the terminal (before the alternate
/// screen) and create nothing unless the answer is yes.
pub fn confirm_new_database(db: Option<&Path>) -> Result<()> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    let path = database_path(db)?;
    if path.exists() || is_default_path(&path) || crate::store::is_server_url(&path) {
        return Ok(());
    }
    check_location(&path)?;
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(no_database(&path));
    }
    let mut stderr = std::io::stderr();
    write!(
        stderr,
        "tuidesk: no database at {}. Create it? [y/N] ",
        path.display()
    )
    .and_then(|()| stderr.flush())
    .context("asking on the terminal")?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("reading the answer")?;
    if matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        bail!("no database at {}; nothing created", path.display())
    }
}
