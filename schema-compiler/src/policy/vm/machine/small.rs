//! A small vector kept inline up to `N` items (the inherits path and memo of one decision are
//! short; decisions must not allocate on the common paths, V10), spilling to the heap beyond.

/// Inline up to `N` items, then a `Vec`.
#[derive(Debug)]
pub(super) struct Small<T: Copy + Default, const N: usize> {
    inline: [T; N],
    len: usize,
    spill: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    pub(super) fn new() -> Self {
        Self {
            inline: [T::default(); N],
            len: 0,
            spill: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len + self.spill.len()
    }

    pub(super) fn push(&mut self, x: T) {
        match self.inline.get_mut(self.len) {
            Some(slot) if self.spill.is_empty() => {
                *slot = x;
                self.len += 1;
            }
            _ => self.spill.push(x),
        }
    }

    pub(super) fn pop(&mut self) -> Option<T> {
        if let Some(x) = self.spill.pop() {
            return Some(x);
        }
        let last = self.len.checked_sub(1)?;
        self.len = last;
        self.inline.get(last).copied()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.inline.iter().take(self.len).chain(self.spill.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::Small;

    #[test]
    fn spills_and_pops_in_order() {
        let mut s: Small<u32, 2> = Small::new();
        for i in 0..5 {
            s.push(i);
        }
        assert_eq!(s.len(), 5);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(s.pop(), Some(4));
        assert_eq!(s.pop(), Some(3));
        assert_eq!(s.pop(), Some(2));
        s.push(7);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), vec![0, 1, 7]);
        assert_eq!(s.pop(), Some(7));
        assert_eq!(s.pop(), Some(1));
        assert_eq!(s.pop(), Some(0));
        assert_eq!(s.pop(), None);
        assert_eq!(s.len(), 0);
    }
}
