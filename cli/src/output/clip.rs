//! Long source lines cut down for the terminal snippet. miette pads label lines with `{:width$}`,
//! which panics past column 65,535, and a megabyte-long line is no help to a reader anyway, so
//! the text renderer draws a [`ClippedText`]: every line longer than [`MAX_LINE`] bytes keeps
//! only windows around the labelled offsets on it, joined by [`ELLIPSIS`]. Lines are never
//! removed, so line numbers stay true; offsets are translated both ways so labels land on the
//! same characters and the `file:line:col` header names the true column.
//!
//! This module knows only text and byte offsets; JSON and LSP output keep true positions and
//! never see it.

use std::borrow::Cow;

/// Lines up to this many bytes are drawn whole.
pub const MAX_LINE: usize = 400;
/// Bytes kept on each side of a labelled offset on a clipped line.
const CONTEXT: usize = 100;
/// Bytes kept from the start of a clipped line with no labelled offset on it.
const HEAD: usize = 2 * CONTEXT;
/// Marks where a clipped line lost text.
pub const ELLIPSIS: &str = "…";

/// A file's text as drawn, with the map between its offsets and the original's.
#[derive(Debug)]
pub struct ClippedText<'a> {
    text: Cow<'a, str>,
    /// Kept runs of the original, in order: (original start, drawn start, length).
    runs: Vec<Run>,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    orig: usize,
    drawn: usize,
    len: usize,
}

impl<'a> ClippedText<'a> {
    /// `text` with each over-long line clipped to windows around the `points` (original byte
    /// offsets, typically label starts and ends) that fall on it.
    pub fn new(text: &'a str, points: &[usize]) -> Self {
        if !has_long_line(text) {
            return Self::whole(text);
        }
        let mut points: Vec<usize> = points.iter().map(|&p| p.min(text.len())).collect();
        points.sort_unstable();
        let mut out = String::new();
        let mut runs = Vec::new();
        let mut line_start = 0;
        while line_start <= text.len() {
            let rest = text.get(line_start..).unwrap_or_default();
            let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let line_end = line_start + line_len;
            // The line break itself (`\r\n` is one) travels with the line.
            let break_len = match rest.as_bytes().get(line_len..line_len + 2) {
                Some(b"\r\n") => 2,
                _ if line_end < text.len() => 1,
                _ => 0,
            };
            let windows = if line_len <= MAX_LINE {
                vec![(line_start, line_end + break_len)]
            } else {
                let on_line = points
                    .iter()
                    .filter(|&&p| (line_start..=line_end).contains(&p))
                    .map(|&p| p - line_start);
                let mut w: Vec<(usize, usize)> = windows(line_len, on_line)
                    .into_iter()
                    .map(|(a, b)| {
                        (
                            floor_char(text, line_start + a),
                            ceil_char(text, line_start + b),
                        )
                    })
                    .collect();
                if let Some(last) = w.last_mut()
                    && last.1 == line_end
                {
                    last.1 += break_len;
                }
                w
            };
            let mut at = line_start;
            for (a, b) in windows {
                if a > at {
                    out.push_str(ELLIPSIS);
                }
                push_run(&mut runs, a, out.len(), b - a);
                out.push_str(text.get(a..b).unwrap_or_default());
                at = b;
            }
            if at < line_end {
                out.push_str(ELLIPSIS);
                if break_len > 0 {
                    push_run(&mut runs, line_end, out.len(), break_len);
                    out.push_str(text.get(line_end..line_end + break_len).unwrap_or_default());
                }
            }
            if break_len == 0 {
                break;
            }
            line_start = line_end + break_len;
        }
        Self {
            text: Cow::Owned(out),
            runs,
        }
    }

    fn whole(text: &'a str) -> Self {
        Self {
            runs: vec![Run {
                orig: 0,
                drawn: 0,
                len: text.len(),
            }],
            text: Cow::Borrowed(text),
        }
    }

    /// The text as drawn.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The drawn offset of an original offset; an offset that was cut away moves to the end of
    /// the run before it.
    pub fn to_drawn(&self, orig: usize) -> usize {
        let i = self.runs.partition_point(|r| r.orig <= orig);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(r) => r.drawn + (orig - r.orig).min(r.len),
            None => 0,
        }
    }

    /// The original offset of a drawn offset; an offset inside an ellipsis moves to the end of
    /// the run before it.
    pub fn to_orig(&self, drawn: usize) -> usize {
        let i = self.runs.partition_point(|r| r.drawn <= drawn);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(r) => r.orig + (drawn - r.drawn).min(r.len),
            None => 0,
        }
    }
}

/// Appends a run, extending the last one when the two are contiguous on both sides.
fn push_run(runs: &mut Vec<Run>, orig: usize, drawn: usize, len: usize) {
    if let Some(last) = runs.last_mut()
        && last.orig + last.len == orig
        && last.drawn + last.len == drawn
    {
        last.len += len;
        return;
    }
    runs.push(Run { orig, drawn, len });
}

fn has_long_line(text: &str) -> bool {
    text.len() > MAX_LINE && text.split(['\n', '\r']).any(|l| l.len() > MAX_LINE)
}

/// The line-relative ranges kept of a line of `len` bytes with labelled offsets `points`
/// (sorted): [`CONTEXT`] bytes either side of each, merged where they touch; the head of the
/// line when no offset falls on it.
fn windows(len: usize, points: impl Iterator<Item = usize>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for p in points {
        let (a, b) = (p.saturating_sub(CONTEXT), (p + CONTEXT).min(len));
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    if out.is_empty() {
        out.push((0, HEAD.min(len)));
    }
    out
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_borrowed_unchanged() {
        let c = ClippedText::new("a\nbc\n", &[3]);
        assert!(matches!(c.text, Cow::Borrowed(_)));
        assert_eq!((c.to_drawn(3), c.to_orig(3)), (3, 3));
    }

    #[test]
    fn a_long_line_keeps_a_window_around_the_label() {
        let text = format!("x\n{}err\ny\n", " ".repeat(70_000));
        let at = 2 + 70_000;
        let c = ClippedText::new(&text, &[at, at + 3]);
        let drawn = c.text();
        assert!(drawn.len() < 2 * CONTEXT + 20, "{}", drawn.len());
        let (a, b) = (c.to_drawn(at), c.to_drawn(at + 3));
        assert_eq!(&drawn[a..b], "err");
        assert_eq!(c.to_orig(a), at);
        assert!(drawn.starts_with(&format!("x\n{ELLIPSIS} ")));
        assert!(drawn.ends_with("err\ny\n"));
        assert_eq!(drawn.lines().count(), 3);
    }

    #[test]
    fn distant_labels_on_one_line_get_separate_windows() {
        let text = format!(
            "{}a{}b{}",
            "-".repeat(500),
            "-".repeat(5_000),
            "-".repeat(500)
        );
        let (a, b) = (500, 5_501);
        let c = ClippedText::new(&text, &[a, b]);
        assert_eq!(&c.text()[c.to_drawn(a)..c.to_drawn(a) + 1], "a");
        assert_eq!(&c.text()[c.to_drawn(b)..c.to_drawn(b) + 1], "b");
        assert_eq!(c.text().matches(ELLIPSIS).count(), 3);
    }

    #[test]
    fn clipping_respects_char_boundaries() {
        let text = "é".repeat(1_000);
        let c = ClippedText::new(&text, &[1_001]);
        assert!(c.text().len() <= 2 * CONTEXT + 2 + 2 * ELLIPSIS.len());
        assert!(c.to_drawn(1_000) < c.text().len());
    }
}
