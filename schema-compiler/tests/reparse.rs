//! `syntax::reparse` against whole parses: over seeded random edit chains on every TypeScript
//! fixture (a snippet from a list of awkward ones typed, deleted or replaced anywhere), each
//! parse made by reparsing the previous one must equal the whole parse of the same text (AST,
//! spans and top-level items), whenever reparsing is taken. `JAZZ_REPARSE_SEEDS=N` runs N seeds instead of one.

use std::path::Path;

use jazz_schema_compiler::source::FileId;
use jazz_schema_compiler::syntax::{parse, reparse};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// What gets typed: DSL pieces, property lists, and everything that changes how the text
/// around it is read (brackets, commas, comments, strings, templates, regexes, arrows).
const SNIPPETS: &[&str] = &[
    "",
    " ",
    "\n",
    "\r\n",
    "\u{2028}",
    ",",
    ",,",
    ":",
    ";",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "a",
    "x: 1",
    "x: 1,",
    ", y: 2",
    "z: s.string(),\n",
    "s.string()",
    ".optional()",
    "s.ref(\"todos\")",
    "s.table({ n: s.int() })",
    "/*",
    "*/",
    "/* c */",
    "//",
    "// c\n",
    "\"",
    "'q'",
    "`",
    "${",
    "`t${a}`",
    "/re/g",
    "/",
    "=>",
    "() => ({ k: 1 })",
    "...",
    "...rest",
    "__proto__: null",
    "get g() { return 1 }",
    "m() {}",
    "[k]: 2",
    "await x",
    "yield",
    "<T>",
    " as const",
    "!",
    "?.",
    "??",
    "1e3",
    "0x",
    "\\u{41}",
    "é",
    "日本",
    "#p",
    "@dec ",
    "<div>",
    "if (a) { b }",
    "export const e = 1;",
    "export default 2;\n",
    "import z from \"z\";\n",
    "type T = { a: 1 };",
    "function f() {}\n",
    ";",
    "let v = w\n",
    "#!x\n",
    "\u{feff}",
];

fn fixtures() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "ts" || e == "tsx")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

/// A random char boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `text` with a random edit: a snippet typed over up to 12 bytes anywhere, or (half the
/// time, as in real editing of a schema) over up to 3 bytes just after a `:`, `,` or `(`.
fn edit(rng: &mut Rng, text: &str) -> String {
    let marks: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| matches!(b, b':' | b',' | b'('))
        .map(|(i, _)| i + 1)
        .collect();
    let (start, most) = if marks.is_empty() || rng.below(2) == 0 {
        (boundary(rng, text), 12)
    } else {
        (marks[rng.below(marks.len())] + rng.below(3), 3)
    };
    let mut start = start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + rng.below(most + 1)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = end.max(start);
    let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
    format!("{}{snippet}{}", &text[..start], &text[end..])
}

/// Runs a chain of `steps` edits from `text`; returns (reparsed, attempted) counts.
fn chain(name: &str, text: &str, tsx: bool, rng: &mut Rng, steps: usize) -> (usize, usize) {
    let file = FileId(1);
    let mut current = text.to_owned();
    let mut parsed = parse(file, &current, tsx);
    let (mut reparsed, mut attempted) = (0, 0);
    for step in 0..steps {
        let next = edit(rng, &current);
        let whole = parse(file, &next, tsx);
        if parsed.diagnostics.is_empty() {
            attempted += 1;
            if let Some(got) = reparse(parsed.clone(), &current, &next, file, tsx) {
                reparsed += 1;
                assert!(
                    whole.diagnostics.is_empty(),
                    "{name}, step {step}: reparsed, but a whole parse finds {:?}\n--- before\n{current}\n--- after\n{next}",
                    whole.diagnostics
                );
                let (got, want) = (format!("{got:#?}"), format!("{whole:#?}"));
                if got != want {
                    let diff = similar::TextDiff::from_lines(&want, &got);
                    panic!(
                        "{name}, step {step}: the reparse differs from a whole parse\n--- before\n{current}\n--- after\n{next}\n--- whole parse (-) against reparse (+)\n{}",
                        diff.unified_diff().context_radius(4)
                    );
                }
            }
        }
        // A quarter of the time the chain goes on from an edit that broke the text (and the
        // next edit may mend it); otherwise it stays on text that parses.
        if whole.diagnostics.is_empty() || rng.below(4) == 0 {
            current = next;
            parsed = whole;
        }
    }
    (reparsed, attempted)
}

#[test]
fn reparsing_after_random_edits_equals_a_whole_parse() {
    let seeds: u64 = std::env::var("JAZZ_REPARSE_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let (mut reparsed, mut attempted) = (0, 0);
    for seed in 0..seeds {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for (name, text) in fixtures() {
            let tsx = name.ends_with(".tsx");
            let (r, a) = chain(&name, &text, tsx, &mut rng, 40);
            reparsed += r;
            attempted += a;
        }
    }
    eprintln!("{reparsed} of {attempted} edits reparsed");
    // The comparison means something only if reparsing is often taken.
    assert!(attempted > 1000, "{attempted} attempts");
    assert!(
        reparsed * 20 > attempted,
        "only {reparsed} of {attempted} edits were reparsed"
    );
}

#[test]
fn typing_a_table_one_key_at_a_time_reparses_every_step_that_parses() {
    let head = "import { schema as s } from \"jazz-tools\";\nconst schema = {\n  todos: s.table({\n    title: s.string(),\n";
    let tail = "  }),\n  users: s.table({ name: s.string() }),\n};\nexport const app = s.defineApp(schema);\n";
    let typed = "    due: s.timestamp().optional(),\n    tags: s.array(s.string()),\n";
    let file = FileId(0);
    let mut text = format!("{head}{tail}");
    let mut parsed = parse(file, &text, false);
    let (mut clean, mut reparsed) = (0, 0);
    for end in 1..=typed.len() {
        let next = format!("{head}{}{tail}", &typed[..end]);
        let whole = parse(file, &next, false);
        if parsed.diagnostics.is_empty() {
            let got = reparse(parsed.clone(), &text, &next, file, false);
            if let Some(got) = &got {
                reparsed += 1;
                assert_eq!(format!("{got:?}"), format!("{whole:?}"));
            }
            if whole.diagnostics.is_empty() {
                clean += 1;
                assert!(
                    got.is_some(),
                    "not reparsed after typing {:?}",
                    &typed[..end]
                );
            }
        }
        text = next;
        parsed = whole;
    }
    assert!(
        clean > 10 && reparsed >= clean,
        "{clean} clean, {reparsed} reparsed"
    );
}
