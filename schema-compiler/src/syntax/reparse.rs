//! Parsing a file again after an edit by parsing only what changed: the language server
//! analyses schema.ts on every keystroke, and a keystroke almost always lands inside one table.
//!
//! The edit is the text between the longest common prefix and suffix of the old and the new
//! text (either alignment, when an insertion could slide). When it lies inside a run of
//! consecutive properties of one object literal (a column, a table, a new table typed between
//! two others), only that run is parsed again:
//!
//! 1. its new text, followed by the text up to its delimiter (the next `,` or the closing
//!    brace), is parsed as `({` run `})`, positioned so the run's bytes get the positions
//!    they have in the file, which makes SWC's spans the ones a whole parse gives;
//! 2. it is lowered from the object's nesting depth ([`ast::Expr::Object`]'s `depth`), so the
//!    nesting limit cuts off exactly what a whole parse would;
//! 3. the new properties replace the old run, and every span after the edit moves by the
//!    change in length.
//!
//! Properties are separated by `,` and enclosed by the object's braces, none of which the edit
//! touched, so the run is read the same inside the file as inside the wrapper, provided it is a
//! clean, complete list. The reuse is therefore taken only when:
//! - the old parse had no diagnostics, and the new text passes the size and nesting guards
//!   ([`super::parse`] reports those);
//! - the wrapper parses with no error, recovered or not, as one parenthesised object whose
//!   first property starts and last property ends exactly at the run's ends (no stray comma,
//!   comment or half-typed token at either end);
//! - the run does not mention `await`: the wrapper is read at the top of a module, where
//!   `await` is allowed, and the run may be inside a function that is not async. Everything
//!   else the top of a module allows is allowed anywhere an object can be (class bodies, where
//!   more differs, are not lowered and hold no runs).
//!
//! An edit in no such run (a comment or a statement after the tables, the `defineApp` line)
//! parses the top-level statements from just after the last `;`-ended one before the edit to
//! the first `;`-ended one after it, or to the end of the file ([`super::TopItem`] records
//! where each is). After a `;` a statement starts afresh, so they read the same alone, at the
//! top of a module, as in the file; before a statement that was kept, the new ones must end
//! with a `;` exactly where the old ones did.
//!
//! Anything else is parsed whole. `tests::*` and `tests/reparse.rs` check the result against a
//! whole parse, the latter over random edits of every fixture.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use swc_common::BytePos;
use swc_ecma_ast as swc;
use swc_ecma_parser::{Parser, StringInput, Syntax, TsSyntax};

use super::ast::*;
use super::{Parsed, lower};
use crate::hash::HashMap;
use crate::source::{FileId, Span};

/// The parses of one analysis, kept for the next ([`crate::project::Incremental`] keeps one
/// across analyses). Only the parses used by the latest analysis are kept.
#[derive(Debug, Default)]
pub struct ParseCache {
    /// Kept by the previous analysis, taken as they are reused.
    before: HashMap<PathBuf, Kept>,
    /// Kept by this analysis.
    now: HashMap<PathBuf, Kept>,
    /// How the parses of this cache's life went (for tests and benchmarks).
    pub stats: ParseStats,
}

/// How [`ParseCache::parse`] answered, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseStats {
    /// The text was unchanged: the kept parse was used as it was.
    pub unchanged: u32,
    /// Only the edited properties or statements were parsed again.
    pub reparsed: u32,
    /// The whole file was parsed.
    pub whole: u32,
}

#[derive(Debug)]
struct Kept {
    file: FileId,
    tsx: bool,
    text: Arc<str>,
    parsed: Parsed,
}

impl ParseCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `text`, the content of `path` as file `file`, reusing what was kept for `path`
    /// when that gives what [`super::parse`] would.
    pub fn parse(&mut self, path: &Path, file: FileId, text: &Arc<str>, tsx: bool) -> Parsed {
        if let Some(kept) = self.before.remove(path)
            && kept.file == file
            && kept.tsx == tsx
        {
            if Arc::ptr_eq(&kept.text, text) || kept.text == *text {
                self.stats.unchanged += 1;
                return kept.parsed;
            }
            if let Some(parsed) = reparse(kept.parsed, &kept.text, text, file, tsx) {
                self.stats.reparsed += 1;
                return parsed;
            }
        }
        self.stats.whole += 1;
        super::parse(file, text, tsx)
    }

    /// Keeps the parse of `text` (what [`ParseCache::parse`] returned for it) for the next
    /// analysis.
    pub fn keep(&mut self, path: PathBuf, file: FileId, text: Arc<str>, tsx: bool, parsed: Parsed) {
        self.now.insert(
            path,
            Kept {
                file,
                tsx,
                text,
                parsed,
            },
        );
    }

    /// Ends an analysis: what it kept is offered to the next one, and the rest is dropped.
    pub fn finish(&mut self) {
        self.before = std::mem::take(&mut self.now);
    }
}

