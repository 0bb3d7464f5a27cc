//! Values of the static evaluator (schema.md §3.2): JS primitives, ordered objects, arrays,
//! `Date`, `Uint8Array`, DSL values and `Opaque`, the stand-in for anything we cannot evaluate.

use std::rc::Rc;

use crate::diagnostics::Code;
use crate::schema::json::insert_ordered;
use crate::source::Span;
use crate::syntax::ast::{Function, JsStr};

use super::zod::ZodSchema;

/// Index of a column builder in the evaluator's arena (builders are mutable and shared by
/// identity, schema.md §3.5).
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
    Function(#[allow(dead_code, reason = "read by later phases")] Rc<Function>),
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
}

/// Something we cannot evaluate, with the reason and where it came from.
#[derive(Debug, Clone)]
pub struct Opaque {
    pub span: Span,
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub labels: Vec<(Span, String)>,
    /// Already reported where it arose; reaching another position adds nothing.
    pub silent: bool,
}

/// An ordered JS object (schema.md §3.4).
#[derive(Debug, Clone, Default)]
pub struct Object {
    pub props: Vec<(String, Value)>,
    /// Span of each key, parallel to `props` where known.
    pub key_spans: Vec<(String, Span)>,
}

impl Object {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn set(&mut self, key: String, value: Value) {
        insert_ordered(&mut self.props, key, value);
    }

    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.key_spans
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, s)| *s)
    }
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
    pub schema: crate::schema::WasmSchema,
    pub table_names: Vec<String>,
    pub span: Span,
    /// Builder states at build time, to detect later mutation (JZ1072).
    pub frozen: Vec<(BuilderId, super::builder::BuilderState)>,
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
    JazzFn { name: Rc<str>, legacy: bool },
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
            Value::Function(_) | Value::Lib(_) | Value::Method(_) => "function",
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
            Value::Function(_) => "a function",
            Value::Permissions(_) => "a definePermissions result",
            Value::Opaque(_) => "a value that cannot be evaluated statically",
        }
    }
}
