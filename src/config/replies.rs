//! An engineer's own canned replies: `replies/NAME.md` beside `config.toml`. Each file is
//! checked like a shared template, so a mistake names the file before anything is inserted.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

use crate::reply_template::{self, ReplyTemplate, TemplateSource};

/// The folder of the engineer's own templates (`replies/` beside config.toml).
pub fn replies_dir() -> Option<PathBuf> {
    super::config_path().and_then(|p| p.parent().map(|d| d.join("replies")))
}

/// The engineer's own templates (none where there is no config folder).
pub fn own_reply_templates() -> Result<Vec<ReplyTemplate>> {
    match replies_dir() {
        Some(dir) => load_reply_files(&dir),
        None => Ok(Vec::new()),
    }
}

/// The `*.md` files of `dir`, sorted by name; a missing folder is no templates. A file whose
/// name or variables are wrong is an error naming it.
pub fn load_reply_files(dir: &Path) -> Result<Vec<ReplyTemplate>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") || !path.is_file() {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| anyhow!("{}: the file name is not UTF-8", path.display()))?
            .to_string();
        reply_template::check_name(&name).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let body = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        reply_template::validate(&body).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        out.push(ReplyTemplate {
            name,
            // A trailing newline is the file's, not the reply's.
            body: body.strip_suffix('\n').unwrap_or(&body).to_string(),
            source: TemplateSource::File(path.display().to_string()),
            updated_by: None,
            updated_at: None,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_md_files_sorted_and_names_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("zeta.md"), "Bye {{customer.name}}\n").unwrap();
        std::fs::write(dir.path().join("alpha.md"), "Hi {{cursor}}").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a template {{x}}").unwrap();
        let t = load_reply_files(dir.path()).unwrap();
        let names: Vec<_> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["alpha", "zeta"]);
        assert_eq!(t[1].body, "Bye {{customer.name}}");
        assert!(matches!(t[0].source, TemplateSource::File(ref p) if p.ends_with("alpha.md")));

        std::fs::write(dir.path().join("bad.md"), "Dear {{customer}}").unwrap();
        let e = load_reply_files(dir.path()).unwrap_err().to_string();
        assert!(e.contains("bad.md") && e.contains("customer"), "{e}");
        assert!(
            load_reply_files(&dir.path().join("missing"))
                .unwrap()
                .is_empty()
        );
    }
}
