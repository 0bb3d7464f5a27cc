//! A fixed-count driver for instruction-level profiling of the policy VM (criterion's timing
//! is too noisy on a shared machine): `policy_driver <s1|s2|s3> <allow|deny> <iterations>`,
//! run under `valgrind --tool=callgrind`; the per-decision cost is the difference between two
//! iteration counts divided by their difference.

use std::hint::black_box;

use jazz_bench::policy_scenarios::{s1, s2, s3};
use jazz_schema_compiler::policy::vm::{self, Options, Request};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scenario = match args.get(1).map(String::as_str) {
        Some("s2") => s2(),
        Some("s3") => s3(),
        _ => s1(),
    };
    let session = match args.get(2).map(String::as_str) {
        Some("deny") => &scenario.deny,
        _ => &scenario.allow,
    };
    let n: u64 = args.get(3).and_then(|x| x.parse().ok()).unwrap_or(1000);
    let mut allowed = 0u64;
    for _ in 0..n {
        let d = vm::decide(
            black_box(&scenario.program),
            black_box(scenario.table),
            Request::Read(black_box(&scenario.row)),
            Some(black_box(session)),
            black_box(&scenario.data),
            Options::default(),
        );
        allowed += u64::from(black_box(d.allowed));
    }
    println!("{allowed}/{n} allowed");
}
