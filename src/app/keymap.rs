//! One table of named actions with descriptions and default keys. It serves the keymap, the
//! help overlay, the command palette and the footer, so they can never disagree; a user's
//! config file rebinds keys by action name.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    MoveDown,
    MoveUp,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextPane,
    PrevPane,
    Open,
    Back,
    Search,
    Filter,
    CycleSort,
    Claim,
    Assign,
    ChangeStatus,
    ChangeSeverity,
    Reply,
    Note,
    NewTicket,
    NextHit,
    PrevHit,
    GoTo,
    CopyRef,
    ShowOrders,
    ShowReport,
    ShowTriage,
    FileTriage,
    DiscardTriage,
    CompleteOrder,
    RejectOrder,
    RateOrder,
    PrevMonth,
    NextMonth,
    Help,
    Palette,
    Refresh,
    Mark,
    MarkRange,
    Tag,
    Merge,
    SaveAttachment,
    Undo,
    Quit,
}

pub struct ActionInfo {
    pub action: Action,
    pub name: &'static str,
    pub description: &'static str,
    pub default_keys: &'static [&'static str],
    /// Short label for the footer, when the action is worth showing there.
    pub footer: Option<&'static str>,
}

/// What an action does, in the user's language (help overlay, command palette).
pub fn description(lang: crate::i18n::Lang, info: &ActionInfo) -> String {
    lang.t_or(&format!("action-{}", info.name), info.description)
}

