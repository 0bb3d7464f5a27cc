//! The code registry: every diagnostic code with its default severity, title and docs.
//! `jazz explain <code>` prints these; codes are never reused.

use super::{Code, Severity};

/// A registered code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub severity: Severity,
    pub title: &'static str,
    pub docs: &'static str,
}

const fn e(code: u16, severity: Severity, title: &'static str, docs: &'static str) -> CodeInfo {
    CodeInfo {
        code: Code(code),
        severity,
        title,
        docs,
    }
}

use Severity::{Error as E, Warning as W};

/// All codes, sorted by number.
pub static REGISTRY: &[CodeInfo] = &[
    e(
        1,
        E,
        "TypeScript syntax error",
        "The file could not be parsed as TypeScript. Every parse error is reported, including ones the parser recovered from, because a recovered parse may not mean what you wrote. Fix the syntax at the marked position.",
    ),
    e(
        2,
        E,
        "file unreadable or not UTF-8",
        "A project file could not be read, or its bytes are not valid UTF-8. Check the file's permissions and save it as UTF-8.",
    ),
    e(
        3,
        E,
        "file too large or nesting too deep to analyse",
        "The compiler refuses files over 8 MiB and expressions nested deeper than 512 levels, so that a generated or corrupted file cannot exhaust memory or the stack. Split the file, or generate flatter literals.",
    ),
    e(
        101,
        E,
        "value cannot be evaluated statically",
        "jazz reads schema.ts without running it. A value that reaches the schema (a table, a column, a builder argument, a default, a JSON schema) must be built from literals, const bindings, imports of project files, spreads and DSL calls. Environment reads, unknown globals, loops and most library calls cannot be evaluated. Write the value out as a literal, or combine parts with `...spread`.",
    ),
    e(
        102,
        E,
        "module or binding cannot be resolved statically",
        "An import names a module jazz cannot read statically (a bare package other than jazz-tools and zod, a Node built-in, a tsconfig alias, a JSON file, `require` or dynamic `import()`), or a name that is not defined. Unused imports are ignored; the error appears only where the binding is used. Inline the values, or move them into a relative `.ts` module.",
    ),
    e(
        103,
        E,
        "call to a function that is not part of the DSL",
        "The schema calls a function jazz does not know: a user function, an IIFE or a method of an unknown object. jazz never runs user code, so it cannot know what the function returns. Inline the value it would return, or make it a `const` object literal. A script may still generate schema.ts as plain literals, which you then commit.",
    ),
    e(
        104,
        E,
        "non-deterministic or non-ISO date",
        "Dates in schema.ts must mean the same instant on every machine. `new Date()`, `Date.now()`, `new Date(y, m, d)`, non-ISO strings and ISO date-times without an offset depend on the clock or on the local time zone. Write `new Date(\"2026-01-01T00:00:00Z\")` or a millisecond number.",
    ),
    e(
        105,
        E,
        "zod construct outside the supported subset",
        "`s.json(z...)` stores the JSON Schema zod 4.3 would produce. jazz reproduces that output for a subset of zod (strings, numbers, booleans, literals, enums, arrays, objects, records, unions, nullable/optional, any/unknown, iso dates). Other constructs cannot be reproduced exactly. Write the JSON Schema as a plain object literal: `s.json({ type: \"object\", ... })`.",
    ),
    e(
        106,
        E,
        "`__proto__` literal key",
        "A non-computed `__proto__: v` in an object literal sets the prototype instead of creating a property, so the key silently disappears. Rename the key.",
    ),
    e(
        107,
        E,
        "import cycle",
        "The project's modules import each other in a cycle. Module evaluation order is then ill-defined and values may be undefined at the time they are used. Break the cycle by moving shared values into a module both import.",
    ),
    e(
        108,
        E,
        "schema object mutated or binding reassigned",
        "The schema must be the value of its literals. Assignments to, `delete` of, or `Object.assign` into an object reachable from the schema, and reassigned `let`/`var` bindings, are not evaluated. Build the object in one literal with spreads.",
    ),
    e(
        109,
        W,
        "unevaluated call may change a column builder",
        "A call jazz cannot evaluate receives a builder, table or definition that is part of the schema. The call could mutate it, which jazz cannot see. Move the modifier calls into the schema literal.",
    ),
    e(
        110,
        E,
        "unpaired surrogate in a string",
        "A string contains a lone UTF-16 surrogate (from a `\\uD800`-style escape). JSON would carry it as an escape that the Rust side rejects. Use a complete character.",
    ),
    e(
        1001,
        E,
        "schema file not found",
        "jazz looks for schema.ts at the project root, ./src/ or ./src/lib/ (SvelteKit). Only the name `schema.ts` counts. Pass `--schema-dir <path>` to point at a different root.",
    ),
    e(
        1002,
        E,
        "ambiguous schema location",
        "More than one of <root>/schema.ts, <root>/src/schema.ts and <root>/src/lib/schema.ts exists. Exactly one must exist so the schema root is unambiguous. Delete all but one.",
    ),
    e(
        1003,
        E,
        "no schema export",
        "schema.ts must export the schema as `schema`, `schemaDef`, `default` or `app` (checked in that order), or call the legacy `table(...)` at module scope. A file that exports only slices (`export const x = app.slice(...)`) is not loadable; also export `app`.",
    ),
    e(
        1004,
        E,
        "inline policies in schema.ts",
        "Tables in schema.ts may not carry `policies`. Move policies to permissions.ts with `definePermissions(...)`.",
    ),
    e(
        1005,
        E,
        "legacy `table()` with permissions argument",
        "The legacy `table(name, columns, permissions)` form is no longer supported. Define policies in permissions.ts with `definePermissions(...)`.",
    ),
    e(
        1006,
        W,
        "legacy side-effect `table()` API",
        "`table(name, columns)` at module scope is the deprecated API. Export a definition object or `s.defineApp({...})` instead.",
    ),
    e(
        1007,
        W,
        "export skipped: not a schema",
        "An export that upstream checks first is not a schema (converting it failed), so upstream silently moves on to the next candidate. jazz follows the same choice for artefacts and tells you.",
    ),
    e(
        1010,
        E,
        "reserved `$` column name",
        "Column names starting with `$` are reserved for magic (system) columns such as `$createdBy`. Rename the column.",
    ),
    e(
        1011,
        E,
        "reserved table name `__proto__`",
        "Upstream silently drops a table named `__proto__` from the schema and the hash. Rename the table.",
    ),
    e(
        1012,
        W,
        "column `id` shadows the row id",
        "Every row has an implicit `id`. A column named `id` shadows it in queries. Rename the column.",
    ),
    e(
        1013,
        W,
        "empty name or NUL in name",
        "Names are NUL-terminated in the schema hash preimage, so an empty name or one containing U+0000 can make two different schemas hash alike. Use a non-empty name without NUL.",
    ),
    e(
        1014,
        W,
        "empty table / empty schema",
        "A table with no columns or a schema with no tables is allowed but almost always a mistake.",
    ),
    e(
        1015,
        E,
        "legacy ref-column naming",
        "The legacy `table()` API requires reference columns to end in `Id`/`_id` (arrays: `Ids`/`_ids`). Rename the column as suggested.",
    ),
    e(
        1016,
        E,
        "ref to unknown table",
        "`s.ref(\"t\")` names a table that the schema does not define. Upstream only catches this in the TypeScript type checker. Fix the table name.",
    ),
    e(
        1020,
        E,
        "enum with no variants",
        "`s.enum()` needs at least one variant: `s.enum(\"a\", \"b\")`.",
    ),
    e(
        1021,
        E,
        "empty enum variant",
        "Enum variants cannot be empty strings.",
    ),
    e(
        1022,
        E,
        "duplicate enum variant",
        "Enum variants must be unique. Remove the duplicate.",
    ),
    e(
        1023,
        E,
        "enum variant not a string",
        "`s.enum` takes its variants as separate string arguments. `s.enum([\"a\", \"b\"])` (shown in some upstream docs) produces a variant that is an array, which the server rejects. Spread the array: `s.enum(\"a\", \"b\")`.",
    ),
    e(
        1024,
        W,
        "collation-sensitive enum order",
        "Upstream sorts enum variants with the developer machine's locale collation and stores values by index in that order. jazz uses ICU root collation. When root order differs from byte order, or a variant is not ASCII, a client on a machine with a tailored locale (sv, da, cs, lt, tr, ...) may pick another order. Use lowercase ASCII variants, or declare them already sorted.",
    ),
    e(
        1030,
        E,
        "invalid JSON schema argument",
        "`s.json(x)` takes a JSON Schema object or a zod schema. Arrays and primitives are rejected: `JSON schema must be an object or implement ~standard.jsonSchema.`",
    ),
    e(
        1031,
        W,
        "JSON schema value changed by JSON serialization",
        "The JSON schema contains values that JSON cannot carry (`undefined` is dropped, `Infinity` and `NaN` become `null`), so the stored schema differs from the literal.",
    ),
    e(
        1040,
        E,
        "counter merge on an invalid column",
        "`.merge(\"counter\")` is only supported on non-nullable `s.int()` columns, and `.optional()` cannot follow it.",
    ),
    e(
        1041,
        E,
        "unknown merge strategy",
        "Only `\"lww\"` and `\"counter\"` are merge strategies at jazz-tools 2.0.0-alpha.50. Upstream silently treats any other string as counter; `\"g-set\"` needs a newer Jazz server.",
    ),
    e(
        1042,
        W,
        "modifier on an array element is ignored",
        "`s.array(B)` reads only B's type and reference target. `.optional()`, `.default()`, `.merge()` and `.transform()` on B have no effect. Put the modifier on the array.",
    ),
    e(
        1043,
        E,
        "null default on a non-nullable column",
        "`.default(null)` on a column that is not `.optional()` would store NULL in a column that cannot hold it. Add `.optional()` or use another default.",
    ),
    e(
        1044,
        W,
        "extra arguments ignored",
        "The builder takes fewer arguments than were given; upstream ignores the rest. This covers `s.string(\"x\")` and a second argument to `s.table` (old inline permissions).",
    ),
    e(
        1050,
        E,
        "indexOnly: unknown column",
        "`table.indexOnly([...])` names a column the table does not have.",
    ),
    e(
        1051,
        E,
        "indexOnly: prototype member name",
        "Upstream checks index names with the JS `in` operator, so `\"toString\"` and `\"constructor\"` pass its check. They are not columns.",
    ),
    e(
        1052,
        W,
        "indexOnly: empty list",
        "`.indexOnly([])` is a type error in TypeScript but works at runtime, and it differs from no call at all (no column is indexed, and the schema hash changes).",
    ),
    e(
        1053,
        W,
        "indexOnly: duplicate column",
        "A column is listed twice in `.indexOnly`. Duplicates are kept in the schema and change the hash.",
    ),
    e(
        1060,
        E,
        "invalid Integer default",
        "Integer values must be signed 32-bit integers between -2147483648 and 2147483647.",
    ),
    e(
        1061,
        E,
        "invalid Timestamp default",
        "Timestamp defaults must be a `Date` or a millisecond number that is finite, integral and not negative (the server stores u64).",
    ),
    e(
        1062,
        E,
        "invalid Double default",
        "A Double default must be a finite number; NaN and Infinity become JSON null, which the server rejects.",
    ),
    e(
        1063,
        E,
        "invalid Uuid default",
        "A ref default must be a UUID string (hyphenated, 32 hex digits, braced or `urn:uuid:`).",
    ),
    e(
        1064,
        E,
        "invalid enum default",
        "An enum default must be one of the enum's variants.",
    ),
    e(
        1065,
        E,
        "invalid Array default",
        "An array column's default must be an array whose elements fit the element type.",
    ),
    e(
        1066,
        E,
        "invalid Bytea default",
        "A bytes default must be a `Uint8Array` or an array of integers in 0..255.",
    ),
    e(
        1067,
        E,
        "invalid JSON default",
        "A JSON column's default must be serializable with JSON.stringify.",
    ),
    e(
        1068,
        E,
        "string default on a JSON column",
        "A string default on a JSON column is stored as raw text by the runtime but re-parsed by upstream's CLI, which throws or changes the hash. Write the value as a literal (`.default({ a: 1 })`); to store a JSON string, quote it with JSON.stringify.",
    ),
    e(
        1069,
        W,
        "default coerced to the column type",
        "The default is not of the column's type and is converted the way upstream converts it (for example a number on a text column becomes its string).",
    ),
    e(
        1070,
        E,
        "slice() with no table",
        "`slice(...)` requires at least one table name.",
    ),
    e(
        1071,
        E,
        "slice() with an unknown table",
        "`slice(...)` references a table the app does not define.",
    ),
    e(
        1072,
        W,
        "builder mutated after the app was built",
        "`defineApp` freezes builder state when it is called. A modifier applied later changes what upstream's CLI sees but not what the runtime sees, so the two hashes differ. Apply every modifier before `defineApp`.",
    ),
    e(
        1080,
        W,
        "unreadable snapshot file skipped",
        "A file in migrations/snapshots looks like a snapshot but cannot be read or parsed. It is skipped (upstream aborts every snapshot command).",
    ),
    e(
        1081,
        W,
        "snapshot file name / content hash mismatch",
        "The hash in a snapshot's file name is not a prefix of the hash of its content. The content wins.",
    ),
    e(
        1082,
        E,
        "ambiguous hash prefix",
        "A hash prefix matches more than one stored schema. Give more characters.",
    ),
    e(
        1083,
        E,
        "invalid hash input",
        "A schema hash must be 12 to 64 lowercase hex characters.",
    ),
    e(
        1084,
        E,
        "no stored schema for the hash",
        "No snapshot (and no server schema, where one was asked) has a hash with that prefix.",
    ),
    e(
        9001,
        E,
        "internal compiler error",
        "The compiler hit a broken invariant. This is a bug in jazz; please report it with the input that triggered it.",
    ),
];

pub(super) fn lookup(code: Code) -> Option<&'static CodeInfo> {
    REGISTRY
        .binary_search_by_key(&code, |i| i.code)
        .ok()
        .and_then(|i| REGISTRY.get(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_unique() {
        for w in REGISTRY.windows(2) {
            assert!(w[0].code < w[1].code, "{} then {}", w[0].code, w[1].code);
        }
    }

    #[test]
    fn every_entry_has_docs() {
        for i in REGISTRY {
            assert!(
                !i.title.is_empty() && i.docs.len() > 20,
                "{} needs docs",
                i.code
            );
        }
    }
}
