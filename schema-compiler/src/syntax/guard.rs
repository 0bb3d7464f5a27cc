//! A cheap pre-scan that rejects input whose nesting could exhaust the parser's stack.
//!
//! SWC's parser is recursive. We run it on a large dedicated stack segment, and this scan
//! bounds the recursion depth any file can cause: bracket nesting, runs of prefix operators
//! and the number of right-recursive operators (`?`, `=>`, `=`, `**`). Real schema and
//! permission files are far below every limit. The scan ignores strings and comments only
//! approximately; it may over-count, never under-count, brackets inside them... which only
//! matters for absurd files.

/// Maximum bracket nesting.
pub const MAX_BRACKET_DEPTH: usize = 1000;
/// Maximum run of prefix operators (`!`, `-`, `+`, `~`) and of consecutive opening brackets.
pub const MAX_PREFIX_RUN: usize = 1000;
/// Maximum count of each right-recursive operator character in one file.
pub const MAX_RIGHT_RECURSIVE: usize = 50_000;

/// How the scan treats a byte: most of a file is [`Class::Plain`], which the scan passes over
/// in a tight loop.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Ends a run of prefix operators and nothing else.
    Plain,
    /// Changes nothing.
    Space,
    /// Needs a look: a comment, a string, a bracket or an operator.
    Special,
}

const CLASSES: [Class; 256] = {
    let mut table = [Class::Plain; 256];
    let specials = b"/\"'([{)]}!-+~?=*<";
    let mut k = 0;
    while k < specials.len() {
        table[specials[k] as usize] = Class::Special;
        k += 1;
    }
    table[b' ' as usize] = Class::Space;
    table[b'\t' as usize] = Class::Space;
    table[b'\r' as usize] = Class::Space;
    table[b'\n' as usize] = Class::Space;
    table
};

/// `Some(offset)` of the first byte where a limit is exceeded.
pub fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut run = 0usize;
    let mut right = 0usize;
    let mut i = 0usize;
    loop {
        // Pass over plain text and spaces up to the next byte that needs a look.
        let b = loop {
            let &b = bytes.get(i)?;
            match CLASSES[usize::from(b)] {
                Class::Plain => run = 0,
                Class::Space => {}
                Class::Special => break b,
            }
            i += 1;
        };
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    if c == b'\\' {
                        i += 2;
                        continue;
                    }
                    if c == b || c == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                run += 1;
                if depth > MAX_BRACKET_DEPTH || run > MAX_PREFIX_RUN {
                    return Some(i);
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                run = 0;
            }
            b'!' | b'-' | b'+' | b'~' => {
                run += 1;
                if run > MAX_PREFIX_RUN {
                    return Some(i);
                }
            }
            b'?' | b'=' | b'*' | b'<' => {
                right += 1;
                run = 0;
                if right > MAX_RIGHT_RECURSIVE {
                    return Some(i);
                }
            }
            // A lone `/` (division or a regex).
            _ => run = 0,
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_normal_code_and_rejects_absurd_nesting() {
        assert_eq!(too_deep("const a = { b: [1, (2)] }; // (((("), None);
        assert!(too_deep(&"[".repeat(2000)).is_some());
        assert!(too_deep(&format!("x = {}1", "!".repeat(2000))).is_some());
        assert!(too_deep(&"a ? b : ".repeat(60_000)).is_some());
    }

    /// The scan as first written, one byte at a time: the table-driven scan must agree with it.
    fn byte_by_byte(text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut depth = 0usize;
        let mut run = 0usize;
        let mut right = 0usize;
        let mut i = 0usize;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while bytes.get(i).is_some_and(|&c| c != b'\n') {
                        i += 1;
                    }
                    continue;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i < bytes.len()
                        && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                    {
                        i += 1;
                    }
                    i += 2;
                    continue;
                }
                b'"' | b'\'' => {
                    i += 1;
                    while let Some(&c) = bytes.get(i) {
                        if c == b'\\' {
                            i += 2;
                            continue;
                        }
                        if c == b || c == b'\n' {
                            break;
                        }
                        i += 1;
                    }
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    run += 1;
                    if depth > MAX_BRACKET_DEPTH || run > MAX_PREFIX_RUN {
                        return Some(i);
                    }
                }
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    run = 0;
                }
                b'!' | b'-' | b'+' | b'~' => {
                    run += 1;
                    if run > MAX_PREFIX_RUN {
                        return Some(i);
                    }
                }
                b'?' | b'=' | b'*' | b'<' => {
                    right += 1;
                    run = 0;
                    if right > MAX_RIGHT_RECURSIVE {
                        return Some(i);
                    }
                }
                b' ' | b'\t' | b'\r' | b'\n' => {}
                _ => run = 0,
            }
            i += 1;
        }
        None
    }

    /// Pieces of text, repeated to build inputs that reach the limits.
    const PIECES: [&str; 20] = [
        "(", "[", "{", ")", "]", "}", "!", "-", "+", "~", "?", "=", "a", " ", "\"s(\"", "'",
        "// ((\n", "/* [[ */", "/", "\\",
    ];

    proptest::proptest! {
        #[test]
        fn the_table_driven_scan_agrees_with_the_byte_by_byte_one(
            pieces in proptest::collection::vec((0..PIECES.len(), 1usize..600), 0..40),
        ) {
            let text: String = pieces
                .iter()
                .map(|&(piece, times)| PIECES[piece].repeat(times))
                .collect();
            proptest::prop_assert_eq!(too_deep(&text), byte_by_byte(&text));
        }
    }

    #[test]
    fn deep_input_after_a_long_plain_stretch_is_found_where_it_is() {
        let text = format!("{}{}", "abc ".repeat(10_000), "(".repeat(1001));
        assert_eq!(too_deep(&text), Some(40_000 + 1000));
        assert_eq!(byte_by_byte(&text), Some(40_000 + 1000));
    }
}
