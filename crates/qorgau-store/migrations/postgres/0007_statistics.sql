-- The statistics read model (issue 8): what `qorgau_domain::statistics`
-- counts, one row per case and one per removal order, rebuilt from the events
-- like every read model. No name, birth date, IIN, description or URL.
CREATE TABLE case_stats (
    case_id           TEXT PRIMARY KEY REFERENCES cases (case_id),
    received_at       BIGINT  NOT NULL,  -- milliseconds since 1970 UTC
    received_on       TEXT    NOT NULL,  -- the Almaty date of receipt, YYYY-MM-DD
    outcome           TEXT    NOT NULL,  -- statistics::OutcomeRow
    category          TEXT,              -- the decided category
    indicators        TEXT    NOT NULL,  -- signs of a crime found, space-separated
    referred          BOOLEAN NOT NULL,
    age_band          TEXT    NOT NULL,  -- statistics::AgeBand
    platforms         TEXT    NOT NULL,  -- one platform per resource named, space-separated
    decided_at        BIGINT,
    decision_due      BIGINT,            -- NULL for a refused application
    extended          BOOLEAN NOT NULL,
    response_due      BIGINT  NOT NULL,
    response_sent_at  BIGINT,
    first_incident_on TEXT
);
CREATE INDEX case_stats_received ON case_stats (received_on, case_id);

CREATE TABLE case_stats_orders (
    case_id             TEXT    NOT NULL REFERENCES cases (case_id),
    position            BIGINT  NOT NULL,
    owner               TEXT    NOT NULL,
    received_on         TEXT    NOT NULL,  -- the case's, for the same range queries
    issued_at           BIGINT  NOT NULL,
    delivered_at        BIGINT,
    removal_due         BIGINT,
    removal_reported_at BIGINT,
    removed_at          BIGINT,            -- when the content went (report or verification)
    not_complied        BOOLEAN NOT NULL,
    PRIMARY KEY (case_id, position)
);
CREATE INDEX case_stats_orders_received ON case_stats_orders (received_on, case_id, position);
