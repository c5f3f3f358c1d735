//! Standard output for commands and the demo. `println!` panics when a write fails, so `tuidesk … | head`
//! died with "Broken pipe" and exit 101; every write here returns its error instead. The
//! first failure is also remembered, so `main` can end a closed pipe quietly whatever the
//! error was wrapped in on its way up (the store turns I/O errors into text).

use std::fmt;
use std::io::{self, Write};
use std::sync::Mutex;

static FAILURE: Mutex<Option<io::ErrorKind>> = Mutex::new(None);

fn remember(e: &io::Error) {
    if let Ok(mut slot) = FAILURE.lock()
        && slot.is_none()
    {
        *slot = Some(e.kind());
    }
}

/// True once a write to standard output failed because the reader went away.
pub fn closed_pipe() -> bool {
    FAILURE
        .lock()
        .map(|slot| *slot == Some(io::ErrorKind::BrokenPipe))
        .unwrap_or(false)
}

/// Standard output as a `Write` that records its failures; wrap it in a `BufWriter` for
/// bulk output.
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stdout().lock().write(buf).inspect_err(remember)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        io::stdout().lock().write_all(buf).inspect_err(remember)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().lock().flush().inspect_err(remember)
    }
}

/// A failed write of a command's result. For a command that changed the database,
/// `committed` says what was done, so nobody retries a change that already happened.
#[derive(Debug)]
pub struct OutputError {
    committed: Option<String>,
    source: io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.committed {
            Some(done) => write!(f, "{done}; could not print it: {}", reason(&self.source)),
            None => write!(
                f,
                "could not write to standard output: {}",
                reason(&self.source)
            ),
        }
    }
}

impl std::error::Error for OutputError {}

impl OutputError {
    /// For a command that changed the database, says what was committed before the print
    /// failed (`ticket 42 created; could not print it: no space left on device`), so
    /// nobody retries a change that already happened.
    pub fn after(mut self, done: impl fmt::Display) -> OutputError {
        self.committed = Some(done.to_string());
        self
    }
}

impl From<io::Error> for OutputError {
    fn from(source: io::Error) -> OutputError {
        OutputError {
            committed: None,
            source,
        }
    }
}

/// "no space left on device", not "No space left on device (os error 28)".
pub fn reason(e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => &text[..],
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => format!("{:?}", e.kind()),
    }
}

/// Writes formatted text to standard output (the body of `outln!` and `out!`).
pub fn write_fmt(args: fmt::Arguments<'_>) -> Result<(), OutputError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_fmt(args)
        .and_then(|()| stdout.flush())
        .map_err(|source| {
            remember(&source);
            OutputError {
                committed: None,
                source,
            }
        })
}

/// Writes bytes to standard output unchanged.
pub fn write_bytes(data: &[u8]) -> Result<(), OutputError> {
    let mut stdout = Stdout;
    stdout
        .write_all(data)
        .and_then(|()| stdout.flush())
        .map_err(|source| OutputError {
            committed: None,
            source,
        })
}

/// `println!` that returns an `OutputError` instead of panicking.
macro_rules! outln {
    () => {
        $crate::out::write_fmt(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that returns an `OutputError` instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write_fmt(format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics: a warning that cannot be shown is not worth dying for.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub(crate) use {note, out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_like_prose() {
        let full = io::Error::from_raw_os_error(28);
        assert_eq!(reason(&full), "no space left on device");
        let other = io::Error::other("Boom");
        assert_eq!(reason(&other), "boom");
    }

    #[test]
    fn committed_names_what_was_done() {
        let err = OutputError::from(io::Error::from_raw_os_error(28)).after("ticket 42 created");
        assert_eq!(
            err.to_string(),
            "ticket 42 created; could not print it: no space left on device"
        );
    }
}
