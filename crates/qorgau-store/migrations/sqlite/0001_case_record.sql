-- The case record: one hash chain over every event of every case.
-- docs/case-record.md specifies the hash byte by byte.
CREATE TABLE case_events (
    seq          INTEGER PRIMARY KEY,  -- 1, 2, 3, … assigned inside the write transaction
    case_id      TEXT    NOT NULL,
    case_version INTEGER NOT NULL,     -- 1-based position within the case
    event_type   TEXT    NOT NULL,
    payload      TEXT    NOT NULL,     -- canonical JSON of the event
    actor        TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL,     -- RFC 3339, UTC
    prev_hash    BLOB    NOT NULL,
    hash         BLOB    NOT NULL,
    -- Two writers appending to the same case from the same version: one loses.
    CONSTRAINT case_events_version_unique UNIQUE (case_id, case_version)
) STRICT;

-- Nothing updates or deletes a recorded event.
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'the case record is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'the case record is append-only'); END;

-- Case numbers, per year of receipt.
CREATE TABLE case_numbers (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

-- Read models: rebuilt from the events, never the source of truth.
CREATE TABLE cases (
    case_id     TEXT PRIMARY KEY,
    regime      TEXT    NOT NULL,
    language    TEXT    NOT NULL,
    phase       TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    state       TEXT    NOT NULL    -- the folded CaseState as JSON
) STRICT;
CREATE INDEX cases_phase ON cases (phase);

CREATE TABLE case_deadlines (
    case_id   TEXT    NOT NULL REFERENCES cases (case_id),
    kind      TEXT    NOT NULL,
    order_id  TEXT,
    due_at    INTEGER NOT NULL,     -- milliseconds since 1970 UTC (sorts as time)
    last_day  TEXT,
    provisional INTEGER NOT NULL
) STRICT;
CREATE INDEX case_deadlines_due ON case_deadlines (due_at);
CREATE INDEX case_deadlines_case ON case_deadlines (case_id);

-- What links cases: the resources and actor accounts they name, and their incidents.
CREATE TABLE case_resources (
    case_id      TEXT NOT NULL REFERENCES cases (case_id),
    resource_key TEXT NOT NULL,
    PRIMARY KEY (case_id, resource_key)
) STRICT;
CREATE INDEX case_resources_key ON case_resources (resource_key);

CREATE TABLE case_actors (
    case_id   TEXT NOT NULL REFERENCES cases (case_id),
    actor_key TEXT NOT NULL,
    PRIMARY KEY (case_id, actor_key)
) STRICT;
CREATE INDEX case_actors_key ON case_actors (actor_key);

CREATE TABLE case_incidents (
    case_id      TEXT NOT NULL REFERENCES cases (case_id),
    occurred_on  TEXT NOT NULL,
    resource_key TEXT
) STRICT;
CREATE INDEX case_incidents_case ON case_incidents (case_id);

-- The authority's people: the expert group and coordinators.
CREATE TABLE staff (
    username     TEXT PRIMARY KEY,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('coordinator', 'expert')),
    chair        INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL
) STRICT;
