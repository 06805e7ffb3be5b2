//! Where a learner can be: the site's pages and the Lab's bottom tabs, each one enum with
//! one table of ids (as in the DOM and in share links) and labels.

/// A page of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Lab,
    Lessons,
    Compare,
}

/// Every page in navigation order: (page, id, label).
const PAGES: [(Page, &str, &str); 3] = [
    (Page::Lab, "lab", "Lab"),
    (Page::Lessons, "lessons", "Lessons"),
    (Page::Compare, "compare", "Compare"),
];

impl Page {
    /// Every page in navigation order.
    pub fn all() -> impl Iterator<Item = Page> {
        PAGES.iter().map(|e| e.0)
    }

    /// The page's id (`lab`).
    pub fn id(self) -> &'static str {
        PAGES.iter().find(|(p, ..)| *p == self).map_or("", |e| e.1)
    }

    /// The page's name in the navigation (`Lab`).
    pub fn label(self) -> &'static str {
        PAGES.iter().find(|(p, ..)| *p == self).map_or("", |e| e.2)
    }
}

/// A tab of the Lab's bottom panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Log,
    Console,
    Analytics,
    Faults,
}

/// Every tab in order: (tab, id, label).
const TABS: [(Tab, &str, &str); 4] = [
    (Tab::Log, "log", "Event log"),
    (Tab::Console, "console", "Console"),
    (Tab::Analytics, "analytics", "Analytics"),
    (Tab::Faults, "faults", "Faults"),
];

impl Tab {
    /// Every tab in order.
    pub fn all() -> impl Iterator<Item = Tab> {
        TABS.iter().map(|e| e.0)
    }

    /// The tab's id, as in the DOM and in a share link (`log`).
    pub fn id(self) -> &'static str {
        TABS.iter().find(|(t, ..)| *t == self).map_or("", |e| e.1)
    }

    /// The tab's name on screen (`Event log`).
    pub fn label(self) -> &'static str {
        TABS.iter().find(|(t, ..)| *t == self).map_or("", |e| e.2)
    }

    /// The tab a share link names (None for a name this site does not have).
    pub fn from_id(id: &str) -> Option<Tab> {
        TABS.iter().find(|(_, i, _)| *i == id).map(|e| e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_and_page_has_one_id_and_a_label() {
        assert_eq!(Tab::all().count(), 4);
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
}
