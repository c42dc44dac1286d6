//! A resource owner's compliance record: how it answers the orders it
//! receives. Computed from orders' facts only (never from the applications),
//! for the coordinators' board and the API.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// What the record needs of one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub delivered_at: Option<Timestamp>,
    pub removal_due: Option<Timestamp>,
    /// When removal was verified.
    pub removed_at: Option<Timestamp>,
    pub escalations: u32,
}

/// One owner's record at a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplianceRecord {
    /// Orders delivered to the owner (the ones its clock ran for).
    pub orders_received: u32,
    /// Orders issued and not yet delivered.
    pub awaiting_delivery: u32,
    pub removed: u32,
    /// Delivered, not removed.
    pub open: u32,
    /// Open past the removal deadline.
    pub overdue: u32,
    /// Removed within the deadline, as a share of orders whose deadline
    /// passed or that were removed (`None` when there are none yet).
    pub removed_in_time_share: Option<f64>,
    /// Time from delivery to verified removal: median and 90th percentile,
    /// in seconds, nearest-rank (`None` with no removal).
    pub removal_seconds_median: Option<i64>,
    pub removal_seconds_p90: Option<i64>,
    /// Escalation steps taken against the owner, in all.
    pub escalation_steps: u32,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of sorted `values`.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

impl ComplianceRecord {
    pub fn of(orders: &[OrderFacts], now: Timestamp) -> ComplianceRecord {
        let mut record = ComplianceRecord {
            orders_received: 0,
            awaiting_delivery: 0,
            removed: 0,
            open: 0,
            overdue: 0,
            removed_in_time_share: None,
            removal_seconds_median: None,
            removal_seconds_p90: None,
            escalation_steps: 0,
        };
        let mut durations = Vec::new();
        let (mut judged, mut in_time) = (0u32, 0u32);
        for order in orders {
            record.escalation_steps += order.escalations;
            let Some(delivered_at) = order.delivered_at else {
                record.awaiting_delivery += 1;
                continue;
            };
            record.orders_received += 1;
            match order.removed_at {
                Some(removed_at) => {
                    record.removed += 1;
                    durations.push(removed_at.duration_since(delivered_at).as_secs().max(0));
                    judged += 1;
                    if order.removal_due.is_none_or(|due| removed_at < due) {
                        in_time += 1;
                    }
                }
                None => {
                    record.open += 1;
                    if order.removal_due.is_some_and(|due| now >= due) {
                        record.overdue += 1;
                        judged += 1;
                    }
                }
            }
        }
        durations.sort_unstable();
        record.removal_seconds_median = nearest_rank(&durations, 50);
        record.removal_seconds_p90 = nearest_rank(&durations, 90);
        record.removed_in_time_share = (judged > 0).then(|| f64::from(in_time) / f64::from(judged));
        record
    }

    /// A duration in seconds as hours and minutes, for people.
    pub fn hours_and_minutes(seconds: i64) -> (i64, i64) {
        let duration = SignedDuration::from_secs(seconds);
        (duration.as_hours(), (duration.as_mins() % 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + hours * 3600).unwrap()
    }

    fn delivered(removed_after: Option<i64>, escalations: u32) -> OrderFacts {
        OrderFacts {
            delivered_at: Some(at(0)),
            removal_due: Some(at(24)),
            removed_at: removed_after.map(at),
            escalations,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(nearest_rank(&values, 50), Some(5));
        assert_eq!(nearest_rank(&values, 90), Some(9));
        assert_eq!(nearest_rank(&values, 100), Some(10));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
    }

    #[test]
    fn a_record_counts_in_time_late_open_and_overdue_orders() {
        let orders = [
            delivered(Some(2), 0),
            delivered(Some(10), 0),
            delivered(Some(30), 2),
            delivered(None, 3),
            OrderFacts {
                delivered_at: None,
                removal_due: None,
                removed_at: None,
                escalations: 0,
            },
        ];
        let record = ComplianceRecord::of(&orders, at(48));
        assert_eq!(record.orders_received, 4);
        assert_eq!(record.awaiting_delivery, 1);
        assert_eq!(record.removed, 3);
        assert_eq!(record.open, 1);
        assert_eq!(record.overdue, 1);
        // In time: 2 of 4 judged (3 removed + 1 overdue).
        assert_eq!(record.removed_in_time_share, Some(0.5));
        assert_eq!(record.removal_seconds_median, Some(10 * 3600));
        assert_eq!(record.removal_seconds_p90, Some(30 * 3600));
        assert_eq!(record.escalation_steps, 5);
    }

    #[test]
    fn an_owner_without_orders_has_no_shares_to_divide() {
        let record = ComplianceRecord::of(&[], at(0));
        assert_eq!(record.orders_received, 0);
        assert_eq!(record.removed_in_time_share, None);
        assert_eq!(record.removal_seconds_median, None);
    }

    #[test]
    fn an_open_order_before_its_deadline_is_not_judged() {
        let record = ComplianceRecord::of(&[delivered(None, 0)], at(10));
        assert_eq!((record.open, record.overdue), (1, 0));
        assert_eq!(record.removed_in_time_share, None);
    }
}
