//! The one diagnostic type of the toolchain, and the code registry.
//!
//! Every problem the compiler finds is a [`Diagnostic`] with a stable [`Code`]: `JZ0xxx`
//! syntax/evaluation, `JZ1xxx` schema, `JZ2xxx` permissions, `JZ3xxx` migrations, `JZ9xxx`
//! internal. The registry (`registry`) holds each code's title, default severity and docs, which
//! `jazz explain` prints. Rendering (miette, JSON, LSP) happens at the edges, not here.

mod registry;

pub use registry::{CodeInfo, all as all_codes};

use std::fmt;

use crate::source::{FileId, Span, TextRange};

/// A stable diagnostic code such as `JZ1016`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(pub u16);

impl Code {
    /// Parses `JZ1002`, `jz1002` or `1002`. `None` when malformed.
    pub fn parse(s: &str) -> Option<Code> {
        let t = s.trim();
        let digits = match t.get(..2) {
            Some(p) if p.eq_ignore_ascii_case("jz") => t.get(2..).unwrap_or(""),
            _ => t,
        };
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Code)
    }

    /// The registry entry, if this code is registered.
    pub fn info(self) -> Option<&'static CodeInfo> {
        registry::lookup(self)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JZ{:04}", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// A labelled source range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub file: FileId,
    pub range: TextRange,
    pub new_text: String,
}

/// A machine-applicable fix: a title and the edits that make it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

/// The severity the registry gives `code`; an unregistered code (a bug, caught by the registry
/// tests) counts as an error.
fn registered_severity(code: Code) -> Severity {
    code.info().map_or(Severity::Error, |i| i.severity)
}

/// A finding about the user's project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// Always the registry's severity for `code` ([`Diagnostic::new`], [`Diagnostic::recode`]).
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Upstream's verbatim text for the same problem, when it has one.
    pub upstream_message: Option<String>,
    /// The primary location; `None` for project-level findings.
    pub primary: Option<Label>,
    /// Secondary locations.
    pub labels: Vec<Label>,
    /// Why it is wrong.
    pub notes: Vec<String>,
    /// What to do.
    pub help: Option<String>,
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// A diagnostic with its code's registered severity. There is no other way to choose a
    /// severity: a finding that needs another one has its own code in the registry.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: registered_severity(code),
            message: message.into(),
            upstream_message: None,
            primary: None,
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    /// Gives the diagnostic another code, and that code's registered severity: for a finding
    /// that a later check shows to be worse (JZ2320 becoming JZ2327).
    pub fn recode(&mut self, code: Code) {
        self.code = code;
        self.severity = registered_severity(code);
    }

    pub fn at(mut self, span: Span) -> Self {
        self.primary = Some(Label {
            span,
            message: None,
        });
        self
    }

    pub fn at_labelled(mut self, span: Span, message: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: Some(message.into()),
        });
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: Some(message.into()),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn upstream(mut self, text: impl Into<String>) -> Self {
        self.upstream_message = Some(text.into());
        self
    }

    pub fn fix(
        mut self,
        title: impl Into<String>,
        span: Span,
        new_text: impl Into<String>,
    ) -> Self {
        self.fixes.push(Fix {
            title: title.into(),
            edits: vec![TextEdit {
                file: span.file,
                range: span.range,
                new_text: new_text.into(),
            }],
        });
        self
    }

    /// The fix of a did-you-mean: replaces the name `written`, found once as a whole name in
    /// the text `span` covers (`source` is that file's text), with `suggestion`. Quotes around
    /// it stay. No fix when the name is not written there as such (built from parts, escaped,
    /// or written twice).
    pub fn spelling_fix(
        mut self,
        source: &str,
        span: Span,
        written: &str,
        suggestion: &str,
    ) -> Self {
        if let Some(range) = name_in(source, span.range, written) {
            self.fixes.push(Fix {
                title: format!("Replace with `{suggestion}`"),
                edits: vec![TextEdit {
                    file: span.file,
                    range,
                    new_text: suggestion.to_owned(),
                }],
            });
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }
}

/// Counts of errors and warnings in a list of diagnostics.
pub fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

/// The most characters of a user-written name that a message quotes.
pub const MAX_QUOTED_NAME: usize = 80;

