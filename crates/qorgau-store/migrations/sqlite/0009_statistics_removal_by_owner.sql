-- Time to removal by platform (issue 8): each day's removal times also as
-- one run per resource owner in stats_tally_durations, kind `removal:OWNER`
-- (crates/qorgau-store/src/stats.rs). No new table: applying this migration
-- sums the tallies afresh from `case_stats`, which writes those runs; this
-- statement only makes sure none is left from elsewhere.
DELETE FROM stats_tally_durations WHERE kind LIKE 'removal:%';
