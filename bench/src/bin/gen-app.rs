//! Writes a generated app to disk: `gen-app <tables> <dir> [seed]` creates `<dir>/schema.ts`.
//! Used to time the real `jazz` process, e.g.
//! `cargo run -p jazz-bench --bin gen-app -- 500 /tmp/app500`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (tables, dir, seed) = match args.as_slice() {
        [tables, dir] => (tables, dir, Some("1")),
        [tables, dir, seed] => (tables, dir, Some(seed.as_str())),
        _ => (&String::new(), &String::new(), None),
    };
    let (Ok(tables), Some(Ok(seed))) = (tables.parse::<usize>(), seed.map(str::parse::<u64>))
    else {
        eprintln!("usage: gen-app <tables> <dir> [seed]");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let path = dir.join("schema.ts");
    let written = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, jazz_bench::generate_app(tables, seed)));
    match written {
        Ok(()) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-app: cannot write {}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
