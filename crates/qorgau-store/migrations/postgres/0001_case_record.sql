-- The case record on PostgreSQL: the same tables as migrations/sqlite/0001,
-- for several Qorgau instances sharing one database.
-- docs/case-record.md specifies the hash byte by byte.
--
-- Identifiers compared or sorted as text use the "C" collation: byte order,
-- the same as SQLite, whatever the server's locale.

CREATE TABLE case_events (
    seq          BIGINT PRIMARY KEY CHECK (seq > 0),   -- 1, 2, 3, … assigned under chain_head's lock
    case_id      TEXT COLLATE "C" NOT NULL,
    case_version BIGINT NOT NULL CHECK (case_version > 0),  -- 1-based position within the case
    event_type   TEXT   NOT NULL,
    payload      TEXT   NOT NULL,      -- canonical JSON of the event, byte for byte as hashed
    actor        TEXT   NOT NULL,
    recorded_at  TEXT   NOT NULL,      -- RFC 3339, UTC, as hashed
    prev_hash    BYTEA  NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash         BYTEA  NOT NULL CHECK (octet_length(hash) = 32),
    -- Two writers appending to the same case from the same version: one loses.
    CONSTRAINT case_events_version_unique UNIQUE (case_id, case_version)
);

-- Nothing updates, deletes or truncates a recorded event. TRUNCATE skips row
-- triggers, so it has its own.
CREATE FUNCTION case_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the case record is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();

-- The head of the chain: exactly one row. Every append locks it first
-- (SELECT … FOR UPDATE) and moves it in the same transaction, so appends from
-- every instance are serialized: one chain, no forks, no gaps. It also lets
-- `verify` notice a tail cut off the chain (the head would point past it).
CREATE TABLE chain_head (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    seq       BIGINT NOT NULL CHECK (seq >= 0),
    hash      BYTEA  NOT NULL CHECK (octet_length(hash) = 32)
);
INSERT INTO chain_head (singleton, seq, hash) VALUES (TRUE, 0, decode(repeat('00', 32), 'hex'));

-- Case numbers, per year of receipt.
CREATE TABLE case_numbers (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- Read models: rebuilt from the events, never the source of truth.
CREATE TABLE cases (
    case_id     TEXT COLLATE "C" PRIMARY KEY,
    regime      TEXT   NOT NULL,
    language    TEXT   NOT NULL,
    phase       TEXT   NOT NULL,
    received_at TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    state       JSONB  NOT NULL     -- the folded CaseState
);
CREATE INDEX cases_phase ON cases (phase);

CREATE TABLE case_deadlines (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- keeps ties in insertion order
    case_id     TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    kind        TEXT    NOT NULL,
    order_id    TEXT,
    due_at      BIGINT  NOT NULL,   -- milliseconds since 1970 UTC (sorts as time)
    last_day    TEXT,
    provisional BOOLEAN NOT NULL
);
CREATE INDEX case_deadlines_due ON case_deadlines (due_at);
CREATE INDEX case_deadlines_case ON case_deadlines (case_id);

-- What links cases: the resources and actor accounts they name, and their incidents.
CREATE TABLE case_resources (
    case_id      TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    resource_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, resource_key)
);
CREATE INDEX case_resources_key ON case_resources (resource_key);

CREATE TABLE case_actors (
    case_id   TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    actor_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, actor_key)
);
CREATE INDEX case_actors_key ON case_actors (actor_key);

CREATE TABLE case_incidents (
    case_id      TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    occurred_on  TEXT COLLATE "C" NOT NULL,
    resource_key TEXT COLLATE "C"
);
CREATE INDEX case_incidents_case ON case_incidents (case_id);

-- The authority's people: the expert group and coordinators.
CREATE TABLE staff (
    username     TEXT COLLATE "C" CONSTRAINT staff_pkey PRIMARY KEY,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('coordinator', 'expert')),
    chair        BOOLEAN NOT NULL DEFAULT FALSE,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TEXT    NOT NULL
);
