//! When to try a failed delivery again: exponential backoff with full jitter.
//!
//! After the n-th failed attempt the next one waits a uniformly random time in
//! `[0, min(cap, base · 2^(n-1))]` ("full jitter", AWS Architecture Blog,
//! "Exponential Backoff And Jitter", 2015): the ceiling grows exponentially so
//! a receiver that is down is not hammered, and the randomness spreads the
//! retries of many deliveries that failed together (one receiver restarting)
//! so they do not return as one wave. The randomness is an input, so the
//! policy is a pure function and its bounds are tested for every input.

use std::time::Duration;

/// How often and how patiently a delivery is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The ceiling after the first failure.
    pub base: Duration,
    /// No wait is longer than this (a receiver's `Retry-After` is clamped to it too).
    pub cap: Duration,
    /// Attempts in all, the first included; after the last failed one the
    /// delivery is dead-lettered.
    pub max_attempts: u32,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again after this long.
    RetryAfter(Duration),
    /// That was the last attempt: dead-letter the delivery.
    GiveUp,
}

impl RetryPolicy {
    /// Webhooks and e-mail: 30 s, doubling up to 4 h, 12 attempts — 11 waits
    /// of at most about 12¼ hours in all (the sum of the ceilings, 44 130 s),
    /// about half that on average, before a coordinator is asked to look.
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        base: Duration::from_secs(30),
        cap: Duration::from_secs(4 * 60 * 60),
        max_attempts: 12,
    };

    /// The longest wait after `failed_attempts` failures (≥ 1):
    /// `min(cap, base · 2^(failed_attempts - 1))`, saturating.
    pub fn ceiling(&self, failed_attempts: u32) -> Duration {
        let doublings = failed_attempts.saturating_sub(1).min(63);
        let factor = 1u64 << doublings;
        let millis = u64::try_from(self.base.as_millis())
            .unwrap_or(u64::MAX)
            .saturating_mul(factor);
        Duration::from_millis(millis).min(self.cap)
    }

    /// The decision after `failed_attempts` failed attempts (counting the one
    /// that just failed). `random` is any uniformly random `u64` (see
    /// [`random_u64`]); `retry_after` is a wait the receiver asked for (HTTP
    /// `Retry-After`), honoured up to `cap`.
    pub fn after_failure(
        &self,
        failed_attempts: u32,
        random: u64,
        retry_after: Option<Duration>,
    ) -> RetryDecision {
        if failed_attempts >= self.max_attempts {
            return RetryDecision::GiveUp;
        }
        let ceiling = u128::from(
            u64::try_from(self.ceiling(failed_attempts).as_millis()).unwrap_or(u64::MAX),
        );
        // Multiply-shift maps the 64-bit random onto [0, ceiling] without the
        // bias of a modulo.
        let jittered = (u128::from(random) * (ceiling + 1)) >> 64;
        let jittered = Duration::from_millis(u64::try_from(jittered).unwrap_or(u64::MAX));
        let asked = retry_after.map(|asked| asked.min(self.cap));
        RetryDecision::RetryAfter(match asked {
            Some(asked) => jittered.max(asked),
            None => jittered,
        })
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::DEFAULT
    }
}

