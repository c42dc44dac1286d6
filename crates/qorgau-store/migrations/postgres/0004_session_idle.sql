-- Idle expiry of staff sessions: the last time a session was used (ms since
-- 1970 UTC). Sessions from before this migration count as idle and end.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
