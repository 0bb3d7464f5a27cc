//! The engine dies with `jazz dev`, even when `jazz dev` is killed with SIGKILL.
//!
//! On Linux a process can ask to receive a signal when its parent dies (`PR_SET_PDEATHSIG`),
//! and the request survives `exec`. Setting it between `fork` and `exec` needs unsafe code,
//! which this workspace forbids; instead `jazz dev` starts `jazz __engine-guard <pid> <engine>
//! [args…]`: this small entry point sets the parent-death signal on itself, checks that its
//! parent is still `<pid>` (it may have died before the signal was armed), and then `exec`s the
//! engine in place, so the engine is the process `jazz dev` spawned, with the same pid.
//!
//! Linux delivers the signal when the *thread* that spawned the process exits, so the engine
//! is always spawned from the main thread of `jazz dev` (see `super::supervise`).

use std::ffi::OsString;

/// The hidden subcommand name.
pub const SUBCOMMAND: &str = "__engine-guard";

/// Runs the guard when `args` (argv, program first) asks for it; `None` otherwise.
pub fn maybe_run(args: &[OsString]) -> Option<u8> {
    if args.get(1).is_none_or(|a| a != SUBCOMMAND) {
        return None;
    }
    Some(run(args.get(2..).unwrap_or_default()))
}

#[cfg(target_os = "linux")]
fn run(rest: &[OsString]) -> u8 {
    use std::os::unix::process::CommandExt;

    let [parent, program, args @ ..] = rest else {
        eprintln!("usage: jazz {SUBCOMMAND} <parent pid> <engine> [args…]");
        return 2;
    };
    let parent: Option<i32> = parent.to_str().and_then(|p| p.parse().ok());
    if let Err(e) =
        rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
    {
        eprintln!("error: cannot tie the engine to jazz dev: {e}");
        return 1;
    }
    // Armed now; if the parent already died, nobody would ever stop the engine.
    let now = rustix::process::getppid().map(rustix::process::Pid::as_raw_pid);
    if parent.is_none() || now != parent {
        return 1;
    }
    let e = std::process::Command::new(program).args(args).exec();
    eprintln!(
        "error: cannot start the engine {}: {e}",
        program.to_string_lossy()
    );
    127
}

#[cfg(not(target_os = "linux"))]
fn run(rest: &[OsString]) -> u8 {
    // No parent-death signal here: run the engine as a plain child and pass its exit code on.
    let [_parent, program, args @ ..] = rest else {
        eprintln!("usage: jazz {SUBCOMMAND} <parent pid> <engine> [args…]");
        return 2;
    };
    match std::process::Command::new(program).args(args).status() {
        Ok(s) => u8::try_from(s.code().unwrap_or(1)).unwrap_or(1),
        Err(e) => {
            eprintln!("error: cannot start the engine: {e}");
            127
        }
    }
}
