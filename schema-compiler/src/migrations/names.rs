//! Migration file names: the `--name` normalisation, the
//! stub file name, the run timestamp and the lookup of the file for an edge.

use crate::schema::SchemaHash;
use crate::schema::snapshots::committed_name;

/// `--name` normalised; `None` when nothing is left (JZ3402).
pub fn normalize_name(name: &str) -> Option<String> {
    let lower = name.trim().to_lowercase();
    let mut out = String::new();
    let mut dash = false;
    for c in lower.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `YYYYMMDDTHHMMSS` in UTC for a clock reading in ms.
pub fn timestamp(unix_ms: u64) -> String {
    let name = committed_name(unix_ms, &SchemaHash([0; 32]));
    name.split('-').next().unwrap_or_default().to_owned()
}

/// `<ts>-<name>-<from12>-<to12>.ts`.
pub fn stub_file_name(ts: &str, name: &str, from: &SchemaHash, to: &SchemaHash) -> String {
    format!("{ts}-{name}-{}-{}.ts", from.short(), to.short())
}

/// The `*.ts` names that belong to the edge: containing `-<from12>-<to12>.ts` or
/// `-<from64>-<to64>.ts`.
pub fn files_for_edge<'a>(
    names: &'a [String],
    from: &SchemaHash,
    to: &SchemaHash,
) -> Vec<&'a String> {
    let short = format!("-{}-{}.ts", from.short(), to.short());
    let long = format!("-{}-{}.ts", from.to_hex(), to.to_hex());
    let mut out: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with(".ts") && (n.contains(&short) || n.contains(&long)))
        .collect();
    out.sort();
    out
}

/// The `(from12, to12)` a file name carries, if it has the `-<h12>-<h12>.ts` shape (JZ3005).
pub fn edge_in_name(name: &str) -> Option<(String, String)> {
    let stem = name.strip_suffix(".ts")?;
    let mut parts = stem.rsplitn(3, '-');
    let to = parts.next()?;
    let from = parts.next()?;
    let hex = |s: &str| {
        (12..=64).contains(&s.len()) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    (hex(from) && hex(to)).then(|| (from.to_owned(), to.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_like_upstream() {
        assert_eq!(
            normalize_name("  Add Todo Notes! ").as_deref(),
            Some("add-todo-notes")
        );
        assert_eq!(normalize_name("--x__y--").as_deref(), Some("x-y"));
        assert_eq!(normalize_name(" !! "), None);
        assert_eq!(normalize_name("Ünïcode"), Some("n-code".into()));
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(timestamp(1_780_315_200_000), "20260601T120000");
    }

    #[test]
    fn edge_lookup() {
        let f = SchemaHash([0x11; 32]);
        let t = SchemaHash([0x22; 32]);
        let names = vec![
            format!("20260318-rename-{}-{}.ts", f.short(), t.short()),
            format!("x-{}-{}.ts", t.short(), f.short()),
            "notes.md".into(),
        ];
        assert_eq!(files_for_edge(&names, &f, &t).len(), 1);
        assert_eq!(edge_in_name(&names[0]), Some((f.short(), t.short())));
        assert_eq!(edge_in_name("readme.ts"), None);
    }
}
