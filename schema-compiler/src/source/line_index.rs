//! Byte offset ↔ line/column conversion, used only at the edges (CLI, LSP, JSON output).

/// A 0-based line and a 0-based column counted in the unit the caller asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Start offsets of every line of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Self {
            line_starts,
            len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Start offset of a 0-based line.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts.get(line as usize).copied()
    }

    /// 0-based line of a byte offset (clamped to the text).
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        let idx = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        u32::try_from(idx).unwrap_or(u32::MAX)
    }

    /// Line and column in Unicode scalar values (chars).
    pub fn line_col_chars(&self, text: &str, offset: u32) -> LineCol {
        self.line_col_with(text, offset, |s| s.chars().count())
    }

    /// Line and column in UTF-16 code units (for LSP).
    pub fn line_col_utf16(&self, text: &str, offset: u32) -> LineCol {
        self.line_col_with(text, offset, |s| s.encode_utf16().count())
    }

    fn line_col_with(&self, text: &str, offset: u32, count: impl Fn(&str) -> usize) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_start(line).unwrap_or(0);
        let mut end = offset as usize;
        while end > start as usize && !text.is_char_boundary(end) {
            end -= 1;
        }
        let col = text.get(start as usize..end).map(&count).unwrap_or(0);
        LineCol {
            line,
            col: u32::try_from(col).unwrap_or(u32::MAX),
        }
    }

    /// Byte offset of a 0-based line and a UTF-16 column (clamped to the line).
    pub fn offset_utf16(&self, text: &str, pos: LineCol) -> u32 {
        let Some(start) = self.line_start(pos.line) else {
            return self.len;
        };
        let end = self.line_start(pos.line + 1).unwrap_or(self.len);
        let line = text.get(start as usize..end as usize).unwrap_or("");
        let mut units = 0u32;
        for (i, ch) in line.char_indices() {
            if units >= pos.col || ch == '\n' {
                return start + u32::try_from(i).unwrap_or(0);
            }
            units += u32::try_from(ch.len_utf16()).unwrap_or(1);
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "ab\né x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col_chars(text, 0), LineCol { line: 0, col: 0 });
        assert_eq!(idx.line_col_chars(text, 3), LineCol { line: 1, col: 0 });
        // 'x' is after 'é' (2 bytes) and a space.
        assert_eq!(idx.line_col_chars(text, 6), LineCol { line: 1, col: 2 });
        assert_eq!(idx.line_col_utf16(text, 6), LineCol { line: 1, col: 2 });
        assert_eq!(idx.offset_utf16(text, LineCol { line: 1, col: 2 }), 6);
    }
}
