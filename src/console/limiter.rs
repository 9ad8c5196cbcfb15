//! Login attempts per client address in a sliding ten-minute window, in memory and bounded: an
//! address that guesses across many accounts is slowed even though no one account locks.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(600);
/// Addresses remembered at most; beyond it the oldest windows are forgotten first.
const MAX_ADDRESSES: usize = 10_000;

pub struct AddressLimiter {
    max: u32,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl AddressLimiter {
    pub fn new(max: u32) -> AddressLimiter {
        AddressLimiter { max, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt; `false` when the address has used up its window.
    pub fn attempt(&self, address: IpAddr, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= MAX_ADDRESSES {
            seen.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if seen.len() >= MAX_ADDRESSES {
                let oldest = seen.iter().min_by_key(|(_, (start, _))| *start).map(|(a, _)| *a);
                if let Some(a) = oldest {
                    seen.remove(&a);
                }
            }
        }
        let entry = seen.entry(address).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_held_after_its_attempts_until_the_window_passes() {
        let limiter = AddressLimiter::new(3);
        let a: IpAddr = "127.0.0.2".parse().expect("ip");
        let b: IpAddr = "127.0.0.3".parse().expect("ip");
        let t = Instant::now();
        assert!((0..3).all(|_| limiter.attempt(a, t)));
        assert!(!limiter.attempt(a, t));
        assert!(limiter.attempt(b, t), "another address is not held");
        assert!(limiter.attempt(a, t + WINDOW), "a new window");
    }
}
