//! What `jazz dev` prints: `[jazz]` lines in text mode, one NDJSON
//! event per line in `--format json` mode. Lines are stable, tests match on them.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::output::{Stream, write_line};

/// The sink for `jazz dev`'s own lines and events.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    pub json: bool,
    pub quiet: bool,
}

impl Reporter {
    /// An informational stdout line (text mode, not with `-q`).
    pub fn info(&self, line: &str) {
        if !self.json && !self.quiet {
            write_line(Stream::Stdout, line);
        }
    }

    /// A line on stderr (text mode); JSON mode carries it in an event.
    pub fn problem(&self, line: &str) {
        if !self.json {
            write_line(Stream::Stderr, line);
        }
    }

    /// A `warning:` line, or a `warning` event.
    pub fn warning(&self, message: &str) {
        if self.json {
            self.event("warning", json!({ "message": message }));
        } else {
            write_line(Stream::Stderr, &format!("warning: {message}"));
        }
    }

    /// One NDJSON event (JSON mode only): `event`, `time`, then `fields`' members.
    pub fn event(&self, name: &str, fields: Value) {
        if !self.json {
            return;
        }
        let mut obj = serde_json::Map::new();
        obj.insert("event".into(), json!(name));
        obj.insert("time".into(), json!(rfc3339_now()));
        if let Value::Object(m) = fields {
            obj.extend(m);
        }
        write_line(Stream::Stdout, &Value::Object(obj).to_string());
    }
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339_now() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    rfc3339(ms)
}

fn rfc3339(unix_ms: u64) -> String {
    // `YYYYMMDDTHHMMSS`, the migration-name clock, reshaped.
    let t = jazz_schema_compiler::migrations::names::timestamp(unix_ms);
    let d = |r: std::ops::Range<usize>| t.get(r).unwrap_or("00");
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        d(0..4),
        d(4..6),
        d(6..8),
        d(9..11),
        d(11..13),
        d(13..15)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_779_703_200_000), "2026-05-25T10:00:00Z");
    }
}
