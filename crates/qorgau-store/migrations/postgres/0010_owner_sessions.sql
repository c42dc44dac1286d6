-- Resource owners' portal sessions (mirrors migrations/sqlite/0010_owner_sessions.sql).
-- The portal's cookie holds a session token (only its SHA-256 is kept here),
-- never the owner's API key; a session lives only while the key it was opened
-- with is the owner's key, so rotating the key ends every session.
CREATE TABLE owner_sessions (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    owner        TEXT COLLATE "C" NOT NULL REFERENCES resource_owners (name),
    api_key_hash TEXT NOT NULL,
    created_at   BIGINT NOT NULL,   -- ms since 1970 UTC
    expires_at   BIGINT NOT NULL,
    last_seen    BIGINT NOT NULL
);