/// `parsed`, the parse of `old`, made into the parse of `new` by parsing only the edited
/// properties or top-level statements; `None` when that cannot be done exactly (the caller
/// parses `new` whole). Only a parse without diagnostics is reused.
pub fn reparse(
    mut parsed: Parsed,
    old: &str,
    new: &str,
    file: FileId,
    tsx: bool,
) -> Option<Parsed> {
    if !parsed.diagnostics.is_empty()
        || new.len() > super::MAX_FILE_BYTES
        || super::guard::too_deep(new).is_some()
    {
        return None;
    }
    let edits = Edit::alignments(old, new);
    for edit in edits.iter().flatten() {
        let mut found = Vec::new();
        find_in_items(&parsed.module.items, edit, &mut found);
        // Innermost first; an outer run is tried when an inner one's ends are mid-edit (a
        // comma or a space typed right after a property).
        let Some((run, props)) = found
            .iter()
            .rev()
            .take(3)
            .find_map(|run| parse_run(run, edit, new, file, tsx).map(|props| (run, props)))
        else {
            continue;
        };
        let mut shift = Shift {
            edit,
            run: Some(run),
            props: &props,
        };
        shift.items(&mut parsed.module.items);
        shift.tops(&mut parsed.tops);
        return Some(parsed);
    }
    for edit in edits.iter().flatten() {
        if let Some(statements) = parse_statements(&parsed.tops, edit, old.len(), new, file, tsx) {
            statements.splice(&mut parsed, edit);
            return Some(parsed);
        }
    }
    None
}

/// The top-level statements between the last `;` before an edit and the first `;`-ended
/// item after it (or the end of the file), parsed again. After a `;` a statement starts
/// afresh, so they read the same alone as in the file.
struct Statements {
    /// The old items replaced: `tops[first..last]`, the same as
    /// `module.items[items.start..items.end]`.
    first: usize,
    last: usize,
    items: std::ops::Range<usize>,
    parsed: Module,
    tops: Vec<super::TopItem>,
}

fn parse_statements(
    tops: &[super::TopItem],
    edit: &Edit,
    old_len: usize,
    new: &str,
    file: FileId,
    tsx: bool,
) -> Option<Statements> {
    // The run starts after the last closed item ending at or before the edit...
    let first = tops
        .iter()
        .rposition(|t| t.closed && t.end <= edit.start)
        .map_or(0, |i| i + 1);
    let start = first.checked_sub(1).map_or(0, |i| tops[i].end);
    // ... and ends with the first closed item ending at or after it, or at the end.
    let closing = tops[first..]
        .iter()
        .position(|t| t.closed && t.end >= edit.old_end)
        .map(|i| first + i);
    let last = closing.map_or(tops.len(), |i| i + 1);
    let old_end = closing.map_or(u32::try_from(old_len).ok()?, |i| tops[i].end);
    let end = edit.moved(old_end);
    let fragment = new.get(start as usize..end as usize)?;
    // A `#!` line is only allowed at the start of the file, and SWC would take it at the
    // start of the fragment.
    if too_much(fragment, new) || (start > 0 && fragment.starts_with("#!")) {
        return None;
    }
    let len = u32::try_from(new.len()).ok()?;
    let base = 1u32;
    let lo = base + start;
    let hi = lo + u32::try_from(fragment.len()).ok()?;
    let (parsed, new_tops) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stacker::grow(super::PARSE_STACK, || {
            let input = StringInput::new(fragment, BytePos(lo), BytePos(hi));
            let syntax = Syntax::Typescript(TsSyntax {
                tsx,
                ..Default::default()
            });
            let mut parser = Parser::new(syntax, input, None);
            let module = parser.parse_module().ok()?;
            if !parser.take_errors().is_empty() {
                return None;
            }
            let mut lowerer = lower::Lowerer::new(file, base, len);
            let lowered = lowerer.module(&module, new);
            lowerer.too_deep.is_none().then_some(lowered)
        })
    }))
    .ok()??;
    // Before an item that was kept, the run must end as it did: with a `;`, exactly there.
    if closing.is_some() && new_tops.last().is_none_or(|t| !t.closed || t.end != end) {
        return None;
    }
    let count = |tops: &[super::TopItem]| tops.iter().map(|t| t.items as usize).sum::<usize>();
    let before = count(&tops[..first]);
    Some(Statements {
        first,
        last,
        items: before..before + count(&tops[first..last]),
        parsed,
        tops: new_tops,
    })
}

