//! The variants of `s.enum(...)`: none at all (JZ1020), an empty variant (JZ1021), a repeated
//! one (JZ1022), and a list whose stored order depends on collation (JZ1024, or JZ1025 when
//! this build has no collation data to tell).

use crate::diagnostics::{Diagnostic, codes, quoted_name};
use crate::schema::enum_order::{is_collation_sensitive, root_collation_available};
use crate::source::Span;

/// JZ1020: `s.enum()` at `span` with no variants.
pub fn enum_without_variants(span: Span) -> Diagnostic {
    let msg = "Enum columns require at least one variant.";
    Diagnostic::new(codes::ENUM_EMPTY, msg)
        .upstream(msg)
        .at(span)
        .help("list the variants: `s.enum(\"a\", \"b\")`")
}

/// JZ1021 / JZ1022: the variant `text` written at `span`; `seen` says whether an earlier
/// variant was the same.
pub fn enum_variant(text: &str, span: Span, seen: impl Fn(&str) -> bool) -> Option<Diagnostic> {
    if text.is_empty() {
        let msg = "Enum variants cannot be empty strings.";
        return Some(
            Diagnostic::new(codes::ENUM_EMPTY_VARIANT, msg)
                .upstream(msg)
                .at(span),
        );
    }
    if seen(text) {
        let msg = "Enum variants must be unique.";
        return Some(
            Diagnostic::new(
                codes::ENUM_DUPLICATE,
                format!("duplicate enum variant \"{}\"", quoted_name(text)),
            )
            .upstream(msg)
            .at(span)
            .help("remove the duplicate"),
        );
    }
    None
}

/// JZ1024 / JZ1025: the variants of the `s.enum(...)` call at `span` sort differently under
/// different collations (rows store an enum value as its index in the sorted list).
pub fn enum_collation(variants: &[String], span: Span) -> Option<Diagnostic> {
    if !is_collation_sensitive(variants) {
        return None;
    }
    // Without ICU data the order is not known at all: an error of its own.
    let code = if root_collation_available() {
        codes::ENUM_COLLATION
    } else {
        codes::ENUM_ORDER_UNKNOWN
    };
    Some(
        Diagnostic::new(code, "this enum's stored order depends on collation: a client on a machine with another locale may order the variants differently")
            .at(span)
            .note("rows store an enum value as its index in the sorted variant list")
            .help("use lowercase ASCII variants, or declare them already sorted"),
    )
}
