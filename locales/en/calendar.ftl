# Kazakhstan's working-day calendar (crates/qorgau-domain/src/calendar).
# Dates arrive as ISO text (2024-03-25); holiday names ($name) arrive in all three languages.

calendar-year-not-covered = The working-day calendar for { $year } has not been loaded yet, so the deadline cannot be computed. Please contact the administrator.
calendar-data-invalid = Calendar data file { $file } is invalid: { $reason }
calendar-year-official = The calendar for { $year } is confirmed by official documents.
calendar-year-provisional = The calendar for { $year } is provisional: the transfer of days off or the date of Kurban Ait is not yet confirmed, so deadlines that fall in this year may still change.

calendar-day-weekday = { $date } is a working day (five-day working week).
calendar-day-weekend = { $date } is a day off (Saturday or Sunday).
calendar-day-holiday = { $date } is a public holiday: { $name }. It is not a working day.
calendar-day-religious = { $date } is { $name }, a day off under the Labour Code. It is not carried over when it falls on a weekend.
calendar-day-carried-over = { $date } is a day off: the holiday { $name } on { $holiday_date } fell on a weekend, so the day off moved to the next working day.
calendar-day-off-by-transfer = { $date } is a day off: the day off was transferred from { $working_day } ({ $source }).
calendar-day-working-by-transfer = { $date } is a working day: its day off was transferred to { $day_off } ({ $source }).
