//! Untrusted text made safe for a terminal.
//!
//! Ticket text is written by customers, so it must never reach the terminal as
//! raw control characters or escape sequences: not in the TUI (ratatui drops a
//! grapheme holding a control but prints the rest of the sequence, lets bidi
//! overrides through and lets NUL break borders) and not in plain CLI output,
//! which bypasses ratatui altogether.
//!
//! Every function here accepts raw text and returns sanitised text, so calling
//! one on text that is already clean is harmless (sanitising is idempotent).
//!
//! What sanitising does to one line:
//! - C0 controls and DEL become their Unicode Control Picture (ESC -> `␛`,
//!   NUL -> `␀`, BEL -> `␇`, CR -> `␍`, DEL -> `␡`): one column each, and the
//!   glyph names the control.
//! - A newline becomes `↵` (in [`sanitize_line`]; the multi-line functions keep
//!   lines apart instead). `\r\n` counts as one newline.
//! - Tabs expand to spaces up to the next multiple of [`TAB_STOP`] columns.
//! - Characters with no Control Picture that could still act on the terminal or
//!   hide in the text are shown as `⟨U+XXXX⟩`: C1 controls (U+0080..U+009F, e.g.
//!   the 8-bit CSI U+009B), bidi controls (so they cannot reorder text), and
//!   invisible format characters (zero-width space, word joiner, line and
//!   paragraph separators, Hangul fillers, ...).
//! - Zero-width joiner and non-joiner are kept where scripts and emoji need
//!   them, and shown as `⟨U+200D⟩` when they sit on ASCII (`pay\u{200d}pal`) or
//!   on nothing. Tag characters are kept only inside a flag sequence (🏴 ...);
//!   elsewhere they are invisible "ASCII smuggling". A variation selector right
//!   after another one is shown too (data hidden in selectors).
//! - A byte-order mark at the start of a line and soft hyphens are dropped
//!   (terminals disagree on the soft hyphen's width).
//! - Halfwidth katakana (U+FF61..U+FF9F) is widened to ordinary katakana:
//!   terminals, `unicode-width` and ratatui 0.30 disagree about the width of its
//!   voiced sound marks, which would misalign or leave stale cells.
//! - A line that starts with a combining mark gets a dotted circle `◌` to carry
//!   it, so the mark cannot attach to a border or a prompt.
//! - The result is NFC-normalised.
//!
//! Widths are terminal columns as ratatui's buffer counts them (per grapheme
//! cluster, CJK and emoji = 2).

use std::borrow::Cow;