impl Statements {
    fn splice(self, parsed: &mut Parsed, edit: &Edit) {
        let added = self.parsed.items.len();
        let after = self.items.start + added;
        parsed
            .module
            .items
            .splice(self.items.clone(), self.parsed.items);
        let mut shift = Shift {
            edit,
            run: None,
            props: &[],
        };
        shift.items(&mut parsed.module.items[after..]);
        let kept_after = self.first + self.tops.len();
        parsed.tops.splice(self.first..self.last, self.tops);
        shift.tops(&mut parsed.tops[kept_after..]);
    }
}

/// Whether `fragment` is so much of `text` that parsing it saves little, while failing to
/// parse it (an edit that makes a syntax error) would double the cost of the whole parse that
/// follows.
fn too_much(fragment: &str, text: &str) -> bool {
    fragment.len() > 32 * 1024 && fragment.len() > text.len() / 2
}

/// What changed between two texts, in byte offsets.
#[derive(Debug)]
struct Edit {
    /// Where the texts start to differ.
    start: u32,
    /// Where the changed part ends in the old text.
    old_end: u32,
    /// New length minus old length.
    delta: i64,
}

impl Edit {
    /// The edit as the longest common prefix leaves it and, when different, as the longest
    /// common suffix does: `a b` edited into `a x b` can be an insertion of `x ` after `a ` or
    /// of ` x` after `a`, and only one of them may fall inside a property.
    fn alignments(old: &str, new: &str) -> [Option<Self>; 2] {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let same = |x: &(&u8, &u8)| x.0 == x.1;
        let prefix = a.iter().zip(b).take_while(same).count();
        let suffix = a.iter().rev().zip(b.iter().rev()).take_while(same).count();
        let room = a.len().min(b.len());
        let by_prefix = Self::new(a.len(), b.len(), prefix, suffix.min(room - prefix));
        let by_suffix = (prefix + suffix > room)
            .then(|| Self::new(a.len(), b.len(), prefix.min(room - suffix), suffix))
            .flatten();
        [by_prefix, by_suffix]
    }

    fn new(old_len: usize, new_len: usize, prefix: usize, suffix: usize) -> Option<Self> {
        Some(Self {
            start: u32::try_from(prefix).ok()?,
            old_end: u32::try_from(old_len - suffix).ok()?,
            delta: i64::try_from(new_len).ok()? - i64::try_from(old_len).ok()?,
        })
    }

    /// Where old offset `at` is in the new text (offsets inside the edit are not asked for).
    fn moved(&self, at: u32) -> u32 {
        if at >= self.old_end {
            u32::try_from(i64::from(at) + self.delta).unwrap_or(at)
        } else {
            at
        }
    }

    fn inside(&self, span: Span) -> bool {
        span.range.start <= self.start && self.old_end <= span.range.end
    }
}

/// A run of properties of one object literal that covers the edit.
#[derive(Debug)]
struct Run {
    /// The object's span (old offsets).
    object: Span,
    /// The object's lowering depth.
    depth: u32,
    /// The first and last property of the run.
    first: usize,
    last: usize,
    /// Where the run starts and ends in the old text.
    start: u32,
    end: u32,
    /// Where the token after the run's delimiter starts in the old text: the next property,
    /// or the object's closing brace.
    follow: u32,
}

fn find_in_items(items: &[Item], edit: &Edit, found: &mut Vec<Run>) {
    for item in items {
        match item {
            Item::ExportDefault { span, expr } if edit.inside(*span) => {
                find_in_expr(expr, edit, found)
            }
            Item::Stmt { stmt, .. } => find_in_stmt(stmt, edit, found),
            _ => {}
        }
    }
}

fn find_in_stmt(stmt: &Stmt, edit: &Edit, found: &mut Vec<Run>) {
    let exprs = |e: &Expr, found: &mut Vec<Run>| find_in_expr(e, edit, found);
    match stmt {
        Stmt::Var { span, decls, .. } if edit.inside(*span) => {
            for d in decls {
                find_in_pat(&d.pat, edit, found);
                if let Some(init) = &d.init {
                    exprs(init, found);
                }
            }
        }
        Stmt::Function { span, func, .. } if edit.inside(*span) => {
            find_in_function(func, edit, found)
        }
        Stmt::Expr { expr, .. } | Stmt::Throw { arg: expr, .. } => exprs(expr, found),
        Stmt::Return { arg: Some(arg), .. } => exprs(arg, found),
        Stmt::If {
            span,
            test,
            cons,
            alt,
        } if edit.inside(*span) => {
            exprs(test, found);
            find_in_stmt(cons, edit, found);
            if let Some(alt) = alt {
                find_in_stmt(alt, edit, found);
            }
        }
        Stmt::Block { span, stmts }
        | Stmt::Other {
            span, body: stmts, ..
        } if edit.inside(*span) => {
            for s in stmts {
                find_in_stmt(s, edit, found);
            }
        }
        Stmt::Loop {
            span,
            head,
            body,
            form,
            ..
        } if edit.inside(*span) => {
            for e in head {
                exprs(e, found);
            }
            find_in_stmt(body, edit, found);
            match &**form {
                LoopForm::For {
                    init,
                    test,
                    update,
                    body,
                } => {
                    if let Some(init) = init {
                        find_in_stmt(init, edit, found);
                    }
                    if let Some(test) = test {
                        exprs(test, found);
                    }
                    if let Some(ForUpdate::Step { by: Some(by), .. }) = update {
                        exprs(by, found);
                    }
                    find_in_stmt(body, edit, found);
                }
                LoopForm::ForOf { pat, right } => {
                    if let Some(pat) = pat {
                        find_in_pat(pat, edit, found);
                    }
                    exprs(right, found);
                }
                LoopForm::Other { .. } => {}
            }
        }
        Stmt::Switch { span, disc, cases } if edit.inside(*span) => {
            exprs(disc, found);
            for c in cases {
                if let Some(test) = &c.test {
                    exprs(test, found);
                }
                for s in &c.cons {
                    find_in_stmt(s, edit, found);
                }
            }
        }
        _ => {}
    }
}

