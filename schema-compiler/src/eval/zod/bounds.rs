//! Length, number and `.multipleOf` bounds, and `.int()`.
//!
//! zod 4.3 keeps the tightest bound of each kind and lets `.int()` reset the bounds, so the
//! result depends on the call order (and changes in zod 4.6). The subset therefore allows one
//! lower and one upper bound per chain, one `.multipleOf`, and `.int()` only right after
//! `z.number()`; everything else is refused here.

use super::build::{expect_args, finite_number};
use super::{LengthBounds, NumberBound, NumberSchema, ZodArg, ZodError};

pub(super) fn is_number_method(name: &str) -> bool {
    matches!(
        name,
        "min"
            | "max"
            | "gte"
            | "gt"
            | "lte"
            | "lt"
            | "positive"
            | "negative"
            | "nonnegative"
            | "nonpositive"
            | "multipleOf"
            | "int"
    )
}

fn second_bound(construct: &str, side: &str) -> ZodError {
    ZodError::new(format!(
        "a second {side} bound (`{construct}`) on one chain is outside the zod subset jazz can \
         evaluate statically"
    ))
}

/// `.min/.max/.length/.nonempty` on a string or array.
pub(super) fn length_bound(
    construct: &str,
    mut length: LengthBounds,
    name: &str,
    args: &[ZodArg],
) -> Result<LengthBounds, ZodError> {
    let value = if name == "nonempty" {
        expect_args(construct, args, 0)?;
        1.0
    } else {
        finite_number(construct, expect_args(construct, args, 1)?.first())?
    };
    let (sets_lower, sets_upper) = match name {
        "min" | "nonempty" => (true, false),
        "max" => (false, true),
        _ => (true, true),
    };
    if sets_lower {
        if length.min.is_some() {
            return Err(second_bound(construct, "lower"));
        }
        length.min = Some(value);
    }
    if sets_upper {
        if length.max.is_some() {
            return Err(second_bound(construct, "upper"));
        }
        length.max = Some(value);
    }
    Ok(length)
}

/// Bounds, `.multipleOf` and `.int()` on a number.
pub(super) fn number_method(
    construct: &str,
    mut n: NumberSchema,
    name: &str,
    args: &[ZodArg],
) -> Result<NumberSchema, ZodError> {
    let sign_bound = matches!(
        name,
        "positive" | "negative" | "nonnegative" | "nonpositive"
    );
    if name == "int" || sign_bound {
        expect_args(construct, args, 0)?;
    }
    if name == "int" {
        // zod resets both bounds to the safe-integer range when `.int()` is attached.
        if n != NumberSchema::default() {
            return Err(ZodError::new(
                "`.int()` anywhere but right after `z.number()` is outside the zod subset jazz \
                 can evaluate statically",
            ));
        }
        n.integer = true;
        return Ok(n);
    }
    let value = if sign_bound {
        0.0
    } else {
        finite_number(construct, expect_args(construct, args, 1)?.first())?
    };
    if name == "multipleOf" {
        if n.multiple_of.is_some() {
            return Err(ZodError::new(
                "a second `.multipleOf()` on one chain is outside the zod subset jazz can \
                 evaluate statically",
            ));
        }
        n.multiple_of = Some(value);
        return Ok(n);
    }
    let (lower, exclusive) = match name {
        "min" | "gte" | "nonnegative" => (true, false),
        "gt" | "positive" => (true, true),
        "max" | "lte" | "nonpositive" => (false, false),
        _ => (false, true),
    };
    let slot = if lower { &mut n.lower } else { &mut n.upper };
    if slot.is_some() {
        return Err(second_bound(
            construct,
            if lower { "lower" } else { "upper" },
        ));
    }
    *slot = Some(NumberBound { value, exclusive });
    Ok(n)
}
