//! Desktop notifications through the terminal (off by default): OSC 9 (iTerm2, kitty,
//! WezTerm, Windows Terminal, foot) or OSC 777 (urxvt, VTE terminals such as GNOME Terminal),
//! sent beside the bell when a ticket breaches while watched. The text is customer data, so
//! it is made inert first: no control character can end the sequence early.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NotifyStyle {
    #[default]
    Off,
    Osc9,
    Osc777,
}

impl FromStr for NotifyStyle {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "" => Ok(NotifyStyle::Off),
            "osc9" => Ok(NotifyStyle::Osc9),
            "osc777" => Ok(NotifyStyle::Osc777),
            other => Err(format!(
                "unknown notify {other:?} (choose one of: off, osc9, osc777)"
            )),
        }
    }
}

/// The escape sequence that asks the terminal for a notification; `None` when off.
pub fn sequence(style: NotifyStyle, title: &str, body: &str) -> Option<String> {
    let clean = |s: &str| -> String {
        crate::text::sanitize_line(s)
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect()
    };
    match style {
        NotifyStyle::Off => None,
        NotifyStyle::Osc9 => Some(format!("\x1b]9;{}: {}\x07", clean(title), clean(body))),
        // Fields are `;`-separated: the title may not hold one; the body is the last field.
        NotifyStyle::Osc777 => Some(format!(
            "\x1b]777;notify;{};{}\x07",
            clean(title).replace(';', ","),
            clean(body)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_well_formed_and_customer_text_cannot_escape() {
        assert_eq!(sequence(NotifyStyle::Off, "t", "b"), None);
        assert_eq!(
            sequence(NotifyStyle::Osc9, "tuidesk", "#12 breached").as_deref(),
            Some("\x1b]9;tuidesk: #12 breached\x07")
        );
        assert_eq!(
            sequence(NotifyStyle::Osc777, "tui;desk", "#12; S1").as_deref(),
            Some("\x1b]777;notify;tui,desk;#12; S1\x07")
        );
        let evil = sequence(NotifyStyle::Osc9, "t", "a\x07\x1b]0;pwned\x1b\\b\u{9b}c").unwrap();
        // One BEL, at the end; one ESC, at the start; no C1 CSI.
        assert_eq!(evil.matches('\x07').count(), 1);
        assert!(evil.ends_with('\x07'));
        assert_eq!(evil.matches('\x1b').count(), 1);
        assert!(!evil.contains('\u{9b}'));
        assert_eq!("OSC777".parse(), Ok(NotifyStyle::Osc777));
        assert!("growl".parse::<NotifyStyle>().unwrap_err().contains("osc9"));
    }
}
