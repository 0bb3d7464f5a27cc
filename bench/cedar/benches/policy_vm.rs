//! One criterion run, side by side: `jazz_vm/{s1,s2,s3}/{allow,deny}`
//! and `cedar/{s1,s2,s3}/{allow,deny}` with equivalent Cedar policies over entities whose
//! attributes reference entities. Policy compilation, data loading and request construction
//! happen outside the timed loops for both engines.

use std::str::FromStr;

use cedar_policy::{Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request};
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use jazz_bench::policy_scenarios::{Scenario, s1, s2, s3};
use jazz_schema_compiler::policy::vm::{self, Options, Request as VmRequest};

fn jazz(c: &mut Criterion, name: &str, s: &Scenario) {
    for (label, session) in [("allow", &s.allow), ("deny", &s.deny)] {
        let d = vm::decide(&s.program, s.table, VmRequest::Read(&s.row), Some(session), &s.data, Options::default());
        assert_eq!(d.allowed, label == "allow", "jazz {name}/{label}");
        c.bench_function(&format!("jazz_vm/{name}/{label}"), |b| {
            b.iter(|| {
                let d = vm::decide(
                    black_box(&s.program),
                    black_box(s.table),
                    VmRequest::Read(black_box(&s.row)),
                    Some(black_box(session)),
                    black_box(&s.data),
                    Options::default(),
                );
                black_box(d.allowed)
            })
        });
    }
}

struct CedarCase {
    policies: PolicySet,
    entities: Entities,
    allow: Request,
    deny: Request,
}

fn uid(s: &str) -> EntityUid {
    EntityUid::from_str(s).expect("uid")
}

