-- Who may sign in, and the read model of orders that resource owners query
-- (mirrors migrations/sqlite/0002_access.sql).

ALTER TABLE staff ADD COLUMN password_hash TEXT;   -- Argon2id (PHC string)

-- Staff sessions: only the SHA-256 of the bearer token is kept.
CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    username   TEXT COLLATE "C" NOT NULL REFERENCES staff (username),
    created_at BIGINT NOT NULL,   -- ms since 1970 UTC
    expires_at BIGINT NOT NULL
);

-- Owners and legal representatives of Internet resources. `name` is the owner key
-- that orders are addressed to (a platform such as `telegram`, or a website's host).
CREATE TABLE resource_owners (
    name         TEXT COLLATE "C" CONSTRAINT resource_owners_pkey PRIMARY KEY,
    display_name TEXT NOT NULL,
    api_key_hash TEXT NOT NULL CONSTRAINT resource_owners_api_key_unique UNIQUE,  -- SHA-256 of the API key
    domains      TEXT NOT NULL,          -- JSON array of host names
    created_at   TEXT NOT NULL
);

CREATE TABLE case_orders (
    order_id    TEXT COLLATE "C" PRIMARY KEY,
    case_id     TEXT COLLATE "C" NOT NULL REFERENCES cases (case_id),
    owner       TEXT COLLATE "C" NOT NULL,
    status      TEXT   NOT NULL,
    issued_at   BIGINT NOT NULL,
    removal_due BIGINT,
    state       TEXT   NOT NULL     -- the OrderState as JSON (URLs, times; no personal data)
);
CREATE INDEX case_orders_owner ON case_orders (owner, status);