use unicode_normalization::char::{compose, decompose_compatible, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Shown in place of a newline inside a single display line.
pub const NEWLINE_MARK: char = '↵';
/// Ends a truncated string; one column wide.
pub const ELLIPSIS: char = '…';
/// Tabs expand to the next multiple of this many columns.
pub const TAB_STOP: usize = 4;
const DOTTED_CIRCLE: char = '\u{25CC}';

/// Hostile strings (name, text) shared by the text, TUI and CLI tests: none of
/// them may reach a terminal as anything but inert, visible characters.
pub const HOSTILE_SAMPLES: &[(&str, &str)] = &[
    ("osc-title-change", "before\x1b]0;pwned\x07after"),
    ("osc-title-st", "\x1b]2;fake title\x1b\\visible"),
    (
        "osc8-hyperlink",
        "\x1b]8;;https://evil.example/login\x1b\\click here\x1b]8;;\x1b\\",
    ),
    ("osc52-clipboard-write", "\x1b]52;c;ZWNobyBoaQ==\x07"),
    ("csi-clear-and-home", "\x1b[2J\x1b[Hscreen wiped"),
    (
        "csi-cursor-up-overwrite",
        "ok\x1b[1A\x1b[2Kfake status line",
    ),
    ("sgr-colour", "\x1b[31mred alert\x1b[0m"),
    ("sgr-conceal", "visible \x1b[8mhidden text\x1b[28m"),
    ("c1-csi-8bit", "\u{9b}31mred\u{9b}0m"),
    ("c1-osc-8bit", "\u{9d}0;pwned\u{9c}"),
    ("dcs-xtgettcap", "\x1bP+q544e\x1b\\"),
    ("dcs-8bit", "\u{90}1$r0m\u{9c}"),
    ("apc-kitty-graphics", "\x1b_Gf=100,a=T;AAAA\x1b\\"),
    ("report-window-title", "\x1b[21t"),
    ("decsc-fake-prompt", "\x1b7\x1b[1;1Hroot@prod:~# \x1b8"),
    ("bel", "ding\x07\x07\x07"),
    (
        "backspace-overwrite",
        "rm -rf /\x08\x08\x08\x08\x08\x08\x08\x08ls -la  ",
    ),
    ("cr-overwrite", "harmless command\rrm -rf ~/ #"),
    ("nul", "null\0byte\0"),
    ("del", "delete\x7f\x7fme"),
    ("vt-ff-nel", "a\x0bb\x0cc\u{85}d"),
    ("line-paragraph-separators", "one\u{2028}two\u{2029}three"),
    ("lone-trailing-esc", "trailing escape\x1b"),
    ("bidi-override-filename", "invoice_\u{202e}gnp.exe"),
    (
        "trojan-source-isolates",
        "if access_level != \"user\u{202e} \u{2066}// Check if admin\u{2069} \u{2066}\" {",
    ),
    (
        "bidi-embeddings",
        "\u{202a}LRE\u{202b}RLE\u{202c}PDF\u{202d}LRO",
    ),
    ("bidi-marks", "\u{200e}LRM\u{200f}RLM\u{61c}ALM"),
    ("zero-width-spoof", "pay\u{200b}pal\u{2060}.com\u{feff}"),
    ("zwj-on-ascii", "pay\u{200d}pal\u{200c}.com"),
    (
        "tag-smuggling",
        "hello\u{e0049}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}",
    ),
    (
        "variation-selector-smuggling",
        "ok\u{1f600}\u{e0100}\u{e0101}\u{e0102}",
    ),
    ("hangul-fillers", "\u{3164}\u{3164}\u{ffa0}"),
    ("combining-at-start", "\u{301}\u{301}x"),
    (
        "cjk-with-escapes",
        "数据库\x1b[31m连接失败\x1b[0m：\x1b]0;接続\x07",
    ),
    ("tabs-and-escapes", "col\t\x1b[5mblink\x1b[25m\tend"),
    ("multiline-mixed", "line1\nline2\r\nline3\rline4\n\x1b[2J"),
];

/// A count with thousands separated by commas: 5000 -> "5,000".
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What a search ranked when more matched than it ranks (TUI and CLI say the same).
pub fn search_bound_label(lang: crate::i18n::Lang) -> String {
    crate::tr!(
        lang,
        "search-bound",
        n = grouped(crate::store::SEARCH_RANKED)
    )
}

/// `s` right-aligned in at least `width` display columns; longer text is kept whole.
pub fn pad_left(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(display_width(s));
    format!("{}{s}", " ".repeat(pad))
}

/// `s` left-aligned in at least `width` display columns; longer text is kept whole.
pub fn pad_right(s: &str, width: usize) -> String {
    let pad = width.saturating_sub(display_width(s));
    format!("{s}{}", " ".repeat(pad))
}

/// `s` fitted to `width` columns and aligned right (display width, so CJK counts double).
pub fn right_align(s: &str, width: usize) -> String {
    let t = truncate_to_width(s, width);
    let pad = width.saturating_sub(display_width(&t));
    format!("{}{t}", " ".repeat(pad))
}

/// One display line: controls, escape sequences, bidi controls and invisible
/// format characters made visible and inert; tabs expanded; newlines shown as
/// `↵`; NFC-normalised. See the module documentation for the exact rules.
pub fn sanitize_line(s: &str) -> String {
    clean_line(s).into_owned()
}

/// Multi-line text (descriptions, replies), one sanitised string per line.
/// Splits on `\n` and `\r\n`; a lone `\r` becomes `␍`. Like [`str::lines`], a
/// final newline does not start another line, and `""` gives no lines.
pub fn sanitize_lines(s: &str) -> Vec<String> {
    s.lines().map(sanitize_line).collect()
}

/// For plain CLI output: the same guarantees as [`sanitize_line`], but every
/// newline is kept as a real `\n` (`\r\n` becomes `\n`), including a final one.
pub fn sanitize_block(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for piece in s.split_inclusive('\n') {
        match piece.strip_suffix('\n') {
            Some(line) => {
                out.push_str(&clean_line(line.strip_suffix('\r').unwrap_or(line)));
                out.push('\n');
            }
            None => out.push_str(&clean_line(piece)),
        }
    }
    out
}

/// Display width in terminal columns of the sanitised text, counted per
/// grapheme cluster (CJK and emoji = 2), as ratatui's buffer counts them.
pub fn display_width(s: &str) -> usize {
    clean_width(&clean_line(s))
}

/// Cut to at most `width` columns on grapheme boundaries. If anything was cut
/// the result ends with `…` (one column) and is still at most `width` columns;
/// a double-width glyph that would straddle the limit is left out whole.
/// `width == 0` gives `""`.
pub fn truncate_to_width(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let clean = clean_line(s);
    truncate_clean(&clean, width).0
}

/// [`truncate_to_width`], then right-padded with spaces to exactly `width`
/// columns (where a wide glyph would straddle the edge, a space fills its place).
pub fn fit_to_width(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let clean = clean_line(s);
    let (mut fitted, used) = truncate_clean(&clean, width);
    fitted.extend(std::iter::repeat_n(' ', width - used));
    fitted
}

/// Wraps text to `width` columns for the detail pane. Newlines in `s` are hard
/// breaks (each line is sanitised as by [`sanitize_lines`]). Lines break at
/// spaces in Latin text and between CJK glyphs (not before closing punctuation
/// such as `。` or `）`, nor after opening brackets); a word longer than the
/// width is broken between graphemes. Every output line is at most `width`
/// columns; at width 1 a double-width glyph, which cannot fit, is shown as `…`.
/// `width == 0` gives no lines.
pub fn wrap_to_width(s: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    if width == 0 {
        return out;
    }
    for line in s.lines() {
        wrap_clean_line(&clean_line(line), width, &mut out);
    }
    out
}

/// Sanitises one line, borrowing when there is nothing to do (the common case,
/// which keeps per-frame width and truncation calls cheap).
fn clean_line(s: &str) -> Cow<'_, str> {
    if is_already_clean(s) {
        return Cow::Borrowed(s);
    }
    let prepared = prepare(s);
    let mut out = String::with_capacity(prepared.len() + 16);
    push_sanitized(&prepared, &mut out);
    Cow::Owned(out)
}

