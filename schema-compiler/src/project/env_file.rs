//! The env-file parser: the subset of Node's `process.loadEnvFile` that apps rely on. It never
//! fails; a line it cannot read is skipped. Shared by the CLI (which decides which files load
//! and which value wins, `cli/src/env`) and the language server (the project's `.env`).
//!
//! It knows nothing of where files come from or which value wins across files.

/// The values of the project's `.env` at `root` read through `loader` (an unsaved editor
/// buffer counts), the last line setting a key winning as in Node; empty when there is none.
pub fn project_values(
    loader: &dyn crate::source::SourceLoader,
    root: &std::path::Path,
) -> std::collections::BTreeMap<String, String> {
    match loader.read(&root.join(".env")) {
        Ok(Some(text)) => parse(&text).into_iter().collect(),
        _ => std::collections::BTreeMap::new(),
    }
}

/// Parses env-file text into `(key, value)` pairs in file order. A key set twice in one file
/// appears twice; the caller decides which one wins.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines.get(i).copied().unwrap_or("");
        i += 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let body = trimmed
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(trimmed);
        let Some((key, rest)) = body.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        let rest = rest.trim_start();
        let value = match quoted(rest, &lines, i) {
            Some((value, consumed)) => {
                i += consumed;
                value
            }
            None => unquoted(rest),
        };
        out.push((key.to_owned(), value));
    }
    out
}

/// A value in matching quotes: the unquoted text and how many following lines it consumed.
/// `None` when `rest` does not open a quote that closes.
fn quoted(rest: &str, lines: &[&str], next_line: usize) -> Option<(String, usize)> {
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let inner = &rest[quote.len_utf8()..];
    if let Some(end) = inner.find(quote) {
        return Some((unescape(quote, &inner[..end]), 0));
    }
    // Only double-quoted values may span lines.
    if quote != '"' {
        return None;
    }
    let mut value = inner.to_owned();
    for (consumed, line) in lines.iter().skip(next_line).enumerate() {
        value.push('\n');
        if let Some(end) = line.find(quote) {
            value.push_str(&line[..end]);
            return Some((unescape(quote, &value), consumed + 1));
        }
        value.push_str(line);
    }
    None
}

fn unescape(quote: char, value: &str) -> String {
    if quote == '"' {
        value.replace("\\n", "\n")
    } else {
        value.to_owned()
    }
}

/// An unquoted value: ` #` starts a comment, and the value is trimmed.
fn unquoted(rest: &str) -> String {
    if rest.starts_with('#') {
        return String::new();
    }
    let end = rest
        .find(" #")
        .or_else(|| rest.find("\t#"))
        .unwrap_or(rest.len());
    rest[..end].trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(&'static str, String)> {
        parse(text)
            .into_iter()
            .map(|(k, v)| (&*Box::leak(k.into_boxed_str()), v))
            .collect()
    }

    #[test]
    fn plain_export_blank_and_comment_lines() {
        let text = "# comment\n\nA=1\nexport B = two \n  C=3\nnot a pair\n=nokey\n";
        assert_eq!(
            pairs(text),
            vec![("A", "1".into()), ("B", "two".into()), ("C", "3".into())]
        );
    }

    #[test]
    fn quotes_are_removed_when_they_match() {
        let text = "A=\"x y\"\nB='s q'\nC=`b t`\nD=\"unmatched\nE='x\"\n";
        assert_eq!(
            pairs(text),
            vec![
                ("A", "x y".into()),
                ("B", "s q".into()),
                ("C", "b t".into()),
                ("D", "unmatched\nE='x".into()),
            ]
        );
        assert_eq!(
            pairs("A=\"never closed\nB=2"),
            vec![("A", "\"never closed".into()), ("B", "2".into())]
        );
    }

    #[test]
    fn single_quotes_do_not_span_lines_or_unescape() {
        assert_eq!(
            pairs("A='a\\nb\nB=2"),
            vec![("A", "'a\\nb".into()), ("B", "2".into())]
        );
        assert_eq!(pairs("A='a\\nb'"), vec![("A", "a\\nb".into())]);
    }

    #[test]
    fn double_quotes_unescape_newlines_and_span_lines() {
        let text = "A=\"one\\ntwo\"\nB=\"line1\nline2\" # trailing\nC=3\n";
        assert_eq!(
            pairs(text),
            vec![
                ("A", "one\ntwo".into()),
                ("B", "line1\nline2".into()),
                ("C", "3".into())
            ]
        );
    }

    #[test]
    fn inline_comments_only_in_unquoted_values() {
        assert_eq!(
            pairs("A=val # note\nB=\"v # kept\"\nC=a#b\nD= # only comment\n"),
            vec![
                ("A", "val".into()),
                ("B", "v # kept".into()),
                ("C", "a#b".into()),
                ("D", String::new()),
            ]
        );
    }

    #[test]
    fn crlf_files() {
        assert_eq!(
            pairs("A=1\r\nB=\"x\"\r\n# c\r\nC=two words\r\n"),
            vec![
                ("A", "1".into()),
                ("B", "x".into()),
                ("C", "two words".into())
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "=",
            "\"",
            "A=\"",
            "A=é\"",
            "export",
            "export =",
            "A=`",
            "\u{feff}A=1",
        ] {
            let _ = parse(text);
        }
    }
}
