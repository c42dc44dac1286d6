-- Links between cases and the keyed hashes that recognize a child (issue 7;
-- crates/qorgau-store/src/links.rs). Both are read models, rebuilt from the
-- events; the secret is drawn once here and never leaves the database.

-- The HMAC key of the child's match hashes: 32 bytes from two version-4
-- UUIDs (gen_random_uuid, core since PostgreSQL 13, draws from
-- pg_strong_random): 244 random bits.
CREATE TABLE match_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BYTEA   NOT NULL CHECK (length(key) = 32)
);
INSERT INTO match_key (id, key)
VALUES (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

CREATE TABLE case_links (
    case_id       TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    other_case_id TEXT COLLATE "C" NOT NULL,
    active        BOOLEAN NOT NULL,
    link          TEXT NOT NULL,
    PRIMARY KEY (case_id, other_case_id)
);
CREATE INDEX case_links_other ON case_links (other_case_id);

CREATE TABLE case_children (
    case_id   TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    child_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, child_key)
);
CREATE INDEX case_children_key ON case_children (child_key);
