//! Snapshot files: names, reading back, "latest committed", hash-prefix lookup.
//! Pure functions: the CLI lists the directory and reads the files, then hands names and texts
//! here, and takes the clock reading to [`committed_name`].

use std::cmp::Ordering;

use super::civil::civil_from_days;
use super::hash::normalize_hash_input;
use super::wasm_json::from_json_text;
use super::{SchemaHash, WasmSchema, schema_hash};
use crate::diagnostics::{Diagnostic, codes};

/// One readable snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub file_name: String,
    pub schema: WasmSchema,
    /// Recomputed from the content; the name is informational only.
    pub hash: SchemaHash,
}

/// A directory entry handed in by the caller: the file name and its text (or the read error).
#[derive(Debug, Clone)]
pub struct SnapshotFile {
    pub file_name: String,
    pub text: Result<String, String>,
}

/// Parses every file whose name looks like a snapshot ([`is_snapshot_name`]), in file-name
/// order, and recomputes each hash from the content.
///
/// - A file that cannot be read or is not valid WasmSchema JSON is skipped with a JZ1080
///   warning naming it (upstream aborts).
/// - A name whose hash is not a prefix of the content hash gets a JZ1081 warning; the snapshot
///   is kept under its content hash.
///
/// Two files with the same content are both returned; lookups count them once
/// ([`unique_by_hash`]).
pub fn read_snapshots(files: Vec<SnapshotFile>) -> (Vec<Snapshot>, Vec<Diagnostic>) {
    let mut files: Vec<SnapshotFile> = files
        .into_iter()
        .filter(|f| is_snapshot_name(&f.file_name))
        .collect();
    files.sort_by(|a, b| a.file_name.as_bytes().cmp(b.file_name.as_bytes()));
    let mut snapshots = Vec::new();
    let mut diags = Vec::new();
    for SnapshotFile { file_name, text } in files {
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                diags.push(Diagnostic::new(
                    codes::SNAPSHOT_UNREADABLE,
                    format!("Skipping snapshot {file_name}: it cannot be read: {e}"),
                ));
                continue;
            }
        };
        let schema = match from_json_text(&text) {
            Ok(schema) => schema,
            Err(e) => {
                diags.push(Diagnostic::new(
                    codes::SNAPSHOT_UNREADABLE,
                    format!("Skipping snapshot {file_name}: it is not valid WasmSchema JSON: {e}"),
                ));
                continue;
            }
        };
        let hash = schema_hash(&schema);
        if let Some(named) = name_hash(&file_name)
            && !hash.to_hex().starts_with(&named)
        {
            diags.push(
                Diagnostic::new(
                    codes::SNAPSHOT_NAME_MISMATCH,
                    format!("Snapshot {file_name} is named for hash {named}, but its content hashes to {}", hash.short()),
                )
                .note("The hash in a snapshot's file name is informational; its content decides."),
            );
        }
        snapshots.push(Snapshot {
            file_name,
            schema,
            hash,
        });
    }
    (snapshots, diags)
}

/// The snapshots with distinct hashes, keeping the first of each.
pub fn unique_by_hash(snapshots: &[Snapshot]) -> Vec<&Snapshot> {
    let mut out: Vec<&Snapshot> = Vec::new();
    for s in snapshots {
        if !out.iter().any(|o| o.hash == s.hash) {
            out.push(s);
        }
    }
    out
}

/// `<h12>.json`, the readable-only name `schema export` writes.
pub fn readable_name(hash: &SchemaHash) -> String {
    format!("{}.json", hash.short())
}

/// `YYYYMMDDTHHMMSS-<h12>.json` for a UTC time in ms since the epoch: zero-padded
/// fields, the year unpadded.
pub fn committed_name(unix_ms: u64, hash: &SchemaHash) -> String {
    let secs = unix_ms / 1000;
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let sod = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y}{m:02}{d:02}T{:02}{:02}{:02}-{}.json",
        sod / 3600,
        sod / 60 % 60,
        sod % 60,
        hash.short()
    )
}

/// Readable snapshot names: `^(?:\d{8,17}T\d{6}-)?[0-9a-f]{12}\.json$`, case-insensitive.
pub fn is_snapshot_name(name: &str) -> bool {
    match split_name(name) {
        Some((prefix, _)) => {
            prefix.is_empty() || timestamp_digits(prefix).is_some_and(|n| (8..=17).contains(&n))
        }
        None => false,
    }
}