fn is_already_clean(s: &str) -> bool {
    !s.chars().next().is_some_and(is_combining_mark)
        && s.chars().all(is_unremarkable)
        && is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// True for characters that need no look at all (the overwhelming majority).
fn is_unremarkable(c: char) -> bool {
    !(c < ' '
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || c == '\u{ad}'
        || is_shown_as_code(c)
        || is_contextual(c)
        || is_halfwidth_katakana(c))
}

/// Characters always shown as `⟨U+XXXX⟩`.
fn is_shown_as_code(c: char) -> bool {
    is_bidi_control(c)
        || matches!(c,
            '\u{80}'..='\u{9f}'
            | '\u{200b}'            // zero-width space
            | '\u{2060}'..='\u{2064}' // word joiner, invisible math operators
            | '\u{206a}'..='\u{206f}' // deprecated format characters
            | '\u{feff}'            // zero-width no-break space / BOM mid-line
            | '\u{180e}'            // Mongolian vowel separator
            | '\u{2028}' | '\u{2029}' // line / paragraph separator
            | '\u{fff9}'..='\u{fffb}' // interlinear annotation
            | '\u{3164}' | '\u{ffa0}' // Hangul fillers (invisible, used for blank names)
            | '\u{1bca0}'..='\u{1bca3}' // shorthand format controls
            | '\u{1d173}'..='\u{1d17a}' // musical format controls
        )
}

/// True when `s` holds nothing a terminal would act on or hide: no control
/// characters except `\n`, no bidi controls, no invisible format characters.
/// Every output of this module passes; TUI and CLI tests can assert it.
pub fn is_inert(s: &str) -> bool {
    !s.chars()
        .any(|c| (c.is_control() && c != '\n') || is_shown_as_code(c))
}

/// Bidi controls that can reorder the text around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters whose treatment depends on their grapheme cluster.
fn is_contextual(c: char) -> bool {
    matches!(
        c,
        '\u{200c}' | '\u{200d}' | '\u{e0000}'..='\u{e007f}' | '\u{115f}' | '\u{1160}'
    ) || is_variation_selector(c)
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

fn is_halfwidth_katakana(c: char) -> bool {
    ('\u{ff61}'..='\u{ff9f}').contains(&c)
}

fn is_hangul_filler(c: char) -> bool {
    matches!(c, '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}')
}

/// Removals and foldings, done before NFC so that the result stays normalised.
fn prepare(s: &str) -> Cow<'_, str> {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    let needs_edit = s.chars().any(|c| c == '\u{ad}' || is_halfwidth_katakana(c));
    let edited: Cow<'_, str> = if needs_edit {
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            match c {
                '\u{ad}' => {}
                '\u{ff9e}' | '\u{ff9f}' => push_sound_mark(&mut out, c),
                _ if is_halfwidth_katakana(c) => decompose_compatible(c, |d| out.push(d)),
                _ => out.push(c),
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    };
    if is_nfc_quick(edited.chars()) == IsNormalized::Yes {
        edited
    } else {
        Cow::Owned(edited.nfc().collect())
    }
}

/// A halfwidth (han)dakuten combines with the kana before it when it can
/// (`ｶﾞ` -> `ガ`), and otherwise becomes the spacing mark `゛`/`゜`.
fn push_sound_mark(out: &mut String, mark: char) {
    let (combining, spacing) = if mark == '\u{ff9e}' {
        ('\u{3099}', '\u{309b}')
    } else {
        ('\u{309a}', '\u{309c}')
    };
    if let Some(composed) = out
        .chars()
        .next_back()
        .and_then(|last| compose(last, combining))
    {
        out.pop();
        out.push(composed);
    } else {
        out.push(spacing);
    }
}

/// Replaces what cannot be shown as is, grapheme by grapheme. Only ever
/// substitutes or inserts starters, so NFC input stays NFC.
fn push_sanitized(line: &str, out: &mut String) {
    let line_start = out.len();
    // Column of `out[measured_to..]`'s start, for tab stops.
    let mut column = 0;
    let mut measured_to = out.len();
    for grapheme in line.graphemes(true) {
        if grapheme == "\r\n" {
            out.push(NEWLINE_MARK);
            continue;
        }
        let mut chars = grapheme.chars();
        let Some(base) = chars.next() else { continue };
        if out.len() == line_start && is_combining_mark(base) {
            out.push(DOTTED_CIRCLE);
        }
        let mut previous: Option<char> = None;
        for c in grapheme.chars() {
            match c {
                '\t' => {
                    column += clean_width(&out[measured_to..]);
                    let pad = TAB_STOP - column % TAB_STOP;
                    out.extend(std::iter::repeat_n(' ', pad));
                    column += pad;
                    measured_to = out.len();
                }
                '\n' => out.push(NEWLINE_MARK),
                '\0'..='\u{1f}' => out.push(control_picture(c)),
                '\u{7f}' => out.push('\u{2421}'),
                _ if is_shown_as_code(c) || is_hidden_here(c, base, previous, grapheme) => {
                    push_code(out, c)
                }
                _ => out.push(c),
            }
            previous = Some(c);
        }
    }
}

/// Contextual characters that would be invisible (or spoof) in this cluster.
fn is_hidden_here(c: char, base: char, previous: Option<char>, grapheme: &str) -> bool {
    match c {
        // On nothing, on ASCII or on a bare mark a joiner joins nothing visible.
        '\u{200c}' | '\u{200d}' => previous.is_none() || base.is_ascii() || is_combining_mark(base),
        '\u{e0000}'..='\u{e007f}' => base != '\u{1f3f4}',
        // A filler is only legitimate as part of a conjoining jamo syllable.
        '\u{115f}' | '\u{1160}' => !grapheme
            .chars()
            .any(|j| is_conjoining_jamo(j) && !is_hangul_filler(j)),
        _ if is_variation_selector(c) => previous.is_some_and(is_variation_selector),
        _ => false,
    }
}

fn is_conjoining_jamo(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{11ff}' | '\u{a960}'..='\u{a97f}' | '\u{d7b0}'..='\u{d7ff}')
}

fn control_picture(c: char) -> char {
    char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}')
}

