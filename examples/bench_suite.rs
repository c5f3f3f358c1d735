//! The performance suite behind `scripts/bench.sh`: measures a filled database end to end
//! (real binary in a pseudo-terminal, the store in-process, the sqlite3 shell or psql for
//! comparison; `--db` takes a file path or a postgres:// URL) and prints each figure beside its target. Targets are reported, not asserted;
//! the exit status is non-zero only when a measurement cannot be taken.
//!
//! usage: bench_suite --db PATH --bin PATH [--gen-seconds S] [--quick] [--search-only]
//! (`--search-only`: only the full-text search figure, with each query's median; with
//! `BENCH_TRACE` set, each key press's time and wall-clock instant go to stderr, to line
//! them up with a server's statement log)

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Args {
    db: PathBuf,
    bin: PathBuf,
    gen_seconds: Option<f64>,
    quick: bool,
    search_only: bool,
}

fn parse_args() -> Result<Args> {
    let mut db = None;
    let mut bin = None;
    let mut gen_seconds = None;
    let mut quick = false;
    let mut search_only = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--db" => db = it.next().map(PathBuf::from),
            "--bin" => bin = it.next().map(PathBuf::from),
            "--gen-seconds" => gen_seconds = it.next().and_then(|s| s.parse().ok()),
            "--quick" => quick = true,
            "--search-only" => search_only = true,
            other => bail!(
                "unknown argument {other:?} (usage: --db PATH --bin PATH [--gen-seconds S] [--quick] [--search-only])"
            ),
        }
    }
    Ok(Args {
        db: db.ok_or_else(|| anyhow!("--db PATH is required"))?,
        bin: bin.ok_or_else(|| anyhow!("--bin PATH is required"))?,
        gen_seconds,
        quick,
        search_only,
    })
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

/// The TUI in a pseudo-terminal, with every byte it writes counted.
struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    pid: u32,
    /// The screen as the output so far draws it (fed frame by frame by `press`).
    screen: vt100::Parser,
    /// Bytes of `output` already fed to `screen`.
    parsed: usize,
}