fn find_in_function(func: &Function, edit: &Edit, found: &mut Vec<Run>) {
    if !edit.inside(func.span) {
        return;
    }
    for p in &func.params {
        find_in_pat(p, edit, found);
    }
    match &func.body {
        FnBody::Expr(e) => find_in_expr(e, edit, found),
        FnBody::Block(stmts) => {
            for s in stmts {
                find_in_stmt(s, edit, found);
            }
        }
    }
}

fn find_in_pat(pat: &Pat, edit: &Edit, found: &mut Vec<Run>) {
    if !edit.inside(pat.span()) {
        return;
    }
    match pat {
        Pat::Object { props, rest, .. } => {
            for p in props {
                if let PropKey::Computed { expr, .. } = &p.key {
                    find_in_expr(expr, edit, found);
                }
                find_in_pat(&p.value, edit, found);
            }
            if let Some(rest) = rest {
                find_in_pat(rest, edit, found);
            }
        }
        Pat::Array { elems, rest, .. } => {
            for p in elems.iter().flatten() {
                find_in_pat(p, edit, found);
            }
            if let Some(rest) = rest {
                find_in_pat(rest, edit, found);
            }
        }
        Pat::Default { pat, default, .. } => {
            find_in_pat(pat, edit, found);
            find_in_expr(default, edit, found);
        }
        Pat::Expr(e) => find_in_expr(e, edit, found),
        Pat::Ident(_) | Pat::Unsupported { .. } => {}
    }
}

fn find_in_expr(expr: &Expr, edit: &Edit, found: &mut Vec<Run>) {
    if !edit.inside(expr.span()) {
        return;
    }
    stacker::maybe_grow(super::STACK_RED_ZONE, super::STACK_GROW, || {
        find_in_expr_inner(expr, edit, found)
    });
}

fn find_in_expr_inner(expr: &Expr, edit: &Edit, found: &mut Vec<Run>) {
    let each = |es: &mut dyn Iterator<Item = &Expr>, found: &mut Vec<Run>| {
        for e in es {
            find_in_expr(e, edit, found);
        }
    };
    match expr {
        Expr::Object { span, props, depth } => {
            // The run: from the last property starting at or before the edit to the first
            // ending at or after it.
            let first = props
                .iter()
                .rposition(|p| prop_span(p).range.start <= edit.start);
            let last = props
                .iter()
                .position(|p| prop_span(p).range.end >= edit.old_end);
            let (Some(first), Some(last)) = (first, last) else {
                return;
            };
            if first > last {
                return;
            }
            found.push(Run {
                object: *span,
                depth: *depth,
                first,
                last,
                start: prop_span(&props[first]).range.start,
                end: prop_span(&props[last]).range.end,
                follow: props.get(last + 1).map_or_else(
                    || span.range.end.saturating_sub(1),
                    |p| prop_span(p).range.start,
                ),
            });
            if first == last {
                match &props[first] {
                    Prop::KeyValue { key, value, .. } => {
                        if let PropKey::Computed { expr, .. } = key {
                            find_in_expr(expr, edit, found);
                        }
                        find_in_expr(value, edit, found);
                    }
                    Prop::Spread { expr, .. } | Prop::Proto { value: expr, .. } => {
                        find_in_expr(expr, edit, found)
                    }
                    Prop::Shorthand(_) | Prop::Method { .. } => {}
                }
            }
        }
        Expr::Template { exprs, .. } | Expr::Seq { exprs, .. } => each(&mut exprs.iter(), found),
        Expr::Array { elems, .. } => each(&mut elems.iter().flatten().map(|a| &a.expr), found),
        Expr::Member { obj, prop, .. } => {
            find_in_expr(obj, edit, found);
            if let MemberProp::Computed { expr, .. } = prop {
                find_in_expr(expr, edit, found);
            }
        }
        Expr::Call { callee, args, .. } | Expr::New { callee, args, .. } => {
            find_in_expr(callee, edit, found);
            each(&mut args.iter().map(|a| &a.expr), found);
        }
        Expr::Unary { arg, .. } | Expr::Await { arg, .. } | Expr::Update { target: arg, .. } => {
            find_in_expr(arg, edit, found)
        }
        Expr::Binary { left, right, .. } => {
            find_in_expr(left, edit, found);
            find_in_expr(right, edit, found);
        }
        Expr::Cond {
            test, cons, alt, ..
        } => each(&mut [&**test, &**cons, &**alt].into_iter(), found),
        Expr::Function { func, .. } => find_in_function(func, edit, found),
        Expr::Assign { target, value, .. } => {
            find_in_pat(target, edit, found);
            find_in_expr(value, edit, found);
        }
        Expr::Num { .. }
        | Expr::Str { .. }
        | Expr::Bool { .. }
        | Expr::Null { .. }
        | Expr::BigInt { .. }
        | Expr::Regex { .. }
        | Expr::TaggedTemplate { .. }
        | Expr::Ident(_)
        | Expr::This { .. }
        | Expr::DynamicImport { .. }
        | Expr::Class { .. }
        | Expr::Unsupported { .. } => {}
    }
}

