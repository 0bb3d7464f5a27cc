//! The evaluation budget (JZ0111): how much work and memory static evaluation may spend on one
//! project. Without it, `const b = a + a` repeated 64 times (or the template or array-spread
//! form) asks for 2^64 bytes, and the compiler, `jazz dev` and the LSP would grow until the
//! machine runs out of memory. Every value that can grow is checked *before* it is allocated, so
//! crossing a limit never allocates the oversized value; once a limit is crossed, evaluation
//! stops: every later expression yields a silent opaque value at the cost of one comparison.
//!
//! Used by the schema evaluator (`eval/`) and the permissions interpreter (`policy/interp/`);
//! it knows nothing of either's values.

use crate::diagnostics::{Diagnostic, codes};
use crate::source::Span;

/// Expressions evaluated per project. The largest corpus app (500 tables) needs about 1% of it;
/// only generated files of several MiB get near it.
pub const MAX_STEPS: u64 = 2_000_000;
/// Key comparisons spent building objects (each new property is compared with the existing
/// ones): a 5,000-table schema object needs about 12.5 million; spreading a 65,000-element
/// array into an object would need two billion.
pub const MAX_KEY_COMPARISONS: u64 = 200_000_000;
/// Bytes in one string value: far beyond any name, default or description, small enough that a
/// few of them cannot exhaust memory.
pub const MAX_STRING_BYTES: usize = 1024 * 1024;
/// Elements in one array value (or properties in one object).
pub const MAX_ARRAY_LEN: usize = 100_000;
/// Bytes of strings and array/object slots created by evaluation in total.
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// What one array element or object property is charged (the size of a value slot).
pub const SLOT_BYTES: u64 = 32;

/// Which limit was crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Steps,
    StringLength,
    ArrayLength,
    TotalBytes,
}

impl Limit {
    fn describe(self) -> String {
        match self {
            Limit::Steps => format!(
                "{MAX_STEPS} evaluation steps ({MAX_KEY_COMPARISONS} key comparisons while building objects)"
            ),
            Limit::StringLength => format!("{} MiB per string", MAX_STRING_BYTES >> 20),
            Limit::ArrayLength => format!("{MAX_ARRAY_LEN} elements per array or object"),
            Limit::TotalBytes => format!(
                "{} MiB of strings and arrays in total",
                MAX_TOTAL_BYTES >> 20
            ),
        }
    }
}

/// The budget of one evaluation. Limits are checked before allocating.
#[derive(Debug, Default, Clone)]
pub struct Budget {
    steps: u64,
    comparisons: u64,
    bytes: u64,
    exhausted: Option<Limit>,
    reported: bool,
}

impl Budget {
    /// Whether a limit was crossed; evaluation should stop.
    pub fn exhausted(&self) -> bool {
        self.exhausted.is_some()
    }

    /// True the first time it is asked after a limit was crossed: the one time to report it.
    pub fn report_once(&mut self) -> bool {
        let first = self.exhausted.is_some() && !self.reported;
        self.reported |= first;
        first
    }

    /// Spends one step.
    pub fn step(&mut self) -> Result<(), Limit> {
        self.check()?;
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return self.fail(Limit::Steps);
        }
        Ok(())
    }

    /// Charges `work` key comparisons (see `Object::insert_work`).
    pub fn object_work(&mut self, work: usize) -> Result<(), Limit> {
        self.check()?;
        self.comparisons = self.comparisons.saturating_add(work as u64);
        if self.comparisons > MAX_KEY_COMPARISONS {
            return self.fail(Limit::Steps);
        }
        Ok(())
    }

    /// Charges the key comparisons of adding `added` properties to an object of `len`, at
    /// worst (every key compared with every earlier one).
    pub fn object_inserts(&mut self, len: usize, added: usize) -> Result<(), Limit> {
        self.check()?;
        let work = (len as u64)
            .saturating_add(added as u64)
            .saturating_mul(added as u64);
        self.comparisons = self.comparisons.saturating_add(work);
        if self.comparisons > MAX_KEY_COMPARISONS {
            return self.fail(Limit::Steps);
        }
        Ok(())
    }

    /// Charges a string of `len` bytes, before it is built.
    pub fn string(&mut self, len: usize) -> Result<(), Limit> {
        self.check()?;
        if len > MAX_STRING_BYTES {
            return self.fail(Limit::StringLength);
        }
        self.charge(len as u64)
    }

    /// Charges an array (or object) of `len` slots, before it is built.
    pub fn array(&mut self, len: usize) -> Result<(), Limit> {
        self.check()?;
        if len > MAX_ARRAY_LEN {
            return self.fail(Limit::ArrayLength);
        }
        self.charge((len as u64).saturating_mul(SLOT_BYTES))
    }

    fn charge(&mut self, bytes: u64) -> Result<(), Limit> {
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > MAX_TOTAL_BYTES {
            return self.fail(Limit::TotalBytes);
        }
        Ok(())
    }

    fn check(&self) -> Result<(), Limit> {
        match self.exhausted {
            Some(l) => Err(l),
            None => Ok(()),
        }
    }

    fn fail(&mut self, limit: Limit) -> Result<(), Limit> {
        self.exhausted = Some(limit);
        Err(limit)
    }
}

/// JZ0111 at the expression that crossed `limit`.
pub fn diagnostic(limit: Limit, span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::EVAL_BUDGET,
        format!(
            "evaluation budget exceeded: {what} goes past the limit of {}",
            limit.describe()
        ),
    )
    .at(span)
    .note("jazz stops evaluating here so that a runaway file cannot exhaust memory or time")
    .help("write the value out as a literal; a value this large (or this many steps) is almost certainly a mistake, such as a string or array doubled in a chain")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crossed_limit_stays_crossed() {
        let mut b = Budget::default();
        assert_eq!(b.string(MAX_STRING_BYTES), Ok(()));
        assert_eq!(b.string(MAX_STRING_BYTES + 1), Err(Limit::StringLength));
        assert!(b.exhausted());
        assert_eq!(b.step(), Err(Limit::StringLength));
        assert_eq!(b.array(1), Err(Limit::StringLength));
    }

    #[test]
    fn total_bytes_add_up() {
        let mut b = Budget::default();
        for _ in 0..64 {
            assert_eq!(b.string(MAX_STRING_BYTES), Ok(()));
        }
        assert_eq!(b.string(1), Err(Limit::TotalBytes));
    }

    #[test]
    fn building_big_objects_is_bounded_work() {
        let mut b = Budget::default();
        assert_eq!(b.object_inserts(5_000, 1), Ok(()));
        assert_eq!(b.object_inserts(0, 65_000), Err(Limit::Steps));
    }

    #[test]
    fn arrays_and_steps_have_limits() {
        let mut b = Budget::default();
        assert_eq!(b.array(MAX_ARRAY_LEN + 1), Err(Limit::ArrayLength));
        let mut b = Budget::default();
        for _ in 0..MAX_STEPS {
            assert_eq!(b.step(), Ok(()));
        }
        assert_eq!(b.step(), Err(Limit::Steps));
    }
}
