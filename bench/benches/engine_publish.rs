//! Publish throughput of the engine's catalogue: schema and permissions publishes, each one a
//! durable redb commit (fsync) on a data dir, plus the in-memory store for comparison. This is
//! what an admin request costs behind the HTTP layer.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jazz_engine::catalogue::request::{parse_body, permissions_publish, schema_publish};
use jazz_engine::{SharedCatalogue, Store};
use uuid::Uuid;

const APP: &str = "7d6b7e0a-3f43-4c4e-9d6c-2f1c7b1b0a11";

fn schema_body(n: u64) -> String {
    format!(
        r#"{{"schema":{{"t{n}":{{"columns":[{{"name":"title","column_type":{{"type":"Text"}},"nullable":false}},{{"name":"done","column_type":{{"type":"Boolean"}},"nullable":false}}]}}}}}}"#
    )
}

fn catalogue(on_disk: bool) -> (SharedCatalogue, Option<tempfile::TempDir>) {
    let app = Uuid::parse_str(APP).expect("app id");
    let (store, dir) = if on_disk {
        let dir = tempfile::tempdir().expect("tempdir");
        (Store::open_dir(dir.path(), APP).expect("store"), Some(dir))
    } else {
        (Store::in_memory(APP).expect("store"), None)
    };
    (SharedCatalogue::open(store, app).expect("catalogue"), dir)
}

fn publish(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine_publish");
    group.throughput(Throughput::Elements(1));
    for (label, on_disk) in [("data_dir", true), ("in_memory", false)] {
        let (cat, _dir) = catalogue(on_disk);
        let mut n = 0u64;
        group.bench_function(format!("schema/{label}"), |b| {
            b.iter(|| {
                n += 1;
                let body = parse_body(schema_body(n).as_bytes()).expect("json");
                let p = schema_publish(&body).expect("schema");
                black_box(cat.publish_schema(p, n).expect("publish"))
            });
        });

        let hash = cat.read(|c| c.schemas()[0].hash.to_hex());
        let mut parent: Option<String> = None;
        let mut i = 0u64;
        group.bench_function(format!("permissions/{label}"), |b| {
            b.iter(|| {
                i += 1;
                let parent_json = parent
                    .as_ref()
                    .map_or("null".to_string(), |p| format!("\"{p}\""));
                let body = format!(
                    r#"{{"schemaHash":"{hash}","permissions":{{"t1":{{"select":{{"using":{{"type":"True"}}}}}},"x{i}":{{}}}},"expectedParentBundleObjectId":{parent_json}}}"#
                );
                let p = permissions_publish(&parse_body(body.as_bytes()).expect("json"))
                    .expect("permissions");
                let head = cat.publish_permissions(p, i).expect("publish");
                parent = Some(head.id.to_string());
                black_box(head.version)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, publish);
criterion_main!(benches);
