-- Links of accounts as one person apply across cases (issue 7,
-- docs/linking.md): every linked timeline reads the `actors_linked` and
-- `actors_unlinked` events of every case. They are rare beside the other
-- events, so a partial index finds them without scanning the record; it is
-- an index of the events table, so an import rebuilds it by inserting them.
CREATE INDEX case_events_actor_links ON case_events (seq)
    WHERE event_type IN ('actors_linked', 'actors_unlinked');