fn prop_span(p: &Prop) -> Span {
    match p {
        Prop::KeyValue { span, .. }
        | Prop::Spread { span, .. }
        | Prop::Method { span, .. }
        | Prop::Proto { span, .. } => *span,
        Prop::Shorthand(i) => i.span,
    }
}

/// The new properties of `run`, parsed from `new`, when they are exactly what a whole parse
/// would give there.
fn parse_run(run: &Run, edit: &Edit, new: &str, file: FileId, tsx: bool) -> Option<Vec<Prop>> {
    let start = run.start;
    let end = edit.moved(run.end);
    // The wrapper's `({` sits in the two positions before the run; position 0 is SWC's dummy.
    if start < 2 || end < start {
        return None;
    }
    let fragment = new.get(start as usize..end as usize)?;
    if too_much(fragment, new) {
        return None;
    }
    // The wrapper is parsed at the top of a module, where `await` is allowed; where the run
    // is, inside a function that is not async, it is an error.
    if memchr::memmem::find(fragment.as_bytes(), b"await").is_some() {
        return None;
    }
    // What follows the run up to its delimiter (`,` or the closing brace) goes in too: SWC
    // reads a property differently before a `,` than before a `}` (a TypeScript method with
    // no body is an error before the one and not the other).
    let follow = new.get(end as usize..edit.moved(run.follow) as usize)?;
    let len = u32::try_from(new.len()).ok()?;
    let wrapped = format!("({{{fragment}{follow}\n}})");
    // Positions as in `super::parse_guarded`: the file's byte 0 is SWC position 1.
    let base = 1u32;
    let lo = base + start - 2;
    let hi = lo + u32::try_from(wrapped.len()).ok()?;
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stacker::grow(super::PARSE_STACK, || {
            let input = StringInput::new(&wrapped, BytePos(lo), BytePos(hi));
            let syntax = Syntax::Typescript(TsSyntax {
                tsx,
                ..Default::default()
            });
            let mut parser = Parser::new(syntax, input, None);
            let module = parser.parse_module().ok()?;
            if !parser.take_errors().is_empty() {
                return None;
            }
            let [swc::ModuleItem::Stmt(swc::Stmt::Expr(stmt))] = &module.body[..] else {
                return None;
            };
            let swc::Expr::Paren(paren) = &*stmt.expr else {
                return None;
            };
            let object = &*paren.expr;
            if !matches!(object, swc::Expr::Object(_)) {
                return None;
            }
            let mut lowerer =
                lower::Lowerer::new(file, base, len).at_depth(run.depth.saturating_sub(1));
            let lowered = lowerer.expr(object);
            if lowerer.too_deep.is_some() {
                return None;
            }
            match lowered {
                Expr::Object { props, .. } => Some(props),
                _ => None,
            }
        })
    }))
    .ok()??;
    let (first, last) = (parsed.first()?, parsed.last()?);
    let exact = prop_span(first).range.start == start && prop_span(last).range.end == end;
    exact.then_some(parsed)
}

/// Moves every span after the edit and puts the new properties in place of the run. Spans
/// inside the run are only in the replaced properties; the object and everything around it
/// start before the edit or after it.
struct Shift<'a> {
    edit: &'a Edit,
    /// The run whose properties are replaced by `props`, if any.
    run: Option<&'a Run>,
    props: &'a [Prop],
}

