//! Positions between the core and the protocol: the core speaks UTF-8 byte offsets
//! ([`TextRange`]), LSP speaks 0-based lines and UTF-16 columns ([`Position`], [`Range`]).
//!
//! All encoding conversion in the server goes through here, and through the core's
//! [`LineIndex`], so there is exactly one place where a column can be off by a surrogate pair.
//! Offsets past the end of the text and columns past the end of a line are clamped, never
//! rejected: editors send stale positions while a file is being edited.

use jazz_schema_compiler::TextRange;
use jazz_schema_compiler::source::{LineCol, LineIndex};
use tower_lsp_server::ls_types::{Position, Range};

/// The LSP position of a byte offset of `text`.
pub fn position(index: &LineIndex, text: &str, offset: u32) -> Position {
    let LineCol { line, col } = index.line_col_utf16(text, offset);
    Position::new(line, col)
}

/// The byte offset of an LSP position in `text`.
pub fn offset(index: &LineIndex, text: &str, position: Position) -> u32 {
    index.offset_utf16(
        text,
        LineCol {
            line: position.line,
            col: position.character,
        },
    )
}

/// The LSP range of a byte range of `text`.
pub fn range(index: &LineIndex, text: &str, range: TextRange) -> Range {
    Range::new(
        position(index, text, range.start),
        position(index, text, range.end),
    )
}

/// The byte range of an LSP range in `text`. A reversed range is put in order.
pub fn text_range(index: &LineIndex, text: &str, range: Range) -> TextRange {
    let a = offset(index, text, range.start);
    let b = offset(index, text, range.end);
    TextRange::new(a.min(b), a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    // 'é' is 2 bytes / 1 UTF-16 unit, '😀' is 4 bytes / 2 UTF-16 units.
    const TEXT: &str = "const a = 1;\ntitle: \"é😀x\",\n\nend";

    fn at(text: &str, needle: &str) -> u32 {
        u32::try_from(
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle:?} not in text")),
        )
        .unwrap_or(u32::MAX)
    }

    #[test]
    fn ascii_offsets_map_to_byte_columns() {
        let idx = LineIndex::new(TEXT);
        assert_eq!(position(&idx, TEXT, 0), Position::new(0, 0));
        assert_eq!(position(&idx, TEXT, at(TEXT, "a =")), Position::new(0, 6));
        assert_eq!(position(&idx, TEXT, at(TEXT, "title")), Position::new(1, 0));
    }

    #[test]
    fn columns_count_utf16_units_after_multibyte_chars() {
        let idx = LineIndex::new(TEXT);
        // title: "  is 8 bytes and 8 units; é adds 2 bytes / 1 unit; 😀 adds 4 bytes / 2 units.
        assert_eq!(position(&idx, TEXT, at(TEXT, "é")), Position::new(1, 8));
        assert_eq!(position(&idx, TEXT, at(TEXT, "😀")), Position::new(1, 9));
        assert_eq!(position(&idx, TEXT, at(TEXT, "x\"")), Position::new(1, 11));
    }

    #[test]
    fn positions_round_trip_to_the_same_offsets() {
        let idx = LineIndex::new(TEXT);
        for (offset, _) in TEXT.char_indices() {
            let offset = u32::try_from(offset).unwrap_or(u32::MAX);
            let pos = position(&idx, TEXT, offset);
            assert_eq!(super::offset(&idx, TEXT, pos), offset, "at {pos:?}");
        }
    }

    #[test]
    fn an_offset_inside_a_char_maps_to_its_start() {
        let idx = LineIndex::new(TEXT);
        let emoji = at(TEXT, "😀");
        assert_eq!(position(&idx, TEXT, emoji + 2), Position::new(1, 9));
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let idx = LineIndex::new(TEXT);
        let len = u32::try_from(TEXT.len()).unwrap_or(u32::MAX);
        assert_eq!(position(&idx, TEXT, len + 100), Position::new(3, 3));
        // A column past the end of line 0 stops before its newline.
        assert_eq!(
            offset(&idx, TEXT, Position::new(0, 500)),
            at(TEXT, "\ntitle")
        );
        assert_eq!(offset(&idx, TEXT, Position::new(99, 0)), len);
    }

    #[test]
    fn ranges_convert_both_ways() {
        let idx = LineIndex::new(TEXT);
        let start = at(TEXT, "😀");
        let bytes = TextRange::new(start, start + 5);
        let lsp = range(&idx, TEXT, bytes);
        assert_eq!(lsp, Range::new(Position::new(1, 9), Position::new(1, 12)));
        assert_eq!(text_range(&idx, TEXT, lsp), bytes);
        let reversed = Range::new(lsp.end, lsp.start);
        assert_eq!(text_range(&idx, TEXT, reversed), bytes);
    }
}
