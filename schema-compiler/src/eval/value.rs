//! Values of the static evaluator: JS primitives, ordered objects, arrays,
//! `Date`, `Uint8Array`, DSL values and `Opaque`, the stand-in for anything we cannot evaluate.

use crate::hash::HashMap;
use std::rc::Rc;

use crate::diagnostics::Code;
use crate::schema::json::{insert_ordered, is_array_index_key};
use crate::source::Span;
use crate::syntax::ast::{Function, JsStr};

use super::zod::ZodSchema;

/// Index of a column builder in the evaluator's arena (builders are mutable and shared by
/// identity: `const a = s.string(); a.optional()` changes every use of `a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BuilderId(pub usize);

#[derive(Clone, Debug)]
pub enum Value {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(JsStr),
    Array(Rc<Vec<Value>>),
    Object(Rc<Object>),
    /// Milliseconds, or NaN for an invalid date.
    Date(f64),
    Bytes(Rc<Vec<u8>>),
    Builder(BuilderId),
    Table(Rc<TableDef>),
    App(Rc<AppValue>),
    /// Query builders and other app members: harmless at module scope, never schema.
    AppMember,
    Zod(Rc<ZodSchema>),
    /// A member of an imported library namespace (`s`, `s.string`, `z.object`, `Date`...).
    Lib(Rc<LibRef>),
    /// `recv.name` where recv is a DSL value; becomes a modifier or method call when called.
    Method(Rc<(Value, Rc<str>, Span)>),
    /// A user function (calls are never evaluated; the body is kept for the permissions
    /// evaluator, which reads callbacks).
    Function(Rc<Function>),
    /// A function made inside an evaluated function or block, with the scopes it closes over.
    Closure(Rc<super::exec::Closure>),
    Opaque(Rc<Opaque>),
    /// `definePermissions(app, factory)`: kept for the permissions phase (`policy/`), which
    /// interprets the factory symbolically.
    Permissions(Rc<PermissionsDef>),
}

/// What `definePermissions(app, factory)` captured: its arguments and the module scope at the
/// call (the factory's closure environment).
#[derive(Debug, Clone)]
pub struct PermissionsDef {
    pub app: Value,
    pub app_span: Span,
    pub factory: Value,
    pub factory_span: Span,
    pub span: Span,
    pub scope: Vec<(Rc<str>, Value)>,
    /// Module-scope names bound to a `process.env` read, with their initialisers: the
    /// permissions phase evaluates these like the same read written inline.
    pub env_inits: Vec<(Rc<str>, EnvInit)>,
}

/// The initialiser of a module-scope constant that reads `process.env`.
#[derive(Debug, Clone)]
pub struct EnvInit {
    pub expr: Rc<crate::syntax::ast::Expr>,
    /// For a constant imported from another module: that module's scope, in which the
    /// initialiser is evaluated (`None`: the module using it).
    pub origin: Option<Rc<EnvOrigin>>,
}

/// The module scope an imported [`EnvInit`] was declared in.
#[derive(Debug, Default)]
pub struct EnvOrigin {
    pub scope: HashMap<Rc<str>, Value>,
    pub env_inits: HashMap<Rc<str>, EnvInit>,
}

/// Something we cannot evaluate, with the reason and where it came from.
#[derive(Debug, Clone)]
pub struct Opaque {
    pub span: Span,
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<(Span, String)>,
    /// Fixes for the diagnostic it becomes (the did-you-mean of an unknown member).
    pub fixes: Vec<crate::diagnostics::Fix>,
    /// Already reported where it arose; reaching another position adds nothing.
    pub silent: bool,
}

