-- Evidence: the durable job queue, the transparency log's leaves and signed
-- checkpoints, and the evidence index (a read model). Mirrors
-- migrations/sqlite/0003_evidence.sql; docs/evidence.md.

-- Work to do after a write, enqueued in the same transaction as the events
-- that call for it: a job exists iff its events committed. Workers of every
-- instance claim due jobs with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT   NOT NULL,          -- capture | recapture
    case_id      TEXT COLLATE "C",
    payload      TEXT   NOT NULL,          -- JSON
    status       TEXT   NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'done', 'failed')),
    run_at       BIGINT NOT NULL,          -- ms since 1970 UTC: due from then
    attempts     BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT,
    locked_until BIGINT,                   -- a running job's lease; reclaimed after it
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_case ON jobs (case_id);

-- The transparency log (RFC 6962): one leaf per record entry, and before an
-- evidence_captured entry's leaf the leaf of its evidence item. Written under
-- the chain head's lock in the same transaction as the entries.
CREATE TABLE log_leaves (
    idx       BIGINT PRIMARY KEY CHECK (idx >= 0),   -- 0, 1, 2, … without gaps
    entry     BYTEA  NOT NULL,                       -- the LogEntry's JSON bytes, as hashed
    leaf_hash BYTEA  NOT NULL CHECK (octet_length(leaf_hash) = 32),
    seq       BIGINT NOT NULL                        -- the record entry it belongs to
);
CREATE INDEX log_leaves_seq ON log_leaves (seq);
CREATE FUNCTION log_leaves_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the transparency log is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
    FOR EACH ROW EXECUTE FUNCTION log_leaves_append_only();
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
    FOR EACH ROW EXECUTE FUNCTION log_leaves_append_only();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION log_leaves_append_only();

-- Signed tree heads, as published (C2SP signed note).
CREATE TABLE log_checkpoints (
    tree_size BIGINT PRIMARY KEY,
    root      BYTEA  NOT NULL CHECK (octet_length(root) = 32),
    note      TEXT   NOT NULL,
    signed_at TEXT   NOT NULL
);

-- The evidence index: a read model of the evidence events.
CREATE TABLE case_evidence (
    evidence_id TEXT COLLATE "C" PRIMARY KEY,
    case_id     TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    position    BIGINT  NOT NULL,
    kind        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    digest      TEXT,
    size        BIGINT,
    captured_at TEXT,
    status      TEXT    NOT NULL,
    reason      TEXT,
    log_index   BIGINT,
    original_id TEXT,
    attempts    BIGINT  NOT NULL,
    retry_at    TEXT,
    order_id    TEXT,
    removal     TEXT
);
CREATE INDEX case_evidence_case ON case_evidence (case_id, position);
