-- Links between cases and the keyed hashes that recognize a child (issue 7;
-- crates/qorgau-store/src/links.rs). Both are read models, rebuilt from the
-- events; the secret is drawn once here and never leaves the database.

-- The HMAC key of the child's match hashes: 32 bytes from SQLite's
-- randomness source (seeded from the operating system).
CREATE TABLE match_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB    NOT NULL CHECK (length(key) = 32)
) STRICT;
INSERT INTO match_key (id, key) VALUES (1, randomblob(32));

-- One row per link recorded in a case (the later case of the pair).
CREATE TABLE case_links (
    case_id       TEXT    NOT NULL REFERENCES cases (case_id),
    other_case_id TEXT    NOT NULL,
    active        INTEGER NOT NULL,
    link          TEXT    NOT NULL,
    PRIMARY KEY (case_id, other_case_id)
) STRICT;
CREATE INDEX case_links_other ON case_links (other_case_id);

-- `iin:<hex>` / `name:<hex>`: HMAC-SHA-256 under match_key, never the data.
CREATE TABLE case_children (
    case_id   TEXT NOT NULL REFERENCES cases (case_id),
    child_key TEXT NOT NULL,
    PRIMARY KEY (case_id, child_key)
) STRICT;
CREATE INDEX case_children_key ON case_children (child_key);
