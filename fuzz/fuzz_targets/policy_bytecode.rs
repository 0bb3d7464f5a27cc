//! Fuzz target: arbitrary bytes through the bytecode loader, verifier
//! (relation plans included), disassembler and VM, and arbitrary text through the policy JSON
//! reader. Every bundle table holds a few rows (nulls, texts, ids referencing each other), so
//! `EXISTS`, relations and inherits have something to scan, join and follow. Nothing may panic.

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
        let mut store = MemoryData::new();
        let names: Vec<String> = p.bundle.tables.iter().map(|t| t.name.clone()).collect();
        for (k, t) in names.iter().enumerate() {
            for n in 0..2u8 {
                let mut id = [0u8; 16];
                id[0] = k as u8;
                id[1] = n;
                let values = (0..8u8)
                    .map(|i| match (i + n) % 4 {
                        0 => Val::Null,
                        1 => Val::Text("u".into()),
                        2 => Val::Uuid([n; 16]),
                        _ => Val::Uuid(row.id),
                    })
                    .collect();
                let r = Row { id, values, ..row.clone() };
                store.insert(t, r);
            }
        }
        for t in &names {
            let _ = vm::decide(&p, t, Request::Read(&row), Some(&s), &store, Options::default());
            let _ = vm::decide(&p, t, Request::Delete(&row), Some(&s), &store, Options::default());
            let rows: Vec<&Row> = store.rows(t).iter().collect();
            let _ = vm::decide_reads(&p, t, &rows, Some(&s), &store, Options::default());
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(v) = json::parse(text)
    {
        let _ = parse::policy(&v);
    }
});
