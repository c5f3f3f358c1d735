//! Placeholder until the TUI lands.
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;

use crate::clock::Clock;

pub fn run_default(db: Option<&Path>, as_user: Option<&str>) -> Result<()> {
    let path = crate::cli::database_path(db)?;
    run(&path, as_user, Arc::new(crate::clock::SystemClock))
}

pub fn run(path: &Path, _as_user: Option<&str>, _clock: Arc<dyn Clock>) -> Result<()> {
    println!("tuidesk TUI for {} is not built yet", path.display());
    Ok(())
}