/// An ordered JS object.
///
/// A definition object may hold 100,000 tables, and a linear search per property made building
/// it quadratic; so once an object has [`INDEXED_FROM`] keys, lookups go through hash maps beside
/// the ordered lists. Small objects (every table's columns) stay plain lists.
#[derive(Debug, Clone, Default)]
pub struct Object {
    /// The properties in JS order. Read it freely; change it only through [`Object::set`], which
    /// keeps the index in step.
    pub props: Vec<(String, Value)>,
    /// Position of each key in `props`, from [`INDEXED_FROM`] keys on.
    index: Option<HashMap<String, usize>>,
    /// Span of each key's last definition, where known, one entry per key.
    key_spans: Vec<(String, Span)>,
    /// Position of each key in `key_spans`, from [`INDEXED_FROM`] keys on.
    key_span_index: Option<HashMap<String, usize>>,
    /// Keys written twice in the object literal that made this object (`{ a: 1, a: 2 }`), in
    /// source order; the later value is the one in `props`, as in JS. A key from a spread that
    /// a written key replaces is not listed: overriding a spread is deliberate.
    pub overwritten: Vec<Overwritten>,
}

/// One key written twice in one object literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwritten {
    pub key: String,
    /// The first definition's key, whose value was replaced.
    pub earlier: Span,
    /// The definition that wins.
    pub later: Span,
}

/// Objects with this many keys get hash indexes.
const INDEXED_FROM: usize = 16;

impl Object {
    /// Key comparisons [`Object::set`] does to add `key`: one through the hash index (from
    /// [`INDEXED_FROM`] keys on), the whole length while unindexed or for an array-index key
    /// (kept in numeric order). The evaluation budget charges this.
    pub fn insert_work(&self, key: &str) -> usize {
        if self.index.is_some() && is_array_index_key(key).is_none() {
            1
        } else {
            self.props.len().max(1)
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        let i = position(&self.props, self.index.as_ref(), key)?;
        self.props.get(i).map(|(_, v)| v)
    }

    /// Sets a property with JS semantics: an existing key keeps its place; a new array-index key
    /// goes before the string keys (in numeric order), any other new key last.
    pub fn set(&mut self, key: String, value: Value) {
        if let Some(i) = position(&self.props, self.index.as_ref(), &key)
            && let Some(slot) = self.props.get_mut(i)
        {
            slot.1 = value;
            return;
        }
        if is_array_index_key(&key).is_some() {
            insert_ordered(&mut self.props, key, value);
            // Keys after the insertion point moved; array-index keys are rare in a schema.
            self.index = None;
        } else {
            if let Some(index) = &mut self.index {
                index.insert(key.clone(), self.props.len());
            }
            self.props.push((key, value));
        }
        if self.index.is_none() {
            self.index = build_index(&self.props);
        }
    }

    /// Records where `key` was written (the last record wins).
    pub fn set_key_span(&mut self, key: String, span: Span) {
        if let Some(i) = position(&self.key_spans, self.key_span_index.as_ref(), &key)
            && let Some(slot) = self.key_spans.get_mut(i)
        {
            slot.1 = span;
            return;
        }
        if let Some(index) = &mut self.key_span_index {
            index.insert(key.clone(), self.key_spans.len());
        }
        self.key_spans.push((key, span));
        if self.key_span_index.is_none() {
            self.key_span_index = build_index(&self.key_spans);
        }
    }

    pub fn key_span(&self, key: &str) -> Option<Span> {
        let i = position(&self.key_spans, self.key_span_index.as_ref(), key)?;
        self.key_spans.get(i).map(|(_, s)| *s)
    }
}

/// Where `key` is in `list`: through `index` when there is one, else by a scan.
fn position<T>(
    list: &[(String, T)],
    index: Option<&HashMap<String, usize>>,
    key: &str,
) -> Option<usize> {
    match index {
        Some(index) => index.get(key).copied(),
        None => list.iter().position(|(k, _)| k == key),
    }
}

/// An index of `list`'s keys once it is long enough to need one.
fn build_index<T>(list: &[(String, T)]) -> Option<HashMap<String, usize>> {
    (list.len() >= INDEXED_FROM).then(|| {
        list.iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect()
    })
}

/// `s.table({...})` or `.indexOnly([...])`: shares its columns object with the table it came from.
#[derive(Debug, Clone)]
pub struct TableDef {
    pub columns: Rc<Object>,
    pub indexed: Option<Vec<(String, Span)>>,
    pub span: Span,
}

/// What `defineApp` / `defineSliceableApp` / `.slice` returned.
#[derive(Debug, Clone)]
pub struct AppValue {
    /// Shared with the analysis that picks this app (no copy of a large schema).
    pub schema: std::sync::Arc<crate::schema::WasmSchema>,
    pub table_names: Vec<String>,
    pub span: Span,
    /// Builder states at build time, to detect later mutation (JZ1072).
    pub frozen: Vec<(BuilderId, super::column_builder::Fingerprint)>,
}

/// A path into a library namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibRef {
    /// `import * as J from "jazz-tools"`
    JazzTools,
    /// The `schema` namespace (`s`).
    Schema,
    /// The `col` namespace.
    Col,
    /// A jazz-tools function: `string`, `table`, `defineApp`, ... (`legacy` for top-level `table`).
    JazzFn { name: &'static str, legacy: bool },
    /// `import * as P from "jazz-tools/permissions"` and its members (not evaluated here).
    Permissions,
    /// The `z` namespace, or `z.iso`.
    Zod { path: Rc<str> },
    /// `z.<path>` as a function.
    ZodFn { path: Rc<str> },
    /// Built-in globals and their members: `Date`, `Date.UTC`, `Uint8Array`, `Object.freeze`...
    Global { path: Rc<str> },
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(JsStr::new(s))
    }

