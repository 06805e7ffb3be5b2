//! A bounded buffer of the newest entries: once full, each new entry takes the place of
//! the oldest in place (no shifting, no reallocation, one drop), so keeping "the last
//! 1,000 restarts" costs the same on the millionth restart as on the first.

/// The newest (at most `cap`) entries, oldest first.
#[derive(Clone, Debug)]
pub(crate) struct Bounded<T> {
    items: Vec<T>,
    /// Where the oldest entry is once the buffer is full (0 until then).
    head: usize,
    cap: usize,
}

impl<T> Bounded<T> {
    /// An empty buffer keeping at most `cap` (at least 1) entries; it allocates as it fills.
    pub fn new(cap: usize) -> Bounded<T> {
        Bounded {
            items: Vec::new(),
            head: 0,
            cap: cap.max(1),
        }
    }

    /// Adds `x` as the newest entry, dropping the oldest if the buffer is full.
    #[inline]
    pub fn push(&mut self, x: T) {
        if self.items.len() < self.cap {
            self.items.push(x);
        } else {
            self.items[self.head] = x;
            self.head += 1;
            if self.head == self.cap {
                self.head = 0;
            }
        }
    }

    /// The newest entry.
    #[inline]
    pub fn newest_mut(&mut self) -> Option<&mut T> {
        let i = match self.head {
            0 => self.items.len().checked_sub(1)?,
            h => h - 1,
        };
        self.items.get_mut(i)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The entries, in no particular order (to change them in place).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.items.iter_mut()
    }

    /// The entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + '_ {
        let n = self.items.len();
        (0..n).map(move |i| {
            let j = self.head + i;
            &self.items[if j >= n { j - n } else { j }]
        })
    }
}

/// Equal when they keep the same bound and the same entries in the same order.
impl<T: PartialEq> PartialEq for Bounded<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cap == other.cap && self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_in_order() {
        let mut b = Bounded::new(3);
        assert_eq!(b.newest_mut(), None);
        for i in 1..=7 {
            b.push(i);
            let want: Vec<i32> = (1.max(i - 2)..=i).collect();
            assert_eq!(b.iter().copied().collect::<Vec<_>>(), want, "after {i}");
            assert_eq!(b.newest_mut().copied(), Some(i));
            assert_eq!(b.len(), want.len());
        }
        let mut c = Bounded::new(3);
        for i in [5, 6, 7] {
            c.push(i);
        }
        assert_eq!(b, c, "the same entries from a different start");
        *b.newest_mut().unwrap() = 70;
        assert_ne!(b, c);
        assert_eq!(b.iter().copied().collect::<Vec<_>>(), vec![5, 6, 70]);
    }

    #[test]
    fn a_zero_bound_keeps_one() {
        let mut b = Bounded::new(0);
        b.push('a');
        b.push('b');
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![&'b']);
    }
}
