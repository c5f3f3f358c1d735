//! The event loop: keys, the one-second tick and database answers merge in one
//! `tokio::select!`; the screen redraws only when something changed. All database work runs
//! on its own thread, which also watches `PRAGMA data_version` for other processes' writes.

use std::io::{Stdout, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context as _, Result, anyhow};
use base64::Engine as _;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, KeyEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::app::{App, Request, Response};
use crate::clock::Clock;
use crate::desk::Desk;
use crate::domain::Actor;

pub fn run_default(db: Option<&Path>, as_user: Option<&str>) -> Result<()> {
    let path = crate::session::database_path(db)?;
    let clock: Arc<dyn Clock> = match std::env::var("TUIDESK_NOW") {
        Ok(s) if !s.is_empty() => Arc::new(crate::clock::FixedClock(crate::session::now()?)),
        _ => Arc::new(crate::clock::SystemClock),
    };
    run(&path, as_user, clock)
}

/// Restores the terminal however the TUI ends: normal exit, error or panic.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> Result<TerminalGuard> {
        terminal::enable_raw_mode()
            .context("switching the terminal to raw mode (is this a terminal?)")?;
        let guard = TerminalGuard;
        enter_screen().context("preparing the terminal")?;
        Ok(guard)
    }
}

/// The alternate screen, no cursor, and bracketed paste (a paste arrives as one event, so
/// a pasted log is never taken for keystrokes).
fn enter_screen() -> std::io::Result<()> {
    execute!(
        std::io::stdout(),
        terminal::EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )
}

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        EndSynchronizedUpdate,
        DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

/// Lets the event loop stop the input thread from reading the terminal while another
/// program (the user's `$EDITOR`) owns it.
#[derive(Default)]
struct InputPause {
    paused: AtomicBool,
    /// Set by the input thread once it has seen `paused` and stopped reading.
    idle: AtomicBool,
}

impl InputPause {
    fn pause(&self) {
        self.idle.store(false, Ordering::SeqCst);
        self.paused.store(true, Ordering::SeqCst);
        let start = Instant::now();
        while !self.idle.load(Ordering::SeqCst) && start.elapsed() < StdDuration::from_secs(1) {
            std::thread::sleep(StdDuration::from_millis(5));
        }
    }
    fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

enum Input {
    Event(Event),
    /// The terminal went away (SSH dropped): drafts are already saved, so just leave.
    Hangup,
}

/// The palette: `TUIDESK_THEME` over `theme` in config.toml over the dark default; a
/// mistake names where the name came from, before the terminal is touched.
fn theme_choice(
    from_file: Option<&str>,
    config_path: Option<&Path>,
) -> Result<crate::app::ThemeChoice> {
    if let Some(name) = std::env::var("TUIDESK_THEME")
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        return name.parse().map_err(|e| anyhow!("TUIDESK_THEME: {e}"));
    }
    match from_file {
        None => Ok(crate::app::ThemeChoice::default()),
        Some(name) => name.parse().map_err(|e| {
            let file = config_path
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            anyhow!("{file}: theme: {e}")
        }),
    }
}

pub fn run(path: &Path, as_user: Option<&str>, clock: Arc<dyn Clock>) -> Result<()> {
    let actor = crate::session::actor(as_user)?;
    let config_path = crate::config::config_path();
    let config = crate::config::load_config(config_path.as_deref())?;
    let keymap = crate::app::Keymap::with_overrides(&crate::app::keymap::KeyConfig {
        keys: config.keys.clone(),
    })
    .map_err(|e| {
        let file = config_path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        anyhow!("{file}: {e}")
    })?;
    let theme = theme_choice(config.theme.as_deref(), config_path.as_deref())?;
    let lang = crate::session::language_of(config.language.as_deref(), config_path.as_deref())?;
    let undo_seconds = crate::config::undo_seconds(&config, config_path.as_deref())?;
    // Open before touching the terminal, so a bad path is a plain error message.
    let store = crate::session::open_store(Some(path))?;
    let policies = store.policies().clone();
    let label = header_label(path);
    let mut app = App::new(actor.name.clone(), label, policies, keymap, clock.now());
    app.bell_enabled = config.bell;
    app.local_offset = *chrono::Local::now().offset();
    app.local_tz = local_zone();
    app.clock_speed = clock.speed();
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    app.theme = theme;
    app.lang = lang;
    app.undo_seconds = undo_seconds;
    app.notify = match config.notify.as_deref() {
        None => crate::app::NotifyStyle::Off,
        Some(name) => name.parse().map_err(|e| {
            let file = config_path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            anyhow!("{file}: notify: {e}")
        })?,
    };

    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous_hook(info);
    }));
    let _guard = TerminalGuard::enter()?;
    let mut terminal =
        Terminal::new(CrosstermBackend::new(std::io::stdout())).context("starting the terminal")?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .context("starting the event loop")?;
    runtime.block_on(event_loop(&mut terminal, &mut app, store, actor, clock))
}

async fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    store: Desk,
    actor: Actor,
    clock: Arc<dyn Clock>,
) -> Result<()> {
    let (input_tx, mut input_rx) = mpsc::unbounded_channel::<Input>();
    let pause = Arc::new(InputPause::default());
    let input_pause = pause.clone();
    std::thread::spawn(move || {
        loop {
            if input_pause.paused.load(Ordering::SeqCst) {
                input_pause.idle.store(true, Ordering::SeqCst);
                std::thread::sleep(StdDuration::from_millis(10));
                continue;
            }
            // Poll briefly rather than block in read(), so a pause takes effect at once.
            let ready = match crossterm::event::poll(StdDuration::from_millis(50)) {
                Ok(ready) => ready,
                Err(_) => {
                    let _ = input_tx.send(Input::Hangup);
                    break;
                }
            };
            if !ready {
                continue;
            }
            match crossterm::event::read() {
                Ok(ev) => {
                    if input_tx.send(Input::Event(ev)).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    let _ = input_tx.send(Input::Hangup);
                    break;
                }
            }
        }
    });
    let (request_tx, request_rx) = std_mpsc::channel::<Request>();
    let (response_tx, mut response_rx) = mpsc::unbounded_channel::<Response>();
    let db_clock = clock.clone();
    let cancel = Arc::new(crate::worker::SearchCancel::new(store.interrupter()));
    let db_cancel = cancel.clone();
    let lang = app.lang;
    // Told when the database thread has finished (its heartbeat removed), so quitting waits
    // for that instead of leaving a ghost viewer behind for others.
    let (done_tx, done_rx) = std_mpsc::channel::<()>();
    std::thread::spawn(move || {
        crate::worker::database_thread(
            store,
            actor,
            db_clock,
            request_rx,
            response_tx,
            db_cancel,
            lang,
        );
        let _ = done_tx.send(());
    });

    let send = |reqs: Vec<Request>| {
        for r in reqs {
            // Not queued behind the search it stops.
            if matches!(r, Request::CancelSearch) {
                cancel.cancel();
                continue;
            }
            let _ = request_tx.send(r);
        }
    };
    let size = terminal.size().context("reading the terminal size")?;
    let (rows, sla_rows) =
        crate::ui::capacity(ratatui::layout::Rect::new(0, 0, size.width, size.height));
    app.resize(rows, sla_rows);
    send(app.start());

    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .context("watching for hangups")?;
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("watching for SIGTERM")?;

    // A write's answer arrives as a burst (the written row, then the queue, counts and SLA
    // reloads it asks for): while answers the app itself asked for are still coming, the frame
    // waits for them (at most BURST_MAX), so one write draws one frame; anything else, keys
    // included, draws at once.
    let mut expected: usize = 0;
    let mut burst_deadline: Option<Instant> = None;
    loop {
        let settled = burst_deadline.is_none_or(|d| Instant::now() >= d);
        if app.dirty && settled {
            draw(terminal, app)?;
            burst_deadline = None;
            expected = 0;
        }
        if app.quit {
            break;
        }
        let tick_at = Instant::now() + next_tick_delay(&*clock);
        let wake_at = burst_deadline.map_or(tick_at, |d| tick_at.min(d));
        tokio::select! {
            input = input_rx.recv() => match input {
                Some(Input::Event(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    let reqs = app.handle_key(key);
                    send(reqs);
                    if let Some(text) = app.external_edit.take() {
                        let result = compose_externally(terminal, &pause, &text);
                        send(app.external_edit_done(result));
                    }
                    burst_deadline = None;
                }
                Some(Input::Event(Event::Paste(text))) => {
                    let reqs = app.handle_paste(&text);
                    send(reqs);
                    burst_deadline = None;
                }
                Some(Input::Event(Event::Resize(w, h))) => {
                    let (rows, sla_rows) = crate::ui::capacity(ratatui::layout::Rect::new(0, 0, w, h));
                    let _ = terminal.autoresize();
                    let reqs = app.resize(rows, sla_rows);
                    send(reqs);
                }
                Some(Input::Event(_)) => {}
                Some(Input::Hangup) | None => break,
            },
            response = response_rx.recv() => match response {
                Some(r) => {
                    // Everything already waiting joins this frame; the reloads an answer asks
                    // for are awaited before drawing.
                    let mut next = Some(r);
                    while let Some(r) = next {
                        expected = expected.saturating_sub(1);
                        let reqs = app.handle_response(r);
                        expected += reqs.len();
                        send(reqs);
                        next = response_rx.try_recv().ok();
                    }
                    burst_deadline = match expected {
                        0 => None,
                        _ => Some(burst_deadline.unwrap_or_else(|| Instant::now() + BURST_MAX)),
                    };
                }
                None => return Err(anyhow!("the database thread stopped unexpectedly")),
            },
            _ = tokio::time::sleep_until(wake_at.into()) => {
                if Instant::now() >= tick_at {
                    let reqs = app.tick(clock.now());
                    send(reqs);
                }
            }
            _ = hangup.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    // No more requests: the database thread removes this TUI's heartbeat and ends.
    drop(request_tx);
    let _ = done_rx.recv_timeout(StdDuration::from_secs(2));
    Ok(())
}

/// The longest a burst of answers may hold a frame back.
const BURST_MAX: StdDuration = StdDuration::from_millis(40);

/// Real time until the displayed clock reaches its next whole second, so every countdown on
/// screen changes together, aligned to the wall clock.
/// What the header names the desk by: a server database's name (never the host, the socket
/// directory or the password), else the SQLite file's name.
fn header_label(path: &Path) -> String {
    match path
        .to_str()
        .filter(|l| crate::store::postgres::is_postgres_url(l))
    {
        // The name as the URL parser reads it: the path after the hosts, not the last `/` of
        // the whole URL, which may sit in `?host=/socket/dir`.
        Some(url) => crate::store::postgres::database_name(url).unwrap_or_default(),
        None => path
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default(),
    }
}

fn next_tick_delay(clock: &dyn Clock) -> StdDuration {
    let speed = clock.speed();
    if speed <= 0.0 {
        return StdDuration::from_secs(1);
    }
    let ms_into_second = clock.now().timestamp_subsec_millis() as f64;
    let real_ms = ((1000.0 - ms_into_second) / speed).clamp(5.0, 1000.0);
    StdDuration::from_millis(real_ms as u64 + 2)
}

/// The engineer's IANA zone: `$TZ` when it names one, else the system's.
fn local_zone() -> Option<chrono_tz::Tz> {
    let from_env = std::env::var("TZ")
        .ok()
        .and_then(|tz| tz.trim_start_matches(':').parse::<chrono_tz::Tz>().ok());
    from_env.or_else(|| {
        iana_time_zone::get_timezone()
            .ok()
            .and_then(|tz| tz.parse::<chrono_tz::Tz>().ok())
    })
}

/// Hands the terminal to `$VISUAL`, else `$EDITOR`, else `vi`, on a temporary file holding
/// `text`, and takes it back; returns the file's text afterwards.
fn compose_externally(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    pause: &InputPause,
    text: &str,
) -> Result<String, String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let file = tempfile::Builder::new()
        .prefix("tuidesk-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("creating a temporary file: {e}"))?;
    // Ending in a newline, as editors leave files (the newline is taken off again after).
    let mut content = text.to_string();
    if !content.is_empty() && !content.ends_with('\n') {
        content.push('\n');
    }
    std::fs::write(file.path(), content).map_err(|e| format!("writing the temporary file: {e}"))?;
    pause.pause();
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    // Through the shell, as git does, so `EDITOR="code --wait"` works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status();
    let _ = terminal::enable_raw_mode();
    let _ = enter_screen();
    let _ = execute!(std::io::stdout(), terminal::Clear(terminal::ClearType::All));
    // A fresh Terminal has an empty previous frame, so the next draw repaints everything.
    // (`Terminal::clear` would ask the terminal for the cursor position first, a round trip
    // some terminals never answer.)
    if let Ok(fresh) = Terminal::new(CrosstermBackend::new(std::io::stdout())) {
        *terminal = fresh;
    }
    pause.resume();
    match status {
        Ok(s) if s.success() => {
            std::fs::read_to_string(file.path()).map_err(|e| format!("reading the text back: {e}"))
        }
        Ok(s) => Err(format!("{editor} ended with {s}; the text is unchanged")),
        Err(e) => Err(format!("starting {editor}: {e}")),
    }
}

fn draw(terminal: &mut Terminal<CrosstermBackend<Stdout>>, app: &mut App) -> Result<()> {
    // One synchronized update per frame: terminals that support it show no tearing.
    execute!(terminal.backend_mut(), BeginSynchronizedUpdate).context("drawing")?;
    terminal
        .draw(|f| crate::ui::draw(f, app))
        .context("drawing")?;
    if app.ring_bell {
        app.ring_bell = false;
        let _ = terminal.backend_mut().write_all(b"\x07");
    }
    for seq in app.notifications.drain(..) {
        // Built by app::notify::sequence: the customer text in it is already inert.
        let _ = terminal.backend_mut().write_all(seq.as_bytes());
    }
    if let Some(text) = app.clipboard.take() {
        // OSC 52: the terminal (even across SSH and, with set-clipboard, tmux) sets its
        // clipboard. The text is base64, so nothing in it reaches the terminal as a control.
        let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let _ = write!(terminal.backend_mut(), "\x1b]52;c;{encoded}\x07");
    }
    execute!(terminal.backend_mut(), EndSynchronizedUpdate).context("drawing")?;
    app.dirty = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_the_database_whatever_the_host() {
        for url in [
            "postgres://postgres@/hb_a?host=/tmp/tuidesk-pg-lead/socket",
            "postgres://postgres@%2Ftmp%2Ftuidesk-pg-lead%2Fsocket/hb_a",
            "postgres://desk:s3cret@db.example:5432/hb_a?sslmode=require",
            "postgres://postgres@/other?dbname=hb_a&host=/tmp/sock",
        ] {
            assert_eq!(header_label(Path::new(url)), "hb_a", "{url}");
        }
        assert_eq!(header_label(Path::new("/var/desk/team.db")), "team.db");
    }
}
