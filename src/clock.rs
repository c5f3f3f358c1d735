//! Time as an input. Pure code takes `now` as a parameter; the binary picks one of these
//! clocks in one place, so tests, the demo's fast clock and SLA arithmetic agree.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// How many clock seconds pass per real second (the demo runs faster).
    fn speed(&self) -> f64 {
        1.0
    }
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A fixed instant (`TUIDESK_NOW`), for scripts and tests that replay a moment.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
    fn speed(&self) -> f64 {
        0.0
    }
}

/// Starts at `origin` and runs `speed` times faster than real time.
pub struct ScaledClock {
    origin: DateTime<Utc>,
    started: Instant,
    speed: f64,
}

impl ScaledClock {
    pub fn new(origin: DateTime<Utc>, speed: f64) -> ScaledClock {
        ScaledClock {
            origin,
            started: Instant::now(),
            speed,
        }
    }
}

impl Clock for ScaledClock {
    fn now(&self) -> DateTime<Utc> {
        let real = self.started.elapsed().as_secs_f64();
        self.origin + Duration::milliseconds((real * self.speed * 1000.0) as i64)
    }
    fn speed(&self) -> f64 {
        self.speed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_clock_runs_faster() {
        let origin = Utc::now();
        let c = ScaledClock::new(origin, 1000.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let elapsed = (c.now() - origin).num_milliseconds();
        assert!(elapsed >= 20_000, "{elapsed}");
        assert_eq!(FixedClock(origin).now(), origin);
    }
}
