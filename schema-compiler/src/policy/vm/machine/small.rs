//! A small vector kept inline up to `N` items (the inherits path and memo of one decision are
//! short; decisions must not allocate on the common paths, V10), spilling to the heap beyond.

/// Inline up to `N` items, then a `Vec`. The inline array is written at the first push, so an
/// unused `Small` costs nothing to create.
#[derive(Debug)]
pub(super) struct Small<T: Copy + Default, const N: usize> {
    inline: Option<[T; N]>,
    len: usize,
    spill: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    pub(super) fn new() -> Self {
        Self {
            inline: None,
            len: 0,
            spill: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len + self.spill.len()
    }

    pub(super) fn push(&mut self, x: T) {
        let inline = self.inline.get_or_insert_with(|| [T::default(); N]);
        match inline.get_mut(self.len) {
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
        self.inline.as_ref().and_then(|a| a.get(last)).copied()
    }

    /// The items, in push order: the inline part, then the spilled part.
    pub(super) fn slices(&self) -> (&[T], &[T]) {
        let inline = match &self.inline {
            Some(a) => a.get(..self.len).unwrap_or(&[]),
            None => &[],
        };
        (inline, &self.spill)
    }

    /// The first item matching `f`.
    pub(super) fn find(&self, f: impl Fn(&T) -> bool) -> Option<&T> {
        let (a, b) = self.slices();
        a.iter().find(|x| f(x)).or_else(|| b.iter().find(|x| f(x)))
    }

    #[cfg(test)]
    fn items(&self) -> Vec<T> {
        let (a, b) = self.slices();
        a.iter().chain(b).copied().collect()
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
        assert_eq!(s.items(), vec![0, 1, 2, 3, 4]);
        assert_eq!(s.find(|x| *x > 2), Some(&3));
        assert_eq!(s.find(|x| *x > 9), None);
        assert_eq!(s.pop(), Some(4));
        assert_eq!(s.pop(), Some(3));
        assert_eq!(s.pop(), Some(2));
        s.push(7);
        assert_eq!(s.items(), vec![0, 1, 7]);
        assert_eq!(s.pop(), Some(7));
        assert_eq!(s.pop(), Some(1));
        assert_eq!(s.pop(), Some(0));
        assert_eq!(s.pop(), None);
        assert_eq!(s.len(), 0);
    }
}
