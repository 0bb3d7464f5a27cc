//! `jazz dev -- <cmd> [args…]`: the child process started after the
//! initial cycle, its environment (the app id and server URL under the framework's names, the
//! backend secret in embedded mode, never the admin secret), and its lifecycle: when it exits,
//! `jazz dev` shuts down with its exit code; when `jazz dev` shuts down, the child gets SIGTERM
//! and, 5 s later, SIGKILL.

use std::ffi::OsString;
use std::process::{Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::framework::{Framework, env_pairs};

/// How long a child may take to exit after SIGTERM.
const GRACE: Duration = Duration::from_secs(5);

/// The variables added to the child's environment.
pub fn child_env(
    framework: Option<Framework>,
    app_id: &str,
    url: &str,
    backend_secret: Option<&str>,
) -> Vec<(String, String)> {
    // The framework pair and the unprefixed pair, or every pair when none is known.
    let mut vars = env_pairs(framework, app_id, url);
    if let Some(secret) = backend_secret {
        vars.push(("BACKEND_SECRET".into(), secret.into()));
        vars.push(("JAZZ_BACKEND_SECRET".into(), secret.into()));
    }
    vars
}

/// A running child and the thread that waits for it.
pub struct Child {
    terminate: Arc<AtomicBool>,
    waiter: JoinHandle<Option<i32>>,
}

/// The exit code of a status; a signal `n` counts as `128 + n`, as shells report it.
fn code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return 128 + sig;
        }
    }
    status.code().unwrap_or(1)
}

/// Asks the child to stop: SIGTERM on Unix (through `kill`, no unsafe code), else a kill.
fn request_stop(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if sent {
            return;
        }
    }
    let _ = child.kill();
}

impl Child {
    /// Starts `cmd` with `vars` added to the inherited environment (minus the admin secret).
    /// `on_exit` runs with the exit code when the child ends on its own.
    pub fn spawn(
        cmd: &[OsString],
        vars: &[(String, String)],
        on_exit: impl FnOnce(i32) + Send + 'static,
    ) -> std::io::Result<Child> {
        let Some((program, args)) = cmd.split_first() else {
            return Err(std::io::Error::other("no command after --"));
        };
        let mut child = Command::new(program)
            .args(args)
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .env_remove("JAZZ_ADMIN_SECRET")
            .spawn()?;
        let terminate = Arc::new(AtomicBool::new(false));
        let asked = terminate.clone();
        let waiter = std::thread::spawn(move || {
            let mut stop_sent: Option<Instant> = None;
            loop {
                match child.try_wait() {
                    Ok(Some(status)) => {
                        let code = code(status);
                        if stop_sent.is_none() {
                            on_exit(code);
                        }
                        return Some(code);
                    }
                    Ok(None) => {}
                    Err(_) => return None,
                }
                if asked.load(Ordering::SeqCst) {
                    match stop_sent {
                        None => {
                            request_stop(&mut child);
                            stop_sent = Some(Instant::now());
                        }
                        Some(at) if at.elapsed() >= GRACE => {
                            let _ = child.kill();
                        }
                        Some(_) => {}
                    }
                }
                std::thread::sleep(Duration::from_millis(25));
            }
        });
        Ok(Child { terminate, waiter })
    }

    /// Stops the child if it still runs and returns its exit code.
    pub fn shutdown(self) -> Option<i32> {
        self.terminate.store(true, Ordering::SeqCst);
        self.waiter.join().ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_child_gets_the_public_pairs_and_the_backend_secret_only() {
        let vars = child_env(Some(Framework::Next), "id", "http://h", Some("b"));
        let names: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "NEXT_PUBLIC_JAZZ_APP_ID",
                "NEXT_PUBLIC_JAZZ_SERVER_URL",
                "JAZZ_APP_ID",
                "JAZZ_SERVER_URL",
                "BACKEND_SECRET",
                "JAZZ_BACKEND_SECRET"
            ]
        );
        assert_eq!(child_env(None, "id", "u", None).len(), 10);
    }

    #[cfg(unix)]
    #[test]
    fn exit_codes_reach_the_callback_and_shutdown_terminates() {
        let (tx, rx) = std::sync::mpsc::channel();
        let cmd: Vec<OsString> = ["sh", "-c", "exit 7"].map(OsString::from).to_vec();
        let c = Child::spawn(&cmd, &[], move |code| {
            let _ = tx.send(code);
        })
        .expect("spawn");
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)), Ok(7));
        assert_eq!(c.shutdown(), Some(7));

        let cmd: Vec<OsString> = ["sleep", "30"].map(OsString::from).to_vec();
        let c = Child::spawn(&cmd, &[], |_| panic!("not on its own")).expect("spawn");
        assert_eq!(c.shutdown(), Some(128 + 15), "SIGTERM ends it");
    }
}
