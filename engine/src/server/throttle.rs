//! Slowing down repeated failed admin authentications from one peer (cli-and-server.md §5.3):
//! after 10 failures within a minute, each further request from that address waits 1 s.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
const FREE_FAILURES: u32 = 10;
/// The delay once a peer is over the limit.
pub const DELAY: Duration = Duration::from_secs(1);
/// Bound on tracked peers, so the table cannot grow without limit.
const MAX_PEERS: usize = 10_000;

/// Failed attempts per peer address within the current window.
#[derive(Debug, Default)]
pub struct AuthThrottle {
    peers: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl AuthThrottle {
    /// Whether requests from `ip` should be delayed now.
    pub fn should_delay(&self, ip: IpAddr) -> bool {
        let peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        peers
            .get(&ip)
            .is_some_and(|(start, n)| start.elapsed() < WINDOW && *n >= FREE_FAILURES)
    }

    /// Records one failed authentication from `ip`.
    pub fn failed(&self, ip: IpAddr) {
        let mut peers = self.peers.lock().unwrap_or_else(|e| e.into_inner());
        if peers.len() >= MAX_PEERS {
            peers.retain(|_, (start, _)| start.elapsed() < WINDOW);
        }
        let entry = peers.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_then_delay() {
        let t = AuthThrottle::default();
        let ip: IpAddr = [127, 0, 0, 1].into();
        for _ in 0..10 {
            assert!(!t.should_delay(ip));
            t.failed(ip);
        }
        assert!(t.should_delay(ip));
        assert!(!t.should_delay([127, 0, 0, 2].into()));
    }
}
