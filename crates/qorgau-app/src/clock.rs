//! The one place that reads the wall clock. Everything else takes `now` as a
//! parameter, so tests control time without sleeping.

use jiff::Timestamp;

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the single sanctioned read of the wall clock
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock stopped at one instant (tests, and replaying a scenario).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// The environment variable that pins the clock. For tests only: it lets an
/// end-to-end test walk a case through deadlines days apart without sleeping.
/// Using it on a production record would falsify recorded times, so the CLI
/// says so on standard error every time it is set.
pub const TEST_NOW_VARIABLE: &str = "QORGAU_TEST_NOW";

/// A clock tests move by hand (a server under test reads it on every request).
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<Timestamp>);

impl ManualClock {
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock(std::sync::Mutex::new(start))
    }

    pub fn set(&self, instant: Timestamp) {
        if let Ok(mut now) = self.0.lock() {
            *now = instant;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.0
            .lock()
            .map(|now| *now)
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}
