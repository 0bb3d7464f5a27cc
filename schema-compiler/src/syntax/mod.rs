//! Parsing with SWC and lowering to our own small AST ([`ast`]). SWC types never leave this
//! module: spans are converted here to file-relative byte ranges. `reparse.rs` parses a file
//! again after an edit by parsing only the edited properties or top-level statements.
//! `flow.rs` holds the static control-flow rules over that AST, shared by the two statement
//! executors.

pub mod ast;
pub(crate) mod flow;
mod guard;
mod lower;
mod reparse;

use swc_common::BytePos;
use swc_ecma_parser::{Parser, StringInput, Syntax, TsSyntax};

use crate::diagnostics::{Diagnostic, codes};
use crate::source::{FileId, Span};

pub use lower::{MAX_DEPTH, STACK_GROW, STACK_RED_ZONE};
pub use reparse::{ParseCache, ParseStats, reparse};

/// Files larger than this are not parsed (JZ0003).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// A parsed file: our AST and the syntax diagnostics (SWC's fatal and recovered errors).
#[derive(Clone, Debug)]
pub struct Parsed {
    pub module: ast::Module,
    pub diagnostics: Vec<Diagnostic>,
    /// SWC's top-level items, in order (for [`reparse`]).
    pub tops: Vec<TopItem>,
}

/// One top-level item as SWC parsed it: where it is, how many items of [`ast::Module`] it
/// lowered to (none for a type-only import, two for `export default function f`), and whether
/// its text ends with `;`, after which nothing can continue it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopItem {
    pub start: u32,
    pub end: u32,
    pub items: u32,
    pub closed: bool,
}

/// Parses `text` as a TypeScript module (`tsx` for `.tsx` files).
pub fn parse(file: FileId, text: &str, tsx: bool) -> Parsed {
    let empty = || ast::Module { items: Vec::new() };
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    if text.len() > MAX_FILE_BYTES {
        let d = Diagnostic::new(
            codes::TOO_LARGE,
            format!(
                "file is too large to analyse ({} bytes; the limit is {MAX_FILE_BYTES})",
                text.len()
            ),
        )
        .at(Span::new(file, 0, 0))
        .help("split the file into smaller modules");
        return Parsed {
            module: empty(),
            diagnostics: vec![d],
            tops: Vec::new(),
        };
    }
    if let Some(at) = guard::too_deep(text) {
        let at = u32::try_from(at).unwrap_or(len);
        let d = Diagnostic::new(codes::TOO_LARGE, "code is nested too deeply to analyse")
            .at(Span::new(file, at, at.saturating_add(1).min(len)))
            .note(format!(
                "jazz analyses at most {} levels of brackets and {} chained prefix operators",
                guard::MAX_BRACKET_DEPTH,
                guard::MAX_PREFIX_RUN
            ))
            .help("flatten the expression, or build it from named constants");
        return Parsed {
            module: empty(),
            diagnostics: vec![d],
            tops: Vec::new(),
        };
    }
    // The parser is recursive: give it a large stack segment of its own (the guard above bounds
    // the depth any input can reach).
    let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stacker::grow(PARSE_STACK, || parse_guarded(file, text, tsx, len))
    }));
    match guarded {
        Ok(parsed) => parsed,
        // SWC has internal assertions that some malformed input trips (found by fuzzing).
        // Nothing of the parse is kept; the user gets a diagnostic instead of a crash.
        Err(_) => {
            let d = Diagnostic::new(
                codes::INTERNAL,
                "the TypeScript parser failed on this file (an internal error in SWC)",
            )
            .at(Span::new(file, 0, 0))
            .note("this is a bug in the parser jazz uses, triggered by malformed code")
            .help("fix the syntax errors your editor shows; please report the file to the jazz maintainers");
            Parsed {
                module: empty(),
                diagnostics: vec![d],
                tops: Vec::new(),
            }
        }
    }
}

/// Stack for one parse (virtual memory; only touched pages are committed).
const PARSE_STACK: usize = 256 * 1024 * 1024;

