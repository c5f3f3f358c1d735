//! End-to-end tests: the real `tuidesk` binary in a pseudo-terminal, its output fed to a
//! `vt100` terminal emulator. Data is prepared with the CLI against a throwaway database.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;

#[path = "common/pg.rs"]
mod pg;
#[path = "support/smtp.rs"]
mod smtp;

const BIN: &str = env!("CARGO_BIN_EXE_tuidesk");
const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// Records what the program asked the terminal to do besides drawing.
#[derive(Default)]
struct Recorder {
    titles: Vec<String>,
    clipboard: Vec<String>,
}

impl vt100::Callbacks for Recorder {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(String::from_utf8_lossy(name).into_owned());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        self.clipboard
            .push(String::from_utf8_lossy(data).into_owned());
    }
}

struct Term {
    parser: vt100::Parser<Recorder>,
    /// Every byte the program wrote, in order.
    raw: Vec<u8>,
    eof: bool,
}

/// A temporary home with its own database; the CLI and the TUI both run against it.
struct Desk {
    dir: TempDir,
    db: PathBuf,
}

impl Desk {
    /// A fresh database holding the organisation `acme` (ctyun / business, 24x7 targets).
    fn new() -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("desk.db");
        Desk::with_acme(dir, db)
    }

    /// The same on a PostgreSQL database (`url`): `--db` takes the URL.
    fn on_postgres(url: String) -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        Desk::with_acme(dir, PathBuf::from(url))
    }

    fn with_acme(dir: TempDir, db: PathBuf) -> Desk {
        let desk = Desk { dir, db };
        desk.cli(
            &[
                "org",
                "add",
                "acme",
                "--policy-set",
                "ctyun",
                "--plan",
                "business",
                "--tz",
                "Asia/Shanghai",
            ],
            None,
        );
        desk
    }

    /// The environment both the CLI and the TUI get: nothing from the developer's machine.
    fn env(&self) -> Vec<(String, String)> {
        let home = self.dir.path();
        vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), home.display().to_string()),
            (
                "XDG_CONFIG_HOME".into(),
                home.join("config").display().to_string(),
            ),
            (
                "XDG_DATA_HOME".into(),
                home.join("data").display().to_string(),
            ),
            (
                "TUIDESK_CONFIG".into(),
                home.join("no-such-config.toml").display().to_string(),
            ),
            ("TERM".into(), "xterm-256color".into()),
            // Replies and changes apply at once unless a test opens the undo window.
            ("TUIDESK_UNDO_SECONDS".into(), "0".into()),
        ]
    }

    /// Runs the CLI, optionally with the clock pinned, and returns its standard output.
    fn cli(&self, args: &[&str], now: Option<&str>) -> String {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .envs(self.env())
            .arg("--db")
            .arg(&self.db)
            .args(args);
        if let Some(now) = now {
            cmd.env("TUIDESK_NOW", now);
        }
        let out = cmd.output().expect("running the CLI");
        assert!(
            out.status.success(),
            "tuidesk {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("CLI output is UTF-8")
    }

    /// Runs the CLI with `input` on its standard input (at the real time); returns stdout.
    fn cli_stdin(&self, args: &[&str], input: &[u8], extra_env: &[(&str, &str)]) -> String {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .envs(self.env())
            .envs(extra_env.iter().copied())
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("running the CLI");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("writing the CLI's input");
        let out = child.wait_with_output().expect("waiting for the CLI");
        assert!(
            out.status.success(),
            "tuidesk {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("CLI output is UTF-8")
    }

    /// Files a ticket for `acme`; returns its id.
    fn ticket(&self, severity: &str, summary: &str, description: &str, now: Option<&str>) -> i64 {
        let out = self.cli(
            &[
                "ticket",
                "new",
                "--org",
                "acme",
                "--kind",
                "technical",
                "--severity",
                severity,
                "--summary",
                summary,
                "--description",
                description,
            ],
            now,
        );
        out.trim().parse().expect("ticket new prints the id")
    }

    fn tui(&self, cols: u16, rows: u16) -> Tui {
        self.tui_with(cols, rows, &[])
    }

    fn tui_with(&self, cols: u16, rows: u16, extra_env: &[(&str, &str)]) -> Tui {
        self.tui_full(cols, rows, extra_env, &[])
    }

    fn tui_full(
        &self,
        cols: u16,
        rows: u16,
        extra_env: &[(&str, &str)],
        extra_args: &[&str],
    ) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("opening a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.env_clear();
        for (k, v) in self.env().into_iter() {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        cmd.arg("--db");
        cmd.arg(&self.db);
        for a in extra_args {
            cmd.arg(a);
        }
        cmd.cwd(self.dir.path());
        let child = pair.slave.spawn_command(cmd).expect("spawning tuidesk");
        // Only the child may hold the slave side, or the reader would never see the end.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let term = Arc::new(Mutex::new(Term {
            parser: vt100::Parser::new_with_callbacks(
                rows.try_into().expect("rows > 0"),
                cols.try_into().expect("cols > 0"),
                0,
                Recorder::default(),
            ),
            raw: Vec::new(),
            eof: false,
        }));
        let shared = term.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut t = shared.lock().unwrap_or_else(|e| e.into_inner());
                        t.raw.extend_from_slice(&buf[..n]);
                        t.parser.process(&buf[..n]);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    // Linux reports EIO once the child side of the pty is closed.
                    Err(_) => break,
                }
            }
            shared.lock().unwrap_or_else(|e| e.into_inner()).eof = true;
        });
        Tui {
            term,
            writer,
            child,
            _master: pair.master,
        }
    }
}

struct Tui {
    term: Arc<Mutex<Term>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Tui {
    fn lock(&self) -> std::sync::MutexGuard<'_, Term> {
        self.term.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("writing to the pty");
        self.writer.flush().expect("flushing the pty");
    }

    fn text(&self) -> String {
        self.lock().parser.screen().contents()
    }

    /// Waits until `cond` holds for the screen, polling every 50 ms; fails with the screen
    /// printed. The view derefs to the screen's text and also offers panes and cells.
    fn wait_for(&self, what: &str, timeout: Duration, cond: impl Fn(&View) -> bool) {
        assert!(timeout <= TIMEOUT);
        let start = Instant::now();
        loop {
            {
                let t = self.lock();
                let view = View::new(t.parser.screen());
                if cond(&view) {
                    return;
                }
                if start.elapsed() >= timeout {
                    panic!(
                        "timed out after {timeout:?} waiting for {what}; screen:\n{}",
                        dump(view.screen)
                    );
                }
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the process to end and for its last output to be read.
    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("waiting for tuidesk") {
                break status;
            }
            assert!(
                start.elapsed() < timeout,
                "tuidesk did not exit within {timeout:?}; screen:\n{}",
                dump(self.lock().parser.screen())
            );
            std::thread::sleep(POLL);
        };
        while !self.lock().eof && start.elapsed() < timeout {
            std::thread::sleep(POLL);
        }
        status
    }

    fn pane(&self, title: &str) -> String {
        pane_text(self.lock().parser.screen(), title).unwrap_or_default()
    }
}

/// One look at the screen.
struct View<'a> {
    screen: &'a vt100::Screen,
    text: String,
}