fn push_code(out: &mut String, c: char) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(out, "⟨U+{:04X}⟩", u32::from(c));
}

/// Width of already-sanitised text: the sum of its grapheme clusters' widths,
/// which is what ratatui's buffer uses to place cells.
fn clean_width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Truncates sanitised text; returns the text and its width.
fn truncate_clean(s: &str, width: usize) -> (String, usize) {
    let total = clean_width(s);
    if total <= width {
        return (s.to_owned(), total);
    }
    let budget = width - 1; // room for the ellipsis
    let mut out = String::with_capacity(s.len().min(width * 4) + 3);
    let mut used = 0;
    for grapheme in s.graphemes(true) {
        let w = grapheme.width();
        if used + w > budget {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    let kept = out.trim_end_matches(' ').len();
    used -= out.len() - kept;
    out.truncate(kept);
    out.push(ELLIPSIS);
    (out, used + 1)
}

/// A grapheme (with any graphemes that start with a combining mark after it,
/// which must not begin a line) and how it takes part in line breaking.
struct Piece<'a> {
    text: &'a str,
    start: usize,
    width: usize,
    is_space: bool,
    /// Ideographic-like: a line may break before and after it.
    is_ideographic: bool,
    no_line_start: bool,
    no_line_end: bool,
}

impl<'a> Piece<'a> {
    fn new(start: usize, text: &'a str) -> Self {
        let width = text.width();
        let first = text.chars().next().unwrap_or(' ');
        Piece {
            text,
            start,
            width,
            is_space: text == " ",
            is_ideographic: width >= 2 || ('\u{3000}'..='\u{30ff}').contains(&first),
            no_line_start: is_no_line_start(first),
            no_line_end: is_no_line_end(first),
        }
    }
}

/// Closing punctuation and small kana, which CJK typesetting (kinsoku) keeps
/// off the start of a line; plus ASCII closers that follow CJK text.
fn is_no_line_start(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | '）'
            | '］'
            | '｝'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '〗'
            | '〙'
            | '〛'
            | '〞'
            | '〟'
            | 'ー'
            | '々'
            | '〻'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | '゛'
            | '゜'
            | '〜'
            | '～'
            | '％'
            | '…'
            | '‥'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ゕ'
            | 'ゖ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | '.'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
            | ']'
            | '}'
            | '%'
    ) || ('\u{31f0}'..='\u{31ff}').contains(&c)
}

