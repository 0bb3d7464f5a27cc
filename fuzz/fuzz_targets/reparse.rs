//! `syntax::reparse` against a whole parse. The input is an edit and a text: two bytes of
//! offset (little-endian, modulo the text's length), one byte of how many bytes to delete,
//! one byte of how many bytes to insert, the inserted bytes, then the text (all as lossy
//! UTF-8). When the text parses cleanly and the edit can be reparsed, the result must be what
//! a whole parse of the edited text gives, spans and top-level items included.

#![no_main]

use std::sync::Once;

use jazz_schema_compiler::source::FileId;
use jazz_schema_compiler::syntax::{parse, reparse};
use libfuzzer_sys::fuzz_target;

/// As in `parse_eval.rs`: SWC's internal assertions are caught on purpose by the parser.
static DEFAULT_PANIC_HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    DEFAULT_PANIC_HOOK.call_once(|| drop(std::panic::take_hook()));
    let [lo, hi, delete, insert, rest @ ..] = data else {
        return;
    };
    let insert = usize::from(*insert).min(rest.len());
    let (typed, text) = rest.split_at(insert);
    let text = String::from_utf8_lossy(text).into_owned();
    let typed = String::from_utf8_lossy(typed);
    let mut at = usize::from(u16::from_le_bytes([*lo, *hi])) % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let mut end = (at + usize::from(*delete)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let edited = format!("{}{typed}{}", &text[..at], &text[end.max(at)..]);
    let file = FileId(0);
    let before = parse(file, &text, false);
    if !before.diagnostics.is_empty() {
        return;
    }
    if let Some(got) = reparse(before, &text, &edited, file, false) {
        let whole = parse(file, &edited, false);
        assert!(
            whole.diagnostics.is_empty(),
            "reparsed, but a whole parse finds {:?}",
            whole.diagnostics
        );
        assert_eq!(format!("{got:?}"), format!("{whole:?}"));
    }
});