/// Screen text with digits masked, so frames that differ only in countdowns compare equal.
fn masked(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Marks the end of a frame: each draw is one synchronized update.
const FRAME_END: &[u8] = b"\x1b[?2026l";

impl Tui {
    fn start(bin: &Path, db: &Path, cols: u16, rows: u16) -> Result<Tui> {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| anyhow!("opening a pty: {e}"))?;
        let mut cmd = CommandBuilder::new(bin);
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("TERM", "xterm-256color");
        cmd.env("TUIDESK_CONFIG", "/nonexistent/tuidesk-bench.toml");
        cmd.env_remove("TUIDESK_NOW");
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| anyhow!("starting tuidesk: {e}"))?;
        drop(pair.slave);
        let pid = child.process_id().ok_or_else(|| anyhow!("no pid"))?;
        let mut reader = pair.master.try_clone_reader().map_err(|e| anyhow!("{e}"))?;
        let writer = pair.master.take_writer().map_err(|e| anyhow!("{e}"))?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let _keep_master_open = pair.master;
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut o) = sink.lock() {
                    o.extend_from_slice(&buf[..n]);
                }
            }
        });
        Ok(Tui {
            child,
            writer,
            output,
            pid,
            screen: vt100::Parser::new(
                rows.try_into().map_err(|_| anyhow!("rows must be > 0"))?,
                cols.try_into().map_err(|_| anyhow!("cols must be > 0"))?,
                0,
            ),
            parsed: 0,
        })
    }

    fn len(&self) -> usize {
        self.output.lock().map(|o| o.len()).unwrap_or(0)
    }

    fn frames_since(&self, from: usize) -> usize {
        let o = match self.output.lock() {
            Ok(o) => o,
            Err(_) => return 0,
        };
        o[from.min(o.len())..]
            .windows(FRAME_END.len())
            .filter(|w| *w == FRAME_END)
            .count()
    }

    fn screen_contains(&self, needle: &str, cols: u16, rows: u16) -> bool {
        let o = match self.output.lock() {
            Ok(o) => o.clone(),
            Err(_) => return false,
        };
        let (Ok(r), Ok(c)) = (rows.try_into(), cols.try_into()) else {
            return false;
        };
        let mut parser = vt100::Parser::new(r, c, 0);
        parser.process(&o);
        parser.screen().contents().contains(needle)
    }

    /// Sends keys, waits until the screen has settled (no frame for 40 ms), and returns the
    /// milliseconds from the key to the first frame that already showed the settled screen.
    /// Frames are compared with digits masked: the once-a-second redraw that only moves the
    /// countdowns and the clock is not the key's answer when it lands after it, but a tick
    /// that delays the answer still counts, because the answer's frame comes later.
    fn press(&mut self, keys: &[u8], frames: usize) -> Result<f64> {
        let from = self.len();
        let start = Instant::now();
        self.writer.write_all(keys)?;
        self.writer.flush()?;
        let mut arrivals: Vec<Instant> = Vec::new();
        loop {
            let n = self.frames_since(from);
            while arrivals.len() < n {
                arrivals.push(Instant::now());
            }
            if arrivals.len() >= frames
                && arrivals
                    .last()
                    .is_some_and(|t| t.elapsed() > Duration::from_millis(40))
            {
                break;
            }
            if start.elapsed() > Duration::from_secs(5) {
                bail!("no frame within 5 s after {keys:?}");
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let output = self
            .output
            .lock()
            .map_err(|_| anyhow!("output lock poisoned"))?
            .clone();
        // Everything before the key, then one frame at a time.
        self.screen
            .process(&output[self.parsed.min(from)..from.min(output.len())]);
        self.parsed = from;
        let mut shots: Vec<String> = Vec::new();
        let mut pos = from;
        while let Some(at) = output[pos..]
            .windows(FRAME_END.len())
            .position(|w| w == FRAME_END)
        {
            let end = pos + at + FRAME_END.len();
            self.screen.process(&output[pos..end]);
            shots.push(masked(&self.screen.screen().contents()));
            pos = end;
        }
        self.screen.process(&output[pos..]);
        self.parsed = output.len();
        let settled = shots.last().cloned().unwrap_or_default();
        let first = shots.iter().position(|s| *s == settled).unwrap_or(0);
        let at = arrivals
            .get(first)
            .or(arrivals.last())
            .copied()
            .unwrap_or(start);
        Ok((at - start).as_secs_f64() * 1000.0)
    }

    fn cpu_ticks(&self) -> Result<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid))?;
        let after = stat.rsplit(')').next().unwrap_or("");
        let f: Vec<&str> = after.split_whitespace().collect();
        Ok(f.get(11).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0)
            + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0))
    }

    fn rss_mb(&self) -> Result<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let kb = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse::<f64>().ok())
            .ok_or_else(|| anyhow!("no VmRSS"))?;
        Ok(kb / 1024.0)
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) -> Result<Duration> {
    let start = Instant::now();
    while !cond() {
        if start.elapsed() > limit {
            bail!("timed out waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(start.elapsed())
}

struct Report {
    rows: Vec<(String, String, String)>,
}

impl Report {
    fn add(&mut self, what: &str, target: &str, measured: String) {
        println!("{what:<58} {measured:>24}   target {target}");
        self.rows.push((what.into(), target.into(), measured));
    }
}

/// Full-text search in-process: the suite's six queries, `runs` times each, first 50 hits;
/// the median over all, then each query's median and whether its ranking hit the bound.
fn measure_search(args: &Args, runs: usize, report: &mut Report) -> Result<()> {
    let store =
        tuidesk::desk::Desk::open(&args.db, Arc::new(tuidesk::config::policies::builtin()?))?;
    let now = chrono::Utc::now();
    let queries = [
        "region unavailable",
        "连接",
        "タイムアウト",
        "invoice",
        "TiKV",
        "发票",
    ];
    let mut search_ms = Vec::new();
    let mut per_query: Vec<(Vec<f64>, bool, usize)> = vec![(Vec::new(), false, 0); queries.len()];
    for _ in 0..runs {
        for (i, q) in queries.iter().enumerate() {
            let start = Instant::now();
            let found = store.search(q, 50, now)?;
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            search_ms.push(ms);
            per_query[i].0.push(ms);
            per_query[i].1 = found.bounded;
            per_query[i].2 = found.tickets.len();
        }
    }
    report.add(
        "full-text search to first results (50), median",
        "≤ 50 ms",
        format!("{:.1} ms", median(&mut search_ms)),
    );
    for (q, (mut ms, bounded, n)) in queries.iter().zip(per_query) {
        println!(
            "    {q:<20} median {:>7.1} ms  {n} hits{}",
            median(&mut ms),
            if bounded {
                ", ranked within the bound"
            } else {
                ""
            }
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let mut report = Report { rows: Vec::new() };
    let server = tuidesk::store::is_server_url(&args.db);
    if !server && !args.db.exists() {
        bail!(
            "{} does not exist; fill it with `tuidesk gen` first",
            args.db.display()
        );
    }
    if let Some(s) = args.gen_seconds {
        report.add(
            "tuidesk gen (as timed by the script)",
            "≤ 30 s for 1M",
            format!("{s:.1} s"),
        );
    }
    let runs = if args.quick { 3 } else { 9 };
    if args.search_only {
        return measure_search(&args, runs, &mut report);
    }

    // 1. Open to the first complete frame (queue rows and SLA pane loaded).
    let mut opens = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let tui = Tui::start(&args.bin, &args.db, 120, 40)?;
        wait_until("the first complete frame", Duration::from_secs(20), || {
            tui.screen_contains("▶", 120, 40) && tui.screen_contains("total", 120, 40)
        })?;
        opens.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    report.add(
        "open to first complete frame (pty, 120×40), median",
        "≤ 100 ms",
        format!("{:.1} ms", median(&mut opens)),
    );

    // 2. Key press to finished frame.
    let mut tui = Tui::start(&args.bin, &args.db, 120, 40)?;
    wait_until("the first frame", Duration::from_secs(20), || {
        tui.screen_contains("▶", 120, 40)
    })?;
    std::thread::sleep(Duration::from_millis(300));
    let presses = if args.quick { 20 } else { 200 };
    let mut all = Vec::new();
    let mut per_action: Vec<(&str, Vec<f64>)> = Vec::new();
    let actions: [(&str, &[u8]); 6] = [
        ("move (j)", b"j"),
        ("page (PgDn)", b"\x1b[6~"),
        ("page back (PgUp)", b"\x1b[5~"),
        ("open a ticket (Enter, Esc)", b"\r"),
        ("switch sort (s)", b"s"),
        ("switch filter (f, breached)", b"f"),
    ];
    for (name, keys) in actions {
        let mut times = Vec::new();
        for i in 0..presses / 4 {
            let t = match name {
                "open a ticket (Enter, Esc)" => {
                    let t = tui.press(keys, 1)?;
                    tui.press(b"\x1b", 1)?;
                    tui.press(b"j", 1)?;
                    t
                }
                "switch filter (f, breached)" => {
                    tui.press(b"f", 1)?;
                    // "breached" is the 4th entry of the filter menu.
                    tui.press(b"jjj", 3)?;
                    let t = tui.press(b"\r", 1)?;
                    let _ = i;
                    t
                }
                _ => tui.press(keys, 1)?,
            };
            if std::env::var_os("BENCH_TRACE").is_some() {
                eprintln!(
                    "{name} {i} {t:.1} ms (at {:?})",
                    std::time::SystemTime::now()
                );
            }
            times.push(t);
            std::thread::sleep(Duration::from_millis(3));
        }
        all.extend_from_slice(&times);
        per_action.push((name, times));
    }
    for (name, mut times) in per_action {
        report.add(
            &format!("  {name}: p99 (median)"),
            "≤ 16 ms p99",
            format!(
                "{:.1} ms ({:.1})",
                percentile(&mut times.clone(), 0.99),
                median(&mut times)
            ),
        );
    }
    report.add(
        "key press to finished frame, all keys, p99",
        "≤ 16 ms",
        format!("{:.1} ms", percentile(&mut all, 0.99)),
    );

    // 3. Memory and idle cost on the live screen.
    let rss = tui.rss_mb()?;
    report.add(
        "resident memory of the TUI",
        "≤ 50 MB",
        format!("{rss:.1} MB"),
    );
    let idle_secs = if args.quick { 3 } else { 10 };
    let ticks_per_sec = 100.0; // USER_HZ on Linux
    let cpu0 = tui.cpu_ticks()?;
    let bytes0 = tui.len();
    std::thread::sleep(Duration::from_secs(idle_secs));
    let cpu1 = tui.cpu_ticks()?;
    let bytes1 = tui.len();
    let cpu_pct = (cpu1 - cpu0) as f64 / ticks_per_sec / idle_secs as f64 * 100.0;
    report.add(
        "CPU when idle (live timers ticking)",
        "≤ 1% of a core",
        format!("{cpu_pct:.2} %"),
    );
    report.add(
        "bytes written to the terminal per one-second tick (120×40)",
        "≤ 2 KB",
        format!("{:.0} B", (bytes1 - bytes0) as f64 / idle_secs as f64),
    );
    drop(tui);

    // 4. Full-text search in-process.
    measure_search(&args, runs, &mut report)?;

    // 5. `ticket list --sort due --limit 50` against the sqlite3 shell on the same file.
    let mut ours = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let out = Command::new(&args.bin)
            .args(["--db"])
            .arg(&args.db)
            .args(["ticket", "list", "--sort", "due", "--limit", "50"])
            .output()
            .context("running ticket list")?;
        if !out.status.success() {
            bail!(
                "ticket list failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        ours.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let our_median = median(&mut ours);
    let sql = "SELECT t.id, t.severity, o.name, t.status, t.assignee, t.next_due, t.summary FROM tickets t JOIN orgs o ON o.id = t.org_id \
               WHERE t.status IN ('new','open','pending','on-hold') ORDER BY t.urgency, t.priority, t.id LIMIT 50;";
    // The same query in the backend's own shell: sqlite3 on the file, psql on the server.
    let shell = if server { "psql" } else { "sqlite3" };
    let mut theirs = Vec::new();
    let mut have_sqlite = true;
    for _ in 0..runs {
        let start = Instant::now();
        let mut cmd = Command::new(shell);
        if server {
            cmd.arg("-qAt").arg(&args.db).arg("-c").arg(sql);
        } else {
            cmd.arg(&args.db).arg(sql);
        }
        match cmd.output() {
            Ok(out) if out.status.success() => theirs.push(start.elapsed().as_secs_f64() * 1000.0),
            _ => {
                have_sqlite = false;
                break;
            }
        }
    }
    if have_sqlite {
        let their_median = median(&mut theirs);
        report.add(
            &format!("ticket list --sort due --limit 50 vs {shell} shell"),
            "within 3×",
            format!(
                "{our_median:.1} / {their_median:.1} ms = {:.2}×",
                our_median / their_median
            ),
        );
    } else {
        report.add(
            &format!("ticket list --sort due --limit 50 ({shell} shell missing)"),
            "within 3×",
            format!("{our_median:.1} ms"),
        );
    }

    // 6. SLA due-instant computations per second on one core (business-hours target).
    let reg = tuidesk::config::policies::builtin()?;
    let set = reg
        .get("connected-care")
        .ok_or_else(|| anyhow!("no connected-care"))?;
    let tz: chrono_tz::Tz = "Europe/Berlin".parse().map_err(|e| anyhow!("{e}"))?;
    let base = chrono::DateTime::parse_from_rfc3339("2026-03-06T17:30:00+01:00")?
        .with_timezone(&chrono::Utc);
    let n = if args.quick { 200_000 } else { 2_000_000 };
    let start = Instant::now();
    let mut sink = 0i64;
    for i in 0..n {
        let opened = base + chrono::Duration::seconds((i % 604_800) as i64);
        if let Ok(Some(d)) = tuidesk::sla::first_response_due(
            set,
            "developer",
            "S4",
            tz,
            std::hint::black_box(opened),
        ) {
            sink ^= d.timestamp();
        }
    }
    let per_sec = n as f64 / start.elapsed().as_secs_f64();
    std::hint::black_box(sink);
    report.add(
        "SLA due-instant computations (developer S4, Berlin)",
        "≥ 2,000,000 /s",
        format!("{:.2} M/s", per_sec / 1e6),
    );

    println!("\n{} figures measured", report.rows.len());
    Ok(())
}
