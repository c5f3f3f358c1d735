//! Styles in the 16 ANSI colours, and the same distinctions without colour under NO_COLOR:
//! state is never conveyed by colour alone (symbols, bold, dim and reverse carry it too).

use ratatui::style::{Color, Modifier, Style};

use crate::app::RowState;

pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
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
            RowState::Breached | RowState::MetLate => self.breached(),
            RowState::AtRisk => self.at_risk(),
            RowState::Paused | RowState::Done | RowState::NoTarget => self.dim(),
            RowState::Met => self.fg(Color::Green),
            RowState::Running => Style::default(),
        }
    }

    pub fn gauge(&self, state: RowState) -> Style {
        match state {
            RowState::Breached => self.fg(Color::Red),
            RowState::AtRisk => self.fg(Color::Yellow),
            _ => self.fg(Color::Cyan),
        }
    }

    pub fn breached(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn at_risk(&self) -> Style {
        if self.color {
            self.fg(Color::Yellow)
        } else {
            Style::default().add_modifier(Modifier::UNDERLINED)
        }
    }
    pub fn flash(&self) -> Style {
        self.fg(Color::Red)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }
    pub fn dim(&self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }
    pub fn header(&self) -> Style {
        Style::default()
    }
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn column_header(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn focus_border(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn note(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::ITALIC)
    }
    pub fn reply(&self) -> Style {
        self.fg(Color::Green)
    }
}
