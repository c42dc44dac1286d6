-- Links of accounts as one person apply across cases (mirrors
-- migrations/sqlite/0011_actor_link_events.sql): every linked timeline reads
-- the `actors_linked` and `actors_unlinked` events of every case. They are
-- rare beside the other events, so a partial index finds them without
-- scanning the record; an import rebuilds it by inserting the events.
CREATE INDEX case_events_actor_links ON case_events (seq)
    WHERE event_type IN ('actors_linked', 'actors_unlinked');
