//! How long a very large schema publish takes behind the HTTP layer: the body parse, the schema
//! check (reader, size and name checks, hash, canonical JSON) and the durable commit on a data
//! dir, for schemas of 1,000 to 100,000 tables (the server's limit). Each size is run 3 times;
//! the best and the worst are printed. Goal: 100,000 tables within 2 s in release.
//!
//! ```sh
//! cargo bench -p jazz-bench --bench publish_scale
//! ```

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use jazz_engine::catalogue::request::{parse_body, schema_publish};
use jazz_engine::{SharedCatalogue, Store};
use uuid::Uuid;

const APP: &str = "7d6b7e0a-3f43-4c4e-9d6c-2f1c7b1b0a12";

/// A publish body with `tables` tables of one column each; `salt` makes the hash new.
fn body(tables: usize, salt: usize) -> String {
    let mut out = String::from(r#"{"schema":{"#);
    for i in 0..tables {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#""t{i}_{salt}":{{"columns":[{{"name":"c","column_type":{{"type":"Text"}},"nullable":false}}]}}"#
        );
    }
    out.push_str("}}");
    out
}

fn main() {
    let app = Uuid::parse_str(APP).expect("app id");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_dir(dir.path(), APP).expect("store");
    let cat = SharedCatalogue::open(store, app).expect("catalogue");
    println!("tables   body MiB   best     worst");
    let mut salt = 0;
    for tables in [1_000, 10_000, 40_000, 100_000] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..3 {
            salt += 1;
            let text = body(tables, salt);
            size = text.len();
            let started = Instant::now();
            let v = parse_body(text.as_bytes()).expect("json");
            let p = schema_publish(&v).expect("schema");
            cat.publish_schema(p, 1).expect("publish");
            times.push(started.elapsed());
        }
        let best = times.iter().min().copied().unwrap_or(Duration::ZERO);
        let worst = times.iter().max().copied().unwrap_or(Duration::ZERO);
        println!(
            "{tables:>7}   {:>7.2}   {:>6.3}s  {:>6.3}s",
            size as f64 / (1024.0 * 1024.0),
            best.as_secs_f64(),
            worst.as_secs_f64()
        );
    }
}