fn request(principal: &str, resource: &str) -> Request {
    Request::new(
        uid(principal),
        uid(r#"Action::"read""#),
        uid(resource),
        Context::empty(),
        None,
    )
    .expect("request")
}

fn cedar_case(policy: &str, entities: &str, resource: &str) -> CedarCase {
    CedarCase {
        policies: policy.parse().expect("policy"),
        entities: Entities::from_json_str(entities, None).expect("entities"),
        allow: request(r#"User::"alice""#, resource),
        deny: request(r#"User::"bob""#, resource),
    }
}

fn cedar(c: &mut Criterion, name: &str, case: &CedarCase) {
    let auth = Authorizer::new();
    for (label, req) in [("allow", &case.allow), ("deny", &case.deny)] {
        let d = auth.is_authorized(req, &case.policies, &case.entities).decision();
        assert_eq!(d == Decision::Allow, label == "allow", "cedar {name}/{label}");
        c.bench_function(&format!("cedar/{name}/{label}"), |b| {
            b.iter(|| {
                let r = auth.is_authorized(black_box(req), black_box(&case.policies), black_box(&case.entities));
                black_box(r.decision() == Decision::Allow)
            })
        });
    }
}

fn users() -> &'static str {
    r#"{"uid":{"type":"User","id":"alice"},"attrs":{},"parents":[]},{"uid":{"type":"User","id":"bob"},"attrs":{},"parents":[]}"#
}

fn all(c: &mut Criterion) {
    jazz(c, "s1", &s1());
    let s1c = cedar_case(
        r#"permit(principal, action == Action::"read", resource) when { resource.owner == principal };"#,
        &format!(r#"[{},{{"uid":{{"type":"Todo","id":"t1"}},"attrs":{{"owner":{{"__entity":{{"type":"User","id":"alice"}}}}}},"parents":[]}}]"#, users()),
        r#"Todo::"t1""#,
    );
    cedar(c, "s1", &s1c);

    jazz(c, "s2", &s2());
    let s2c = cedar_case(
        r#"permit(principal, action == Action::"read", resource) when { resource.task.project.workspace.owner == principal };"#,
        &format!(
            r#"[{},
            {{"uid":{{"type":"Workspace","id":"w1"}},"attrs":{{"owner":{{"__entity":{{"type":"User","id":"alice"}}}}}},"parents":[]}},
            {{"uid":{{"type":"Project","id":"p1"}},"attrs":{{"workspace":{{"__entity":{{"type":"Workspace","id":"w1"}}}}}},"parents":[]}},
            {{"uid":{{"type":"Task","id":"t1"}},"attrs":{{"project":{{"__entity":{{"type":"Project","id":"p1"}}}}}},"parents":[]}},
            {{"uid":{{"type":"Comment","id":"c1"}},"attrs":{{"task":{{"__entity":{{"type":"Task","id":"t1"}}}}}},"parents":[]}}]"#,
            users()
        ),
        r#"Comment::"c1""#,
    );
    cedar(c, "s2", &s2c);
    // The idiomatic Cedar hierarchy form of S2.
    let s2h = cedar_case(
        r#"permit(principal, action == Action::"read", resource) when { resource in Workspace::"w1" && principal == User::"alice" };"#,
        &format!(
            r#"[{},
            {{"uid":{{"type":"Workspace","id":"w1"}},"attrs":{{}},"parents":[]}},
            {{"uid":{{"type":"Project","id":"p1"}},"attrs":{{}},"parents":[{{"type":"Workspace","id":"w1"}}]}},
            {{"uid":{{"type":"Task","id":"t1"}},"attrs":{{}},"parents":[{{"type":"Project","id":"p1"}}]}},
            {{"uid":{{"type":"Comment","id":"c1"}},"attrs":{{}},"parents":[{{"type":"Task","id":"t1"}}]}}]"#,
            users()
        ),
        r#"Comment::"c1""#,
    );
    cedar(c, "s2-hierarchy", &s2h);

    jazz(c, "s3", &s3());
    let mut admins: Vec<String> = (0..19)
        .filter(|i| i % 3 == 0)
        .map(|i| format!(r#"{{"__entity":{{"type":"User","id":"user{i}"}}}}"#))
        .collect();
    admins.push(r#"{"__entity":{"type":"User","id":"alice"}}"#.into());
    let s3c = cedar_case(
        r#"permit(principal, action == Action::"read", resource) when { resource.workspace.admins.contains(principal) };"#,
        &format!(
            r#"[{},
            {{"uid":{{"type":"Workspace","id":"w1"}},"attrs":{{"admins":[{}]}},"parents":[]}},
            {{"uid":{{"type":"Document","id":"d1"}},"attrs":{{"workspace":{{"__entity":{{"type":"Workspace","id":"w1"}}}}}},"parents":[]}}]"#,
            users(),
            admins.join(",")
        ),
        r#"Document::"d1""#,
    );
    cedar(c, "s3", &s3c);
    // The idiomatic Cedar RBAC form of S3: the same 20 memberships as users in a per-workspace
    // admin group (the entity hierarchy), `principal in resource.workspace.admins`.
    let mut people: Vec<String> = (0..19)
        .map(|i| {
            let parents = if i % 3 == 0 {
                r#"[{"type":"Group","id":"w1-admins"}]"#
            } else {
                "[]"
            };
            format!(r#"{{"uid":{{"type":"User","id":"user{i}"}},"attrs":{{}},"parents":{parents}}}"#)
        })
        .collect();
    people.push(r#"{"uid":{"type":"User","id":"alice"},"attrs":{},"parents":[{"type":"Group","id":"w1-admins"}]}"#.into());
    people.push(r#"{"uid":{"type":"User","id":"bob"},"attrs":{},"parents":[]}"#.into());
    let s3h = cedar_case(
        r#"permit(principal, action == Action::"read", resource) when { principal in resource.workspace.admins };"#,
        &format!(
            r#"[{},
            {{"uid":{{"type":"Group","id":"w1-admins"}},"attrs":{{}},"parents":[]}},
            {{"uid":{{"type":"Workspace","id":"w1"}},"attrs":{{"admins":{{"__entity":{{"type":"Group","id":"w1-admins"}}}}}},"parents":[]}},
            {{"uid":{{"type":"Document","id":"d1"}},"attrs":{{"workspace":{{"__entity":{{"type":"Workspace","id":"w1"}}}}}},"parents":[]}}]"#,
            people.join(",")
        ),
        r#"Document::"d1""#,
    );
    cedar(c, "s3-hierarchy", &s3h);
}

criterion_group!(benches, all);
criterion_main!(benches);
