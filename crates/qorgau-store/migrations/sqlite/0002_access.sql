-- Who may sign in, and the read model of orders that resource owners query.

ALTER TABLE staff ADD COLUMN password_hash TEXT;   -- Argon2id (PHC string)

-- Staff sessions: only the SHA-256 of the bearer token is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT    NOT NULL REFERENCES staff (username),
    created_at INTEGER NOT NULL,   -- ms since 1970 UTC
    expires_at INTEGER NOT NULL
) STRICT;

-- Owners and legal representatives of Internet resources. `name` is the owner key
-- that orders are addressed to (a platform such as `telegram`, or a website's host).
CREATE TABLE resource_owners (
    name         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    api_key_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the API key
    domains      TEXT NOT NULL,          -- JSON array of host names
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE case_orders (
    order_id    TEXT PRIMARY KEY,
    case_id     TEXT    NOT NULL REFERENCES cases (case_id),
    owner       TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    issued_at   INTEGER NOT NULL,
    removal_due INTEGER,
    state       TEXT    NOT NULL     -- the OrderState as JSON (URLs, times; no personal data)
) STRICT;
CREATE INDEX case_orders_owner ON case_orders (owner, status);
