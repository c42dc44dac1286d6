-- The statistics as sums per day of receipt (issue 8): what figures and
-- transparency reports read, so a year is ~15,000 small rows instead of a
-- million cases. Changed in every write's transaction from the facts in
-- `case_stats` (crates/qorgau-store/src/stats.rs); rebuilt from them when
-- this migration is applied. Counts only: no case, no child.
CREATE TABLE stats_tally (
    received_on TEXT   NOT NULL,  -- the Almaty date of receipt, YYYY-MM-DD
    item        TEXT   NOT NULL,  -- statistics::tally::TallyItem, as stats::item_key writes it
    count       BIGINT NOT NULL,
    PRIMARY KEY (received_on, item)
);
-- Items whose count fell to zero (a deadline met, a case rewritten) are
-- deleted after each write; this finds them without a scan.
CREATE INDEX stats_tally_zero ON stats_tally (received_on) WHERE count = 0;

CREATE TABLE stats_tally_durations (
    received_on TEXT  NOT NULL,
    kind        TEXT  NOT NULL,   -- statistics::tally::DurationKind
    seconds     BYTEA NOT NULL,   -- ascending, 8 bytes each, little-endian
    PRIMARY KEY (received_on, kind)
);
