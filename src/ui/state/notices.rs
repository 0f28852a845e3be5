//! Messages for the user, kept by the state: identical ones are coalesced, at most a few
//! are shown, and those about a run are cleared when the run is replaced.

/// Notices shown at once; older ones make room.
pub const MAX_NOTICES: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeLevel {
    Error,
    Info,
    /// A question with buttons: stays until answered.
    Question,
}

/// An answer a notice offers as a button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeChoice {
    /// Open the link that arrived while the scenario was being edited.
    OpenPendingLink,
    /// Keep the edited scenario and forget that link.
    KeepEdits,
}

impl NoticeChoice {
    pub fn label(self) -> &'static str {
        match self {
            NoticeChoice::OpenPendingLink => "Open the link",
            NoticeChoice::KeepEdits => "Keep my changes",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u32,
    pub level: NoticeLevel,
    pub text: String,
    pub choices: Vec<NoticeChoice>,
}

#[derive(Clone, Debug, Default)]
pub struct NoticeList {
    notices: Vec<Notice>,
    next_id: u32,
}

impl NoticeList {
    pub fn all(&self) -> &[Notice] {
        &self.notices
    }

    /// Add a notice. The same message again replaces the earlier copy (a fresh id, so an
    /// information notice's timer starts over) instead of stacking.
    pub fn push(&mut self, level: NoticeLevel, text: String, choices: Vec<NoticeChoice>) {
        self.notices
            .retain(|n| !(n.level == level && n.text == text));
        self.next_id += 1;
        self.notices.push(Notice {
            id: self.next_id,
            level,
            text,
            choices,
        });
        let excess = self.notices.len().saturating_sub(MAX_NOTICES);
        self.notices.drain(..excess);
    }

    pub fn dismiss(&mut self, id: u32) {
        self.notices.retain(|n| n.id != id);
    }

    /// Forget every notice: they spoke of a run that is no longer on screen.
    pub fn clear(&mut self) {
        self.notices.clear();
    }

    /// Forget the questions (their subject is gone).
    pub fn clear_questions(&mut self) {
        self.notices.retain(|n| n.level != NoticeLevel::Question);
    }
}
