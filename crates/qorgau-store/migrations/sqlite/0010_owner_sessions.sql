-- Resource owners' portal sessions. The portal's cookie holds a session token
-- (only its SHA-256 is kept here), never the owner's API key: a cookie that
-- leaks ends with its session, and signing out ends it at once.
-- `api_key_hash` is the key the owner signed in with: a session lives only
-- while that key is the owner's key, so rotating the key ends every session.
CREATE TABLE owner_sessions (
    token_hash   TEXT PRIMARY KEY,
    owner        TEXT    NOT NULL REFERENCES resource_owners (name),
    api_key_hash TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,   -- ms since 1970 UTC
    expires_at   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL
) STRICT;