impl<'a> View<'a> {
    fn new(screen: &'a vt100::Screen) -> View<'a> {
        View {
            screen,
            text: screen.contents(),
        }
    }

    /// The text inside the pane whose title starts with `title` (see [`pane_text`]).
    fn pane(&self, title: &str) -> String {
        pane_text(self.screen, title).unwrap_or_default()
    }
}

impl std::ops::Deref for View<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// The screen with row numbers, for failure messages.
fn dump(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .enumerate()
        .map(|(i, r)| format!("{i:>2}|{r}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn cell_text(screen: &vt100::Screen, row: u16, col: u16) -> String {
    match screen.cell(row, col) {
        Some(c) if c.has_contents() => c.contents().to_string(),
        Some(c) if c.is_wide_continuation() => String::new(),
        _ => " ".to_string(),
    }
}

/// The text inside a bordered pane whose title starts with `title` (`┌ Title ...┐`), one line
/// per row; `None` when no such pane is on screen.
fn pane_text(screen: &vt100::Screen, title: &str) -> Option<String> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let n = title.chars().count() as u16;
    for r in 0..rows {
        for left in 0..cols.saturating_sub(n + 2) {
            if cell_text(screen, r, left) != "┌" || cell_text(screen, r, left + 1) != " " {
                continue;
            }
            let here: String = (0..n).map(|i| cell_text(screen, r, left + 2 + i)).collect();
            if here != title {
                continue;
            }
            let right = (left + 1..cols).find(|&c| cell_text(screen, r, c) == "┐")?;
            let bottom = (r + 1..rows)
                .find(|&y| cell_text(screen, y, left) == "└")
                .unwrap_or(rows);
            let text = (r + 1..bottom)
                .map(|y| {
                    (left + 1..right)
                        .map(|c| cell_text(screen, y, c))
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("\n");
            return Some(text);
        }
    }
    None
}

/// Screen text with all runs of whitespace made one space (wrapped messages compare whole).
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// RFC 3339 for `seconds_ago` seconds before the real now.
fn ago(seconds_ago: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::seconds(seconds_ago)).to_rfc3339()
}

fn panes_shown(text: &str) -> bool {
    text.contains("┌ Queue") && text.contains("┌ Detail") && text.contains("┌ SLA")
}

/// The first screen row holding all of `needles`, with its index.
fn find_row(screen: &vt100::Screen, needles: &[&str]) -> Option<(u16, String)> {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .enumerate()
        .find(|(_, r)| needles.iter().all(|n| r.contains(n)))
        .map(|(i, r)| (i as u16, r))
}

/// Columns where `needle` starts in `row` (cell by cell, so wide characters count right).
fn find_col(screen: &vt100::Screen, row: u16, needle: &str) -> Option<u16> {
    let (_, cols) = screen.size();
    let chars: Vec<String> = needle.chars().map(String::from).collect();
    (0..cols.get()).find(|&c| {
        chars
            .iter()
            .enumerate()
            .all(|(i, ch)| cell_text(screen, row, c + i as u16) == *ch)
    })
}

fn is_red(c: vt100::Color) -> bool {
    matches!(c, vt100::Color::Idx(1) | vt100::Color::Idx(9))
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn three_panes_and_header_appear() {
    let desk = Desk::new();
    desk.ticket("urgent", "Database down", "primary is not answering", None);
    let tui = desk.tui(120, 40);
    tui.wait_for("the three panes", TIMEOUT, |t| {
        panes_shown(t) && t.contains("Database down")
    });
    tui.wait_for("the header with its counts", TIMEOUT, |t| {
        let header = t.lines().next().unwrap_or_default();
        header.contains("tuidesk")
            && header.contains("open 1")
            && header.contains("‼ 0 breached open")
    });
}

#[test]
fn j_moves_the_selection_and_detail_follows() {
    let desk = Desk::new();
    // Urgent is due first, so it is the first row.
    desk.ticket("urgent", "Alpha outage", "alphaword body", None);
    let second = desk.ticket("general", "Bravo question", "bravoword body", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the first ticket in Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("Alpha outage")
    });
    tui.send(b"j");
    tui.wait_for("the second ticket in Detail", TIMEOUT, |t| {
        let detail = t.pane("Detail");
        t.contains(&format!("Detail · #{second}"))
            && detail.contains("Bravo question")
            && detail.contains("bravoword")
            && !detail.contains("alphaword")
    });
    let queue = tui.pane("Queue");
    let row = queue.lines().find(|l| l.contains("Bravo question"));
    assert!(
        row.is_some_and(|l| l.starts_with('▶')),
        "the selection marker is not on the second row:\n{queue}"
    );
}

#[test]
fn search_finds_a_word_from_one_description() {
    let desk = Desk::new();
    desk.ticket("urgent", "Printer jam", "paper stuck in tray two", None);
    desk.ticket(
        "general",
        "Login fails",
        "password reset zebrafish loop",
        None,
    );
    desk.ticket("general", "Slow disk", "latency on volume three", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the queue with three tickets", TIMEOUT, |v| {
        let q = v.pane("Queue");
        q.contains("Printer jam") && q.contains("Login fails") && q.contains("Slow disk")
    });
    tui.send(b"/");
    tui.wait_for("the search prompt", TIMEOUT, |t| t.contains("Enter search"));
    tui.send(b"zebrafish\r");
    tui.wait_for("only the matching ticket in the queue", TIMEOUT, |t| {
        let q = t.pane("Queue");
        t.contains("search “zebrafish”")
            && q.contains("Login fails")
            && !q.contains("Printer jam")
            && !q.contains("Slow disk")
    });
}

#[test]
fn reply_is_sent_and_stored() {
    let desk = Desk::new();
    let id = desk.ticket("urgent", "Cannot log in", "since this morning", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the ticket in Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("Cannot log in")
    });
    tui.send(b"r");
    tui.wait_for("the reply editor", TIMEOUT, |t| {
        t.contains("Public reply to the customer")
    });
    let body = "We are on it now";
    tui.send(body.as_bytes());
    tui.wait_for("the typed text in the editor", TIMEOUT, |t| {
        t.contains(body)
    });
    tui.send(b"\x13"); // Ctrl-S
    tui.wait_for("the reply in the Detail pane", TIMEOUT, |t| {
        let detail = t.pane("Detail");
        !t.contains("Public reply to the customer")
            && detail.contains("conversation (1)")
            && detail.contains(body)
    });
    let json: serde_json::Value =
        serde_json::from_str(&desk.cli(&["ticket", "show", &id.to_string(), "--json"], None))
            .expect("ticket show --json is JSON");
    let conversation = json["conversation"]
        .as_array()
        .expect("a conversation array");
    assert!(
        conversation
            .iter()
            .any(|e| e["kind"] == "reply" && e["body"] == body),
        "the reply is not stored: {json:#}"
    );
}

#[test]
fn ticket_filed_by_another_process_appears_without_a_key() {
    let desk = Desk::new();
    desk.ticket("general", "Already here", "old", None);
    let tui = desk.tui(120, 40);
    tui.wait_for("the first ticket", TIMEOUT, |v| {
        v.pane("Queue").contains("Already here")
    });
    desk.ticket("urgent", "Filed elsewhere", "by a script", None);
    let filed = Instant::now();
    tui.wait_for(
        "the ticket filed by the CLI (no key pressed)",
        Duration::from_millis(2500),
        |t| t.pane("Queue").contains("Filed elsewhere") && t.contains("open 2"),
    );
    eprintln!("external ticket shown after {:?}", filed.elapsed());
}

#[test]
fn ticket_turns_red_while_watched() {
    let desk = Desk::new();
    // Opened 9 min 57 s ago with a 10-minute target: it breaches ~3 s from now.
    desk.ticket("urgent", "Clock runs out", "watch me", Some(&ago(597)));
    let tui = desk.tui(120, 40);
    tui.wait_for("the ticket still running", TIMEOUT, |v| {
        v.pane("Queue").contains("Clock runs out")
    });
    let queue = tui.pane("Queue");
    assert!(
        !queue.contains('‼') && queue.contains(" 00:00:0"),
        "the ticket should still be running when first shown:\n{queue}"
    );
    tui.wait_for("the row to breach", TIMEOUT, |t| {
        let q = t.pane("Queue");
        q.lines()
            .any(|l| l.contains("Clock runs out") && l.contains('‼') && l.contains("-00:00:0"))
            && t.contains("‼ 1 breached open")
    });
    let t = tui.lock();
    let screen = t.parser.screen();
    let (row, text) = find_row(screen, &["Clock runs out", "‼", "-00:00:0"]).expect("the row");
    let mut bad = Vec::new();
    for needle in ["‼", "-00:00:0"] {
        let col = find_col(screen, row, needle).expect("the cell");
        for i in 0..needle.chars().count() as u16 {
            let c = screen.cell(row, col + i).expect("a cell");
            if !is_red(c.fgcolor()) || !c.bold() {
                bad.push(format!(
                    "{:?} at {row},{}: fg {:?} bold {}",
                    c.contents(),
                    col + i,
                    c.fgcolor(),
                    c.bold()
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "breached cells are not red+bold in row {row} {text:?}: {bad:?}\n{}",
        dump(screen)
    );
}

#[test]
fn q_exits_cleanly_and_restores_the_terminal() {
    let desk = Desk::new();
    desk.ticket("general", "Goodbye", "-", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the panes", TIMEOUT, |t| panes_shown(t));
    assert!(tui.lock().parser.screen().alternate_screen());
    tui.send(b"q");
    let status = tui.wait_exit(TIMEOUT);
    assert!(status.success(), "exit status {status:?}");
    let t = tui.lock();
    assert!(t.eof, "the output did not end");
    let screen = t.parser.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "the cursor is still hidden");
    let last = |pat: &[u8]| t.raw.windows(pat.len()).rposition(|w| w == pat);
    let (enter, leave) = (last(b"\x1b[?1049h"), last(b"\x1b[?1049l"));
    assert!(
        enter.is_some() && leave > enter,
        "the stream does not end on the main screen"
    );
    assert!(
        last(b"\x1b[?25h") > last(b"\x1b[?25l"),
        "the stream does not end with the cursor shown"
    );
}

#[test]
fn no_color_keeps_breaches_visible_without_colour() {
    let desk = Desk::new();
    desk.ticket(
        "urgent",
        "Long overdue",
        "past its target",
        Some(&ago(15 * 60)),
    );
    desk.ticket("general", "Still fine", "running", None);
    let tui = desk.tui_with(120, 40, &[("NO_COLOR", "1")]);
    tui.wait_for("the breached row with its symbol", TIMEOUT, |t| {
        t.pane("Queue")
            .lines()
            .any(|l| l.contains("Long overdue") && l.contains('‼') && l.contains("-00:0"))
            && t.contains("‼ 1 breached open")
            && t.pane("Queue").contains("Still fine")
    });
    let t = tui.lock();
    let screen = t.parser.screen();
    let (rows, cols) = screen.size();
    let mut coloured = Vec::new();
    for r in 0..rows.get() {
        for c in 0..cols.get() {
            let cell = screen.cell(r, c).expect("a cell");
            if cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default {
                coloured.push((
                    r,
                    c,
                    cell.contents().to_string(),
                    cell.fgcolor(),
                    cell.bgcolor(),
                ));
            }
        }
    }
    assert!(
        coloured.is_empty(),
        "NO_COLOR=1 but {} cells are coloured, first: {:?}\n{}",
        coloured.len(),
        coloured.iter().take(5).collect::<Vec<_>>(),
        dump(screen)
    );
}

#[test]
fn hostile_ticket_text_stays_inert() {
    let desk = Desk::new();
    let evil = "\u{1b}]0;pwned\u{7} \u{1b}[2J \u{1b}]52;c;ZWNobyBoaQ==\u{7} \u{202e}rev";
    desk.ticket(
        "urgent",
        &format!("EvilSum {evil}"),
        &format!("EvilDesc {evil}"),
        None,
    );
    let tui = desk.tui(120, 40);
    tui.wait_for("the hostile ticket, shown inert", TIMEOUT, |t| {
        let detail = t.pane("Detail");
        t.pane("Queue").contains("EvilSum ␛]0;pwned␇")
            && detail.contains("EvilDesc ␛]0;pwned␇ ␛[2J ␛]52;c;ZWNobyBoaQ==␇ ⟨U+202E⟩rev")
            && t.contains("┌ Queue")
    });
    // Let a few more frames (ticks) through before judging the terminal's state.
    std::thread::sleep(Duration::from_millis(1100));
    let t = tui.lock();
    let screen = t.parser.screen();
    let text = screen.contents();
    assert!(
        text.contains("┌ Queue") && text.contains("EvilSum"),
        "the screen was cleared:\n{}",
        dump(screen)
    );
    let titles = &t.parser.callbacks().titles;
    assert!(
        titles.iter().all(|x| !x.contains("pwned")),
        "the window title was set: {titles:?}"
    );
    let clip = &t.parser.callbacks().clipboard;
    assert!(clip.is_empty(), "the clipboard was written: {clip:?}");
    let raw = &t.raw;
    for (what, pat) in [
        ("OSC 0", &b"\x1b]0;pwned"[..]),
        ("OSC 52", b"\x1b]52;"),
        ("ED 2J from the text", b"\x1b[2J \x1b]"),
        ("U+202E", "\u{202e}".as_bytes()),
    ] {
        assert!(
            !raw.windows(pat.len()).any(|w| w == pat),
            "{what} reached the terminal raw"
        );
    }
}

#[test]
fn small_terminals() {
    let desk = Desk::new();
    desk.ticket("urgent", "Tiny screen", "-", None);
    let tui = desk.tui(80, 24);
    tui.wait_for("the three panes at 80x24", TIMEOUT, |t| {
        panes_shown(t) && t.contains("Tiny screen") && t.contains("breached")
    });
    drop(tui);

    let mut tui = desk.tui(30, 8);
    tui.wait_for("a request for more room at 30x8", TIMEOUT, |t| {
        let s = squeeze(t);
        s.contains("needs at least") && s.contains("Enlarge it")
    });
    assert!(!panes_shown(&tui.text()));
    tui.send(b"q");
    let status = tui.wait_exit(TIMEOUT);
    assert!(status.success(), "q at 30x8: exit status {status:?}");
}

#[test]
fn order_is_requested_completed_and_rated_from_the_keyboard() {
    let desk = Desk::new();
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the queue", TIMEOUT, |v| panes_shown(v));
    tui.send(b"o");
    tui.wait_for("the Orders view", TIMEOUT, |v| {
        v.contains("No service orders yet")
    });
    tui.send(b"n");
    tui.wait_for("the order form", TIMEOUT, |v| {
        v.contains("New service order")
    });
    // Business allows level 3 event assurance with 5 days' notice; ask for 10.
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let start = (today + chrono::Duration::days(10)).to_string();
    let end = (today + chrono::Duration::days(11)).to_string();
    tui.send(b"\t\t\t"); // organization → kind → level → start
    tui.send(start.as_bytes());
    tui.send(b"\t");
    tui.send(end.as_bytes());
    tui.wait_for("inline validation to accept", TIMEOUT, |v| {
        v.contains("allowed by the plan")
    });
    tui.send(b"\x13"); // Ctrl-S
    tui.wait_for("the new order in the list", TIMEOUT, |v| {
        v.contains("order #1 requested") && v.pane("Orders").contains("processing")
    });
    // Complete it (the picker's first entry), then rate it.
    tui.send(b"C");
    tui.wait_for("the completion picker", TIMEOUT, |v| {
        v.contains("Complete order #1")
    });
    tui.send(b"\r");
    tui.wait_for("completion", TIMEOUT, |v| v.contains("order #1 completed"));
    tui.send(b"*");
    tui.wait_for("the rating form", TIMEOUT, |v| v.contains("Rate order #1"));
    tui.send(b"4\t2\t");
    tui.send("响应很快，报告清楚".as_bytes());
    tui.wait_for("the feedback counter", TIMEOUT, |v| {
        v.contains("Feedback 9/500")
    });
    tui.send(b"\x13");
    tui.wait_for("the rating in the list", TIMEOUT, |v| {
        v.contains("order #1 rated") && v.pane("Orders").contains("★4 ★2")
    });
    tui.wait_for("the feedback in the detail", TIMEOUT, |v| {
        v.pane("Order #1").contains("响应很快，报告清楚")
    });
    tui.send(b"q");
    tui.wait_exit(TIMEOUT);
    let json = desk.cli(&["order", "show", "1", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(&json).expect("order JSON");
    assert_eq!(v["status"], "completed");
    assert_eq!(v["level"], 3);
    assert_eq!(v["start"], start.as_str());
    assert_eq!(v["end"], end.as_str());
    assert_eq!(v["rating"]["speed"], 4);
    assert_eq!(v["rating"]["quality"], 2);
    assert_eq!(v["rating"]["feedback"], "响应很快，报告清楚");
}

// ---------------------------------------------------------------------------------------------
// Issue 13: acting on the right ticket, input that behaves, commands a user expects
// ---------------------------------------------------------------------------------------------

/// The body of the ticket's only conversation entry, as the CLI shows it.
fn only_entry(desk: &Desk, id: i64) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&desk.cli(&["ticket", "show", &id.to_string(), "--json"], None))
            .expect("ticket show --json is JSON");
    let conversation = json["conversation"].as_array().expect("a conversation");
    assert_eq!(conversation.len(), 1, "{json:#}");
    conversation[0]["body"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn enter_in_the_sla_pane_makes_every_action_act_on_that_ticket() {
    let desk = Desk::new();
    desk.ticket("urgent", "Queue first", "most urgent", None);
    let second = desk.ticket("general", "Second in SLA", "less urgent", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("both tickets in the SLA pane", TIMEOUT, |v| {
        let sla = v.pane("SLA");
        v.pane("Detail").contains("Queue first") && sla.contains(&format!("#{second}"))
    });
    tui.send(b"\x1b[Z"); // Shift-Tab: the SLA pane
    tui.send(b"j\r");
    tui.wait_for("the SLA pane's second ticket in Detail", TIMEOUT, |v| {
        v.contains(&format!("Detail · #{second}")) && v.pane("Detail").contains("Second in SLA")
    });
    tui.wait_for("the queue's selection on it too", TIMEOUT, |v| {
        v.pane("Queue")
            .lines()
            .any(|l| l.starts_with('▶') && l.contains("Second in SLA"))
    });
    tui.send(b"r");
    tui.wait_for("the reply editor naming that ticket", TIMEOUT, |v| {
        v.contains(&format!("reply to the customer · #{second} Second in SLA"))
    });
    tui.send(b"for the second");
    tui.send(b"\x13");
    tui.wait_for("the reply sent", TIMEOUT, |v| {
        v.pane("Detail").contains("for the second")
    });
    assert_eq!(only_entry(&desk, second), "for the second");
}

#[test]
fn a_10kb_paste_arrives_whole_and_keys_after_it_land_after_it() {
    let desk = Desk::new();
    let id = desk.ticket("urgent", "Paste a log", "-", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the ticket", TIMEOUT, |v| {
        v.pane("Detail").contains("Paste a log")
    });
    assert!(
        tui.lock().raw.windows(8).any(|w| w == b"\x1b[?2004h"),
        "bracketed paste is not enabled"
    );
    tui.send(b"r");
    tui.wait_for("the reply editor", TIMEOUT, |v| {
        v.contains("reply to the customer")
    });
    let log: String = (0..260)
        .map(|i| {
            format!(
                "2026-03-06 10:00:{:02} ERROR tikv: region {i:05} unavailable\n",
                i % 60
            )
        })
        .collect();
    assert!(log.len() >= 10_000, "{}", log.len());
    let mut bytes = b"\x1b[200~".to_vec();
    bytes.extend_from_slice(log.as_bytes());
    bytes.extend_from_slice(b"\x1b[201~");
    tui.send(&bytes);
    tui.send(b"TAIL");
    tui.wait_for("the end of the paste and the keys after it", TIMEOUT, |v| {
        v.contains("region 00259 unavailable") && v.contains("TAIL")
    });
    tui.send(b"\x13");
    tui.wait_for("the reply sent", TIMEOUT, |v| {
        !v.contains("reply to the customer")
    });
    assert_eq!(only_entry(&desk, id), format!("{log}TAIL"));
}

#[test]
fn a_multi_line_paste_into_a_one_line_field_stays_in_it() {
    let desk = Desk::new();
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the panes", TIMEOUT, |v| panes_shown(v));
    tui.send(b"n");
    tui.wait_for("the new-ticket form", TIMEOUT, |v| v.contains("New ticket"));
    tui.send(b"\t\t\t"); // organization → kind → severity → summary
    tui.send(b"\x1b[200~Disk full\r\non node 3\x1b[201~");
    tui.wait_for("the summary holding both lines", TIMEOUT, |v| {
        v.lines()
            .any(|l| l.contains("Summary") && l.contains("Disk full on node 3"))
    });
    let text = tui.text();
    let description = text
        .lines()
        .find(|l| l.contains("Description"))
        .unwrap_or_default()
        .to_string();
    assert!(
        !description.contains("node 3"),
        "the paste spilled into the description: {description}"
    );
}

#[test]
fn ctrl_e_composes_in_the_users_editor() {
    let desk = Desk::new();
    let id = desk.ticket("urgent", "Long answer", "-", None);
    let script = desk.dir.path().join("fake-editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf 'Written in the editor\\n' >> \"$1\"\n",
    )
    .expect("writing the editor script");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let script = script.display().to_string();
    let mut tui = desk.tui_with(120, 40, &[("EDITOR", script.as_str())]);
    tui.wait_for("the ticket", TIMEOUT, |v| {
        v.pane("Detail").contains("Long answer")
    });
    tui.send(b"r");
    tui.wait_for("the reply editor", TIMEOUT, |v| {
        v.contains("reply to the customer")
    });
    tui.send(b"Typed first");
    tui.wait_for("the typed text", TIMEOUT, |v| v.contains("Typed first"));
    tui.send(b"\x05"); // Ctrl-E
    tui.wait_for("the editor's text back in the TUI", TIMEOUT, |v| {
        v.contains("Written in the editor") && v.contains("reply to the customer")
    });
    assert!(
        tui.lock().parser.screen().alternate_screen(),
        "the TUI is back on the alternate screen"
    );
    // The draft was saved: the CLI is not involved, so check by sending.
    tui.send(b"\x13");
    tui.wait_for("the reply sent", TIMEOUT, |v| {
        !v.contains("reply to the customer")
    });
    assert_eq!(only_entry(&desk, id), "Typed first\nWritten in the editor");
}

#[test]
fn y_copies_the_ticket_with_osc_52() {
    use base64::Engine as _;
    let desk = Desk::new();
    let id = desk.ticket("urgent", "Copy me", "-", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the ticket", TIMEOUT, |v| {
        v.pane("Detail").contains("Copy me")
    });
    tui.send(b"y");
    tui.wait_for("the copy confirmed", TIMEOUT, |v| {
        v.contains("copied to the clipboard")
    });
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("#{id} Copy me"));
    let t = tui.lock();
    let osc = format!("\x1b]52;c;{expected}\x07");
    assert!(
        t.raw.windows(osc.len()).any(|w| w == osc.as_bytes()),
        "no OSC 52 with {expected} in the output"
    );
    assert!(
        !t.parser.callbacks().clipboard.is_empty(),
        "the terminal saw no clipboard request"
    );
}

#[test]
fn ctrl_c_asks_in_the_editor_and_quits_from_the_queue() {
    let desk = Desk::new();
    desk.ticket("urgent", "Interrupt me", "-", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the ticket", TIMEOUT, |v| {
        v.pane("Detail").contains("Interrupt me")
    });
    tui.send(b"r");
    tui.wait_for("the reply editor", TIMEOUT, |v| {
        v.contains("reply to the customer")
    });
    tui.send(b"half a thought");
    tui.wait_for("the typed text", TIMEOUT, |v| v.contains("half a thought"));
    tui.send(b"\x03");
    tui.wait_for("the discard question", TIMEOUT, |v| {
        v.contains("Discard this text?")
    });
    tui.send(b"y");
    tui.wait_for("the editor closed", TIMEOUT, |v| {
        !v.contains("Discard this text?") && panes_shown(v)
    });
    tui.send(b"\x03");
    let status = tui.wait_exit(TIMEOUT);
    assert!(status.success(), "Ctrl-C from the queue: {status:?}");
    assert!(!tui.lock().parser.screen().alternate_screen());
}

#[test]
fn colon_and_a_number_opens_that_ticket() {
    let desk = Desk::new();
    desk.ticket("urgent", "First one", "-", None);
    let other = desk.ticket("general", "The one I mean", "-", None);
    let mut tui = desk.tui(80, 24);
    tui.wait_for("the first ticket", TIMEOUT, |v| {
        v.pane("Detail").contains("First one")
    });
    tui.send(format!(":{other}\r").as_bytes());
    tui.wait_for("the ticket by number", TIMEOUT, |v| {
        v.contains(&format!("Detail · #{other}")) && v.pane("Detail").contains("The one I mean")
    });
    tui.send(b"#");
    tui.wait_for("the go-to prompt", TIMEOUT, |v| {
        v.contains("type a ticket number")
    });
    tui.send(b"1\r");
    tui.wait_for("ticket 1 by number", TIMEOUT, |v| {
        v.contains("Detail · #1 ")
    });
}

/// The directory of the local test cluster serving `url` (`…?host=DIR/socket`), whose
/// `scripts/pg-test-cluster.sh down|up DIR` stops and starts the server.
fn cluster_dir(url: &str) -> Option<PathBuf> {
    let host = url
        .split_once('?')?
        .1
        .split('&')
        .find_map(|p| p.strip_prefix("host="))?;
    let dir = std::path::Path::new(host).parent()?.to_path_buf();
    dir.join("data").is_dir().then_some(dir)
}

fn cluster(action: &str, dir: &std::path::Path) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-test-cluster.sh");
    let out = Command::new(script)
        .arg(action)
        .arg(dir)
        .output()
        .expect("running scripts/pg-test-cluster.sh");
    assert!(
        out.status.success(),
        "pg-test-cluster.sh {action}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Brings the server back even when the test fails half way.
struct ServerBack<'a>(&'a std::path::Path, bool);

impl Drop for ServerBack<'_> {
    fn drop(&mut self) {
        if self.1 {
            cluster("up", self.0);
        }
    }
}

/// Issue 15: two engineers' TUIs on one PostgreSQL database through separate connections.
/// A reply sent in one shows in the other within a second (LISTEN/NOTIFY, no polling of the
/// tables); then the server goes away under both: they say they are reconnecting, the text
/// typed meanwhile stays in the editor, and when the server is back both reload by
/// themselves, the draft typed while it was away is saved, and the reply sent afterwards
/// reaches the other screen again.
#[test]
fn two_tuis_on_postgres_share_replies_and_survive_a_server_restart() {
    let Some(server) = pg::Server::from_env() else {
        return;
    };
    let url = server.fresh_database();
    let Some(dir) = cluster_dir(&url) else {
        // A server that is not the local test cluster cannot be restarted from here.
        assert!(
            std::env::var("CI").is_err(),
            "CI runs the local test cluster (scripts/pg-test-cluster.sh); TUIDESK_TEST_PG={url}"
        );
        eprintln!("note: skipping the restart test: TUIDESK_TEST_PG is not the local test cluster");
        return;
    };
    let desk = Desk::on_postgres(url.clone());
    let id = desk.ticket("urgent", "Shared outage", "both engineers watch", None);
    let mut alice = desk.tui_full(120, 40, &[], &["--as", "alice"]);
    let mut bob = desk.tui_full(120, 40, &[], &["--as", "bob"]);
    for t in [&alice, &bob] {
        t.wait_for("the ticket in Detail", TIMEOUT, |v| {
            v.pane("Detail").contains("Shared outage")
        });
    }

    // A reply typed in one TUI appears in the other within one second.
    let first = "Alice is on it";
    alice.send(b"r");
    alice.wait_for("the reply editor", TIMEOUT, |v| {
        v.contains("Public reply to the customer")
    });
    alice.send(first.as_bytes());
    alice.wait_for("the typed text", TIMEOUT, |v| v.contains(first));
    alice.send(b"\x13"); // Ctrl-S
    alice.wait_for("the reply sent", TIMEOUT, |v| {
        v.pane("Detail").contains("conversation (1)")
    });
    let sent = Instant::now();
    bob.wait_for(
        "alice's reply on bob's screen within 1 s",
        Duration::from_secs(1),
        |v| v.pane("Detail").contains(first),
    );
    eprintln!("reply shown in the other TUI after {:?}", sent.elapsed());

    // Bob starts a reply; the server goes away while he types.
    bob.send(b"r");
    bob.wait_for("bob's editor", TIMEOUT, |v| {
        v.contains("Public reply to the customer")
    });
    let before = "Typed before the restart.";
    bob.send(before.as_bytes());
    bob.wait_for("bob's text", TIMEOUT, |v| v.contains(before));
    cluster("down", &dir);
    let mut back = ServerBack(&dir, true);
    for t in [&alice, &bob] {
        t.wait_for("the reconnecting notice", TIMEOUT, |v| {
            v.lines()
                .next()
                .unwrap_or_default()
                .contains("reconnecting")
        });
    }
    let during = " Typed while the server was away.";
    bob.send(during.as_bytes());
    bob.wait_for("every keystroke still in the editor", TIMEOUT, |v| {
        squeeze(v).contains(&squeeze(&format!("{before}{during}")))
    });
    // Long enough for the database thread to give up saving it (it keeps it for later).
    std::thread::sleep(Duration::from_secs(3));
    cluster("up", &dir);
    back.1 = false;
    for t in [&alice, &bob] {
        t.wait_for("the notice gone once the server is back", TIMEOUT, |v| {
            !v.lines()
                .next()
                .unwrap_or_default()
                .contains("reconnecting")
        });
    }
    // The draft typed while the server was away reached the database.
    let whole = format!("{before}{during}");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("the server is back");
        let draft: Option<String> = c
            .query_opt(
                // Named `bob`, or `OSUSER as bob` (the audit name of `--as`).
                "SELECT body FROM drafts
                 WHERE (actor = 'bob' OR actor LIKE '% as bob') AND ticket_id = $1",
                &[&id],
            )
            .expect("reading drafts")
            .map(|r| r.get(0));
        if draft.as_deref() == Some(whole.as_str()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "bob's draft after the restart is {draft:?}, not {whole:?}"
        );
        std::thread::sleep(POLL);
    }

    // Bob sends it; alice sees it within a second again, both on fresh sessions.
    bob.send(b"\x13");
    bob.wait_for("bob's reply sent", TIMEOUT, |v| {
        v.pane("Detail").contains("conversation (2)")
    });
    let sent = Instant::now();
    alice.wait_for(
        "bob's reply on alice's screen within 1 s after the restart",
        Duration::from_secs(1),
        |v| v.pane("Detail").contains("conversation (2)"),
    );
    eprintln!("reply after the restart shown after {:?}", sent.elapsed());
    let json: serde_json::Value =
        serde_json::from_str(&desk.cli(&["ticket", "show", &id.to_string(), "--json"], None))
            .expect("ticket show --json is JSON");
    let bodies: Vec<&str> = json["conversation"]
        .as_array()
        .expect("a conversation array")
        .iter()
        .filter_map(|e| e["body"].as_str())
        .collect();
    assert_eq!(
        bodies,
        vec![first, whole.as_str()],
        "nothing lost, nothing doubled"
    );
}

#[test]
fn mail_delivered_appears_live_and_a_reply_from_the_tui_is_mailed() {
    let desk = Desk::new();
    desk.cli(&["org", "contact", "acme", "--add", "@acme.example"], None);
    desk.ticket("general", "Already here", "old", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the first ticket", TIMEOUT, |v| {
        v.pane("Queue").contains("Already here")
    });
    let mail = "From: Li Na <li.na@acme.example>\r\n\
        To: support@desk.example\r\n\
        Subject: =?UTF-8?B?5pWw5o2u5bqT?= printer on fire\r\n\
        Message-ID: <pty-1@acme.example>\r\n\
        Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\
        \r\n\
        flames from tray two\r\n";
    let said = desk.cli_stdin(&["mail", "deliver"], mail.as_bytes(), &[]);
    let delivered = Instant::now();
    let id: i64 = said
        .trim()
        .strip_prefix("ticket ")
        .and_then(|r| r.strip_suffix(" opened"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("mail deliver said {said:?}"));
    tui.wait_for(
        "the mailed ticket in the queue (no key pressed)",
        Duration::from_secs(1),
        |v| v.pane("Queue").contains("数据库 printer on fire"),
    );
    eprintln!("delivered mail shown after {:?}", delivered.elapsed());
    tui.send(format!(":{id}\r").as_bytes());
    tui.wait_for("the mailed ticket in Detail", TIMEOUT, |v| {
        let d = v.pane("Detail");
        v.contains(&format!("Detail · #{id}"))
            && d.contains("flames from tray two")
            && d.contains("li.na@acme.example")
    });
    tui.send(b"r");
    tui.wait_for("the reply editor", TIMEOUT, |t| {
        t.contains("Public reply to the customer")
    });
    tui.send(b"Tray two is out of service now");
    tui.send(b"\x13"); // Ctrl-S
    tui.wait_for("the reply in Detail, queued for mail", TIMEOUT, |v| {
        let d = v.pane("Detail");
        !v.contains("Public reply to the customer")
            && d.contains("Tray two is out of service now")
            && d.contains("mail queued")
    });
    let Some(server) = smtp::Smtp::start(desk.dir.path(), &[]) else {
        return;
    };
    let from = "Desk <support@desk.example>";
    let said = desk.cli_stdin(
        &["mail", "send"],
        b"",
        &[
            ("TUIDESK_SMTP_URL", server.url().as_str()),
            ("TUIDESK_MAIL_FROM", from),
        ],
    );
    assert!(said.starts_with("sent "), "{said}");
    let got = server.received();
    assert_eq!(got.len(), 1, "one message reached the server");
    let m = mail_parser::MessageParser::default()
        .parse(&got[0])
        .expect("the sent message parses");
    assert_eq!(m.in_reply_to().as_text(), Some("pty-1@acme.example"));
    assert_eq!(m.references().as_text(), Some("pty-1@acme.example"));
    assert_eq!(
        m.subject(),
        Some(format!("Re: [#{id}] 数据库 printer on fire").as_str())
    );
    let to = m.to().and_then(|t| t.first()).and_then(|a| a.address());
    assert_eq!(to, Some("li.na@acme.example"));
    assert_eq!(server.recipients(1), vec!["li.na@acme.example".to_string()]);
    assert!(
        m.body_text(0)
            .is_some_and(|b| b.contains("Tray two is out of service now")),
        "{:?}",
        m.body_text(0)
    );
    // The TUI shows the delivery once `mail send` marked it.
    tui.wait_for("the reply marked sent in Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("mail sent")
    });
}

#[test]
fn a_customer_answer_on_my_ticket_flashes_and_shows_live() {
    let desk = Desk::new();
    desk.cli(&["org", "contact", "acme", "--add", "@acme.example"], None);
    let first = "From: li.na@acme.example\r\nSubject: VPN drops\r\n\
        Message-ID: <flash-1@acme.example>\r\n\r\nevery ten minutes\r\n";
    desk.cli_stdin(&["mail", "deliver"], first.as_bytes(), &[]);
    desk.ticket("general", "Someone else's", "-", None);
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the mailed ticket in Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("every ten minutes")
    });
    tui.send(b":1\r");
    tui.wait_for("ticket 1 in Detail", TIMEOUT, |v| v.contains("Detail · #1"));
    tui.send(b"c");
    tui.wait_for("the claim", TIMEOUT, |v| v.contains("#1 is yours"));
    let answer = "From: li.na@acme.example\r\nSubject: Re: [#1] VPN drops\r\n\
        Message-ID: <flash-2@acme.example>\r\n\r\nnow every minute\r\n";
    desk.cli_stdin(&["mail", "deliver"], answer.as_bytes(), &[]);
    let delivered = Instant::now();
    tui.wait_for(
        "the answer in Detail and the footer naming the ticket",
        Duration::from_secs(2),
        |v| {
            v.pane("Detail").contains("now every minute")
                && v.contains("the customer answered your ticket #1")
        },
    );
    eprintln!("customer answer shown after {:?}", delivered.elapsed());
    tui.wait_for("the row to flash (red, bold, reversed)", TIMEOUT, |v| {
        let Some((row, _)) = find_row(v.screen, &["VPN drops"]) else {
            return false;
        };
        let col = find_col(v.screen, row, "VPN").unwrap_or(0);
        v.screen
            .cell(row, col)
            .is_some_and(|c| is_red(c.fgcolor()) && c.bold())
    });
}