    /// JS `typeof` for the values where it matters.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::Function(_) | Value::Closure(_) | Value::Lib(_) | Value::Method(_) => "function",
            _ => "object",
        }
    }

    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    /// JS truthiness; `None` for values we cannot judge (opaque).
    pub fn truthy(&self) -> Option<bool> {
        Some(match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => !(*n == 0.0 || n.is_nan()),
            Value::Str(s) => !s.text.is_empty(),
            Value::Opaque(_) => return None,
            _ => true,
        })
    }

    /// A short description for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Num(_) => "a number",
            Value::Str(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Date(_) => "a Date",
            Value::Bytes(_) => "a Uint8Array",
            Value::Builder(_) => "a column builder",
            Value::Table(_) => "a table",
            Value::App(_) => "an app",
            Value::AppMember => "an app query builder",
            Value::Zod(_) => "a zod schema",
            Value::Lib(_) | Value::Method(_) => "a library function",
            Value::Function(_) | Value::Closure(_) => "a function",
            Value::Permissions(_) => "a definePermissions result",
            Value::Opaque(_) => "a value that cannot be evaluated statically",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FileId;

    fn keys(o: &Object) -> Vec<&str> {
        o.props.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn large_objects_keep_js_property_order() {
        let mut o = Object::default();
        for i in 0..40 {
            o.set(format!("k{i}"), Value::Num(f64::from(i)));
        }
        o.set("k3".into(), Value::Null);
        o.set("7".into(), Value::Bool(true));
        o.set("2".into(), Value::Bool(false));
        o.set("k40".into(), Value::Undefined);
        let k = keys(&o);
        assert_eq!(k.len(), 43);
        assert_eq!(&k[..4], ["2", "7", "k0", "k1"]);
        assert_eq!(k.last(), Some(&"k40"));
        assert!(matches!(o.get("k3"), Some(Value::Null)));
        assert!(matches!(o.get("k39"), Some(Value::Num(n)) if *n == 39.0));
        assert!(matches!(o.get("7"), Some(Value::Bool(true))));
        assert!(o.get("k41").is_none());
    }

    #[test]
    fn the_last_key_span_wins() {
        let mut o = Object::default();
        for i in 0..40u32 {
            o.set_key_span(format!("k{}", i % 20), Span::new(FileId(0), i, i + 1));
        }
        assert_eq!(o.key_span("k5"), Some(Span::new(FileId(0), 25, 26)));
        assert_eq!(o.key_span("nope"), None);
    }
}
