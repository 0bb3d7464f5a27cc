//! The `--format github` renderer: one GitHub Actions workflow command per diagnostic
//! (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=JZxxxx::message`), which the
//! runner turns into an annotation on the pull request. A pure function over the JSON form of a
//! diagnostic, whose paths the caller made relative to the working directory (the checkout).
//!
//! Escaping follows the runner: in the message `%`, CR and LF are percent-encoded; in property
//! values `:` and `,` are too, since they delimit the properties.

use super::json::JsonDiagnostic;

/// The workflow command for one diagnostic (or uncoded CLI message), without a newline.
pub fn annotation(d: &JsonDiagnostic) -> String {
    let command = match d.severity {
        "error" => "error",
        "warning" => "warning",
        _ => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(file) = &d.file {
        props.push(("file", file.clone()));
        if let Some(range) = d.range {
            props.push(("line", range.start.line.to_string()));
            // GitHub reads columns only when the annotation starts and ends on one line.
            let one_line = range.start.line == range.end.line;
            if one_line {
                props.push(("col", range.start.column.to_string()));
            }
            props.push(("endLine", range.end.line.to_string()));
            if one_line {
                props.push(("endColumn", range.end.column.to_string()));
            }
        }
    }
    if let Some(code) = &d.code {
        props.push(("title", code.clone()));
    }
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let sep = if props.is_empty() { "" } else { " " };
    format!(
        "::{command}{sep}{}::{}",
        props.join(","),
        escape_data(&message_text(d))
    )
}

/// The message, then its notes and help, one per line: what a reader of the annotation needs
/// without the source snippet.
pub fn message_text(d: &JsonDiagnostic) -> String {
    let mut text = d.message.clone();
    for note in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    text
}

/// Escapes a workflow command's data (the part after `::`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a workflow command's property value.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::json::{JsonPosition, JsonRange, message};
    use jazz_schema_compiler::diagnostics::Severity;

    fn located(
        severity: Severity,
        file: &str,
        start: (u32, u32),
        end: (u32, u32),
    ) -> JsonDiagnostic {
        let mut d = message(severity, "bad");
        d.code = Some("JZ1016".into());
        d.file = Some(file.into());
        d.range = Some(JsonRange {
            start: JsonPosition {
                line: start.0,
                column: start.1,
            },
            end: JsonPosition {
                line: end.0,
                column: end.1,
            },
        });
        d
    }

    #[test]
    fn one_line_ranges_carry_columns() {
        let d = located(Severity::Error, "src/schema.ts", (3, 5), (3, 14));
        assert_eq!(
            annotation(&d),
            "::error file=src/schema.ts,line=3,col=5,endLine=3,endColumn=14,title=JZ1016::bad"
        );
    }

    #[test]
    fn multi_line_ranges_drop_columns() {
        let d = located(Severity::Warning, "a.ts", (2, 1), (4, 3));
        assert_eq!(
            annotation(&d),
            "::warning file=a.ts,line=2,endLine=4,title=JZ1016::bad"
        );
    }

    #[test]
    fn uncoded_messages_and_lower_severities() {
        assert_eq!(
            annotation(&message(Severity::Error, "boom")),
            "::error::boom"
        );
        assert_eq!(
            annotation(&message(Severity::Hint, "try x")),
            "::notice::try x"
        );
        assert_eq!(annotation(&message(Severity::Info, "n")), "::notice::n");
    }

    #[test]
    fn escapes_data_and_properties() {
        let mut d = located(Severity::Error, "dir,x/a:b%.ts", (1, 1), (1, 2));
        d.message = "100% wrong\r\nsecond: line, here".into();
        d.notes = vec!["a note".into()];
        d.help = Some("did you mean `x`?".into());
        assert_eq!(
            annotation(&d),
            "::error file=dir%2Cx/a%3Ab%25.ts,line=1,col=1,endLine=1,endColumn=2,title=JZ1016::100%25 wrong%0D%0Asecond: line, here%0Anote: a note%0Ahelp: did you mean `x`?"
        );
    }
}