/// Committed snapshot names: `^\d{8}T\d{6}-[0-9a-f]{12}\.json$`, case-insensitive.
pub fn is_committed_name(name: &str) -> bool {
    split_name(name).is_some_and(|(prefix, _)| timestamp_digits(prefix) == Some(8))
}

/// The lowercased 12-hex hash in a snapshot name.
fn name_hash(name: &str) -> Option<String> {
    split_name(name).map(|(_, h)| h.to_ascii_lowercase())
}

/// Splits `<prefix><h12>.json` (suffix and hex case-insensitive) into prefix and hash.
fn split_name(name: &str) -> Option<(&str, &str)> {
    let len = name.len();
    let suffix = name.get(len.checked_sub(5)?..)?;
    if !suffix.eq_ignore_ascii_case(".json") {
        return None;
    }
    let stem = name.get(..len - 5)?;
    let at = stem.len().checked_sub(12)?;
    let hash = stem.get(at..)?;
    hash.bytes().all(|b| b.is_ascii_hexdigit()).then_some(())?;
    Some((stem.get(..at)?, hash))
}

/// For `\d{n}T\d{6}-` (T in either case), the digit count n; `None` for other shapes.
fn timestamp_digits(prefix: &str) -> Option<usize> {
    let b = prefix.as_bytes();
    let (body, dash) = b.split_at(b.len().checked_sub(1)?);
    let (head, time) = body.split_at(body.len().checked_sub(6)?);
    let (date, t) = head.split_at(head.len().checked_sub(1)?);
    let ok = dash == b"-"
        && time.iter().all(u8::is_ascii_digit)
        && (t == b"T" || t == b"t")
        && date.iter().all(u8::is_ascii_digit);
    ok.then_some(date.len())
}

/// Upstream's `localeCompare` order on committed names: ASCII-lowercased bytes first;
/// on a tie, at the first character whose case differs, lowercase sorts first.
pub fn committed_name_cmp(a: &str, b: &str) -> Ordering {
    let folded = a
        .to_ascii_lowercase()
        .as_bytes()
        .cmp(b.to_ascii_lowercase().as_bytes());
    folded.then_with(|| {
        a.bytes()
            .zip(b.bytes())
            .find(|(x, y)| x != y)
            .map_or(Ordering::Equal, |(x, _)| {
                if x.is_ascii_lowercase() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            })
    })
}

/// The latest committed snapshot name, ignoring names that are not committed names.
pub fn latest_committed<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .filter(|n| is_committed_name(n))
        .max_by(|a, b| committed_name_cmp(a, b))
}

/// Finds the stored schema for a user-given hash or prefix. `input` is normalised first
/// (JZ1083); 64 characters must match exactly, fewer match as a prefix. Errors are JZ1082
/// (`<label> prefix <p> is ambiguous: <a12>, <b12>`, short hashes ascending, files with equal
/// content counted once) and JZ1084 (`No stored schema found for <label> prefix <p>.`), on which
/// callers may go on to ask the server.
pub fn resolve_prefix<'a>(
    snapshots: &'a [Snapshot],
    input: &str,
    label: &str,
) -> Result<&'a Snapshot, Box<Diagnostic>> {
    let prefix = normalize_hash_input(input, label)
        .map_err(|m| Box::new(Diagnostic::new(codes::HASH_INVALID, m)))?;
    let mut matches: Vec<&Snapshot> = unique_by_hash(snapshots)
        .into_iter()
        .filter(|s| s.hash.to_hex().starts_with(&prefix))
        .collect();
    matches.sort_by_key(|s| s.hash);
    match matches.as_slice() {
        [] => Err(Box::new(Diagnostic::new(
            codes::HASH_NOT_FOUND,
            format!("No stored schema found for {label} prefix {prefix}."),
        ))),
        [one] => Ok(one),
        many => {
            let shorts: Vec<String> = many.iter().map(|s| s.hash.short()).collect();
            let message = format!(
                "{label} prefix {prefix} is ambiguous: {}",
                shorts.join(", ")
            );
            Err(Box::new(Diagnostic::new(codes::HASH_AMBIGUOUS, message)))
        }
    }
}

#[cfg(test)]
mod tests;
