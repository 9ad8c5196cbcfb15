//! Concurrency per server address: many filed sites share one server, and a provider's scanner must
//! not hammer it. A semaphore per address, created on demand and dropped when idle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct KeyedLimiter {
    per_key: usize,
    map: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl KeyedLimiter {
    pub fn new(per_key: usize) -> Self {
        KeyedLimiter { per_key: per_key.max(1), map: Mutex::new(HashMap::new()) }
    }

    pub async fn acquire(&self, key: &str) -> OwnedSemaphorePermit {
        let semaphore = {
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            // Forget addresses nobody is scanning, so the map does not grow with every server seen.
            if map.len() > 4096 {
                map.retain(|_, s| Arc::strong_count(s) > 1);
            }
            Arc::clone(map.entry(key.to_string()).or_insert_with(|| Arc::new(Semaphore::new(self.per_key))))
        };
        semaphore.acquire_owned().await.expect("limiter semaphores are never closed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounds_each_key_separately() {
        let l = KeyedLimiter::new(2);
        let a1 = l.acquire("1.2.3.4").await;
        let _a2 = l.acquire("1.2.3.4").await;
        let _b = l.acquire("5.6.7.8").await;
        let third = tokio::time::timeout(std::time::Duration::from_millis(50), l.acquire("1.2.3.4")).await;
        assert!(third.is_err(), "a third scan of one address waits");
        drop(a1);
        assert!(tokio::time::timeout(std::time::Duration::from_millis(50), l.acquire("1.2.3.4")).await.is_ok());
    }
}
