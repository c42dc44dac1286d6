#!/usr/bin/env python3
"""Cross-check data/calendar/YYYY.toml against the `holidays` package (country KZ).

Run from the repository root, in an environment with `holidays` installed:

    python3 -m pip install holidays
    python3 tools/calendar-crosscheck.py

For every day of 2016-2025 it compares, day by day:

- whether the day is a working day of the five-day week;
- why: holiday, day carried over from a holiday on a weekend, day off by a
  transfer, working day by a transfer.

Any difference makes the script exit 1, unless the year file explains it with a
`[[disagreements]]` entry for that date whose `source` is `holidays-pypi`
(docs/calendar.md). 2015, 2026 and 2027 are compared too but only reported:
the package does not confirm those years (its Kurban Ait dates after 2025 are
estimates), and the data documents them itself.

Exit codes: 0 agreement, 1 unexplained disagreement, 2 cannot run.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import sys
import tomllib

CHECKED_YEARS = range(2016, 2026)
REPORTED_YEARS = (2015, 2026, 2027)
PACKAGE_SOURCE_ID = "holidays-pypi"
DATA_DIR = pathlib.Path("data/calendar")

# Labels of the package in its en_US localisation.
OBSERVED = re.compile(r"\(observed")
SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def days_of(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def our_year(year: int) -> tuple[dict[dt.date, tuple[bool, str]], dict[dt.date, str]]:
    """Day -> (working, why) for days that are not plain weekdays/weekends, and the
    dates excused by `[[disagreements]]` entries citing the package."""
    path = DATA_DIR / f"{year}.toml"
    with path.open("rb") as file:
        data = tomllib.load(file)
    special: dict[dt.date, tuple[bool, str]] = {}
    for holiday in data.get("holidays", []):
        special[holiday["date"]] = (False, "holiday")
    for carry in data.get("carried_over", []):
        special[carry["date"]] = (False, "carried over")
    for transfer in data.get("transfers", []):
        special[transfer["working_day"]] = (True, "working day by transfer")
        special[transfer["day_off"]] = (False, "day off by transfer")
    excused = {
        entry["date"]: entry["note"]
        for entry in data.get("disagreements", [])
        if entry["source"] == PACKAGE_SOURCE_ID
    }
    return special, excused


def package_year(year: int) -> dict[dt.date, tuple[bool, str]]:
    import holidays  # noqa: PLC0415 - imported here so a missing package is reported cleanly

    special: dict[dt.date, tuple[bool, str]] = {}
    calendar = holidays.country_holidays("KZ", years=year, language="en_US")
    for day, name in sorted(calendar.items()):
        for label in name.split("; "):
            substituted = SUBSTITUTED.search(label)
            if substituted:
                month, dom, from_year = (int(part) for part in substituted.groups())
                special[day] = (False, "day off by transfer")
                special[dt.date(from_year, month, dom)] = (True, "working day by transfer")
            elif OBSERVED.search(label):
                special.setdefault(day, (False, "carried over"))
            else:
                special[day] = (False, "holiday")
    return special


def describe(entry: tuple[bool, str] | None, day: dt.date) -> str:
    if entry is None:
        return "working (weekday)" if not is_weekend(day) else "off (weekend)"
    working, why = entry
    return f"{'working' if working else 'off'} ({why})"


def compare(year: int) -> tuple[list[str], list[str], list[str]]:
    """Returns (unexplained, explained, stale excuses) for one year."""
    ours, excused = our_year(year)
    theirs = package_year(year)
    unexplained, explained = [], []
    for day in days_of(year):
        our_entry, their_entry = ours.get(day), theirs.get(day)
        if describe(our_entry, day) == describe(their_entry, day):
            continue
        line = (
            f"{day} ({day.strftime('%a')}): data says {describe(our_entry, day)}, "
            f"holidays says {describe(their_entry, day)}"
        )
        if day in excused:
            explained.append(f"{line}\n      explained: {excused[day]}")
        else:
            unexplained.append(line)
    disagreeing = {line[:10] for line in unexplained + explained}
    stale = [f"{day}: {note}" for day, note in excused.items() if day.isoformat() not in disagreeing]
    return unexplained, explained, stale


def main() -> int:
    if not DATA_DIR.is_dir():
        print(f"error: {DATA_DIR} not found; run from the repository root", file=sys.stderr)
        return 2
    try:
        import holidays
    except ImportError:
        print("error: the `holidays` package is not installed (python3 -m pip install holidays)", file=sys.stderr)
        return 2
    print(f"holidays {holidays.__version__}: comparing data/calendar with country KZ")

    failed = False
    for year in [*CHECKED_YEARS, *REPORTED_YEARS]:
        checked = year in CHECKED_YEARS
        if not (DATA_DIR / f"{year}.toml").is_file():
            if checked:
                print(f"{year}: FAIL no data file {DATA_DIR / f'{year}.toml'}")
                failed = True
            continue
        unexplained, explained, stale = compare(year)
        if not unexplained and not explained:
            verdict = "agrees"
        elif unexplained:
            verdict = "FAIL" if checked else "differs (reported only)"
        else:
            verdict = "agrees except where the data explains"
        print(f"{year}: {verdict}")
        for line in unexplained:
            print(f"    {line}")
        for line in explained:
            print(f"    {line}")
        for line in stale:
            print(f"    note: the data excuses a disagreement that no longer exists: {line}")
        if checked and unexplained:
            failed = True
    if failed:
        print(
            "\nUnexplained disagreements. Check the sources; if the data is right, add a "
            f'[[disagreements]] entry (source = "{PACKAGE_SOURCE_ID}") with the reason.'
        )
        return 1
    print("\nThe data agrees with the holidays package for 2016-2025 (or explains why not).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
