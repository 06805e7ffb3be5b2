//! The tree's rows as signals: one signal per row, so that an update re-renders only the
//! fields that changed and keeps the row's DOM (and the keyboard focus); rows are
//! reconciled by path when the tree changes shape.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::view_model::TreeRow;

/// One tree row with a signal of its own, so that an update re-renders only the fields that
/// changed and keeps the row's DOM (and the keyboard focus).
#[derive(Clone, Debug, PartialEq)]
pub struct RowCell {
    pub path: String,
    pub row: RwSignal<TreeRow>,
}

/// Brings `cells` in line with `rows`: same paths in the same order only update the rows'
/// signals; otherwise the list is rebuilt, reusing the signals of paths that remain.
/// New signals belong to `owner`; the signals of paths that are gone are returned, for the
/// caller to dispose of once the views that read them have gone (a frame later).
pub fn reconcile_rows(
    owner: &Owner,
    cells: RwSignal<Vec<RowCell>>,
    rows: Vec<TreeRow>,
) -> Vec<RwSignal<TreeRow>> {
    let same_paths = cells.with_untracked(|cells| {
        cells.len() == rows.len() && cells.iter().zip(&rows).all(|(c, r)| c.path == r.path)
    });
    if same_paths {
        cells.with_untracked(|cells| {
            for (cell, row) in cells.iter().zip(rows) {
                set_if_changed(cell.row, row);
            }
        });
        return Vec::new();
    }
    // inserted one by one: collecting into a map costs the download a sort
    let mut old: BTreeMap<String, RwSignal<TreeRow>> = BTreeMap::new();
    cells.with_untracked(|cells| {
        for c in cells {
            old.insert(c.path.clone(), c.row);
        }
    });
    let new: Vec<RowCell> = rows
        .into_iter()
        .map(|row| {
            let path = row.path.clone();
            let signal = match old.remove(&path) {
                Some(signal) => {
                    set_if_changed(signal, row);
                    signal
                }
                None => owner.with(|| RwSignal::new(row)),
            };
            RowCell { path, row: signal }
        })
        .collect();
    cells.set(new);
    old.into_values().collect()
}

pub fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|old| *old != value) {
        signal.set(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::tree::layout;
    use otp_lab_session::{Experiment, Session};
    use std::collections::BTreeSet;

    #[test]
    fn reconcile_keeps_the_signals_of_remaining_rows() {
        let owner = Owner::new();
        owner.set();
        let s = Session::new(Experiment::preset("demo", 1)).unwrap();
        let rows = layout(&s.current().lab.tree(), &BTreeSet::new());
        let cells = RwSignal::new(Vec::<RowCell>::new());
        reconcile_rows(&owner, cells, rows.clone());
        let first = cells.get_untracked();
        assert_eq!(first.len(), rows.len());

        let mut changed = rows.clone();
        changed[1].restarts += 1;
        reconcile_rows(&owner, cells, changed.clone());
        let second = cells.get_untracked();
        assert_eq!(second[1].row, first[1].row, "same signal, updated in place");
        assert_eq!(second[1].row.get_untracked(), changed[1]);

        let fewer: Vec<TreeRow> = changed
            .into_iter()
            .filter(|r| r.path != first[2].path)
            .collect();
        let gone = reconcile_rows(&owner, cells, fewer.clone());
        let third = cells.get_untracked();
        assert_eq!(
            third.iter().map(|c| c.path.clone()).collect::<Vec<_>>(),
            fewer.iter().map(|r| r.path.clone()).collect::<Vec<_>>()
        );
        assert_eq!(third[1].row, first[1].row);
        assert_eq!(
            gone,
            vec![first[2].row],
            "the removed row's signal is handed back"
        );
    }
}
