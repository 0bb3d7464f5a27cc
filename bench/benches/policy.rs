//! Policy VM decisions: S1 ownership, S2 3-level inherits, S3 an exists
//! role check; allowed and denied sessions. The Cedar comparison lives in `bench/cedar`.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use jazz_bench::policy_scenarios::{Scenario, s1, s2, s3};
use jazz_schema_compiler::policy::vm::{self, Options, Request};

fn bench_scenario(c: &mut Criterion, name: &str, s: &Scenario) {
    for (label, session) in [("allow", &s.allow), ("deny", &s.deny)] {
        let expected = label == "allow";
        let d = vm::decide(
            &s.program,
            s.table,
            Request::Read(&s.row),
            Some(session),
            &s.data,
            Options::default(),
        );
        assert_eq!(d.allowed, expected, "{name}/{label}");
        c.bench_function(&format!("jazz_vm/{name}/{label}"), |b| {
            b.iter(|| {
                let d = vm::decide(
                    black_box(&s.program),
                    black_box(s.table),
                    Request::Read(black_box(&s.row)),
                    Some(black_box(session)),
                    black_box(&s.data),
                    Options::default(),
                );
                black_box(d.allowed)
            })
        });
    }
}

fn policy(c: &mut Criterion) {
    bench_scenario(c, "s1", &s1());
    bench_scenario(c, "s2", &s2());
    bench_scenario(c, "s3", &s3());
}

criterion_group!(benches, policy);
criterion_main!(benches);