#[test]
fn triage_items_are_filed_and_discarded_from_the_keyboard() {
    let desk = Desk::new();
    for (n, from, subject) in [
        (1, "stranger@unknown.example", "Need a quote"),
        (2, "bot@spam.example", "Cheap pills"),
    ] {
        let mail = format!(
            "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <triage-{n}@x.example>\r\n\r\nhello {n}\r\n"
        );
        let said = desk.cli_stdin(&["mail", "deliver"], mail.as_bytes(), &[]);
        assert!(said.starts_with("triage item"), "{said}");
    }
    let mut tui = desk.tui(120, 40);
    tui.wait_for("the panes", TIMEOUT, |t| panes_shown(t));
    tui.send(b"m");
    tui.wait_for("the triage inbox", TIMEOUT, |v| {
        let p = v.pane("Triage");
        v.contains("Triage · 2 waiting") && p.contains("Need a quote") && p.contains("Cheap pills")
    });
    tui.wait_for("the first message", TIMEOUT, |v| {
        v.pane("Message").contains("hello 1")
    });
    tui.send(b"F");
    tui.wait_for("the file form", TIMEOUT, |v| {
        v.contains("File triage item 1")
    });
    tui.send(b"\r");
    tui.wait_for("the item filed as a ticket", TIMEOUT, |v| {
        v.contains("triage item 1 filed as #1 under acme") && v.contains("Triage · 1 waiting")
    });
    tui.send(b"D");
    tui.wait_for("the discard prompt", TIMEOUT, |v| {
        v.contains("Discard triage item 2")
    });
    tui.send(b"spam\r");
    tui.wait_for("the inbox empty", TIMEOUT, |v| {
        v.contains("Triage · 0 waiting") && v.contains("Nothing to triage")
    });
    let all: serde_json::Value =
        serde_json::from_str(&desk.cli(&["mail", "triage", "--all", "--json"], None))
            .expect("mail triage --json is JSON");
    assert_eq!(all[0]["state"], "filed");
    assert_eq!(all[0]["ticket"], 1);
    assert_eq!(all[1]["state"], "discarded");
    assert_eq!(all[1]["reason"], "spam");
    let t: serde_json::Value =
        serde_json::from_str(&desk.cli(&["ticket", "show", "1", "--json"], None))
            .expect("ticket show --json is JSON");
    assert_eq!(t["requester"]["address"], "stranger@unknown.example");
    // Back to the tickets: the filed one is in the queue.
    tui.send(b"m");
    tui.wait_for("the queue with the filed ticket", TIMEOUT, |v| {
        v.pane("Queue").contains("Need a quote")
    });
}

