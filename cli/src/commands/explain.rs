//! `jazz explain <code>` and `jazz explain --list`: print the
//! registry text of diagnostic codes. The registry itself lives in the core.

use jazz_schema_compiler::diagnostics::{Code, CodeInfo, all_codes};
use serde_json::json;

use super::{Context, Outcome};
use crate::args::ExplainArgs;

pub fn run(ctx: &mut Context, args: &ExplainArgs) -> Outcome {
    if args.list {
        for info in all_codes() {
            ctx.out.result(&format!(
                "{}  {:<7}  {}",
                info.code,
                info.severity.as_str(),
                info.title
            ));
        }
        return Outcome::ok(all_codes().map(entry).collect());
    }
    let arg = args.code.as_deref().unwrap_or_default();
    // `Code::parse` slices the first two bytes, so only ASCII may reach it.
    let Some(code) = Some(arg).filter(|a| a.is_ascii()).and_then(Code::parse) else {
        ctx.out.error(&format!("invalid diagnostic code {arg}"));
        return Outcome::failed(serde_json::Value::Null);
    };
    let Some(info) = code.info() else {
        ctx.out.error(&format!(
            "unknown diagnostic code {code}; run {} explain --list",
            ctx.cli
        ));
        return Outcome::failed(serde_json::Value::Null);
    };
    ctx.out.result(&format!("{}: {}", info.code, info.title));
    ctx.out.result("");
    ctx.out
        .result(&format!("Default severity: {}", info.severity.as_str()));
    ctx.out.result("");
    ctx.out.result(info.docs);
    Outcome::ok(entry(info))
}

fn entry(info: &CodeInfo) -> serde_json::Value {
    json!({
        "code": info.code.to_string(),
        "title": info.title,
        "severity": info.severity.as_str(),
        "docs": info.docs,
    })
}
