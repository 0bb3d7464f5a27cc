//! Table and column names. An empty name (JZ1013, a warning) and a control character in a
//! name (JZ1085, an error): names are NUL-terminated in the hash preimage, so both let two
//! different schemas hash alike, and a control character also makes a name nobody can see.
//! Then the names upstream treats specially (`__proto__` tables, `$` columns, `id`), schemas
//! and tables with nothing in them (JZ1014), and a table or column defined twice in one object
//! literal (JZ1086).

use crate::diagnostics::{Diagnostic, codes, quoted_name};
use crate::source::Span;

/// JZ1013 / JZ1085: the name of a table or column (`what`) written at `span`.
pub fn name(what: &str, name: &str, span: Span) -> Option<Diagnostic> {
    if name.is_empty() {
        Some(empty_name(what, span))
    } else {
        let c = name.chars().find(|c| c.is_control())?;
        Some(control_in_name(what, name, c, span))
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

/// JZ1011: a table named `__proto__` (the key at `span`).
pub fn proto_table(span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::PROTO_TABLE,
        "a table named `__proto__` silently disappears from the schema upstream",
    )
    .at(span)
    .help("rename the table")
}

/// JZ1010: a column name starting with `$`, reserved for magic columns. `taken` says whether
/// the table already has a column of a given name (the suggestion without `$` must be free).
pub fn dollar_column(name: &str, span: Span, taken: impl Fn(&str) -> bool) -> Option<Diagnostic> {
    if !name.starts_with('$') {
        return None;
    }
    let msg = format!(
        "Column name \"{}\" is reserved for magic columns. Names starting with \"$\" are reserved for system fields.",
        quoted_name(name)
    );
    let suggestion = name.trim_start_matches('$');
    let d = Diagnostic::new(codes::DOLLAR_COLUMN, msg.clone())
        .upstream(msg)
        .at(span);
    Some(if !suggestion.is_empty() && !taken(suggestion) {
        let q = quoted_name(suggestion);
        d.help(format!("rename it, e.g. to `{q}`")).fix(
            format!("Rename to `{q}`"),
            span,
            suggestion.to_owned(),
        )
    } else {
        d.help("rename the column")
    })
}

/// JZ1012: a column named `id`, which shadows the implicit row id.
pub fn id_column(name: &str, span: Span) -> Option<Diagnostic> {
    (name == "id").then(|| {
        Diagnostic::new(
            codes::ID_COLUMN,
            "a column named `id` shadows the implicit row id",
        )
        .at(span)
        .help("rename the column, e.g. to `externalId`")
    })
}

/// JZ1014: a schema definition without tables.
pub fn empty_schema(span: Span) -> Diagnostic {
    Diagnostic::new(codes::EMPTY_TABLE, "the schema has no tables").at(span)
}

/// JZ1014: a table without columns.
pub fn empty_table(name: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::EMPTY_TABLE,
        format!("table `{}` has no columns", quoted_name(name)),
    )
    .at(span)
}

/// JZ1086: `what` (a table or a column, `kind`) is written twice in one object literal, at
/// `earlier` and `later`. JS keeps the later value, and so does the schema (upstream builds the
/// same one).
pub fn defined_twice(kind: &str, what: &str, earlier: Span, later: Span) -> Diagnostic {
    Diagnostic::new(
        codes::DUPLICATE_KEY,
        format!("{what} is defined twice; the later definition wins, as in JavaScript"),
    )
    .at_labelled(later, "this definition wins")
    .label(earlier, format!("this {kind} definition is discarded"))
    .help(format!(
        "remove one of the two definitions, or rename one if both {kind}s are meant to exist"
    ))
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

    #[test]
    fn ordinary_names_pass() {
        assert!(name("column", "title", span()).is_none());
        assert!(dollar_column("title", span(), |_| false).is_none());
        assert!(id_column("ids", span()).is_none());
    }

    #[test]
    fn a_dollar_column_suggests_the_free_name_only() {
        let d = dollar_column("$title", span(), |_| false);
        assert_eq!(d.map(|d| d.fixes.len()), Some(1));
        let d = dollar_column("$title", span(), |n| n == "title");
        assert_eq!(d.map(|d| d.fixes.len()), Some(0));
    }
}