fn parse_guarded(file: FileId, text: &str, tsx: bool, len: u32) -> Parsed {
    let empty = || ast::Module { items: Vec::new() };
    // SWC positions start at 1 (0 is the dummy position).
    let base = 1u32;
    let input = StringInput::new(text, BytePos(base), BytePos(base + len));
    let syntax = Syntax::Typescript(TsSyntax {
        tsx,
        ..Default::default()
    });
    let mut parser = Parser::new(syntax, input, None);
    let result = parser.parse_module();
    let recovered = parser.take_errors();
    let mut lowerer = lower::Lowerer::new(file, base, len);
    let mut diagnostics = Vec::new();
    let mut push_error = |e: &swc_ecma_parser::error::Error, lowerer: &lower::Lowerer| {
        let span = lowerer.span(swc_common::Spanned::span(e));
        diagnostics.push(Diagnostic::new(codes::SYNTAX, e.kind().msg().into_owned()).at(span));
    };
    for e in &recovered {
        push_error(e, &lowerer);
    }
    let (module, tops) = match result {
        Ok(m) => {
            let out = lowerer.module(&m, text);
            if lowerer.too_deep.is_some() {
                // Deeply nested SWC trees are dropped recursively; leak this one instead of
                // risking the stack (only pathological input gets here).
                std::mem::forget(m);
            }
            out
        }
        Err(e) => {
            push_error(&e, &lowerer);
            (empty(), Vec::new())
        }
    };
    if let Some(span) = lowerer.too_deep {
        diagnostics.push(
            Diagnostic::new(
                codes::TOO_LARGE,
                format!("code is nested too deeply to analyse (more than {MAX_DEPTH} levels)"),
            )
            .at(span)
            .help("flatten the expression, or build it from named constants"),
        );
    }
    diagnostics.sort_by_key(|d| d.span().map(|s| s.range.start));
    diagnostics.dedup_by(|a, b| a.message == b.message && a.span() == b.span());
    Parsed {
        module,
        diagnostics,
        tops,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_file_relative() {
        let p = parse(FileId(0), "const a = 1;\nexport const b = { c: a };", false);
        assert!(p.diagnostics.is_empty());
        let ast::Item::Stmt {
            stmt: ast::Stmt::Var { decls, .. },
            exported: true,
        } = &p.module.items[1]
        else {
            panic!("unexpected {:?}", p.module.items[1]);
        };
        let Some(ast::Expr::Object { span, .. }) = &decls[0].init else {
            panic!()
        };
        assert_eq!((span.range.start, span.range.end), (30, 38));
    }

    #[test]
    fn reports_syntax_errors_with_spans() {
        let p = parse(FileId(0), "const a = {;\n", false);
        assert!(!p.diagnostics.is_empty());
        assert!(
            p.diagnostics
                .iter()
                .all(|d| d.code == codes::SYNTAX && d.span().is_some())
        );
    }

    #[test]
    fn deep_nesting_is_cut_off() {
        let text = format!("const a = {}1{};", "[".repeat(900), "]".repeat(900));
        let p = parse(FileId(0), &text, false);
        assert!(p.diagnostics.iter().any(|d| d.code == codes::TOO_LARGE));
    }
}

#[cfg(test)]
mod fuzz_regressions {
    use super::*;

    /// Found by `cargo fuzz`: trips a `debug_assert!` inside SWC's enum-member parser.
    #[test]
    fn swc_internal_assertion_becomes_a_diagnostic() {
        let bytes = include_bytes!("../../tests/fixtures/fuzz/swc-enum-assert.bin");
        let text = String::from_utf8_lossy(bytes);
        let p = parse(FileId(0), &text, false);
        assert!(!p.diagnostics.is_empty());
        assert!(p.diagnostics.iter().all(|d| d.span().is_some()));
        // Debug builds (tests, fuzzing) have SWC's assertions on and hit the internal error
        // (JZ9001); release builds skip the assertion and report ordinary syntax errors.
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
        if cfg!(debug_assertions) {
            assert_eq!(codes, [codes::INTERNAL]);
        } else {
            assert!(codes.contains(&codes::SYNTAX));
        }
    }
    /// Found by `fuzz/run.sh` (parse_eval, minimized): `=======` then a line starting with `/`
    /// trips a `debug_assert_eq!` in SWC's regexp lexer. The whole pipeline must still answer.
    #[test]
    fn swc_regexp_assertion_becomes_a_diagnostic() {
        let bytes = include_bytes!("../../tests/fixtures/fuzz/swc-regexp-assert.bin");
        let text = String::from_utf8_lossy(bytes);
        assert_eq!(text, "=======\n/");
        let p = parse(FileId(0), &text, false);
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
        if cfg!(debug_assertions) {
            assert_eq!(codes, [codes::INTERNAL]);
        } else {
            assert!(codes.contains(&codes::SYNTAX), "{codes:?}");
        }
        assert!(p.diagnostics.iter().all(|d| d.span().is_some()));
        let loader = crate::source::MemoryLoader::new().with("/app/schema.ts", text.as_ref());
        let analysis = crate::project::analyze(
            &loader,
            std::path::Path::new("/app"),
            &crate::project::AnalyzeOptions::default(),
        );
        assert!(analysis.schema.is_none());
        assert!(
            analysis.diagnostics.iter().any(|d| d.code == codes[0]),
            "{:?}",
            analysis.diagnostics
        );
    }
}
