//! The `--format sarif` renderer: one SARIF 2.1.0 log with one run of the `jazz` driver.
//! Each diagnostic code that occurs becomes a rule (its `jazz explain` title and text), each
//! coded diagnostic a result; uncoded CLI messages (IO errors, `migrations check` problems)
//! are tool execution notifications of the run's one invocation. Positions are 1-based and
//! columns count Unicode code points (`columnKind`), as in the JSON envelope. A pure function
//! over diagnostics whose paths the caller made relative to the working directory.

use jazz_schema_compiler::diagnostics::Code;
use serde_json::{Value, json};

use super::github::message_text;
use super::json::{JsonDiagnostic, JsonRange};

/// The schema URI written into the log.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The SARIF log of one run that ended with `exit_code`.
pub fn log(diagnostics: &[JsonDiagnostic], exit_code: u8) -> Value {
    let mut codes: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for d in diagnostics {
        let Some(code) = d.code.as_deref() else {
            notifications.push(json!({
                "level": level(d.severity),
                "message": { "text": message_text(d) },
            }));
            continue;
        };
        let index = match codes.iter().position(|c| *c == code) {
            Some(i) => i,
            None => {
                codes.push(code);
                codes.len() - 1
            }
        };
        results.push(result(d, code, index));
    }
    let successful = !diagnostics
        .iter()
        .any(|d| d.code.is_none() && d.severity == "error");
    let mut invocation = json!({
        "executionSuccessful": successful,
        "exitCode": exit_code,
    });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let mut driver = json!({
        "name": "jazz",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": codes.iter().map(|c| rule(c)).collect::<Vec<_>>(),
    });
    // `informationUri` must be a URI: left out of a build whose manifest names no repository.
    if !env!("CARGO_PKG_REPOSITORY").is_empty() {
        driver["informationUri"] = json!(env!("CARGO_PKG_REPOSITORY"));
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
        }],
    })
}

/// The rule of a code: the registry's title and explanation.
fn rule(code: &str) -> Value {
    let mut rule = json!({ "id": code });
    if let Some(info) = Code::parse(code).and_then(Code::info) {
        rule["shortDescription"] = json!({ "text": info.title });
        rule["fullDescription"] = json!({ "text": info.docs });
        rule["help"] = json!({ "text": info.docs });
        rule["defaultConfiguration"] = json!({ "level": level(info.severity.as_str()) });
    }
    rule
}

fn result(d: &JsonDiagnostic, code: &str, index: usize) -> Value {
    let mut r = json!({
        "ruleId": code,
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": message_text(d) },
    });
    if let Some(file) = &d.file {
        r["locations"] = json!([{ "physicalLocation": physical(file, d.range) }]);
    }
    let related: Vec<Value> = d
        .labels
        .iter()
        .filter_map(|l| Some((l.file.as_deref()?, l)))
        .enumerate()
        .map(|(i, (file, l))| {
            let mut loc = json!({ "id": i, "physicalLocation": physical(file, l.range) });
            if let Some(m) = &l.message {
                loc["message"] = json!({ "text": m });
            }
            loc
        })
        .collect();
    if !related.is_empty() {
        r["relatedLocations"] = Value::Array(related);
    }
    let fixes: Vec<Value> = d
        .fixes
        .iter()
        .filter_map(|f| {
            // One artifact change per file, its replacements in edit order.
            let mut changes: Vec<(&str, Vec<Value>)> = Vec::new();
            for e in &f.edits {
                let (Some(file), Some(range)) = (e.file.as_deref(), e.range) else {
                    return None;
                };
                let replacement = json!({
                    "deletedRegion": region(range),
                    "insertedContent": { "text": e.new_text },
                });
                match changes.iter_mut().find(|(f, _)| *f == file) {
                    Some((_, list)) => list.push(replacement),
                    None => changes.push((file, vec![replacement])),
                }
            }
            let changes: Vec<Value> = changes
                .into_iter()
                .map(|(file, replacements)| {
                    json!({
                        "artifactLocation": { "uri": uri(file) },
                        "replacements": replacements,
                    })
                })
                .collect();
            (!changes.is_empty())
                .then(|| json!({ "description": { "text": f.title }, "artifactChanges": changes }))
        })
        .collect();
    if !fixes.is_empty() {
        r["fixes"] = Value::Array(fixes);
    }
    r
}

fn physical(file: &str, range: Option<JsonRange>) -> Value {
    let mut p = json!({ "artifactLocation": { "uri": uri(file) } });
    if let Some(range) = range {
        p["region"] = region(range);
    }
    p
}

fn region(range: JsonRange) -> Value {
    json!({
        "startLine": range.start.line,
        "startColumn": range.start.column,
        "endLine": range.end.line,
        "endColumn": range.end.column,
    })
}

fn level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}

/// A shown path as a URI reference: relative paths stay relative (to the working directory,
/// which is what code-scanning uploads resolve against), absolute ones become `file:` URIs, and
/// characters outside the unreserved set and `/` are percent-encoded.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let absolute = path.starts_with('/');
    let drive = path.as_bytes().get(1) == Some(&b':');
    if absolute {
        out.push_str("file://");
    } else if drive {
        out.push_str("file:///");
    }
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (drive && i == 1);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::output::json::message;
    use jazz_schema_compiler::diagnostics::Severity;

    fn coded(code: &str, severity: Severity, file: Option<&str>) -> JsonDiagnostic {
        let mut d = message(severity, format!("{code} here"));
        d.code = Some(code.into());
        d.file = file.map(str::to_owned);
        d
    }

    #[test]
    fn one_rule_per_code_and_uncoded_messages_as_notifications() {
        let log = log(
            &[
                coded("JZ2101", Severity::Warning, Some("p.ts")),
                coded("JZ1016", Severity::Error, None),
                coded("JZ2101", Severity::Hint, Some("p.ts")),
                message(Severity::Error, "cannot read x"),
            ],
            1,
        );
        let run = &log["runs"][0];
        let rules: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(rules, ["JZ2101", "JZ1016"]);
        let indexes: Vec<u64> = run["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["ruleIndex"].as_u64())
            .collect();
        assert_eq!(indexes, [0, 1, 0]);
        assert_eq!(run["results"][2]["level"], "note");
        // A project-level finding has no location; a file without a range has no region.
        assert!(run["results"][1].get("locations").is_none());
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"],
            json!({ "artifactLocation": { "uri": "p.ts" } })
        );
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        assert_eq!(invocation["exitCode"], 1);
        assert_eq!(
            invocation["toolExecutionNotifications"],
            json!([{ "level": "error", "message": { "text": "cannot read x" } }])
        );
    }

    #[test]
    fn uris_are_relative_or_file_uris() {
        assert_eq!(uri("src/schema.ts"), "src/schema.ts");
        assert_eq!(uri("my app/é.ts"), "my%20app/%C3%A9.ts");
        assert_eq!(uri("/tmp/x#1.ts"), "file:///tmp/x%231.ts");
        assert_eq!(uri("C:/a/b.ts"), "file:///C:/a/b.ts");
    }
}
