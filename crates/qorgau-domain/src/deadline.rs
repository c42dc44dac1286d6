//! Deadlines in Kazakhstan time.
//!
//! PRODUCT.md: "Time is Kazakhstan time (IANA `Asia/Almaty`)". The country moved to
//! a single UTC+5 zone on 2024-03-01, so offsets come from the bundled tz database,
//! never from a constant. A deadline of N working days counts from the day after
//! receipt and ends at the end of the Nth working day, Almaty time: we store the
//! exclusive instant (midnight that starts the following day) so comparisons are
//! a plain `now >= due_at`.

use std::sync::OnceLock;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkingCalendar};

/// `Asia/Almaty` from the tz database bundled into the binary.
pub fn almaty() -> &'static TimeZone {
    static ALMATY: OnceLock<TimeZone> = OnceLock::new();
    ALMATY.get_or_init(|| {
        // The `tzdb-bundle-always` feature compiles the database in, so the lookup
        // cannot fail at run time; a failure here is a build misconfiguration.
        TimeZone::get("Asia/Almaty").expect("Asia/Almaty is in the bundled tz database")
    })
}

/// The calendar date in Almaty at `instant`.
pub fn almaty_date(instant: Timestamp) -> Date {
    instant.to_zoned_datetime(almaty().clone()).date()
}

/// The instant at which `date` begins in Almaty.
pub fn start_of_day(date: Date) -> Timestamp {
    match date.to_zoned_datetime(almaty().clone()) {
        Ok(zoned) => zoned.timestamp(),
        // Only reachable at the edge of jiff's supported range (year ±9999).
        Err(_) => Timestamp::MAX,
    }
}

/// The exclusive end of `date` in Almaty (the start of the next day).
pub fn end_of_day(date: Date) -> Timestamp {
    match date.tomorrow() {
        Ok(next) => start_of_day(next),
        Err(_) => Timestamp::MAX,
    }
}

/// Formats an instant as Almaty local time, `YYYY-MM-DD HH:MM`.
pub fn format_almaty(instant: Timestamp) -> String {
    instant
        .to_zoned_datetime(almaty().clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// RFC 3339 with the Almaty offset, e.g. `2026-11-30T10:00:00+05:00` (API.md).
pub fn rfc3339_almaty(instant: Timestamp) -> String {
    instant
        .to_zoned_datetime(almaty().clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A deadline that ends with a calendar day in Almaty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The last day on which the step may be taken.
    pub last_day: Date,
    /// The exclusive instant: the step is late at or after this moment.
    pub due_at: Timestamp,
    /// True when a year the count runs through has only a provisional calendar
    /// (its transfer decree not yet published): the date may still move.
    pub provisional: bool,
}

impl Deadline {
    /// A deadline ending with `last_day`.
    pub fn on_day(last_day: Date, provisional: bool) -> Deadline {
        Deadline {
            last_day,
            due_at: end_of_day(last_day),
            provisional,
        }
    }
}

/// `received_at` plus `working_days` Kazakhstan working days.
pub fn working_days_deadline(
    calendar: &WorkingCalendar,
    received_at: Timestamp,
    working_days: u32,
) -> Result<Deadline, CalendarError> {
    let start = almaty_date(received_at);
    let last_day = calendar.add_working_days(start, working_days)?;
    let mut provisional = false;
    for year in start.year()..=last_day.year() {
        provisional |= calendar.is_provisional(year)?;
    }
    Ok(Deadline::on_day(last_day, provisional))
}

/// `from` plus a number of hours (the 24-hour removal deadline runs on the clock,
/// not on the working-day calendar).
pub fn hours_after(from: Timestamp, hours: u32) -> Timestamp {
    from.checked_add(SignedDuration::from_hours(i64::from(hours)))
        .unwrap_or(Timestamp::MAX)
}

/// `date` plus a number of calendar days.
pub fn calendar_days_after(date: Date, days: u32) -> Date {
    date.checked_add(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn almaty_is_utc_plus_six_before_march_2024_and_plus_five_after() {
        let winter_2023: Timestamp = "2023-12-01T00:00:00Z".parse().unwrap();
        assert_eq!(rfc3339_almaty(winter_2023), "2023-12-01T06:00:00+06:00");
        let winter_2025: Timestamp = "2025-12-01T00:00:00Z".parse().unwrap();
        assert_eq!(rfc3339_almaty(winter_2025), "2025-12-01T05:00:00+05:00");
    }

    #[test]
    fn end_of_day_is_midnight_almaty() {
        let date: Date = "2026-03-02".parse().unwrap();
        assert_eq!(end_of_day(date).to_string(), "2026-03-02T19:00:00Z");
    }

    #[test]
    fn late_evening_utc_is_already_the_next_day_in_almaty() {
        let instant: Timestamp = "2026-01-05T20:30:00Z".parse().unwrap();
        assert_eq!(almaty_date(instant).to_string(), "2026-01-06");
    }
}
