//! Where a command's output goes: results and informational lines on
//! stdout, warnings, errors and diagnostics on stderr; in `--format json` mode, one envelope and
//! nothing else on stdout (or on stderr for artefact commands, whose artefact keeps stdout).
//!
//! The CI formats, accepted by `validate`, `migrations check` and `permissions test` only:
//! `--format github` prints the text mode's stdout lines plus one workflow command per
//! diagnostic on stdout (`github.rs`), and `--format sarif` collects everything like JSON mode
//! and prints one SARIF log on stdout at the end (`sarif.rs`). Both show paths relative to the
//! working directory, where CI checks the repository out, rather than to the project root.
//!
//! Commands talk to [`Output`] and never print themselves, so the formats cannot drift.

mod clip;
pub mod color;
pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jazz_schema_compiler::diagnostics::{Diagnostic, Severity};
use jazz_schema_compiler::source::SourceDb;

use crate::args::Format;
use color::{Style, paint};
use json::{Envelope, JsonDiagnostic, Summary};

/// Where an envelope goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The output side of one `jazz` run.
#[derive(Debug)]
pub struct Output {
    format: Format,
    /// Colour on stderr, where everything coloured goes.
    color: bool,
    quiet: bool,
    diagnostics: Vec<JsonDiagnostic>,
    summary: Summary,
    /// What `--format github|sarif` paths are relative to.
    cwd: PathBuf,
}

impl Output {
    pub fn new(format: Format, color: bool, quiet: bool) -> Self {
        let color = color && format == Format::Text;
        Self {
            format,
            color,
            quiet,
            diagnostics: Vec::new(),
            summary: Summary::default(),
            cwd: PathBuf::new(),
        }
    }

