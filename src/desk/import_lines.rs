//! The lines of an import file, read more than once: import checks the whole file before it
//! writes anything, then reads it again to write, so only a few facts per ticket stay in
//! memory however large the file is (a whole 1M-ticket file held as records took 1.95 GB).
//! Input that cannot be read twice (standard input, the pipe of `migrate`) is spooled to an
//! unnamed temporary file first.

use std::io::{BufRead, BufReader, Seek, SeekFrom};

use crate::store::{Result, StoreError};

/// Longest line accepted by import (a ticket with a large description and conversation).
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// An import's input: read line by line, and from the start (or a remembered line) again.
pub trait ImportInput: BufRead + Seek {}
impl<T: BufRead + Seek> ImportInput for T {}

/// Copies a one-pass reader into an unnamed temporary file (removed when dropped).
pub fn spool(input: &mut dyn BufRead) -> Result<BufReader<std::fs::File>> {
    let err = |e: std::io::Error| {
        StoreError::Other(format!(
            "copying the import to a temporary file in {}: {e}",
            std::env::temp_dir().display()
        ))
    };
    let mut file = tempfile::tempfile().map_err(err)?;
    std::io::copy(input, &mut file)
        .map_err(|e| StoreError::Other(format!("reading the import: {e}")))?;
    file.rewind().map_err(err)?;
    Ok(BufReader::with_capacity(1 << 20, file))
}

/// Where a line starts: its byte offset and its number (from 1), to come back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAt {
    pub offset: u64,
    pub line: usize,
}

/// Reads non-blank lines as UTF-8 text, each with its position.
pub struct Lines<'a> {
    input: &'a mut dyn ImportInput,
    /// The line last read (its buffer is reused for the next).
    text: String,
    next: LineAt,
}

impl<'a> Lines<'a> {
    /// From the start of the input.
    pub fn new(input: &'a mut dyn ImportInput) -> Result<Lines<'a>> {
        let mut lines = Lines {
            input,
            text: String::new(),
            next: LineAt { offset: 0, line: 1 },
        };
        lines.seek(LineAt { offset: 0, line: 1 })?;
        Ok(lines)
    }

    /// Continues at a line read before.
    pub fn seek(&mut self, at: LineAt) -> Result<()> {
        self.input
            .seek(SeekFrom::Start(at.offset))
            .map_err(|e| StoreError::Import {
                line: at.line,
                message: format!("cannot read: {e}"),
            })?;
        self.next = at;
        Ok(())
    }

    /// The next non-blank line (without its line end) and where it starts; `None` at the end.
    pub fn next_line(&mut self) -> Result<Option<(LineAt, &str)>> {
        let at = loop {
            let mut buf = std::mem::take(&mut self.text).into_bytes();
            buf.clear();
            let at = self.next;
            let reader: &mut dyn BufRead = &mut *self.input;
            let n = std::io::Read::take(reader, MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| StoreError::Import {
                    line: at.line,
                    message: format!("cannot read: {e}"),
                })?;
            if n == 0 {
                return Ok(None);
            }
            if buf.len() > MAX_LINE_BYTES {
                return Err(StoreError::Import {
                    line: at.line,
                    message: format!("line is longer than {MAX_LINE_BYTES} bytes"),
                });
            }
            self.next = LineAt {
                offset: at.offset + n as u64,
                line: at.line + 1,
            };
            self.text = String::from_utf8(buf).map_err(|_| StoreError::Import {
                line: at.line,
                message: "not valid UTF-8".into(),
            })?;
            if !self.text.trim().is_empty() {
                break at;
            }
        };
        Ok(Some((at, self.text.trim_end())))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    #[test]
    fn lines_keep_their_numbers_and_offsets_across_seeks() {
        let mut input = Cursor::new(b"a\n\n  \nbb\r\nccc".to_vec());
        let mut lines = Lines::new(&mut input).unwrap();
        let (a, text) = lines.next_line().unwrap().unwrap();
        assert_eq!((a, text), (LineAt { offset: 0, line: 1 }, "a"));
        let (b, text) = lines.next_line().unwrap().unwrap();
        assert_eq!((b, text), (LineAt { offset: 6, line: 4 }, "bb"));
        let (c, text) = lines.next_line().unwrap().unwrap();
        assert_eq!((c.line, text), (5, "ccc"));
        assert!(lines.next_line().unwrap().is_none());
        lines.seek(b).unwrap();
        assert_eq!(lines.next_line().unwrap().unwrap(), (b, "bb"));
    }

    #[test]
    fn bad_bytes_name_their_line() {
        let mut input = Cursor::new(b"ok\n\xff\xfe\n".to_vec());
        let mut lines = Lines::new(&mut input).unwrap();
        lines.next_line().unwrap();
        match lines.next_line() {
            Err(StoreError::Import { line, message }) => {
                assert_eq!((line, message.as_str()), (2, "not valid UTF-8"))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_one_pass_reader_is_spooled_whole() {
        let data = "x\n".repeat(100_000);
        let mut once: &[u8] = data.as_bytes();
        let mut spooled = spool(&mut once).unwrap();
        let mut lines = Lines::new(&mut spooled).unwrap();
        let mut n = 0;
        while lines.next_line().unwrap().is_some() {
            n += 1;
        }
        assert_eq!(n, 100_000);
    }
}
