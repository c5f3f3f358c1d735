//! Progress of long transfers (export, import) on standard error, only when it is a
//! terminal: scripts and logs get the one result line. At most five updates a second; the
//! first as soon as data moves, so even a short run shows it once.

use std::io::{self, IsTerminal as _, Read, Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(200);

pub struct Progress {
    verb: &'static str,
    tty: bool,
    last: Option<Instant>,
    /// Bytes moved and lines seen so far; the total when known (the size of an import file).
    bytes: u64,
    lines: u64,
    total: Option<u64>,
    /// How many times the input was read from its start (a read's name is shown from the
    /// second on).
    reads: u32,
}

impl Progress {
    pub fn new(verb: &'static str, total: Option<u64>) -> Progress {
        Progress {
            verb,
            tty: io::stderr().is_terminal(),
            last: None,
            bytes: 0,
            lines: 0,
            total,
            reads: 0,
        }
    }

    fn advance(&mut self, data: &[u8]) {
        if !self.tty {
            return;
        }
        self.bytes += data.len() as u64;
        self.lines += data.iter().filter(|&&b| b == b'\n').count() as u64;
        if self.last.is_none_or(|t| t.elapsed() >= EVERY) {
            self.last = Some(Instant::now());
            self.show();
        }
    }

    fn show(&self) {
        let mb = self.bytes as f64 / 1e6;
        let of = match self.total {
            Some(t) if t > 0 => format!(
                " of {:.1} MB ({}%)",
                t as f64 / 1e6,
                (self.bytes * 100 / t).min(100)
            ),
            _ => String::new(),
        };
        let read = match self.reads {
            0 | 1 => None,
            2 => Some("checking"),
            _ => Some("writing (all or nothing)"),
        };
        let stage = read.map(|s| format!("; {s}")).unwrap_or_default();
        let _ = write!(
            io::stderr(),
            "\r\x1b[Ktuidesk: {}… {} lines, {mb:.1} MB{of}{stage}",
            self.verb,
            self.lines
        );
    }
}

/// Clears the progress line, however the transfer ended: the result or the error line
/// follows on a clean line.
impl Drop for Progress {
    fn drop(&mut self) {
        if self.tty && self.last.is_some() {
            let _ = write!(io::stderr(), "\r\x1b[K");
        }
    }
}

/// A writer that reports what passes through it.
pub struct Counting<W> {
    inner: W,
    progress: Progress,
}

impl<W> Counting<W> {
    pub fn new(inner: W, progress: Progress) -> Counting<W> {
        Counting { inner, progress }
    }

    /// The wrapped writer; the progress line is cleared.
    pub fn into_inner(self) -> W {
        let Counting { inner, progress } = self;
        drop(progress);
        inner
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.progress.advance(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(&buf[..n]);
        Ok(n)
    }
}

/// Import reads its file three times (to parse, to check, to write): each read starts over
/// at the beginning, and the progress line with it, naming the read.
impl<R: Read + Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        let at = self.inner.seek(pos)?;
        self.progress.bytes = at;
        if at == 0 {
            self.progress.reads += 1;
            self.progress.lines = 0;
            // Each read names itself at once, however quickly it runs.
            if self.progress.tty && self.progress.reads >= 2 {
                self.progress.last = Some(Instant::now());
                self.progress.show();
            }
        }
        Ok(at)
    }
}