/// Opening brackets, which stay with what follows them.
fn is_no_line_end(c: char) -> bool {
    matches!(
        c,
        '（' | '［'
            | '｛'
            | '「'
            | '『'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '〖'
            | '〘'
            | '〚'
            | '〝'
            | '('
            | '['
            | '{'
    )
}

/// May a line end just before `pieces[at]` (with `at > 0`)?
fn can_break_before(pieces: &[Piece<'_>], at: usize) -> bool {
    let before = &pieces[at - 1];
    let here = &pieces[at];
    if here.is_space {
        return false; // breaks happen after a run of spaces, not before it
    }
    if before.is_space {
        return true;
    }
    (before.is_ideographic || here.is_ideographic) && !here.no_line_start && !before.no_line_end
}

/// Splits a sanitised line into unbreakable pieces.
fn pieces(line: &str) -> Vec<Piece<'_>> {
    let mut pieces: Vec<Piece<'_>> = Vec::new();
    for (offset, grapheme) in line.grapheme_indices(true) {
        if grapheme.starts_with(is_combining_mark)
            && let Some(last) = pieces.last_mut()
        {
            last.text = &line[last.start..offset + grapheme.len()];
            last.width += grapheme.width();
            last.is_space = false;
            continue;
        }
        pieces.push(Piece::new(offset, grapheme));
    }
    pieces
}

