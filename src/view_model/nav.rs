//! Where a learner can be: the site's pages and the Lab's bottom tabs. Each is an enum
//! with one table of ids (as in the DOM and in share links) and labels, read through
//! [`Choice`].

/// An enum whose values are listed, with their ids and labels, in one table.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every value in order: (value, id, label).
    const TABLE: &'static [(Self, &'static str, &'static str)];

    /// Every value in order.
    fn all() -> impl Iterator<Item = Self> {
        Self::TABLE.iter().map(|e| e.0)
    }

    /// The value's id (`lab`, `log`).
    fn id(self) -> &'static str {
        Self::TABLE.iter().find(|e| e.0 == self).map_or("", |e| e.1)
    }

    /// The value's name on screen (`Lab`, `Event log`).
    fn label(self) -> &'static str {
        Self::TABLE.iter().find(|e| e.0 == self).map_or("", |e| e.2)
    }

    /// Where a key moves in a row of tabs (WAI-ARIA tabs): the arrows to the next or
    /// previous one (round the ends), Home and End to the first and the last.
    fn after_key(self, key: &str) -> Option<Self> {
        let t = Self::TABLE;
        let i = t.iter().position(|e| e.0 == self)?;
        let j = match key {
            "ArrowRight" => (i + 1) % t.len(),
            "ArrowLeft" => (i + t.len() - 1) % t.len(),
            "Home" => 0,
            "End" => t.len() - 1,
            _ => return None,
        };
        Some(t[j].0)
    }

    /// The value with this id (None for an id this site does not have, as in an old link).
    fn from_id(id: &str) -> Option<Self> {
        Self::TABLE.iter().find(|e| e.1 == id).map(|e| e.0)
    }
}

/// A page of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Lab,
    Lessons,
    Compare,
}

impl Choice for Page {
    const TABLE: &'static [(Page, &'static str, &'static str)] = &[
        (Page::Lab, "lab", "Lab"),
        (Page::Lessons, "lessons", "Lessons"),
        (Page::Compare, "compare", "Compare"),
    ];
}

/// A tab of the Lab's bottom panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Log,
    Sequence,
    Graph,
    Console,
    Analytics,
    Faults,
}

impl Choice for Tab {
    const TABLE: &'static [(Tab, &'static str, &'static str)] = &[
        (Tab::Log, "log", "Event log"),
        (Tab::Sequence, "sequence", "Sequence"),
        (Tab::Graph, "graph", "Graph"),
        (Tab::Console, "console", "Console"),
        (Tab::Analytics, "analytics", "Analytics"),
        (Tab::Faults, "faults", "Faults"),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_and_page_has_one_id_and_a_label() {
        assert_eq!(Tab::all().count(), 6);
        for t in Tab::all() {
            assert_eq!(Tab::from_id(t.id()), Some(t));
            assert!(!t.label().is_empty());
        }
        assert_eq!(Tab::from_id("nosuch"), None);
        assert_eq!(Tab::Log.id(), "log");
        let ids: Vec<&str> = Page::all().map(|p| p.id()).collect();
        assert_eq!(ids, ["lab", "lessons", "compare"]);
        assert!(Page::all().all(|p| !p.label().is_empty()));
    }

    #[test]
    fn arrows_home_and_end_move_along_the_tabs() {
        assert_eq!(Tab::Log.after_key("ArrowRight"), Some(Tab::Sequence));
        assert_eq!(Tab::Log.after_key("ArrowLeft"), Some(Tab::Faults));
        assert_eq!(Tab::Faults.after_key("ArrowRight"), Some(Tab::Log));
        assert_eq!(Tab::Graph.after_key("Home"), Some(Tab::Log));
        assert_eq!(Tab::Graph.after_key("End"), Some(Tab::Faults));
        assert_eq!(Tab::Graph.after_key("Enter"), None);
    }
}