/// A footer hint's label (`help`, `next field`, …) in the user's language.
pub fn hint(lang: crate::i18n::Lang, label: &str) -> String {
    let slug: String = label
        .chars()
        .filter(|c| *c != '$')
        .map(|c| {
            if c == ' ' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    lang.t_or(&format!("hint-{slug}"), label)
}

pub const ACTIONS: &[ActionInfo] = &[
    ActionInfo {
        action: Action::MoveDown,
        name: "move-down",
        description: "Next ticket / scroll down",
        default_keys: &["j", "down"],
        footer: None,
    },
    ActionInfo {
        action: Action::MoveUp,
        name: "move-up",
        description: "Previous ticket / scroll up",
        default_keys: &["k", "up"],
        footer: None,
    },
    ActionInfo {
        action: Action::Top,
        name: "top",
        description: "First ticket",
        default_keys: &["g", "home"],
        footer: None,
    },
    ActionInfo {
        action: Action::Bottom,
        name: "bottom",
        description: "Last ticket",
        default_keys: &["G", "end"],
        footer: None,
    },
    ActionInfo {
        action: Action::PageDown,
        name: "page-down",
        description: "One page down",
        default_keys: &["pagedown", "ctrl-d"],
        footer: None,
    },
    ActionInfo {
        action: Action::PageUp,
        name: "page-up",
        description: "One page up",
        default_keys: &["pageup", "ctrl-u"],
        footer: None,
    },
    ActionInfo {
        action: Action::NextPane,
        name: "next-pane",
        description: "Focus the next pane",
        default_keys: &["tab"],
        footer: None,
    },
    ActionInfo {
        action: Action::PrevPane,
        name: "prev-pane",
        description: "Focus the previous pane",
        default_keys: &["backtab"],
        footer: None,
    },
    ActionInfo {
        action: Action::Open,
        name: "open",
        description: "Open the selected ticket in the detail pane",
        default_keys: &["enter"],
        footer: Some("open"),
    },
    ActionInfo {
        action: Action::Back,
        name: "back",
        description: "Back to the queue / clear search",
        default_keys: &["esc"],
        footer: None,
    },
    ActionInfo {
        action: Action::ShowOrders,
        name: "orders",
        description: "Orders view: service orders beside the tickets (again: back to tickets)",
        default_keys: &["o"],
        footer: Some("orders"),
    },
    ActionInfo {
        action: Action::ShowReport,
        name: "report",
        description: "Report view: the monthly report with attainment charts",
        default_keys: &["R"],
        footer: Some("report"),
    },
    ActionInfo {
        action: Action::ShowTriage,
        name: "triage",
        description: "Triage view: mail that opened no ticket (unknown senders), to file or discard (again: back to tickets)",
        default_keys: &["m"],
        footer: None,
    },
    ActionInfo {
        action: Action::FileTriage,
        name: "file-triage",
        description: "Triage view: file the selected message under an organization (a new ticket, with a severity)",
        default_keys: &["F"],
        footer: None,
    },
    ActionInfo {
        action: Action::DiscardTriage,
        name: "discard-triage",
        description: "Triage view: discard the selected message, with a reason",
        default_keys: &["D"],
        footer: None,
    },
    ActionInfo {
        action: Action::Search,
        name: "search",
        description: "Full-text search",
        default_keys: &["/"],
        footer: Some("search"),
    },
    ActionInfo {
        action: Action::Filter,
        name: "filter",
        description: "Filter the queue (status, severity, org, assignee, mine, unassigned, breached)",
        default_keys: &["f"],
        footer: Some("filter"),
    },
    ActionInfo {
        action: Action::CycleSort,
        name: "cycle-sort",
        description: "Cycle the sort: due, created, severity",
        default_keys: &["s"],
        footer: Some("sort"),
    },
    ActionInfo {
        action: Action::Claim,
        name: "claim",
        description: "Assign the ticket to yourself",
        default_keys: &["c"],
        footer: Some("claim"),
    },
    ActionInfo {
        action: Action::Assign,
        name: "assign",
        description: "Assign the ticket to someone",
        default_keys: &["a"],
        footer: None,
    },
    ActionInfo {
        action: Action::ChangeStatus,
        name: "change-status",
        description: "Change the ticket's status",
        default_keys: &["t"],
        footer: Some("status"),
    },
    ActionInfo {
        action: Action::ChangeSeverity,
        name: "change-severity",
        description: "Change the ticket's severity",
        default_keys: &["e"],
        footer: None,
    },
    ActionInfo {
        action: Action::Reply,
        name: "reply",
        description: "Public reply to the customer",
        default_keys: &["r"],
        footer: Some("reply"),
    },
    ActionInfo {
        action: Action::Note,
        name: "note",
        description: "Internal note",
        default_keys: &["i"],
        footer: Some("note"),
    },
    ActionInfo {
        action: Action::NextHit,
        name: "next-hit",
        description: "While a search is active: next hit (otherwise n opens a new ticket)",
        default_keys: &["n"],
        footer: Some("next hit"),
    },
    ActionInfo {
        action: Action::PrevHit,
        name: "previous-hit",
        description: "While a search is active: previous hit",
        default_keys: &["N"],
        footer: Some("prev hit"),
    },
    ActionInfo {
        action: Action::GoTo,
        name: "go-to",
        description: "Open a ticket by number (also `:` then the number and Enter)",
        default_keys: &["#"],
        footer: None,
    },
    ActionInfo {
        action: Action::CopyRef,
        name: "copy",
        description: "Copy the ticket's number and summary (#123 summary) to the clipboard (OSC 52, works over SSH)",
        default_keys: &["y"],
        footer: None,
    },
    ActionInfo {
        action: Action::NewTicket,
        name: "new-ticket",
        description: "Open a new ticket (in the Orders view: request a new order)",
        default_keys: &["n"],
        footer: None,
    },
    ActionInfo {
        action: Action::CompleteOrder,
        name: "complete-order",
        description: "Orders view: complete the selected order (monthly reports can attach the report)",
        default_keys: &["C"],
        footer: None,
    },
    ActionInfo {
        action: Action::RejectOrder,
        name: "reject-order",
        description: "Orders view: reject the selected order, with a reason",
        default_keys: &["X"],
        footer: None,
    },
    ActionInfo {
        action: Action::RateOrder,
        name: "rate-order",
        description: "Orders view: record the customer's rating of a completed order",
        default_keys: &["*"],
        footer: None,
    },
    ActionInfo {
        action: Action::PrevMonth,
        name: "previous-month",
        description: "Report view: previous month",
        default_keys: &["[", "left"],
        footer: None,
    },
    ActionInfo {
        action: Action::NextMonth,
        name: "next-month",
        description: "Report view: next month",
        default_keys: &["]", "right"],
        footer: None,
    },
    ActionInfo {
        action: Action::Help,
        name: "help",
        description: "Show every key",
        default_keys: &["?"],
        footer: Some("help"),
    },
    ActionInfo {
        action: Action::Palette,
        name: "palette",
        description: "Command palette",
        default_keys: &[":"],
        footer: Some("cmd"),
    },
    ActionInfo {
        action: Action::SaveAttachment,
        name: "save-attachment",
        description: "Save one of the ticket's attachments to a file",
        default_keys: &["w"],
        footer: None,
    },
    ActionInfo {
        action: Action::Mark,
        name: "mark",
        description: "Mark the ticket for a bulk change (again: unmark); a, t, e then change every marked one",
        default_keys: &["space"],
        footer: None,
    },
    ActionInfo {
        action: Action::MarkRange,
        name: "mark-range",
        description: "Mark every ticket from the last marked one to this one",
        default_keys: &["V"],
        footer: None,
    },
    ActionInfo {
        action: Action::Tag,
        name: "tag",
        description: "Add or remove tags (on every marked ticket when some are marked)",
        default_keys: &["T"],
        footer: None,
    },
    ActionInfo {
        action: Action::Merge,
        name: "merge",
        description: "Merge this ticket into another (asks for its number, then confirms)",
        default_keys: &["M"],
        footer: None,
    },
    ActionInfo {
        action: Action::Refresh,
        name: "refresh",
        description: "Reload from the database",
        default_keys: &["ctrl-r"],
        footer: None,
    },
    ActionInfo {
        action: Action::Undo,
        name: "undo",
        description: "Undo the newest reply, resolve/close or reassignment still in its undo window",
        default_keys: &["u"],
        footer: None,
    },
    ActionInfo {
        action: Action::Quit,
        name: "quit",
        description: "Quit (asks first when something is unsent)",
        default_keys: &["q", "ctrl-c"],
        footer: Some("quit"),
    },
];

pub fn info(action: Action) -> &'static ActionInfo {
    ACTIONS
        .iter()
        .find(|a| a.action == action)
        .unwrap_or(&ACTIONS[0])
}

/// A key with its modifiers, as written in config files: "j", "G", "ctrl-d", "enter", "f5".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        // Shift is part of the character for letters ("G"), and of BackTab.
        Key {
            code: match ev.code {
                KeyCode::Char(c) => KeyCode::Char(c),
                other => other,
            },
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    pub fn parse(spec: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = spec;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            f if f.starts_with('f') && f.len() > 1 && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            s if s.chars().count() == 1 => KeyCode::Char(s.chars().next().unwrap_or(' ')),
            _ => {
                return Err(format!(
                    "unknown key {spec:?} (examples: j, G, ctrl-d, enter, pagedown, f5)"
                ));
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            _ => f.write_str("?"),
        }
    }
}

/// Key → actions. A key may serve several actions; the app runs the first one that applies
/// where it is pressed (`n`: next search hit while a search is active, else a new ticket).
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<Key, Vec<Action>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyConfig {
    /// action name → keys; replaces that action's default keys.
    #[serde(default)]
    pub keys: HashMap<String, Vec<String>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings: HashMap<Key, Vec<Action>> = HashMap::new();
        for a in ACTIONS {
            for k in a.default_keys {
                if let Ok(key) = Key::parse(k) {
                    bindings.entry(key).or_default().push(a.action);
                }
            }
        }
        Keymap { bindings }
    }
}