fn wrap_clean_line(line: &str, width: usize, out: &mut Vec<String>) {
    let pieces = pieces(line);
    if pieces.is_empty() {
        out.push(String::new());
        return;
    }
    let emit = |from: usize, to: usize, out: &mut Vec<String>| {
        let mut end = to;
        while end > from && pieces[end - 1].is_space {
            end -= 1;
        }
        out.push(pieces[from..end].iter().map(|p| p.text).collect());
    };
    let mut start = 0;
    while start < pieces.len() {
        let mut used = 0;
        let mut next = start;
        let mut last_break = None;
        while next < pieces.len() {
            if next > start && can_break_before(&pieces, next) {
                last_break = Some(next);
            }
            if used + pieces[next].width > width {
                break;
            }
            used += pieces[next].width;
            next += 1;
        }
        if next == pieces.len() {
            out.push(pieces[start..].iter().map(|p| p.text).collect());
            break;
        }
        let end = if pieces[next].is_space {
            next
        } else if let Some(at) = last_break {
            at
        } else if next == start {
            // A glyph wider than the whole line (double width at width 1).
            out.push(ELLIPSIS.to_string());
            start += 1;
            continue;
        } else {
            next
        };
        let before = out.len();
        emit(start, end, out);
        start = end;
        while start < pieces.len() && pieces[start].is_space {
            start += 1;
        }
        // Leading spaces wider than the line: don't leave an empty line behind.
        if out.len() > before && out[before].is_empty() && start < pieces.len() {
            out.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        let g = |n| super::grouped(n);
        assert_eq!(
            [g(0), g(999), g(1000), g(5000), g(12345), g(1234567)],
            ["0", "999", "1,000", "5,000", "12,345", "1,234,567"]
        );
    }

    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::is_nfc;

    /// The guarantees every sanitised piece of text must meet.
    fn assert_inert(name: &str, out: &str, newline_allowed: bool) {
        for c in out.chars() {
            assert!(
                !(c.is_control() && !(newline_allowed && c == '\n')),
                "{name}: control {c:?} survived in {out:?}"
            );
            assert!(!is_bidi_control(c), "{name}: bidi control {c:?} in {out:?}");
            assert!(
                !is_shown_as_code(c),
                "{name}: invisible format char {c:?} in {out:?}"
            );
        }
        assert!(!out.contains('\u{1b}') && !out.contains('\u{9b}'), "{name}");
        assert!(is_inert(out), "{name}: {out:?}");
        assert!(is_nfc(out), "{name}: not NFC: {out:?}");
    }

    #[test]
    fn hostile_samples_are_inert_everywhere() {
        for (name, text) in HOSTILE_SAMPLES {
            let line = sanitize_line(text);
            assert_inert(name, &line, false);
            assert!(!line.is_empty(), "{name}: everything vanished");
            assert_ne!(&line, text, "{name}: sample is not hostile");
            for l in sanitize_lines(text) {
                assert_inert(name, &l, false);
            }
            assert_inert(name, &sanitize_block(text), true);
            for w in [1, 2, 7, 20, 80] {
                assert_inert(name, &truncate_to_width(text, w), false);
                assert_inert(name, &fit_to_width(text, w), false);
                for l in wrap_to_width(text, w) {
                    assert_inert(name, &l, false);
                    assert!(display_width(&l) <= w, "{name}: {l:?} wider than {w}");
                }
            }
            assert_eq!(sanitize_line(&line), line, "{name}: not idempotent");
        }
    }

    #[test]
    fn escapes_become_visible_placeholders() {
        assert_eq!(sanitize_line("a\x1b]0;pwned\x07b"), "a␛]0;pwned␇b");
        assert_eq!(sanitize_line("\x1b[2J\x1b[H"), "␛[2J␛[H");
        assert_eq!(sanitize_line("\u{9b}31m"), "⟨U+009B⟩31m");
        assert_eq!(sanitize_line("x\0y\x7f\x08"), "x␀y␡␈");
        assert_eq!(
            sanitize_line("invoice_\u{202e}gnp.exe"),
            "invoice_⟨U+202E⟩gnp.exe"
        );
        assert_eq!(sanitize_line("a\u{2066}b\u{2069}"), "a⟨U+2066⟩b⟨U+2069⟩");
        assert_eq!(sanitize_line("pay\u{200b}pal"), "pay⟨U+200B⟩pal");
        assert_eq!(sanitize_line("pay\u{200d}pal"), "pay⟨U+200D⟩pal");
    }

    #[test]
    fn newlines_and_carriage_returns() {
        assert_eq!(sanitize_line("a\nb\r\nc\rd"), "a↵b↵c␍d");
        assert_eq!(sanitize_lines("a\nb\r\nc\rd\n"), ["a", "b", "c␍d"]);
        assert_eq!(sanitize_lines("a\n\nb"), ["a", "", "b"]);
        assert!(sanitize_lines("").is_empty());
        assert_eq!(sanitize_block("a\r\nb\x1b[0m\n"), "a\nb␛[0m\n");
    }

    #[test]
    fn tabs_expand_to_the_next_stop() {
        assert_eq!(sanitize_line("\tx"), "    x");
        assert_eq!(sanitize_line("ab\tc"), "ab  c");
        assert_eq!(sanitize_line("abcd\te"), "abcd    e");
        // CJK counts two columns towards the stop.
        assert_eq!(sanitize_line("数\tx"), "数  x");
        assert_eq!(sanitize_line("a\t\tb"), "a       b");
        // Placeholders count too.
        assert_eq!(sanitize_line("\x1b\tx"), "␛   x");
        assert_eq!(sanitize_lines("ab\n\tc"), ["ab", "    c"]);
    }

    #[test]
    fn legitimate_invisibles_survive() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(sanitize_line(family), family);
        assert_eq!(display_width(family), 2);
        let england = "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}";
        assert_eq!(sanitize_line(england), england);
        let heart = "❤\u{fe0f}";
        assert_eq!(sanitize_line(heart), heart);
        // Persian uses ZWNJ between letters.
        let persian = "می\u{200c}خواهم";
        assert_eq!(sanitize_line(persian), persian);
        assert_eq!(sanitize_line("hi\u{e0041}"), "hi⟨U+E0041⟩");
    }

    #[test]
    fn normalises_to_nfc() {
        assert_eq!(sanitize_line("e\u{301}"), "\u{e9}");
        assert_eq!(display_width("cafe\u{301}"), 4);
        assert_eq!(sanitize_line("\u{301}x"), "◌\u{301}x");
        assert_eq!(sanitize_line("\u{feff}BOM"), "BOM");
        assert_eq!(sanitize_line("Logistik\u{ad}zentrum"), "Logistikzentrum");
        // Halfwidth katakana is widened, sound marks composed.
        assert_eq!(sanitize_line("ｶﾞｲﾄﾞ"), "ガイド");
        assert_eq!(sanitize_line("aﾞ"), "a゛");
    }

    #[test]
    fn cjk_widths() {
        assert_eq!(display_width("数据库连接失败"), 14);
        assert_eq!(display_width("接続がタイムアウトしました"), 26);
        assert_eq!(display_width("TiKV 节点 OOM"), 13);
        assert_eq!(display_width("\x1b[31m"), 5); // ␛[31m
    }

    #[test]
    fn truncation_respects_width() {
        assert_eq!(truncate_to_width("数据库连接失败", 14), "数据库连接失败");
        assert_eq!(truncate_to_width("数据库连接失败", 13), "数据库连接失…");
        assert_eq!(truncate_to_width("数据库连接失败", 7), "数据库…");
        assert_eq!(truncate_to_width("数据库连接失败", 6), "数据…");
        for w in 0..=15 {
            let t = truncate_to_width("数据库连接失败", w);
            assert!(display_width(&t) <= w, "{t:?} at {w}");
            let f = fit_to_width("数据库连接失败", w);
            assert_eq!(display_width(&f), w, "{f:?} at {w}");
        }
        assert_eq!(
            truncate_to_width("接続がタイムアウトしました", 9),
            "接続がタ…"
        );
        assert_eq!(truncate_to_width("anything", 0), "");
        assert_eq!(truncate_to_width("anything", 1), "…");
        assert_eq!(truncate_to_width("slow query", 6), "slow…");
        assert_eq!(
            truncate_to_width("👨\u{200d}👩\u{200d}👧 ok", 3),
            "👨\u{200d}👩\u{200d}👧…"
        );
        assert_eq!(truncate_to_width("e\u{301}e\u{301}e\u{301}", 2), "\u{e9}…");
    }

    #[test]
    fn fit_pads_where_wide_glyphs_straddle() {
        assert_eq!(fit_to_width("数据库", 10), "数据库    ");
        assert_eq!(fit_to_width("数据库连接", 6), "数据… ");
        assert_eq!(fit_to_width("ab", 0), "");
        assert_eq!(fit_to_width("\x1b[2J", 4), "␛[2J");
    }

    #[test]
    fn wraps_latin_at_spaces() {
        assert_eq!(
            wrap_to_width("TiKV region unavailable after upgrade", 12),
            ["TiKV region", "unavailable", "after", "upgrade"]
        );
        assert_eq!(wrap_to_width("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap_to_width("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(wrap_to_width("  indented line", 20), ["  indented line"]);
        assert!(wrap_to_width("anything", 0).is_empty());
    }

    #[test]
    fn wraps_cjk_between_glyphs_with_kinsoku() {
        assert_eq!(
            wrap_to_width("数据库连接失败", 6),
            ["数据库", "连接失", "败"]
        );
        assert_eq!(
            wrap_to_width("数据库连接失败", 5),
            ["数据", "库连", "接失", "败"]
        );
        // "。" may not start a line: "败" moves down with it.
        assert_eq!(wrap_to_width("连接失败。", 8), ["连接失", "败。"]);
        // An opening bracket stays with what follows.
        assert_eq!(wrap_to_width("数据「连接」", 6), ["数据", "「连", "接」"]);
        assert_eq!(wrap_to_width("TiKV节点宕机", 7), ["TiKV节", "点宕机"]);
        assert_eq!(wrap_to_width("接続がタイムアウト", 1), ["…"; 9]);
    }

    fn hostile_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => any::<char>(),
            2 => prop::char::range('\0', '\u{a0}'),
            1 => prop::sample::select(vec![
                '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}',
                '\u{2069}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{feff}', '\u{ad}',
                '\u{301}', '\u{3099}', '\u{ff76}', '\u{ff9e}', '\u{ff9f}', '\u{fe0f}',
                '\u{e0100}', '\u{e0041}', '\u{1f3f4}', '\u{1f468}', '\u{3164}', '\u{115f}',
                '\u{1160}', '\u{1161}', '\u{1100}', '数', '接', '。', '「', ' ', ' ', 'a',
                '\u{2028}', '\u{85}', '\u{25cc}', '…',
            ]),
            2 => prop::char::range('\u{3000}', '\u{9fff}'),
        ]
    }

    fn hostile_string() -> impl Strategy<Value = String> {
        prop::collection::vec(hostile_char(), 0..60).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn sanitize_line_is_inert_for_any_string(s in any::<String>()) {
            let out = sanitize_line(&s);
            assert_inert("any", &out, false);
            prop_assert_eq!(sanitize_line(&out), out);
        }

        #[test]
        fn sanitizing_is_inert_for_hostile_strings(s in hostile_string()) {
            let out = sanitize_line(&s);
            assert_inert("hostile", &out, false);
            prop_assert_eq!(sanitize_line(&out), out.clone());
            prop_assert_eq!(display_width(&out), display_width(&s));
            assert_inert("block", &sanitize_block(&s), true);
            for line in sanitize_lines(&s) {
                assert_inert("lines", &line, false);
            }
        }

        #[test]
        fn widths_are_respected(s in hostile_string(), width in 0usize..24) {
            let t = truncate_to_width(&s, width);
            prop_assert!(display_width(&t) <= width, "{:?} -> {:?}", s, t);
            assert_inert("truncate", &t, false);
            if width > 0 && display_width(&s) <= width {
                prop_assert_eq!(&t, &sanitize_line(&s));
            }
            let f = fit_to_width(&s, width);
            prop_assert_eq!(display_width(&f), width, "{:?} -> {:?}", s, f);
            for line in wrap_to_width(&s, width) {
                prop_assert!(display_width(&line) <= width, "{:?} -> {:?}", s, line);
                assert_inert("wrap", &line, false);
            }
        }

        #[test]
        fn widths_are_respected_for_any_string(s in any::<String>(), width in 0usize..40) {
            prop_assert!(display_width(&truncate_to_width(&s, width)) <= width);
            prop_assert_eq!(display_width(&fit_to_width(&s, width)), width);
            for line in wrap_to_width(&s, width) {
                prop_assert!(display_width(&line) <= width);
            }
        }

        #[test]
        fn wrapping_loses_nothing_but_spaces(s in hostile_string(), width in 2usize..24) {
            let lines = sanitize_lines(&s);
            let widest = lines.iter().flat_map(|l| pieces(l)).map(|p| p.width).max();
            prop_assume!(widest.unwrap_or(0) <= width);
            let expected: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let got: String = wrap_to_width(&s, width).concat().chars().filter(|c| *c != ' ').collect();
            prop_assert_eq!(got, expected);
        }
    }
}
