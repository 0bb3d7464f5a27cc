//! The layering rule inside `cli` (docs/architecture.md, "Inside cli"): no command module
//! reaches into another. A file under `src/commands/<a>` (or `src/commands/<a>.rs`) may use
//! `crate::commands::{Context, Outcome, …}` and anything outside `commands/`, but never a path
//! that resolves to `crate::commands::<b>` for another command `b`, whether written as
//! `crate::commands::b`, `super::b` or `super::super::b`. What several commands share lives
//! outside `commands/`.
//!
//! The scan reads the source as text: comments are dropped, `use` trees are expanded, relative
//! paths are resolved against the file's module (inline `mod` blocks included).

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn no_command_module_imports_another() {
    let commands = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let names = command_names(&commands);
    assert!(
        names.iter().any(|n| n == "dev") && names.iter().any(|n| n == "migrations"),
        "the command list looks wrong: {names:?}"
    );
    let mut violations = Vec::new();
    for file in rust_files(&commands) {
        let rel = file.strip_prefix(&commands).expect("under commands/");
        let module = module_of(rel);
        // `commands/mod.rs` is the shared root, not a command.
        let Some(own) = module.get(1).cloned() else {
            continue;
        };
        let text = fs::read_to_string(&file).expect("read source");
        for (line, path) in resolved_paths(&text, &module) {
            if path.first().map(String::as_str) == Some("commands")
                && let Some(other) = path.get(1)
                && *other != own
                && names.contains(other)
            {
                violations.push(format!(
                    "src/commands/{}:{line}: `{}` is command `{other}`",
                    rel.display(),
                    path.join("::")
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "command modules importing other commands (move what they share out of commands/):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_scan_resolves_relative_and_grouped_paths() {
    let module = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
    let src = "use super::{Context, schema::read};\n\
               // use crate::commands::deploy::x;\n\
               use super::super::server::Args;\n\
               fn f() { crate::commands::init::run(); }\n\
               mod tests { use super::super::push; }\n";
    let found: Vec<(usize, String)> = resolved_paths(src, &module("commands::dev::stub"))
        .into_iter()
        .map(|(l, p)| (l, p.join("::")))
        .collect();
    for expected in [
        (1, "commands::dev::Context"),
        (1, "commands::dev::schema::read"),
        (3, "commands::server::Args"),
        (4, "commands::init::run"),
        (5, "commands::dev::push"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} not in {found:?}"
        );
    }
    assert!(
        !found.iter().any(|(_, p)| p.contains("deploy")),
        "{found:?}"
    );
}

/// The commands: every `*.rs` file (but `mod.rs`) and every folder directly in `commands/`.
fn command_names(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).expect("list commands/") {
        let path = entry.expect("entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.is_dir() || (path.extension().is_some_and(|e| e == "rs") && stem != "mod") {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    names
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("list dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `dev/engine/mod.rs` -> `commands::dev::engine`; `schema.rs` -> `commands::schema`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut module = vec!["commands".to_owned()];
    for part in rel.iter().filter_map(|p| p.to_str()) {
        module.push(part.trim_end_matches(".rs").to_owned());
    }
    if module.last().is_some_and(|m| m == "mod") {
        module.pop();
    }
    module
}

/// Every `crate::`, `super::` or `self::` path in `src` (use trees expanded), resolved to a
/// path from the crate root, with its 1-based line.
fn resolved_paths(src: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let tokens = tokenize(&strip_comments(src));
    let mut out = Vec::new();
    // The module at each point: the file's, plus inline `mod name { … }` blocks.
    let mut scopes: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let (line, tok) = (tokens[i].0, tokens[i].1.as_str());
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(scopes.iter().map(|(m, _)| m.clone()))
            .collect();
        match tok {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if scopes.last().is_some_and(|(_, d)| *d == depth) {
                    scopes.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.1 == "{") => {
                scopes.push((tokens[i + 1].1.clone(), depth));
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let end = tokens[i..]
                    .iter()
                    .position(|t| t.1 == ";")
                    .map_or(tokens.len(), |p| i + p);
                let tree: Vec<&str> = tokens[i + 1..end].iter().map(|t| t.1.as_str()).collect();
                for path in expand_use(&tree) {
                    if let Some(abs) = resolve(&path, &here) {
                        out.push((line, abs));
                    }
                }
                i = end + 1;
                continue;
            }
            "crate" | "super" | "self" => {
                let mut path = vec![tok.to_owned()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|t| t.1 == "::")
                    && tokens
                        .get(j + 1)
                        .is_some_and(|t| t.1.chars().all(|c| c.is_alphanumeric() || c == '_'))
                {
                    path.push(tokens[j + 1].1.clone());
                    j += 2;
                }
                if path.len() > 1
                    && let Some(abs) = resolve(&path, &here)
                {
                    out.push((line, abs));
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The paths a use tree names: `a::{b, c::{d, self}}` -> `a::b`, `a::c::d`, `a::c`.
fn expand_use(tree: &[&str]) -> Vec<Vec<String>> {
    fn walk(prefix: &[String], toks: &[&str], out: &mut Vec<Vec<String>>) {
        // Split `toks` at top-level commas, then each item is `seg :: seg :: ({…} | seg)`.
        let mut items: Vec<&[&str]> = Vec::new();
        let (mut start, mut level) = (0, 0i32);
        for (k, t) in toks.iter().enumerate() {
            match *t {
                "{" => level += 1,
                "}" => level -= 1,
                "," if level == 0 => {
                    items.push(&toks[start..k]);
                    start = k + 1;
                }
                _ => {}
            }
        }
        items.push(&toks[start..]);
        for item in items {
            let mut path = prefix.to_vec();
            let mut k = 0;
            while k < item.len() {
                match item[k] {
                    "::" => {}
                    "{" => {
                        let close =
                            item.len() - 1 - item.iter().rev().position(|t| *t == "}").unwrap_or(0);
                        walk(&path, &item[k + 1..close], out);
                        path.clear();
                        break;
                    }
                    "as" => break,
                    "self" if k > 0 || !prefix.is_empty() => {}
                    seg => path.push(seg.to_owned()),
                }
                k += 1;
            }
            if !path.is_empty() && path.last().is_some_and(|s| s != "*") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    let toks: Vec<&str> = tree.iter().copied().filter(|t| *t != "pub").collect();
    walk(&[], &toks, &mut out);
    out
}

/// A path from the crate root, or `None` for one that starts elsewhere (another crate, a
/// local name) or climbs above the root.
fn resolve(path: &[String], here: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = match path.first()?.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => here.to_vec(),
        _ => return None,
    };
    let mut rest = path;
    if rest.first().is_some_and(|s| s == "crate" || s == "self") {
        rest = &rest[1..];
    }
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The source with `//` and `/* */` comments blanked (newlines kept) and string literals
/// emptied, so neither can look like a path.
fn strip_comments(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A char literal (`'"'`, `'{'`, `'\''`); a lifetime has no closing quote.
            i += if next == Some('\\') { 3 } else { 2 };
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c == 'r'
            && chars[i + 1..].iter().find(|c| **c != '#') == Some(&'"')
            && !i
                .checked_sub(1)
                .and_then(|p| chars.get(p))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: `r"…"` or `r#"…"#`.
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            let mut k = i + 1 + hashes + 1;
            while k < chars.len()
                && !(chars[k] == '"'
                    && chars[k + 1..].iter().take_while(|c| **c == '#').count() >= hashes)
            {
                if chars[k] == '\n' {
                    out.push('\n');
                }
                k += 1;
            }
            out.push_str("\"\"");
            i = k + 1 + hashes;
        } else if c == '"' {
            out.push_str("\"\"");
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Identifiers, `::` and single punctuation characters, each with its line.
fn tokenize(src: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((line, chars[start..i].iter().collect()));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push((line, "::".to_owned()));
            i += 2;
        } else {
            out.push((line, c.to_string()));
            i += 1;
        }
    }
    out
}
