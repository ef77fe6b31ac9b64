//! Spacing calls to stay under a documented rate limit (the Pricing API takes one request per
//! second). Each call reserves the next free slot and waits for it, so a burst from any number of
//! tasks and clones of one client goes out evenly spaced instead of drawing 429s.

use std::{sync::Mutex, time::Duration};

use tokio::time::Instant;

/// The next free slot for a rate-limited call, shared by every clone of one client.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    next_free: Mutex<Option<Instant>>,
}

impl Pacer {
    /// Reserves the next slot at least `interval` after the previous one and waits for it.
    pub(crate) async fn wait_turn(&self, interval: Duration) {
        let slot = self.reserve(Instant::now(), interval);
        tokio::time::sleep_until(slot).await;
    }

    /// The slot for a call asked for at `now`: now, or the previous slot plus `interval`,
    /// whichever is later.
    fn reserve(&self, now: Instant, interval: Duration) -> Instant {
        let mut next = self
            .next_free
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let slot = next.map_or(now, |free| free.max(now));
        *next = Some(slot + interval);
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_interval_and_never_in_the_past() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let second = Duration::from_secs(1);
        assert_eq!(pacer.reserve(start, second), start);
        assert_eq!(pacer.reserve(start, second), start + second);
        assert_eq!(pacer.reserve(start, second), start + second * 2);
        // Long after the last slot, a call goes at once.
        let later = start + second * 10;
        assert_eq!(pacer.reserve(later, second), later);
        assert_eq!(pacer.reserve(later, second), later + second);
    }
}