/// A user-written name (table, column, ref target, suggestion…) as a message quotes it: whole
/// when it has at most [`MAX_QUOTED_NAME`] characters, else its first characters and `…`, so a
/// megabyte-long name cannot make a megabyte-long message. Fixes keep the full text.
pub fn quoted_name(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(MAX_QUOTED_NAME) {
        None => std::borrow::Cow::Borrowed(name),
        Some((cut, _)) => {
            let keep = name
                .char_indices()
                .nth(MAX_QUOTED_NAME - 1)
                .map_or(cut, |(i, _)| i);
            std::borrow::Cow::Owned(format!("{}…", &name[..keep]))
        }
    }
}

/// The most names a message lists before it says how many more there are.
pub const MAX_LISTED_NAMES: usize = 20;

/// `a, b, c` for a message listing names, each quoted with [`quoted_name`], the list cut after
/// [`MAX_LISTED_NAMES`] with `… and N more`.
pub fn name_list(names: &[&str]) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(MAX_LISTED_NAMES)
        .map(|n| quoted_name(n).into_owned())
        .collect();
    if names.len() > MAX_LISTED_NAMES {
        out.push(format!("… and {} more", names.len() - MAX_LISTED_NAMES));
    }
    out.join(", ")
}

/// Where `name` is written as a whole name in `range` of `source`: exactly once, with no
/// name character on either side.
fn name_in(source: &str, range: TextRange, name: &str) -> Option<TextRange> {
    let text = source.get(range.start as usize..range.end as usize)?;
    if name.is_empty() {
        return None;
    }
    let part = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut found = None;
    for (i, _) in text.match_indices(name) {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        if before.is_some_and(part) || after.is_some_and(part) {
            continue;
        }
        if found.is_some() {
            return None;
        }
        found = Some(i);
    }
    let start = range.start + u32::try_from(found?).ok()?;
    Some(TextRange::new(
        start,
        start + u32::try_from(name.len()).ok()?,
    ))
}

