//! The event loop: keys, the one-second tick and database answers merge in one
//! `tokio::select!`; the screen redraws only when something changed. All database work runs
//! on its own thread, which also watches `PRAGMA data_version` for other processes' writes.

use std::io::{Stdout, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration as StdDuration;

use anyhow::{Context as _, Result, anyhow};
use crossterm::event::{Event, KeyEventKind};
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
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )
        .context("preparing the terminal")?;
        Ok(guard)
    }
}

fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        EndSynchronizedUpdate,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
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
    // Open before touching the terminal, so a bad path is a plain error message.
    let store = crate::session::open_store(Some(path))?;
    let policies = store.policies().clone();
    let label = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut app = App::new(actor.name.clone(), label, policies, keymap, clock.now());
    app.bell_enabled = config.bell;
    app.local_offset = *chrono::Local::now().offset();
    app.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());

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
    std::thread::spawn(move || {
        loop {
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
    std::thread::spawn(move || {
        crate::worker::database_thread(store, actor, db_clock, request_rx, response_tx)
    });

    let send = |reqs: Vec<Request>| {
        for r in reqs {
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

    loop {
        if app.dirty {
            draw(terminal, app)?;
        }
        if app.quit {
            break;
        }
        let until_tick = next_tick_delay(&*clock);
        tokio::select! {
            input = input_rx.recv() => match input {
                Some(Input::Event(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    let reqs = app.handle_key(key);
                    send(reqs);
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
                    let reqs = app.handle_response(r);
                    send(reqs);
                }
                None => return Err(anyhow!("the database thread stopped unexpectedly")),
            },
            _ = tokio::time::sleep(until_tick) => {
                let reqs = app.tick(clock.now());
                send(reqs);
            }
            _ = hangup.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    Ok(())
}

/// Real time until the displayed clock reaches its next whole second, so every countdown on
/// screen changes together, aligned to the wall clock.
fn next_tick_delay(clock: &dyn Clock) -> StdDuration {
    let speed = clock.speed();
    if speed <= 0.0 {
        return StdDuration::from_secs(1);
    }
    let ms_into_second = clock.now().timestamp_subsec_millis() as f64;
    let real_ms = ((1000.0 - ms_into_second) / speed).clamp(5.0, 1000.0);
    StdDuration::from_millis(real_ms as u64 + 2)
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
    execute!(terminal.backend_mut(), EndSynchronizedUpdate).context("drawing")?;
    app.dirty = false;
    Ok(())
}
