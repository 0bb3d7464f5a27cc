//! Names that must name a table: the target of `s.ref("t")` (JZ1016), the names given to
//! `app.slice(...)` (JZ1070, JZ1071), and the key naming rule of refs in the legacy `table()`
//! API (JZ1015).

use std::collections::HashSet;

use crate::diagnostics::{Diagnostic, codes, name_list, quoted_name};
use crate::source::Span;

/// A schema's table names in order, with a set for the lookups (a schema may have thousands
/// of refs).
pub struct TableNames<'a> {
    order: Vec<&'a str>,
    set: HashSet<&'a str>,
}

impl<'a> TableNames<'a> {
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        let order: Vec<&str> = names.into_iter().collect();
        let set = order.iter().copied().collect();
        Self { order, set }
    }
}

/// JZ1016: `s.ref("target")` at `span` when the schema has no table `target`.
pub fn ref_target(target: &str, span: Span, tables: &TableNames<'_>) -> Option<Diagnostic> {
    if tables.set.contains(target) {
        return None;
    }
    let tables = &tables.order;
    let d = Diagnostic::new(
        codes::UNKNOWN_REF,
        format!(
            "`s.ref(\"{}\")` references a table that does not exist",
            quoted_name(target)
        ),
    )
    .at(span);
    let d = super::suggest_literal(d, target, tables.iter().copied(), span);
    Some(match d.help {
        Some(_) => d,
        None => d.help(format!("the tables are: {}", name_list(tables))),
    })
}

/// JZ1070: `app.slice()` at `span` with no table name.
pub fn slice_empty(span: Span) -> Diagnostic {
    let msg = "slice(...) requires at least one table name.";
    Diagnostic::new(codes::SLICE_EMPTY, msg)
        .upstream(msg)
        .at(span)
}

/// JZ1071: `app.slice(..., "name", ...)` (the string at `span`) when the app has no such table.
pub fn slice_table(name: &str, span: Span, tables: &[String]) -> Option<Diagnostic> {
    if tables.iter().any(|t| t == name) {
        return None;
    }
    let msg = format!(
        "slice(...) references unknown table \"{}\".",
        quoted_name(name)
    );
    let d = Diagnostic::new(codes::SLICE_UNKNOWN, msg.clone())
        .upstream(msg)
        .at(span);
    Some(super::suggest_literal(
        d,
        name,
        tables.iter().map(String::as_str),
        span,
    ))
}

/// JZ1015: in the legacy `table(name, columns)` API a ref column's key must end in `_id` / `Id`
/// (`_ids` / `Ids` for an array of refs).
pub fn legacy_ref_key(key: &str, is_array: bool, span: Span) -> Option<Diagnostic> {
    let ok = if is_array {
        key.ends_with("_ids") || key.ends_with("Ids")
    } else {
        key.ends_with("_id") || key.ends_with("Id")
    };
    if ok {
        return None;
    }
    let msg = if is_array {
        format!("Invalid array reference key '{key}'. Rename it to '{key}_ids' or '{key}Ids'.")
    } else {
        format!("Invalid reference key '{key}'. Rename it to '{key}_id' or '{key}Id'.")
    };
    Some(
        Diagnostic::new(codes::LEGACY_REF_NAME, msg.clone())
            .upstream(msg)
            .at(span),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn span() -> Span {
        Span::new(FileId(0), 0, 1)
    }

    #[test]
    fn a_ref_to_a_known_table_passes_and_a_typo_gets_a_fix() {
        let tables = TableNames::new(["users", "todos"]);
        assert!(ref_target("users", span(), &tables).is_none());
        let d = ref_target("user", span(), &tables);
        assert_eq!(d.as_ref().map(|d| d.code), Some(codes::UNKNOWN_REF));
        assert_eq!(d.map(|d| d.fixes.len()), Some(1));
    }

    #[test]
    fn legacy_ref_keys_need_the_id_suffix() {
        assert!(legacy_ref_key("ownerId", false, span()).is_none());
        assert!(legacy_ref_key("owner_ids", true, span()).is_none());
        assert!(legacy_ref_key("owner", false, span()).is_some());
        assert!(legacy_ref_key("ownerId", true, span()).is_some());
    }
}
