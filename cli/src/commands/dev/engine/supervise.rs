//! Keeping the engine up for a `jazz dev` session: notice that it exited or stopped answering
//! `/health`, say so with its last log lines, restart it on the same port with backoff (at most
//! [`MAX_RESTARTS`] in [`WINDOW`], then give up with a clear error), and ask the watch loop to
//! push again. Runs on the main thread, which also spawns every engine process (the
//! parent-death signal is tied to the spawning thread, see `guard`).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use super::process::{self, Log, Running, Spec};
use crate::commands::dev::report::Reporter;

/// Restarts allowed within [`WINDOW`] before giving up.
pub const MAX_RESTARTS: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(60);

/// How often `/health` is asked, and how many misses in a row mean "stopped answering".
const HEALTH_EVERY: Duration = Duration::from_secs(1);
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);
const HEALTH_MISSES: u32 = 3;

/// Lines of engine log shown with a crash or a failed start.
pub const TAIL: usize = 15;

/// The restart budget: the times of recent restarts and the delay before the next one.
#[derive(Debug, Default)]
pub struct Backoff {
    recent: VecDeque<Instant>,
}

impl Backoff {
    /// Records a restart at `now`; `None` when the budget is spent (give up), else the delay
    /// to wait first: 0 for the first restart in the window, then 0.5 s, 1 s, 2 s, 4 s.
    pub fn next(&mut self, now: Instant) -> Option<Duration> {
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= MAX_RESTARTS {
            return None;
        }
        let n = self.recent.len();
        self.recent.push_back(now);
        Some(match n {
            0 => Duration::ZERO,
            n => Duration::from_millis(250u64 << n.min(5)),
        })
    }
}

/// Why the supervisor stopped the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaveUp(pub String);

/// The engine of one session and what watching it needs.
pub struct Supervisor {
    pub spec: Spec,
    pub engine: Running,
    pub log: Arc<Log>,
    rep: Reporter,
    /// Set to make the watch loop push again (after a restart).
    force_push: Arc<AtomicBool>,
    /// Set from the keyboard (`r` + Enter) to restart the engine.
    pub restart_request: Arc<AtomicBool>,
    backoff: Backoff,
    health: ureq::Agent,
    last_check: Instant,
    misses: u32,
    pub restarts: u32,
}

impl Supervisor {
    pub fn new(
        spec: Spec,
        engine: Running,
        log: Arc<Log>,
        rep: Reporter,
        force_push: Arc<AtomicBool>,
    ) -> Self {
        let mut spec = spec;
        // Restarts bind the port apps already know.
        spec.port = engine.port;
        Self {
            spec,
            engine,
            log,
            rep,
            force_push,
            restart_request: Arc::new(AtomicBool::new(false)),
            backoff: Backoff::default(),
            health: process::health_agent(HEALTH_TIMEOUT),
            last_check: Instant::now(),
            misses: 0,
            restarts: 0,
        }
    }

    pub fn url(&self) -> String {
        process::url(self.engine.port)
    }

    /// One look at the engine; restarts it when needed. `Err` when it cannot be kept up.
    pub fn tick(&mut self) -> Result<(), GaveUp> {
        if self.restart_request.swap(false, Ordering::SeqCst) {
            self.rep.info("[jazz] restarting the engine");
            self.engine.stop();
            return self.restart("restart requested");
        }
        if let Some(status) = self.engine.exited() {
            let why = format!("the engine exited ({})", process::describe(status));
            // Let the log pumps catch its last words.
            std::thread::sleep(Duration::from_millis(100));
            self.report_down(&why);
            return self.restart(&why);
        }
        if self.last_check.elapsed() < HEALTH_EVERY {
            return Ok(());
        }
        self.last_check = Instant::now();
        if process::healthy(&self.health, &self.url()) {
            self.misses = 0;
            return Ok(());
        }
        self.misses += 1;
        if self.misses < HEALTH_MISSES {
            return Ok(());
        }
        let why = format!(
            "the engine stopped answering {}/health ({HEALTH_MISSES} checks in a row)",
            self.url()
        );
        self.report_down(&why);
        self.engine.kill();
        self.restart(&why)
    }

    fn report_down(&self, why: &str) {
        self.rep.problem(&format!(
            "[jazz] {why}; its last lines:\n{}",
            self.log.tail_block(TAIL)
        ));
        self.rep.event(
            "engine-exit",
            json!({ "reason": why, "log": self.log.tail(TAIL) }),
        );
    }

    /// Starts the engine again, after the backoff delay, until it answers or the budget is
    /// spent.
    fn restart(&mut self, why: &str) -> Result<(), GaveUp> {
        self.misses = 0;
        loop {
            let Some(delay) = self.backoff.next(Instant::now()) else {
                return Err(GaveUp(format!(
                    "the engine could not be kept running ({MAX_RESTARTS} restarts within {} s; last: {why}). Its last lines:\n{}",
                    WINDOW.as_secs(),
                    self.log.tail_block(TAIL)
                )));
            };
            std::thread::sleep(delay);
            self.restarts += 1;
            match process::start(&self.spec, &self.log) {
                Ok(engine) => {
                    self.engine = engine;
                    self.last_check = Instant::now();
                    self.rep
                        .info(&format!("[jazz] engine restarted on {}", self.url()));
                    self.rep.event(
                        "started",
                        json!({
                            "engine": "upstream",
                            "path": self.spec.binary.display().to_string(),
                            "pid": self.engine.pid,
                            "url": self.url(),
                            "inspector": self.log.inspector(),
                            "restart": self.restarts,
                        }),
                    );
                    self.force_push.store(true, Ordering::SeqCst);
                    return Ok(());
                }
                Err(e) => {
                    self.rep.problem(&format!(
                        "[jazz] engine restart failed: {}; its last lines:\n{}",
                        e.0,
                        self.log.tail_block(TAIL)
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_five_restarts_a_minute_with_growing_delays() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        let delays: Vec<Option<Duration>> = (0..6)
            .map(|i| b.next(t0 + Duration::from_secs(i)))
            .collect();
        assert_eq!(
            delays,
            [
                Some(Duration::ZERO),
                Some(Duration::from_millis(500)),
                Some(Duration::from_millis(1000)),
                Some(Duration::from_millis(2000)),
                Some(Duration::from_millis(4000)),
                None
            ]
        );
        // Once the first restart leaves the window, one more is allowed.
        assert_eq!(
            b.next(t0 + WINDOW + Duration::from_millis(1)),
            Some(Duration::from_millis(4000))
        );
        // A quiet minute resets the delays.
        assert_eq!(b.next(t0 + WINDOW * 3), Some(Duration::ZERO));
    }
}
