//! Fuzz target (permissions.md §4.8 T5): arbitrary bytes through the bytecode loader, verifier,
//! disassembler and VM, and arbitrary text through the policy JSON reader. Nothing may panic.

#![no_main]

use jazz_schema_compiler::policy::vm::{self, MemoryData, Options, Program, Request, Row, Session, Val};
use jazz_schema_compiler::policy::{bytecode, parse};
use jazz_schema_compiler::schema::json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bytecode::disassemble(data);
    if let Ok(p) = Program::load(data) {
        let row = Row {
            id: [1; 16],
            values: vec![Val::Null; 8],
            created_by: "u".into(),
            created_at: 0,
            updated_by: "u".into(),
            updated_at: 0,
        };
        let s = Session::new("u");
        let store = MemoryData::new();
        for t in p.bundle.tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>() {
            let _ = vm::decide(&p, &t, Request::Read(&row), Some(&s), &store, Options::default());
            let _ = vm::decide(&p, &t, Request::Delete(&row), Some(&s), &store, Options::default());
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(v) = json::parse(text)
    {
        let _ = parse::policy(&v);
    }
});
