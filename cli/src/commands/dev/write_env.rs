//! `jazz dev --write-env[=<file>]`: one managed block in an env file
//! holding the server URL (and the app id when the file assigns none elsewhere), rewritten on
//! every start; text outside the block is never touched. Also reads the port a previous block
//! recorded, so the URL can stay stable across restarts. Never writes secrets.

use std::path::Path;

use super::app_id::write_atomically;
use crate::env::{APP_ID_NAMES, file};

const BEGIN: &str = "# >>> jazz dev (managed; rewritten on every start) >>>";
const END: &str = "# <<< jazz dev <<<";

/// The file's text split around the managed block: (before, block, after).
fn split(text: &str) -> (&str, Option<&str>, &str) {
    let Some(start) = text.find(BEGIN) else {
        return (text, None, "");
    };
    let Some(end_rel) = text[start..].find(END) else {
        return (text, None, "");
    };
    let end = start + end_rel + END.len();
    let after = text[end..]
        .strip_prefix("\r\n")
        .or_else(|| text[end..].strip_prefix('\n'));
    (
        &text[..start],
        Some(&text[start..end]),
        after.unwrap_or(&text[end..]),
    )
}

/// The port of the URL the existing block records, if any.
pub fn recorded_port(path: &Path) -> Option<u16> {
    let text = std::fs::read_to_string(path).ok()?;
    let (_, block, _) = split(&text);
    file::parse(block?)
        .into_iter()
        .find(|(k, _)| k.ends_with("JAZZ_SERVER_URL"))
        .and_then(|(_, url)| url.rsplit(':').next()?.trim_end_matches('/').parse().ok())
}

/// The text with the block written or replaced.
fn render(text: &str, prefix: &str, app_id: &str, url: &str) -> String {
    let (before, _, after) = split(text);
    let outside = format!("{before}{after}");
    let has_app_id = file::parse(&outside)
        .iter()
        .any(|(k, _)| APP_ID_NAMES.contains(&k.as_str()));
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut block = format!("{BEGIN}{eol}{prefix}JAZZ_SERVER_URL={url}{eol}");
    if !has_app_id {
        block.push_str(&format!("{prefix}JAZZ_APP_ID={app_id}{eol}"));
    }
    block.push_str(END);
    block.push_str(eol);
    let mut head = before.to_owned();
    if !head.is_empty() && !head.ends_with('\n') {
        head.push_str(eol);
    }
    format!("{head}{block}{after}")
}

/// Writes or replaces the managed block in `path` (created if missing), atomically.
pub fn write(path: &Path, prefix: &str, app_id: &str, url: &str) -> std::io::Result<()> {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    write_atomically(path, &render(&text, prefix, app_id, url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_replaces_the_block_and_keeps_the_rest() {
        let first = render("A=1", "VITE_", "id", "http://127.0.0.1:4000");
        assert_eq!(
            first,
            format!(
                "A=1\n{BEGIN}\nVITE_JAZZ_SERVER_URL=http://127.0.0.1:4000\nVITE_JAZZ_APP_ID=id\n{END}\n"
            )
        );
        let again = render(
            &format!("{first}B=2\n"),
            "VITE_",
            "id",
            "http://127.0.0.1:5000",
        );
        assert_eq!(
            again,
            format!(
                "A=1\n{BEGIN}\nVITE_JAZZ_SERVER_URL=http://127.0.0.1:5000\nVITE_JAZZ_APP_ID=id\n{END}\nB=2\n"
            )
        );
        let with_id = render("JAZZ_APP_ID=x\n", "", "id", "http://h:1");
        assert_eq!(
            with_id,
            format!("JAZZ_APP_ID=x\n{BEGIN}\nJAZZ_SERVER_URL=http://h:1\n{END}\n")
        );
    }

    #[test]
    fn reads_the_recorded_port() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = dir.path().join(".env");
        assert_eq!(recorded_port(&p), None);
        write(&p, "", "id", "http://127.0.0.1:43123").expect("write");
        assert_eq!(recorded_port(&p), Some(43123));
    }
}