/// The closest candidate to `name` by edit distance, for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Edit distance costs the product of the lengths; nobody misspells a name this long.
    const MAX_LEN: usize = 1_000;
    if name.len() > MAX_LEN {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    let lower = name.to_lowercase();
    let lower_len = lower.chars().count();
    let len = name.chars().count();
    for c in candidates {
        if c == name || c.len() > MAX_LEN {
            continue;
        }
        let c_lower = c.to_lowercase();
        let longest = len.max(c.chars().count()).max(1);
        // The distance is at least the difference in length: skip candidates that cannot be
        // accepted below without computing it (which costs the product of the lengths).
        let floor = lower_len.abs_diff(c_lower.chars().count());
        if floor > 2 && floor as f64 / longest as f64 > 0.34 {
            continue;
        }
        let d = strsim::damerau_levenshtein(&lower, &c_lower);
        let score = d as f64 / longest as f64;
        // Accept small edits relative to the length (a third of it, and at least one edit).
        if (d <= 2 || score <= 0.34) && best.is_none_or(|(s, _)| score < s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Well-known codes, named so call sites read well. Titles and docs live in the registry.
pub mod codes {
    use super::Code;
    pub const SYNTAX: Code = Code(1);
    pub const UNREADABLE: Code = Code(2);
    pub const TOO_LARGE: Code = Code(3);
    pub const NOT_STATIC: Code = Code(101);
    pub const UNRESOLVED: Code = Code(102);
    pub const NON_DSL_CALL: Code = Code(103);
    pub const BAD_DATE: Code = Code(104);
    pub const ZOD_UNSUPPORTED: Code = Code(105);
    pub const PROTO_KEY: Code = Code(106);
    pub const IMPORT_CYCLE: Code = Code(107);
    pub const MUTATION: Code = Code(108);
    pub const UNEVALUATED_CALL: Code = Code(109);
    pub const LONE_SURROGATE: Code = Code(110);
    pub const EVAL_BUDGET: Code = Code(111);
    pub const IMPORT_OUTSIDE_PROJECT: Code = Code(112);
    pub const JAZZ_TOOLS_VERSION: Code = Code(113);
    pub const ZOD_VERSION: Code = Code(114);
    pub const DATE_ROLLOVER: Code = Code(120);
    pub const SCHEMA_NOT_FOUND: Code = Code(1001);
    pub const SCHEMA_AMBIGUOUS: Code = Code(1002);
    pub const NO_SCHEMA_EXPORT: Code = Code(1003);
    pub const INLINE_POLICIES: Code = Code(1004);
    pub const LEGACY_TABLE_PERMISSIONS: Code = Code(1005);
    pub const LEGACY_TABLE: Code = Code(1006);
    pub const EXPORT_SKIPPED: Code = Code(1007);
    pub const LATER_EXPORT_IGNORED: Code = Code(1008);
    pub const DOLLAR_COLUMN: Code = Code(1010);
    pub const PROTO_TABLE: Code = Code(1011);
    pub const ID_COLUMN: Code = Code(1012);
    pub const EMPTY_NAME: Code = Code(1013);
    pub const EMPTY_TABLE: Code = Code(1014);
    pub const LEGACY_REF_NAME: Code = Code(1015);
    pub const UNKNOWN_REF: Code = Code(1016);
    pub const ENUM_EMPTY: Code = Code(1020);
    pub const ENUM_EMPTY_VARIANT: Code = Code(1021);
    pub const ENUM_DUPLICATE: Code = Code(1022);
    pub const ENUM_NOT_STRING: Code = Code(1023);
    pub const ENUM_COLLATION: Code = Code(1024);
    pub const ENUM_ORDER_UNKNOWN: Code = Code(1025);
    pub const JSON_SCHEMA_INVALID: Code = Code(1030);
    pub const JSON_SCHEMA_CHANGED: Code = Code(1031);
    pub const COUNTER_INVALID: Code = Code(1040);
    pub const MERGE_UNKNOWN: Code = Code(1041);
    pub const ARRAY_ELEMENT_MODIFIER: Code = Code(1042);
    pub const NULL_DEFAULT: Code = Code(1043);
    pub const EXTRA_ARGS: Code = Code(1044);
    pub const INDEX_UNKNOWN: Code = Code(1050);
    pub const INDEX_PROTO: Code = Code(1051);
    pub const INDEX_EMPTY: Code = Code(1052);
    pub const INDEX_DUPLICATE: Code = Code(1053);
    pub const DEFAULT_INTEGER: Code = Code(1060);
    pub const DEFAULT_TIMESTAMP: Code = Code(1061);
    pub const DEFAULT_DOUBLE: Code = Code(1062);
    pub const DEFAULT_UUID: Code = Code(1063);
    pub const DEFAULT_ENUM: Code = Code(1064);
    pub const DEFAULT_ARRAY: Code = Code(1065);
    pub const DEFAULT_BYTES: Code = Code(1066);
    pub const DEFAULT_JSON: Code = Code(1067);
    pub const DEFAULT_JSON_STRING: Code = Code(1068);
    pub const DEFAULT_COERCED: Code = Code(1069);
    pub const SLICE_EMPTY: Code = Code(1070);
    pub const SLICE_UNKNOWN: Code = Code(1071);
    pub const MUTATED_AFTER_BUILD: Code = Code(1072);
    pub const SNAPSHOT_UNREADABLE: Code = Code(1080);
    pub const SNAPSHOT_NAME_MISMATCH: Code = Code(1081);
    pub const HASH_AMBIGUOUS: Code = Code(1082);
    pub const HASH_INVALID: Code = Code(1083);
    pub const HASH_NOT_FOUND: Code = Code(1084);
    pub const CONTROL_IN_NAME: Code = Code(1085);
    pub const DUPLICATE_KEY: Code = Code(1086);
    pub const DEFAULT_JSON_TEXT: Code = Code(1090);
    pub const DEFAULT_STRING: Code = Code(1091);
    pub const INTERNAL: Code = Code(9001);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes() {
        assert_eq!(Code::parse("JZ1002"), Some(Code(1002)));
        assert_eq!(Code::parse("jz0101"), Some(Code(101)));
        assert_eq!(Code::parse("1002"), Some(Code(1002)));
        assert_eq!(Code::parse("JZ12"), None);
        assert_eq!(Code::parse("JZ10020"), None);
        assert_eq!(Code::parse("😀😀"), None);
        assert_eq!(Code::parse("é1002"), None);
        assert_eq!(Code(101).to_string(), "JZ0101");
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("project", ["projects", "tasks"]),
            Some("projects")
        );
        assert_eq!(did_you_mean("dne", ["title", "done"]), Some("done"));
        assert_eq!(did_you_mean("zzzzzz", ["title", "done"]), None);
    }

    #[test]
    fn spelling_fixes_replace_the_name_written_once() {
        let src = r#"policy.tasks.allowRead.where({ stauts: "dne" })"#;
        let whole = Span::new(FileId(0), 0, u32::try_from(src.len()).unwrap_or(0));
        let d = Diagnostic::new(Code(2201), "x").spelling_fix(src, whole, "stauts", "status");
        let edit = &d.fixes[0].edits[0];
        assert_eq!(
            &src[edit.range.start as usize..edit.range.end as usize],
            "stauts"
        );
        assert_eq!(d.fixes[0].title, "Replace with `status`");
        // Inside quotes, only the name.
        let d = Diagnostic::new(Code(2201), "x").spelling_fix(src, whole, "dne", "done");
        assert_eq!(d.fixes[0].edits[0].range.len(), 3);
        // Part of a longer name, twice, or not there: no fix.
        for (text, name) in [
            ("tasks2", "tasks"),
            ("a.b + a.b", "b"),
            ("x", "y"),
            ("x", ""),
        ] {
            let span = Span::new(FileId(0), 0, u32::try_from(text.len()).unwrap_or(0));
            let d = Diagnostic::new(Code(2201), "x").spelling_fix(text, span, name, "z");
            assert!(d.fixes.is_empty(), "{text}");
        }
    }

    #[test]
    fn quoted_names_are_cut_at_80_characters() {
        assert_eq!(quoted_name("todos"), "todos");
        let exact = "é".repeat(MAX_QUOTED_NAME);
        assert_eq!(quoted_name(&exact), exact.as_str());
        let long = "é".repeat(1_000_000);
        let q = quoted_name(&long);
        assert_eq!(q.chars().count(), MAX_QUOTED_NAME);
        assert!(q.ends_with("é…"), "{q}");
    }

    #[test]
    fn name_lists_stop_after_20_names() {
        assert_eq!(name_list(&["a", "b"]), "a, b");
        let many: Vec<String> = (0..25).map(|i| format!("t{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let list = name_list(&many);
        assert!(list.starts_with("t0, t1,"), "{list}");
        assert!(list.ends_with("t19, … and 5 more"), "{list}");
    }

    #[test]
    fn severity_is_the_registered_one() {
        for i in all_codes() {
            assert_eq!(
                Diagnostic::new(i.code, "x").severity,
                i.severity,
                "{}",
                i.code
            );
        }
        let mut d = Diagnostic::new(crate::policy::codes::UNDEFINED_DROPPED, "x");
        assert_eq!(d.severity, Severity::Warning);
        d.recode(crate::policy::codes::DROPPED_KEYS_GRANT_ALL);
        assert_eq!(d.severity, Severity::Error);
    }

    /// The `pub const NAME: Code = Code(N);` lines of a codes module, as `(NAME, N)`.
    fn constants(src: &str) -> Vec<(&str, u16)> {
        src.lines()
            .filter_map(|l| l.trim().strip_prefix("pub const "))
            .filter_map(|l| {
                let (name, rest) = l.split_once(": Code = Code(")?;
                Some((name, rest.strip_suffix(");")?.parse().ok()?))
            })
            .collect()
    }

    #[test]
    fn every_code_constant_is_registered() {
        let sources = [
            ("diagnostics/mod.rs", include_str!("mod.rs")),
            ("policy/codes.rs", include_str!("../policy/codes.rs")),
            (
                "migrations/codes.rs",
                include_str!("../migrations/codes.rs"),
            ),
        ];
        let mut named = std::collections::BTreeSet::new();
        for (file, src) in sources {
            let consts = constants(src);
            // A declaration in another shape would be skipped silently: count them all.
            let declared = src
                .lines()
                .filter(|l| l.trim().starts_with("pub const ") && l.contains(": Code ="))
                .count();
            assert_eq!(declared, consts.len(), "{file}: a constant was not read");
            assert!(
                consts.len() > 40,
                "{file}: only {} constants read",
                consts.len()
            );
            for (name, n) in consts {
                let c = Code(n);
                assert!(c.info().is_some(), "{file}: {name} ({c}) is not registered");
                assert!(named.insert(c), "{file}: {name} ({c}) is named twice");
            }
        }
        for i in all_codes() {
            assert!(named.contains(&i.code), "{} has no named constant", i.code);
        }
    }
}
