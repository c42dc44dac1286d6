-- The automatic links of a new application read, for each key it shares,
-- only the most recent cases that name it (mirrors
-- migrations/sqlite/0012_link_keys_by_recency.sql): an index on the key and
-- the case number, which sorts as the order of receipt, lets that read stop
-- after them however many cases name the key. The key-only indexes it
-- replaces served the same equality lookups.
DROP INDEX case_actors_key;
CREATE INDEX case_actors_key_case ON case_actors (actor_key, case_id);
DROP INDEX case_children_key;
CREATE INDEX case_children_key_case ON case_children (child_key, case_id);
DROP INDEX case_resources_key;
CREATE INDEX case_resources_key_case ON case_resources (resource_key, case_id);
