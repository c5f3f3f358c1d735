//! A real SMTP server process for the tests (Python's aiosmtpd, `smtp_server.py` beside this
//! file), shared by `tests/mail_send.rs` and `tests/tui_pty.rs` (`#[path]` module).
//!
//! aiosmtpd must be installed (`pip install aiosmtpd`, as .ci/run does): under `CI=true`
//! the tests fail without it; elsewhere (a newcomer's plain `cargo test`) they print a note
//! saying they did not run, never pass silently.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub struct Smtp {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

/// Whether Python's aiosmtpd is there; without it, fails under `CI=true`, else says so.
pub fn available() -> bool {
    let check = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .output();
    if check.as_ref().is_ok_and(|o| o.status.success()) {
        return true;
    }
    let need = "these tests need Python's aiosmtpd: pip install aiosmtpd (.ci/run installs it)";
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{need}");
    eprintln!("note: mail sending tests did not run: {need}");
    false
}

impl Smtp {
    /// Starts the server storing what it receives under `dir/smtp`; `None` (with a note)
    /// when aiosmtpd is missing.
    pub fn start(dir: &Path, args: &[&str]) -> Option<Smtp> {
        if !available() {
            return None;
        }
        let out = dir.join("smtp");
        std::fs::create_dir_all(&out).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&out)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("the SMTP server did not start: {line:?}"))
            .parse()
            .unwrap();
        Some(Smtp {
            child,
            port,
            dir: out,
        })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    pub fn received(&self) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        for i in 1.. {
            match std::fs::read(self.dir.join(format!("{i}.eml"))) {
                Ok(b) => v.push(b),
                Err(_) => break,
            }
        }
        v
    }

    /// The envelope recipients of message `n` (1-based).
    pub fn recipients(&self, n: usize) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(format!("{n}.rcpt")))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
