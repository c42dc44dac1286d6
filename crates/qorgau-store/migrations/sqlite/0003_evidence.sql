-- Evidence: the durable job queue, the transparency log's leaves and signed
-- checkpoints, and the evidence index (a read model). docs/evidence.md.

-- Work to do after a write, enqueued in the same transaction as the events
-- that call for it (a capture after intake, a re-capture after a removal
-- report or at the removal deadline): a job exists iff its events committed.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,          -- capture | recapture
    case_id      TEXT,
    payload      TEXT    NOT NULL,          -- JSON
    status       TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'done', 'failed')),
    run_at       INTEGER NOT NULL,          -- ms since 1970 UTC: due from then
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    locked_until INTEGER,                   -- a running job's lease; reclaimed after it
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX jobs_due ON jobs (status, run_at);
CREATE INDEX jobs_case ON jobs (case_id);

-- The transparency log (RFC 6962): one leaf per record entry, and before an
-- evidence_captured entry's leaf the leaf of its evidence item. Written in
-- the same transaction as the entries; append-only like them.
CREATE TABLE log_leaves (
    idx       INTEGER PRIMARY KEY,          -- 0, 1, 2, … without gaps
    entry     BLOB    NOT NULL,             -- the LogEntry's JSON bytes, as hashed
    leaf_hash BLOB    NOT NULL,             -- SHA-256(0x00 ‖ entry)
    seq       INTEGER NOT NULL              -- the record entry it belongs to
) STRICT;
CREATE INDEX log_leaves_seq ON log_leaves (seq);
CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;

-- Signed tree heads, as published (C2SP signed note).
CREATE TABLE log_checkpoints (
    tree_size INTEGER PRIMARY KEY,
    root      BLOB    NOT NULL,
    note      TEXT    NOT NULL,
    signed_at TEXT    NOT NULL
) STRICT;

-- The evidence index: a read model of the evidence events (rebuilt with the
-- case's other read models on every write).
CREATE TABLE case_evidence (
    evidence_id TEXT PRIMARY KEY,
    case_id     TEXT    NOT NULL REFERENCES cases (case_id),
    position    INTEGER NOT NULL,           -- order within the case
    kind        TEXT    NOT NULL,           -- capture | upload | recapture
    url         TEXT    NOT NULL,
    digest      TEXT,                       -- sha256:<hex> of the stored file
    size        INTEGER,
    captured_at TEXT,                       -- RFC 3339
    status      TEXT    NOT NULL,           -- ok | failed
    reason      TEXT,
    log_index   INTEGER,
    original_id TEXT,
    attempts    INTEGER NOT NULL,
    retry_at    TEXT,
    order_id    TEXT,
    removal     TEXT                        -- removed | still_present | unreachable
) STRICT;
CREATE INDEX case_evidence_case ON case_evidence (case_id, position);