impl Keymap {
    /// Defaults with the user's overrides applied. Unknown actions or keys are errors that
    /// name them, so a typo never silently leaves a key unbound.
    pub fn with_overrides(config: &KeyConfig) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        // A key the user binds serves only the actions the user bound it to.
        let mut claimed: std::collections::HashSet<Key> = std::collections::HashSet::new();
        for (name, keys) in &config.keys {
            let info = ACTIONS.iter().find(|a| a.name == name).ok_or_else(|| {
                format!(
                    "keys.{name}: unknown action (known: {})",
                    ACTIONS
                        .iter()
                        .map(|a| a.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            for actions in map.bindings.values_mut() {
                actions.retain(|a| *a != info.action);
            }
            for k in keys {
                let key = Key::parse(k).map_err(|e| format!("keys.{name}: {e}"))?;
                let actions = map.bindings.entry(key).or_default();
                if claimed.insert(key) {
                    actions.clear();
                }
                actions.push(info.action);
            }
        }
        map.bindings.retain(|_, a| !a.is_empty());
        Ok(map)
    }

    /// The first action bound to a key.
    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        self.actions_for(ev).first().copied()
    }

    /// Every action bound to a key, in table order.
    pub fn actions_for(&self, ev: &KeyEvent) -> &[Action] {
        self.bindings
            .get(&Key::from_event(ev))
            .map_or(&[], |v| v.as_slice())
    }

    /// The keys bound to an action, in a stable order, as shown in help and footer.
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, a)| a.contains(&action))
            .map(|(k, _)| k.to_string())
            .collect();
        keys.sort_by_key(|k| (k.chars().count(), k.clone()));
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn defaults_cover_the_contract_keys() {
        let m = Keymap::default();
        let k = |c: char| m.action_for(&ev(KeyCode::Char(c), KeyModifiers::NONE));
        assert_eq!(k('j'), Some(Action::MoveDown));
        assert_eq!(k('G'), Some(Action::Bottom));
        assert_eq!(k('/'), Some(Action::Search));
        assert_eq!(k('q'), Some(Action::Quit));
        assert_eq!(
            m.action_for(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        assert_eq!(
            m.action_for(&ev(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::PageDown)
        );
    }

    #[test]
    fn overrides_replace_defaults_and_reject_typos() {
        let mut keys = HashMap::new();
        keys.insert(
            "move-down".to_string(),
            vec!["n".to_string(), "ctrl-n".to_string()],
        );
        let m = Keymap::with_overrides(&KeyConfig { keys }).unwrap();
        assert_eq!(
            m.action_for(&ev(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Action::MoveDown)
        );
        assert_eq!(
            m.action_for(&ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(m.keys_for(Action::MoveDown), vec!["n", "Ctrl-n"]);

        let mut bad = HashMap::new();
        bad.insert("move-sideways".to_string(), vec!["x".to_string()]);
        assert!(
            Keymap::with_overrides(&KeyConfig { keys: bad })
                .unwrap_err()
                .contains("keys.move-sideways")
        );
        let mut bad = HashMap::new();
        bad.insert("quit".to_string(), vec!["hyper-x".to_string()]);
        assert!(
            Keymap::with_overrides(&KeyConfig { keys: bad })
                .unwrap_err()
                .contains("unknown key")
        );
    }
}
