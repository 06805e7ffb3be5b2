//! One sort for every list the project orders (children by name, a map's keys, the values
//! of a percentile): a stable merge sort over indices, with the comparison behind `dyn`.
//! Each place that sorts adds a few dozen bytes of code instead of its own copy of the
//! standard library's sort (3–4 kB of wasm each), which the site's download budget counts.
//! The lists sorted here are small or sorted rarely; none is on the simulator's hot path.

/// Sorts `v` by `less` (stable: equal items keep their order).
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    if v.len() < 2 {
        return;
    }
    let order = order(v.len(), &mut |a, b| less(&v[a], &v[b]));
    // v[k] takes the item at order[k]: each cycle of the permutation, by swaps
    let mut done = vec![false; v.len()];
    for i in 0..v.len() {
        let mut j = i;
        while !done[j] {
            done[j] = true;
            if order[j] == i {
                break;
            }
            v.swap(j, order[j]);
            j = order[j];
        }
    }
}

/// Sorts `v` in its natural order (stable).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a < b);
}

/// The indices `0..n` in the order `less` puts their items (a bottom-up merge sort).
fn order(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut a: Vec<usize> = (0..n).collect();
    let mut b = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut b[start..end] {
                // the right run's item goes first only when strictly less: stable
                if j < end && (i >= mid || less(a[j], a[i])) {
                    *slot = a[j];
                    j += 1;
                } else {
                    *slot = a[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_library_and_is_stable(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| a.0 < b.0);
            let mut std_sorted = v.clone();
            std_sorted.sort_by_key(|x| x.0);
            prop_assert_eq!(ours, std_sorted);
            let mut all = v.clone();
            sort(&mut all);
            let mut expected = v;
            expected.sort();
            prop_assert_eq!(all, expected);
        }
    }
}