    /// Sets the directory `--format github|sarif` paths are shown relative to.
    pub fn set_cwd(&mut self, cwd: PathBuf) {
        self.cwd = cwd;
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Whether diagnostics are collected for one document at the end (JSON, SARIF) instead of
    /// being printed as they come; human lines are then not printed at all.
    fn collects(&self) -> bool {
        matches!(self.format, Format::Json | Format::Sarif)
    }

    /// Whether this run annotates for CI (`--format github|sarif`): commands then also report
    /// findings they otherwise show only as result lines (failed policy tests) as diagnostics.
    pub fn is_ci(&self) -> bool {
        matches!(self.format, Format::Github | Format::Sarif)
    }

    /// An informational stdout line: text mode only, and not with `-q`.
    pub fn info(&self, line: &str) {
        if !self.collects() && !self.quiet {
            write_line(Stream::Stdout, line);
        }
    }

    /// A result line on stdout (text mode; JSON carries it in `result`).
    pub fn result(&self, line: &str) {
        if !self.collects() {
            write_line(Stream::Stdout, line);
        }
    }

    /// An artefact's bytes on stdout, in both formats.
    pub fn artefact(&self, text: &str) {
        let mut stdout = io::stdout().lock();
        // A closed pipe (`jazz schema export | head`) is the reader's choice, not our failure.
        let _ = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
    }

    /// A warning of the CLI itself (not a compiler finding).
    pub fn warning(&mut self, message: &str) {
        self.plain(Severity::Warning, message);
    }

    /// An error of the CLI itself (IO, usage, a bad value).
    pub fn error(&mut self, message: &str) {
        self.plain(Severity::Error, message);
    }

    /// A note on stderr, such as where snapshots go.
    pub fn note(&mut self, message: &str) {
        self.plain(Severity::Info, message);
    }

    /// A `hint: …` line on stderr after an error (in JSON, an uncoded hint diagnostic).
    pub fn hint(&mut self, message: &str) {
        self.plain(Severity::Hint, message);
    }

    /// A warning with upstream text, printed as upstream does: `Warning: <text>` on stderr. In JSON
    /// it is an uncoded warning whose `upstream_message` is that line.
    pub fn upstream_warning(&mut self, text: &str) {
        self.count(Severity::Warning);
        let line = format!("Warning: {text}");
        match self.format {
            Format::Json => {
                let mut d = json::message(Severity::Warning, text);
                d.upstream_message = Some(line);
                self.diagnostics.push(d);
            }
            Format::Sarif => self
                .diagnostics
                .push(json::message(Severity::Warning, text)),
            Format::Github => write_line(
                Stream::Stdout,
                &github::annotation(&json::message(Severity::Warning, text)),
            ),
            Format::Text => write_line(Stream::Stderr, &line),
        }
    }

    fn plain(&mut self, severity: Severity, message: &str) {
        self.count(severity);
        match self.format {
            Format::Json | Format::Sarif => {
                self.diagnostics.push(json::message(severity, message));
                return;
            }
            Format::Github => {
                let annotation = github::annotation(&json::message(severity, message));
                write_line(Stream::Stdout, &annotation);
                return;
            }
            Format::Text => {}
        }
        let (word, style) = match severity {
            Severity::Error => ("error", Style::Error),
            Severity::Warning => ("warning", Style::Warning),
            Severity::Info => ("note", Style::Note),
            Severity::Hint => ("hint", Style::Note),
        };
        write_line(
            Stream::Stderr,
            &format!("{}: {message}", paint(self.color, style, word)),
        );
    }

    /// Compiler diagnostics: miette on stderr, or into the envelope.
    pub fn diagnostics(&mut self, diags: &[Diagnostic], db: &SourceDb, root: &Path) {
        for d in diags {
            self.count(d.severity);
            match self.format {
                Format::Json => self.diagnostics.push(json::diagnostic(d, db, root)),
                Format::Sarif => self.diagnostics.push(json::diagnostic(d, db, &self.cwd)),
                Format::Github => write_line(
                    Stream::Stdout,
                    &github::annotation(&json::diagnostic(d, db, &self.cwd)),
                ),
                Format::Text => {
                    // A blank line after each report keeps consecutive reports apart.
                    let rendered = text::render(d, db, root, self.color);
                    write_line(
                        Stream::Stderr,
                        &format!("{}\n", rendered.trim_end_matches('\n')),
                    );
                }
            }
        }
    }

    /// A summary line on stderr, text mode only (`Found … error(s) …`).
    pub fn summary_line(&self, line: &str) {
        if !self.collects() {
            write_line(Stream::Stderr, line);
        }
    }

    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
            Severity::Info | Severity::Hint => {}
        }
    }

    /// Prints the envelope (JSON mode) or the SARIF log (SARIF mode, always on stdout).
    pub fn finish(&self, command: &str, exit_code: u8, result: serde_json::Value, stream: Stream) {
        if self.format == Format::Sarif {
            let log = sarif::log(&self.diagnostics, exit_code);
            match serde_json::to_string_pretty(&log) {
                Ok(text) => write_line(Stream::Stdout, &text),
                Err(e) => write_line(
                    Stream::Stderr,
                    &format!("error: cannot write the SARIF log: {e}"),
                ),
            }
            return;
        }
        if !self.is_json() {
            return;
        }
        let envelope = Envelope {
            version: json::ENVELOPE_VERSION,
            command,
            ok: exit_code == 0,
            exit_code,
            diagnostics: &self.diagnostics,
            summary: self.summary,
            result,
        };
        match serde_json::to_string(&envelope) {
            Ok(text) => write_line(stream, &text),
            Err(e) => write_line(
                Stream::Stderr,
                &format!("error: cannot write the JSON envelope: {e}"),
            ),
        }
    }
}

/// Writes one line, ignoring a closed pipe.
pub fn write_line(stream: Stream, line: &str) {
    let _ = match stream {
        Stream::Stdout => writeln!(io::stdout().lock(), "{line}"),
        Stream::Stderr => writeln!(io::stderr().lock(), "{line}"),
    };
}