/// Issue 17 item 2: two engineers' TUIs on one desk. Opening the reply editor shows `✎ alice`
/// on the ticket in the other's queue and Detail; `r` there asks first; closing the editor
/// leaves `👁 alice` (still viewing it). Nothing is locked.
#[test]
fn two_engineers_see_who_views_and_who_writes() {
    let d = Desk::new();
    d.ticket("urgent", "Shared ticket", "both look at this", None);
    let mut alice = d.tui_full(120, 40, &[], &["--as", "alice"]);
    let mut bob = d.tui_full(120, 40, &[], &["--as", "bob"]);
    for t in [&alice, &bob] {
        t.wait_for("the queue", Duration::from_secs(10), |v| {
            v.contains("Shared ticket")
        });
    }
    alice.send(b"r");
    alice.wait_for("alice's editor", Duration::from_secs(5), |v| {
        v.contains("Public reply")
    });
    bob.wait_for("✎ alice in bob's queue", Duration::from_secs(5), |v| {
        v.contains("✎ alice") && v.contains("alice is writing on it")
    });
    bob.send(b"r");
    bob.wait_for("bob is asked first", Duration::from_secs(3), |v| {
        v.contains("alice is writing a reply on #")
    });
    bob.send(b"n");
    bob.wait_for("cancelled", Duration::from_secs(3), |v| {
        v.contains("reply not started")
    });
    alice.send(b"\x1b");
    bob.wait_for(
        "👁 alice once she stops writing",
        Duration::from_secs(5),
        |v| v.contains("👁 alice") && v.contains("alice is viewing it"),
    );
    alice.send(b"q");
    let _ = alice.wait_exit(Duration::from_secs(5));
    bob.wait_for(
        "alice gone when her TUI quits",
        Duration::from_secs(5),
        |v| !v.contains("alice is viewing it"),
    );
}