/// A random `u64` from the operating system, for [`RetryPolicy::after_failure`].
/// Falls back to 0 (no wait beyond `Retry-After`) if the OS has no randomness to
/// give, which only makes the next attempt earlier, never lost.
pub fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => u64::from_le_bytes(bytes),
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: RetryPolicy, failed_attempts: u32, random: u64, expect: RetryDecision) {
        assert_eq!(
            policy.after_failure(failed_attempts, random, None),
            expect,
            "failed_attempts = {failed_attempts}, random = {random}"
        );
    }

    const POLICY: RetryPolicy = RetryPolicy {
        base: Duration::from_secs(10),
        cap: Duration::from_secs(300),
        max_attempts: 6,
    };

    #[test]
    fn the_ceiling_doubles_up_to_the_cap() {
        let ceilings: Vec<u64> = (1..=7).map(|n| POLICY.ceiling(n).as_secs()).collect();
        assert_eq!(ceilings, [10, 20, 40, 80, 160, 300, 300]);
        // Absurd attempt counts saturate instead of overflowing.
        assert_eq!(POLICY.ceiling(u32::MAX), POLICY.cap);
        assert_eq!(RetryPolicy::DEFAULT.ceiling(200), RetryPolicy::DEFAULT.cap);
    }

    #[test]
    fn extremes_of_the_random_input_reach_zero_and_the_ceiling() {
        check(POLICY, 1, 0, RetryDecision::RetryAfter(Duration::ZERO));
        check(
            POLICY,
            1,
            u64::MAX,
            RetryDecision::RetryAfter(Duration::from_secs(10)),
        );
        check(
            POLICY,
            3,
            u64::MAX,
            RetryDecision::RetryAfter(Duration::from_secs(40)),
        );
        check(
            POLICY,
            3,
            u64::MAX / 2,
            RetryDecision::RetryAfter(Duration::from_secs(20)),
        );
        check(
            POLICY,
            5,
            u64::MAX,
            RetryDecision::RetryAfter(Duration::from_secs(160)),
        );
    }

    #[test]
    fn the_last_attempt_gives_up() {
        check(POLICY, 6, 0, RetryDecision::GiveUp);
        check(POLICY, 7, u64::MAX, RetryDecision::GiveUp);
        let single = RetryPolicy {
            max_attempts: 1,
            ..POLICY
        };
        check(single, 1, 12345, RetryDecision::GiveUp);
    }

    #[test]
    fn every_wait_lies_within_zero_and_the_ceiling() {
        // A deterministic walk over many random inputs (a xorshift sequence)
        // and every attempt number, for the default policy and a tiny one.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for policy in [RetryPolicy::DEFAULT, POLICY] {
            for failed_attempts in 1..policy.max_attempts {
                let ceiling = policy.ceiling(failed_attempts);
                for _ in 0..2_000 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    match policy.after_failure(failed_attempts, state, None) {
                        RetryDecision::RetryAfter(wait) => {
                            assert!(wait <= ceiling, "{wait:?} > {ceiling:?}");
                            assert!(wait <= policy.cap);
                        }
                        RetryDecision::GiveUp => panic!("gave up early at {failed_attempts}"),
                    }
                }
            }
        }
    }

    #[test]
    fn the_waits_are_spread_not_clustered() {
        // Full jitter: over many inputs the mean is near half the ceiling.
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut total = Duration::ZERO;
        let samples = 10_000u32;
        for _ in 0..samples {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if let RetryDecision::RetryAfter(wait) = POLICY.after_failure(4, state, None) {
                total += wait;
            }
        }
        let mean = (total / samples).as_secs_f64();
        assert!(
            (36.0..44.0).contains(&mean),
            "mean {mean} s, expected about 40 s"
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        assert_eq!(
            POLICY.after_failure(1, 0, Some(Duration::from_secs(120))),
            RetryDecision::RetryAfter(Duration::from_secs(120))
        );
        assert_eq!(
            POLICY.after_failure(1, 0, Some(Duration::from_secs(86_400))),
            RetryDecision::RetryAfter(POLICY.cap)
        );
        // A short Retry-After does not shorten a longer jittered wait.
        assert_eq!(
            POLICY.after_failure(3, u64::MAX, Some(Duration::from_secs(1))),
            RetryDecision::RetryAfter(Duration::from_secs(40))
        );
        assert_eq!(
            POLICY.after_failure(6, 0, Some(Duration::from_secs(1))),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn the_default_policy_waits_at_most_44130_seconds_in_all() {
        // docs/delivery.md quotes this figure.
        let policy = RetryPolicy::DEFAULT;
        let total: Duration = (1..policy.max_attempts).map(|n| policy.ceiling(n)).sum();
        assert_eq!(total, Duration::from_secs(44_130));
    }

    #[test]
    fn random_input_comes_from_the_os() {
        // Two draws of 64 bits are equal with probability 2^-64.
        assert_ne!(random_u64(), random_u64());
    }
}
