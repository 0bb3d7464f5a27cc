//! Slowing down repeated failed admin authentications from one peer.
//!
//! Only failed attempts are throttled: once a peer has failed 10 times within a minute, each
//! further failed attempt is answered after a delay (1 s by default), and at most
//! [`MAX_DELAYED`] of its failed attempts wait at a time; beyond that they get 429 at once. A
//! request with the right secret, `/health` and every other request that does not fail
//! authentication are never delayed, so a guesser cannot slow down the legitimate clients that
//! share its address, and parallel guessing gains nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
const FREE_FAILURES: u32 = 10;
/// The default delay of a failed attempt once a peer is over the limit.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(1);
/// Failed attempts of one peer that may wait for their answer at the same time.
pub const MAX_DELAYED: u32 = 4;
/// Bound on tracked peers, so the table cannot grow without limit.
const MAX_PEERS: usize = 10_000;

#[derive(Debug)]
struct Peer {
    window_start: Instant,
    failures: u32,
    delayed: u32,
}

/// Failed attempts per peer address within the current window.
#[derive(Debug, Default)]
pub struct AuthThrottle {
    peers: Mutex<HashMap<IpAddr, Peer>>,
}

/// What to do with a failed attempt.
#[derive(Debug)]
pub enum Verdict<'a> {
    /// Answer it now (still within the free failures).
    Answer,
    /// Answer it after the delay; the slot is held until the guard drops.
    Delay(DelaySlot<'a>),
    /// Too many failed attempts of this peer are waiting: 429 now.
    Refuse,
}

/// One of a peer's [`MAX_DELAYED`] waiting slots.
#[derive(Debug)]
pub struct DelaySlot<'a> {
    throttle: &'a AuthThrottle,
    ip: IpAddr,
}

impl Drop for DelaySlot<'_> {
    fn drop(&mut self) {
        let mut peers = self.throttle.lock();
        if let Some(p) = peers.get_mut(&self.ip) {
            p.delayed = p.delayed.saturating_sub(1);
        }
    }
}

impl AuthThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Peer>> {
        self.peers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records one failed authentication from `ip` and decides how to answer it.
    pub fn failed(&self, ip: IpAddr) -> Verdict<'_> {
        let mut peers = self.lock();
        if peers.len() >= MAX_PEERS {
            peers.retain(|_, p| p.window_start.elapsed() < WINDOW || p.delayed > 0);
        }
        let now = Instant::now();
        let peer = peers.entry(ip).or_insert(Peer {
            window_start: now,
            failures: 0,
            delayed: 0,
        });
        if peer.window_start.elapsed() >= WINDOW {
            peer.window_start = now;
            peer.failures = 0;
        }
        peer.failures = peer.failures.saturating_add(1);
        if peer.failures <= FREE_FAILURES {
            Verdict::Answer
        } else if peer.delayed < MAX_DELAYED {
            peer.delayed += 1;
            Verdict::Delay(DelaySlot { throttle: self, ip })
        } else {
            Verdict::Refuse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_free_failures_then_bounded_delays() {
        let t = AuthThrottle::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..10 {
            assert!(matches!(t.failed(ip), Verdict::Answer));
        }
        let slots: Vec<_> = (0..MAX_DELAYED).map(|_| t.failed(ip)).collect();
        assert!(slots.iter().all(|v| matches!(v, Verdict::Delay(_))));
        assert!(matches!(t.failed(ip), Verdict::Refuse));
        // Another peer is not affected.
        assert!(matches!(t.failed([127, 0, 0, 2].into()), Verdict::Answer));
        // A slot frees when its answer is sent.
        drop(slots);
        assert!(matches!(t.failed(ip), Verdict::Delay(_)));
    }
}
