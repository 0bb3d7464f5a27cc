//! Usage errors: `error: <message>`, a usage line and
//! `For more information, try '--help'.` on stderr, exit 2; in `--format json` mode also an
//! envelope on stdout. Also the commands upstream removed, with what replaces them.
//!
//! When the parser rejects the command line, nothing parsed is available, so the few flags that
//! shape error output (`--format`, `--color`) are looked up in the raw arguments.

use std::ffi::OsString;

use clap::CommandFactory;
use clap::error::ErrorKind;
use jazz_schema_compiler::diagnostics::Severity;

use crate::args::{Cli, ColorChoice, Format};
use crate::output::json::{self, Envelope, Summary};
use crate::output::{Stream, write_line};

/// Exit code of a usage error.
pub const EXIT_USAGE: u8 = 2;

/// The value of a global `--<name>` in raw arguments (`--name v` or `--name=v`), last one wins.
fn raw_flag(args: &[OsString], name: &str) -> Option<String> {
    let long = format!("--{name}");
    let mut found = None;
    let mut iter = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == long {
            found = iter.next().map(str::to_owned);
        } else if let Some(v) = arg.strip_prefix(&long).and_then(|r| r.strip_prefix('=')) {
            found = Some(v.to_owned());
        }
    }
    found
}

/// `--format` as far as the raw arguments tell.
pub fn raw_format(args: &[OsString]) -> Format {
    match raw_flag(args, "format").as_deref() {
        Some("json") => Format::Json,
        _ => Format::Text,
    }
}

/// `--color` as far as the raw arguments tell.
pub fn raw_color(args: &[OsString]) -> ColorChoice {
    match raw_flag(args, "color").as_deref() {
        Some("always") => ColorChoice::Always,
        Some("never") => ColorChoice::Never,
        _ => ColorChoice::Auto,
    }
}

/// The command words at the start of the arguments (`schema export`), for the envelope.
pub fn command_words(args: &[OsString]) -> String {
    const NESTED: [&str; 2] = ["schema", "create"];
    // Flags whose value may follow as the next argument; that value is not a command word.
    const TAKES_VALUE: [&str; 14] = [
        "--env-file",
        "--define",
        "--format",
        "--color",
        "--timeout",
        "--jazz-bin",
        "--rust-bin",
        "--schema-dir",
        "--migrations-dir",
        "--schema-hash",
        "--server-url",
        "--admin-secret",
        "--name",
        "-n",
    ];
    let mut words: Vec<&str> = Vec::new();
    let mut iter = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        if TAKES_VALUE.contains(&arg) {
            iter.next();
        } else if !arg.starts_with('-') && words.len() < 2 {
            words.push(arg);
        }
    }
    match words.as_slice() {
        [first, second, ..] if NESTED.contains(first) => format!("{first} {second}"),
        [first, ..] => (*first).to_owned(),
        [] => String::new(),
    }
}

/// Reports a parser error and returns the exit code. Help and version requests are not errors.
pub fn report_clap_error(e: &clap::Error, args: &[OsString]) -> u8 {
    let code = u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
    let is_request = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if !is_request && raw_format(args) == Format::Json {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default();
        envelope(
            &command_words(args),
            first.strip_prefix("error: ").unwrap_or(first),
            code,
        );
    }
    // clap prints help and version to stdout and errors to stderr.
    let _ = e.print();
    code
}

/// A usage error found after parsing, printed the way clap prints its own.
pub fn report(path: &[&str], message: &str, args: &[OsString], color: bool) -> u8 {
    let mut cmd = Cli::command().color(if color {
        clap::ColorChoice::Always
    } else {
        clap::ColorChoice::Never
    });
    cmd.build();
    let mut target = cmd;
    for name in path {
        match target.find_subcommand(name) {
            Some(sub) => target = sub.clone(),
            None => break,
        }
    }
    let err = target.error(ErrorKind::ArgumentConflict, message);
    if raw_format(args) == Format::Json {
        envelope(&path.join(" "), message, EXIT_USAGE);
    }
    let _ = err.print();
    EXIT_USAGE
}

/// `jazz build` and `jazz mcp`: one line, exit 2.
pub fn removed(command: &str, cli: &str, args: &[OsString]) -> u8 {
    let message = match command {
        "build" => format!("`{cli} build` has been renamed to `{cli} validate`."),
        _ => format!(
            "{cli} does not include the Jazz docs MCP server; run npx jazz-tools@alpha mcp."
        ),
    };
    if raw_format(args) == Format::Json {
        envelope(command, &message, EXIT_USAGE);
    }
    write_line(Stream::Stderr, &format!("error: {message}"));
    EXIT_USAGE
}

fn envelope(command: &str, message: &str, exit_code: u8) {
    let diagnostics = [json::message(Severity::Error, message)];
    let envelope = Envelope {
        version: json::ENVELOPE_VERSION,
        command,
        ok: false,
        exit_code,
        diagnostics: &diagnostics,
        summary: Summary {
            errors: 1,
            warnings: 0,
        },
        result: serde_json::Value::Null,
    };
    if let Ok(text) = serde_json::to_string(&envelope) {
        write_line(Stream::Stdout, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn finds_format_and_color_in_raw_arguments() {
        assert_eq!(
            raw_format(&args(&["jazz", "--format", "json", "x"])),
            Format::Json
        );
        assert_eq!(
            raw_format(&args(&["jazz", "validate", "--format=json"])),
            Format::Json
        );
        assert_eq!(
            raw_format(&args(&["jazz", "--", "--format=json"])),
            Format::Text
        );
        assert_eq!(
            raw_color(&args(&["jazz", "--color=never"])),
            ColorChoice::Never
        );
        assert_eq!(raw_color(&args(&["jazz"])), ColorChoice::Auto);
    }

    #[test]
    fn command_words_for_envelopes() {
        assert_eq!(
            command_words(&args(&["jazz", "--format=json", "schema", "export", "x"])),
            "schema export"
        );
        assert_eq!(
            command_words(&args(&["jazz", "validate", "oops"])),
            "validate"
        );
        assert_eq!(command_words(&args(&["jazz"])), "");
        assert_eq!(
            command_words(&args(&["jazz", "--format", "json", "bogus"])),
            "bogus"
        );
    }
}