impl Shift<'_> {
    fn span(&self, span: &mut Span) {
        span.range = crate::source::TextRange::new(
            self.edit.moved(span.range.start),
            self.edit.moved(span.range.end),
        );
    }

    fn ident(&self, i: &mut Ident) {
        self.span(&mut i.span);
    }

    fn tops(&self, tops: &mut [super::TopItem]) {
        for t in tops {
            (t.start, t.end) = (self.edit.moved(t.start), self.edit.moved(t.end));
        }
    }

    fn items(&mut self, items: &mut [Item]) {
        for item in items {
            match item {
                Item::Import(i) => {
                    self.span(&mut i.span);
                    self.span(&mut i.source.0);
                    for s in &mut i.specifiers {
                        match s {
                            ImportSpec::Named { local, .. }
                            | ImportSpec::Default { local }
                            | ImportSpec::Namespace { local } => self.ident(local),
                        }
                    }
                }
                Item::ExportNamed {
                    span,
                    specifiers,
                    source,
                } => {
                    self.span(span);
                    for s in specifiers {
                        self.span(&mut s.span);
                        self.span(&mut s.orig_span);
                    }
                    if let Some((span, _)) = source {
                        self.span(span);
                    }
                }
                Item::ExportAll { span, source } => {
                    self.span(span);
                    self.span(&mut source.0);
                }
                Item::ExportDefault { span, expr } => {
                    self.span(span);
                    self.expr(expr);
                }
                Item::Stmt { stmt, .. } => self.stmt(stmt),
            }
        }
    }

    fn stmts(&mut self, stmts: &mut [Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, stmt: &mut Stmt) {
        stacker::maybe_grow(super::STACK_RED_ZONE, super::STACK_GROW, || {
            self.stmt_inner(stmt)
        });
    }

    fn stmt_inner(&mut self, stmt: &mut Stmt) {
        match stmt {
            Stmt::Var { span, decls, .. } => {
                self.span(span);
                for d in decls {
                    self.span(&mut d.span);
                    self.pat(&mut d.pat);
                    if let Some(init) = &mut d.init {
                        self.expr(init);
                    }
                }
            }
            Stmt::Function { span, name, func } => {
                self.span(span);
                self.ident(name);
                self.function(func);
            }
            Stmt::Class { span, name } | Stmt::TsEnum { span, name } => {
                self.span(span);
                self.ident(name);
            }
            Stmt::Expr { span, expr } | Stmt::Throw { span, arg: expr } => {
                self.span(span);
                self.expr(expr);
            }
            Stmt::Return { span, arg } => {
                self.span(span);
                if let Some(arg) = arg {
                    self.expr(arg);
                }
            }
            Stmt::If {
                span,
                test,
                cons,
                alt,
            } => {
                self.span(span);
                self.expr(test);
                self.stmt(cons);
                if let Some(alt) = alt {
                    self.stmt(alt);
                }
            }
            Stmt::Block { span, stmts }
            | Stmt::Other {
                span, body: stmts, ..
            } => {
                self.span(span);
                self.stmts(stmts);
            }
            Stmt::Loop {
                span,
                head,
                body,
                form,
            } => {
                self.span(span);
                for e in head {
                    self.expr(e);
                }
                self.stmt(body);
                match std::rc::Rc::make_mut(form) {
                    LoopForm::For {
                        init,
                        test,
                        update,
                        body,
                    } => {
                        if let Some(init) = init {
                            self.stmt(init);
                        }
                        if let Some(test) = test {
                            self.expr(test);
                        }
                        match update {
                            Some(ForUpdate::Step { name, by, span, .. }) => {
                                self.ident(name);
                                if let Some(by) = by {
                                    self.expr(by);
                                }
                                self.span(span);
                            }
                            Some(ForUpdate::Unsupported { span }) => self.span(span),
                            None => {}
                        }
                        self.stmt(body);
                    }
                    LoopForm::ForOf { pat, right } => {
                        if let Some(pat) = pat {
                            self.pat(pat);
                        }
                        self.expr(right);
                    }
                    LoopForm::Other { .. } => {}
                }
            }
            Stmt::Break { span, .. } | Stmt::Continue { span, .. } => self.span(span),
            Stmt::Switch { span, disc, cases } => {
                self.span(span);
                self.expr(disc);
                for c in cases {
                    if let Some(test) = &mut c.test {
                        self.expr(test);
                    }
                    self.stmts(&mut c.cons);
                }
            }
            Stmt::Nothing => {}
        }
    }

    fn function(&mut self, func: &mut std::rc::Rc<Function>) {
        let func = std::rc::Rc::make_mut(func);
        self.span(&mut func.span);
        for p in &mut func.params {
            self.pat(p);
        }
        match &mut func.body {
            FnBody::Expr(e) => self.expr(e),
            FnBody::Block(stmts) => self.stmts(stmts),
        }
    }

    fn pat(&mut self, pat: &mut Pat) {
        match pat {
            Pat::Ident(i) => self.ident(i),
            Pat::Object { span, props, rest } => {
                self.span(span);
                for p in props {
                    self.key(&mut p.key);
                    self.pat(&mut p.value);
                }
                if let Some(rest) = rest {
                    self.pat(rest);
                }
            }
            Pat::Array { span, elems, rest } => {
                self.span(span);
                for p in elems.iter_mut().flatten() {
                    self.pat(p);
                }
                if let Some(rest) = rest {
                    self.pat(rest);
                }
            }
            Pat::Default { span, pat, default } => {
                self.span(span);
                self.pat(pat);
                self.expr(default);
            }
            Pat::Expr(e) => self.expr(e),
            Pat::Unsupported { span } => self.span(span),
        }
    }

    fn key(&mut self, key: &mut PropKey) {
        match key {
            PropKey::Static { span, .. } | PropKey::Unsupported { span } => self.span(span),
            PropKey::Computed { span, expr } => {
                self.span(span);
                self.expr(expr);
            }
        }
    }

    fn prop(&mut self, prop: &mut Prop) {
        match prop {
            Prop::KeyValue { span, key, value } => {
                self.span(span);
                self.key(key);
                self.expr(value);
            }
            Prop::Shorthand(i) => self.ident(i),
            Prop::Spread { span, expr } | Prop::Proto { span, value: expr } => {
                self.span(span);
                self.expr(expr);
            }
            Prop::Method { span, key, .. } => {
                self.span(span);
                self.key(key);
            }
        }
    }

    fn args(&mut self, args: &mut [Arg]) {
        for a in args {
            self.expr(&mut a.expr);
        }
    }

    fn expr(&mut self, expr: &mut Expr) {
        stacker::maybe_grow(super::STACK_RED_ZONE, super::STACK_GROW, || {
            self.expr_inner(expr)
        });
    }

    fn expr_inner(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Object { span, props, .. } => {
                if let Some(run) = self.run
                    && *span == run.object
                    && props.len() > run.last
                {
                    // The edited object (an object inside a `for` body is lowered twice, and
                    // both copies are edited).
                    let (first, last) = (run.first, run.last);
                    props.splice(first..=last, self.props.iter().cloned());
                    let after = first + self.props.len();
                    for p in &mut props[after..] {
                        self.prop(p);
                    }
                } else {
                    for p in props.iter_mut() {
                        self.prop(p);
                    }
                }
                self.span(span);
            }
            Expr::Ident(i) => self.ident(i),
            Expr::Num { span, .. }
            | Expr::Str { span, .. }
            | Expr::Bool { span, .. }
            | Expr::Null { span }
            | Expr::BigInt { span }
            | Expr::Regex { span }
            | Expr::TaggedTemplate { span }
            | Expr::This { span }
            | Expr::DynamicImport { span }
            | Expr::Class { span }
            | Expr::Unsupported { span, .. } => self.span(span),
            Expr::Template { span, exprs, .. } | Expr::Seq { span, exprs } => {
                self.span(span);
                for e in exprs {
                    self.expr(e);
                }
            }
            Expr::Array { span, elems } => {
                self.span(span);
                for a in elems.iter_mut().flatten() {
                    self.expr(&mut a.expr);
                }
            }
            Expr::Member {
                span, obj, prop, ..
            } => {
                self.span(span);
                self.expr(obj);
                match prop {
                    MemberProp::Name { span, .. } | MemberProp::Private { span } => self.span(span),
                    MemberProp::Computed { span, expr } => {
                        self.span(span);
                        self.expr(expr);
                    }
                }
            }
            Expr::Call {
                span, callee, args, ..
            }
            | Expr::New { span, callee, args } => {
                self.span(span);
                self.expr(callee);
                self.args(args);
            }
            Expr::Unary { span, arg, .. }
            | Expr::Await { span, arg }
            | Expr::Update {
                span, target: arg, ..
            } => {
                self.span(span);
                self.expr(arg);
            }
            Expr::Binary {
                span, left, right, ..
            } => {
                self.span(span);
                self.expr(left);
                self.expr(right);
            }
            Expr::Cond {
                span,
                test,
                cons,
                alt,
            } => {
                self.span(span);
                self.expr(test);
                self.expr(cons);
                self.expr(alt);
            }
            Expr::Function { span, func, .. } => {
                self.span(span);
                self.function(func);
            }
            Expr::Assign {
                span,
                target,
                value,
                ..
            } => {
                self.span(span);
                self.pat(target);
                self.expr(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reparses `old` edited into `new` and checks the result against a whole parse; returns
    /// whether only part was parsed again.
    fn check(old: &str, new: &str) -> bool {
        let file = FileId(3);
        let before = super::super::parse(file, old, false);
        assert!(before.diagnostics.is_empty(), "{:?}", before.diagnostics);
        let whole = super::super::parse(file, new, false);
        match reparse(before, old, new, file, false) {
            Some(parsed) => {
                assert!(whole.diagnostics.is_empty(), "{:?}", whole.diagnostics);
                assert_eq!(format!("{parsed:?}"), format!("{whole:?}"));
                true
            }
            None => false,
        }
    }

    const APP: &str = "import { schema as s } from \"jazz-tools\";\n\
        const schema = {\n  todos: s.table({\n    title: s.string(),\n    done: s.boolean(),\n  }),\n  \
        users: s.table({ name: s.string() }),\n};\n\
        export const app = s.defineApp(schema);\n";

    fn edited(from: &str, to: &str) -> String {
        assert!(APP.contains(from), "{from}");
        APP.replacen(from, to, 1)
    }

    #[test]
    fn an_edit_inside_a_column_is_parsed_alone() {
        assert!(check(APP, &edited("s.string(),", "s.string().optional(),")));
        assert!(check(APP, &edited("title", "titles")));
        assert!(check(APP, &edited("done: s.boolean()", "done: s.int()")));
    }

    #[test]
    fn columns_and_tables_can_be_added_and_removed() {
        assert!(check(
            APP,
            &edited("    done", "    due: s.timestamp(),\n    done")
        ));
        assert!(check(APP, &edited("    done: s.boolean(),\n", "")));
        assert!(check(
            APP,
            &edited(
                "  users:",
                "  tags: s.table({ label: s.string() }),\n  users:"
            )
        ));
        assert!(check(
            APP,
            &edited("  users: s.table({ name: s.string() }),\n", "")
        ));
    }

    #[test]
    fn spans_after_the_edit_move() {
        // Longer and shorter edits early in the file; the check compares every span.
        assert!(check(APP, &edited("title", "a_much_longer_title")));
        assert!(check(APP, &edited("title", "t")));
    }

    #[test]
    fn an_edit_between_statements_parses_the_statements_between_semicolons() {
        assert!(check(APP, &format!("{APP}// edited\n")));
        assert!(check(APP, &format!("{APP}export const n = 1;\n")));
        assert!(check(APP, &edited("const schema", "const schemas")));
        assert!(check(
            APP,
            &edited("defineApp(schema)", "defineApp(schemas)")
        ));
        assert!(check(
            APP,
            &edited("\"jazz-tools\";\n", "\"jazz-tools\";\ntype T = 1;\n")
        ));
        // Without a `;`, a statement can continue into the next one: the run takes it in.
        let old = "import x from \"y\";\nlet a = f\nlet b = 1;\n";
        assert!(check(old, &old.replace("let b = 1", "(1)")));
        // A `#!` line typed right after a `;` is an error, though it would start a fragment.
        assert!(!check(APP, &edited("(schema);", "(schema);#!x")));
    }

    #[test]
    fn edits_with_errors_parse_whole() {
        assert!(!check(APP, &edited("s.string(),", "s.string(,")));
        assert!(!check(APP, &edited("s.string(),", "s.string() /*,")));
        // A comma typed after a property that already has one: an error a whole parse shows.
        assert!(!check(APP, &edited("s.string()", "s.string(),")));
    }

    #[test]
    fn a_space_typed_after_a_property_reparses_the_property_around_it() {
        assert!(check(APP, &edited("s.boolean()", "s.boolean() ")));
    }

    #[test]
    fn objects_in_functions_and_loops_are_found() {
        let old = "const f = (x) => ({ a: x, b: [1, { c: 2 }] });\n\
            for (let i = 0; i < 2; i++) { g({ k: i }); }\n";
        assert!(check(old, &old.replace("c: 2", "c: 3, d: 4")));
        assert!(check(old, &old.replace("k: i", "k: i + 1")));
    }

    #[test]
    fn the_nesting_limit_is_kept() {
        // `b`'s value one level below the limit: one level more still fits and is reparsed,
        // two levels more are cut off by a whole parse, so the fragment must not be kept.
        let n = (super::super::MAX_DEPTH - 4) as usize;
        let old = format!("const a = {}{{ b: 1 }}{};\n", "[".repeat(n), "]".repeat(n));
        assert!(check(&old, &old.replace("b: 1", "b: [1]")));
        let new = old.replace("b: 1", "b: [[1]]");
        let whole = super::super::parse(FileId(0), &new, false);
        let too_large = crate::diagnostics::codes::TOO_LARGE;
        assert!(whole.diagnostics.iter().any(|d| d.code == too_large));
        let before = super::super::parse(FileId(0), &old, false);
        assert!(before.diagnostics.is_empty(), "{:?}", before.diagnostics);
        assert!(reparse(before, &old, &new, FileId(0), false).is_none());
    }
}
