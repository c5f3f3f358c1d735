//! Styles per role, in three palettes (dark, light, high contrast), and the same distinctions
//! without colour under NO_COLOR: state is never conveyed by colour alone (symbols, bold, dim
//! and reverse carry it too), so every palette keeps the symbols and only restyles them.

use ratatui::style::{Color, Modifier, Style};

use crate::app::{RowState, ThemeChoice};

/// One style per thing the screen distinguishes; widgets ask for a role, never a colour.
pub struct Theme {
    breached: Style,
    at_risk: Style,
    met: Style,
    gauge_breached: Style,
    gauge_at_risk: Style,
    gauge: Style,
    flash: Style,
    dim: Style,
    title: Style,
    column_header: Style,
    border: Style,
    focus_border: Style,
    key: Style,
    selected: Style,
    note: Style,
    reply: Style,
}

fn fg(c: Color) -> Style {
    Style::default().fg(c)
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    pub fn new(choice: ThemeChoice, no_color: bool) -> Theme {
        if no_color {
            return Theme::monochrome();
        }
        match choice {
            ThemeChoice::Dark => Theme::dark(),
            ThemeChoice::Light => Theme::light(),
            ThemeChoice::HighContrast => Theme::high_contrast(),
        }
    }

    /// Today's palette: the 16 ANSI colours on a dark background.
    fn dark() -> Theme {
        Theme {
            breached: fg(Color::Red).add_modifier(BOLD),
            at_risk: fg(Color::Yellow),
            met: fg(Color::Green),
            gauge_breached: fg(Color::Red),
            gauge_at_risk: fg(Color::Yellow),
            gauge: fg(Color::Cyan),
            flash: fg(Color::Red).add_modifier(BOLD | Modifier::REVERSED),
            dim: Style::default().add_modifier(Modifier::DIM),
            title: fg(Color::Cyan).add_modifier(BOLD),
            column_header: Style::default().add_modifier(BOLD | Modifier::UNDERLINED),
            border: fg(Color::DarkGray),
            focus_border: fg(Color::Cyan).add_modifier(BOLD),
            key: Style::default().fg(Color::Black).bg(Color::Cyan),
            selected: Style::default().add_modifier(Modifier::REVERSED),
            note: fg(Color::Yellow).add_modifier(Modifier::ITALIC),
            reply: fg(Color::Green),
        }
    }

    /// For light backgrounds: yellow, cyan and white text vanish on white, so amber is the
    /// 256-colour dark orange (130), accents are blue, and nothing relies on a light tone.
    fn light() -> Theme {
        let amber = Color::Indexed(130);
        let green = Color::Indexed(28);
        Theme {
            breached: fg(Color::Red).add_modifier(BOLD),
            at_risk: fg(amber).add_modifier(BOLD),
            met: fg(green),
            gauge_breached: fg(Color::Red),
            gauge_at_risk: fg(amber),
            gauge: fg(Color::Blue),
            flash: fg(Color::Red).add_modifier(BOLD | Modifier::REVERSED),
            dim: fg(Color::DarkGray),
            title: fg(Color::Blue).add_modifier(BOLD),
            column_header: Style::default().add_modifier(BOLD | Modifier::UNDERLINED),
            border: fg(Color::DarkGray),
            focus_border: fg(Color::Blue).add_modifier(BOLD),
            key: Style::default().fg(Color::White).bg(Color::Blue),
            selected: Style::default().add_modifier(Modifier::REVERSED),
            note: fg(Color::Magenta).add_modifier(Modifier::ITALIC),
            reply: fg(green),
        }
    }

    /// Strong contrast on any background: the states that need action sit on a solid colour
    /// block with black or white text, everything else is the terminal's own foreground (no
    /// dim text, no dark grey borders).
    fn high_contrast() -> Theme {
        Theme {
            breached: Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(BOLD),
            at_risk: Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(BOLD),
            met: Style::default().add_modifier(BOLD),
            gauge_breached: fg(Color::Red).add_modifier(BOLD),
            gauge_at_risk: fg(Color::Yellow).add_modifier(BOLD),
            gauge: Style::default().add_modifier(BOLD),
            flash: Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(BOLD | Modifier::REVERSED),
            dim: Style::default().add_modifier(Modifier::ITALIC),
            title: Style::default().add_modifier(BOLD | Modifier::UNDERLINED),
            column_header: Style::default().add_modifier(BOLD | Modifier::UNDERLINED),
            border: Style::default(),
            focus_border: Style::default().add_modifier(BOLD),
            key: Style::default().add_modifier(Modifier::REVERSED | BOLD),
            selected: Style::default().add_modifier(Modifier::REVERSED | BOLD),
            note: Style::default().add_modifier(Modifier::ITALIC),
            reply: Style::default(),
        }
    }

    /// NO_COLOR: the same distinctions by bold, dim, underline and reverse only.
    fn monochrome() -> Theme {
        Theme {
            breached: Style::default().add_modifier(BOLD),
            at_risk: Style::default().add_modifier(Modifier::UNDERLINED),
            met: Style::default(),
            gauge_breached: Style::default(),
            gauge_at_risk: Style::default(),
            gauge: Style::default(),
            flash: Style::default().add_modifier(BOLD | Modifier::REVERSED),
            dim: Style::default().add_modifier(Modifier::DIM),
            title: Style::default().add_modifier(BOLD),
            column_header: Style::default().add_modifier(BOLD | Modifier::UNDERLINED),
            border: Style::default(),
            focus_border: Style::default().add_modifier(BOLD),
            key: Style::default().add_modifier(Modifier::REVERSED),
            selected: Style::default().add_modifier(Modifier::REVERSED),
            note: Style::default().add_modifier(Modifier::ITALIC),
            reply: Style::default(),
        }
    }

    pub fn symbol(&self, state: RowState) -> &'static str {
        match state {
            RowState::Breached | RowState::MetLate => "‼",
            RowState::AtRisk => "!",
            RowState::Paused => "⏸",
            RowState::Met => "✓",
            RowState::Running | RowState::Done | RowState::NoTarget => " ",
        }
    }

    pub fn row(&self, state: RowState) -> Style {
        match state {
            RowState::Breached | RowState::MetLate => self.breached,
            RowState::AtRisk => self.at_risk,
            RowState::Paused | RowState::Done | RowState::NoTarget => self.dim,
            RowState::Met => self.met,
            RowState::Running => Style::default(),
        }
    }

    pub fn gauge(&self, state: RowState) -> Style {
        match state {
            RowState::Breached => self.gauge_breached,
            RowState::AtRisk => self.gauge_at_risk,
            _ => self.gauge,
        }
    }

    pub fn breached(&self) -> Style {
        self.breached
    }
    pub fn at_risk(&self) -> Style {
        self.at_risk
    }
    pub fn flash(&self) -> Style {
        self.flash
    }
    pub fn dim(&self) -> Style {
        self.dim
    }
    pub fn header(&self) -> Style {
        Style::default()
    }
    pub fn title(&self) -> Style {
        self.title
    }
    pub fn column_header(&self) -> Style {
        self.column_header
    }
    pub fn border(&self) -> Style {
        self.border
    }
    pub fn focus_border(&self) -> Style {
        self.focus_border
    }
    pub fn key(&self) -> Style {
        self.key
    }
    pub fn selected(&self) -> Style {
        self.selected
    }
    pub fn note(&self) -> Style {
        self.note
    }
    pub fn reply(&self) -> Style {
        self.reply
    }
}