/// The stored replies of a ticket, as `ticket show --json` lists them.
fn stored_replies(desk: &Desk, id: i64) -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_str(&desk.cli(&["ticket", "show", &id.to_string(), "--json"], None))
            .expect("ticket show --json is JSON");
    json["conversation"]
        .as_array()
        .expect("a conversation")
        .iter()
        .filter(|e| e["kind"] == "reply")
        .map(|e| e["body"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Issue 17 item 3, two TUIs: a reply sent in alice's TUI waits in its undo window (counted
/// down on her screen) and is not in bob's TUI or the CLI meanwhile; it appears in both once
/// the window ends. A reply undone with `u` comes back into alice's editor and never appears.
#[test]
fn a_reply_in_its_undo_window_is_seen_only_after_it_and_u_takes_one_back() {
    let d = Desk::new();
    let id = d.ticket("urgent", "Shared ticket", "both look at this", None);
    let undo = [("TUIDESK_UNDO_SECONDS", "4")];
    let mut alice = d.tui_full(120, 40, &undo, &["--as", "alice"]);
    let bob = d.tui_full(120, 40, &[], &["--as", "bob"]);
    for t in [&alice, &bob] {
        t.wait_for("the ticket in Detail", TIMEOUT, |v| {
            v.pane("Detail").contains("Shared ticket")
        });
    }
    alice.send(b"r");
    alice.wait_for("alice's editor", TIMEOUT, |v| v.contains("Public reply"));
    alice.send(b"First answer");
    alice.wait_for("the text", TIMEOUT, |v| v.contains("First answer"));
    alice.send(b"\x13"); // Ctrl-S
    let countdown = format!("reply to #{id} sends in");
    alice.wait_for("the countdown", TIMEOUT, |v| {
        v.contains(&countdown) && v.contains("u undo") && !v.contains("Public reply")
    });
    // Inside the window: not stored as sent, not in bob's TUI.
    assert!(stored_replies(&d, id).is_empty(), "sent inside its window");
    assert!(!bob.text().contains("First answer"));
    let sent = format!("reply sent to #{id}");
    alice.wait_for("the reply sent once the window ends", TIMEOUT, |v| {
        v.contains(&sent) && !v.contains(&countdown)
    });
    bob.wait_for("the reply in bob's Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("First answer")
    });
    assert_eq!(stored_replies(&d, id), ["First answer"]);

    // A second reply, undone inside its window: the text is back in the editor.
    alice.send(b"r");
    alice.wait_for("alice's editor", TIMEOUT, |v| v.contains("Public reply"));
    alice.send(b"Second thought");
    alice.wait_for("the text", TIMEOUT, |v| v.contains("Second thought"));
    alice.send(b"\x13");
    alice.wait_for("the countdown", TIMEOUT, |v| {
        v.contains(&countdown) && !v.contains("Public reply")
    });
    alice.send(b"u");
    alice.wait_for("the text back in the editor", TIMEOUT, |v| {
        v.contains("Public reply") && v.contains("Second thought") && !v.contains(&countdown)
    });
    // Well past where the window would have ended: never sent, never seen by bob.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(stored_replies(&d, id), ["First answer"]);
    assert!(!bob.text().contains("Second thought"));
    assert!(
        alice.text().contains("Second thought"),
        "still in the editor"
    );
}

/// Issue 17 item 3, a crash inside the window: the TUI is killed (SIGKILL) while a reply
/// waits; nothing is sent; the next start shows it pending with the time left and then sends
/// it exactly once (the stored conversation and the export hold it once).
#[test]
fn a_reply_pending_when_the_tui_is_killed_is_shown_on_restart_and_sent_once() {
    let d = Desk::new();
    let id = d.ticket("urgent", "Crash ticket", "kill me", None);
    let undo = [("TUIDESK_UNDO_SECONDS", "6")];
    let mut tui = d.tui_full(120, 40, &undo, &[]);
    tui.wait_for("the ticket in Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("Crash ticket")
    });
    tui.send(b"r");
    tui.wait_for("the editor", TIMEOUT, |v| v.contains("Public reply"));
    tui.send(b"Survives a crash");
    tui.wait_for("the text", TIMEOUT, |v| v.contains("Survives a crash"));
    tui.send(b"\x13");
    let countdown = format!("reply to #{id} sends in");
    tui.wait_for("the countdown", TIMEOUT, |v| v.contains(&countdown));
    let pid = tui.child.process_id().expect("the TUI's pid");
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("running kill");
    assert!(killed.success());
    let _ = tui.wait_exit(Duration::from_secs(5));
    drop(tui);
    assert!(stored_replies(&d, id).is_empty(), "sent by a killed TUI");

    let restarted = d.tui_full(120, 40, &undo, &[]);
    restarted.wait_for("the reply shown pending after the restart", TIMEOUT, |v| {
        v.contains(&countdown) && v.contains("u undo")
    });
    assert!(stored_replies(&d, id).is_empty(), "sent before its time");
    let sent = format!("reply sent to #{id}");
    restarted.wait_for("sent when due", TIMEOUT, |v| {
        v.contains(&sent) && v.pane("Detail").contains("Survives a crash")
    });
    assert_eq!(stored_replies(&d, id), ["Survives a crash"]);
    // Still once after the TUI has run on a while, and once in the export.
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(stored_replies(&d, id), ["Survives a crash"]);
    let export = d.cli(&["export"], None);
    assert_eq!(export.matches("Survives a crash").count(), 1, "{export}");
}

