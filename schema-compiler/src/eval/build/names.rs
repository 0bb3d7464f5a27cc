//! The checks of a table or column name itself: an empty name (JZ1013, a warning) and a control
//! character in it (JZ1085, an error). Names are NUL-terminated in the hash preimage, so both
//! let two different schemas hash alike; a control character also makes a name nobody can see.

use crate::diagnostics::{Diagnostic, codes, quoted_name};
use crate::eval::module::Evaluator;
use crate::source::Span;

/// Checks the name of a table or column (`what`) written at `span`.
pub fn name_checks(ev: &mut Evaluator<'_>, name: &str, span: Span, what: &str) {
    if name.is_empty() {
        ev.push(empty_name(what, span));
    } else if let Some(c) = name.chars().find(|c| c.is_control()) {
        ev.push(control_in_name(what, name, c, span));
    }
}

fn empty_name(what: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::EMPTY_NAME,
        format!("{what} name is empty; the schema hash cannot tell such names apart"),
    )
    .at(span)
    .help("use a non-empty name")
}

fn control_in_name(what: &str, name: &str, c: char, span: Span) -> Diagnostic {
    let shown: String = name.escape_debug().collect();
    Diagnostic::new(
        codes::CONTROL_IN_NAME,
        format!(
            "{what} name \"{}\" contains the control character U+{:04X}",
            quoted_name(&shown),
            u32::from(c)
        ),
    )
    .at(span)
    .note("names end in NUL in the schema hash, so such a name can make two different schemas hash alike")
    .help("rename it without control characters")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0, 1)
    }

    #[test]
    fn control_characters_are_errors_with_the_escaped_name() {
        let d = control_in_name("column", "a\0b", '\0', span());
        assert_eq!(d.code, codes::CONTROL_IN_NAME);
        assert!(d.is_error());
        assert_eq!(
            d.message,
            "column name \"a\\0b\" contains the control character U+0000"
        );
        let d = control_in_name("table", "x\u{1f}", '\u{1f}', span());
        assert!(d.message.contains("\"x\\u{1f}\"") && d.message.ends_with("U+001F"));
    }

    #[test]
    fn empty_names_stay_warnings() {
        let d = empty_name("table", span());
        assert_eq!(d.code, codes::EMPTY_NAME);
        assert!(!d.is_error());
    }
}