/// The undo window runs in real seconds: on a pinned clock (`TUIDESK_NOW`, as scripts replay
/// a moment) a reply still goes out when its window ends, never stuck waiting for the clock.
#[test]
fn a_reply_waits_its_window_in_real_time_on_a_pinned_clock() {
    let d = Desk::new();
    let id = d.ticket("urgent", "Pinned", "clock stands still", None);
    let env = [
        ("TUIDESK_UNDO_SECONDS", "2"),
        ("TUIDESK_NOW", "2026-03-06T10:00:00Z"),
    ];
    let mut tui = d.tui_full(120, 40, &env, &[]);
    tui.wait_for("the ticket in Detail", TIMEOUT, |v| {
        v.pane("Detail").contains("Pinned")
    });
    tui.send(b"r");
    tui.wait_for("the editor", TIMEOUT, |v| v.contains("Public reply"));
    tui.send(b"Still goes out");
    tui.wait_for("the text", TIMEOUT, |v| v.contains("Still goes out"));
    let started = Instant::now();
    tui.send(b"\x13");
    tui.wait_for("waiting", TIMEOUT, |v| {
        v.contains(&format!("reply to #{id} sends soon · u undo"))
    });
    tui.wait_for("sent", TIMEOUT, |v| {
        v.contains(&format!("reply sent to #{id}"))
    });
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "sent after {:?}, inside its window",
        started.elapsed()
    );
    assert_eq!(stored_replies(&d, id), ["Still goes out"]);
}
