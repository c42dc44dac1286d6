-- The half-year aggregation of `qorgau report --period 2025-H1`, as one query
-- over the same read-model tables, for the sqlite3 shell (bench/stats/run.sh).
-- Exact counts only: no suppression, no other period of the year (the report
-- does both). :now is 2026-01-15T12:00:00+05:00 in milliseconds.
WITH
c AS (SELECT * FROM case_stats WHERE received_on >= '2025-01-01' AND received_on < '2025-07-01'),
o AS (SELECT * FROM case_stats_orders WHERE received_on >= '2025-01-01' AND received_on < '2025-07-01'),
d AS (SELECT decided_at - received_at AS ms,
             ROW_NUMBER() OVER (ORDER BY decided_at - received_at) AS k, COUNT(*) OVER () AS n
      FROM c WHERE decided_at IS NOT NULL),
r AS (SELECT removed_at - COALESCE(delivered_at, issued_at) AS ms,
             ROW_NUMBER() OVER (ORDER BY removed_at - COALESCE(delivered_at, issued_at)) AS k,
             COUNT(*) OVER () AS n
      FROM o WHERE removed_at IS NOT NULL),
s AS (SELECT response_sent_at - received_at AS ms,
             ROW_NUMBER() OVER (ORDER BY response_sent_at - received_at) AS k, COUNT(*) OVER () AS n
      FROM c WHERE response_sent_at IS NOT NULL)
SELECT 'month', substr(received_on, 1, 7), COUNT(*) FROM c GROUP BY 2
UNION ALL SELECT 'outcome', outcome, COUNT(*) FROM c GROUP BY 2
UNION ALL SELECT 'category', category, COUNT(*) FROM c WHERE outcome = 'confirmed' GROUP BY 2
UNION ALL SELECT 'age_band', age_band, COUNT(*) FROM c GROUP BY 2
UNION ALL SELECT 'referred', '', SUM(referred) FROM c
UNION ALL SELECT 'extended', '', SUM(extended) FROM c
UNION ALL SELECT 'platform', p.value, COUNT(*)
  FROM c, json_each('["' || replace(c.platforms, ' ', '","') || '"]') AS p
  WHERE c.platforms <> '' GROUP BY 2
UNION ALL SELECT 'decision_deadline',
  CASE WHEN decided_at < decision_due THEN 'on_time'
       WHEN decided_at IS NOT NULL THEN 'late'
       WHEN 1768460400000 >= decision_due THEN 'overdue_undecided' END, COUNT(*)
  FROM c WHERE decision_due IS NOT NULL GROUP BY 2
UNION ALL SELECT 'response',
  CASE WHEN response_sent_at < response_due THEN 'on_time'
       WHEN response_sent_at IS NOT NULL THEN 'late'
       WHEN 1768460400000 >= response_due THEN 'overdue' END, COUNT(*)
  FROM c GROUP BY 2
UNION ALL SELECT 'compliance', owner || ' ' ||
  CASE WHEN removed_at IS NOT NULL AND removal_due IS NOT NULL AND removed_at >= removal_due THEN 'removed_late'
       WHEN removed_at IS NOT NULL THEN 'removed_in_time'
       WHEN not_complied THEN 'past_due'
       WHEN removal_due IS NOT NULL AND 1768460400000 >= removal_due
            AND NOT (removal_reported_at IS NOT NULL AND removal_reported_at < removal_due) THEN 'past_due'
       ELSE 'pending' END, COUNT(*)
  FROM o GROUP BY 2
UNION ALL SELECT 'time_to_decision', 'median_ms', AVG(ms) FROM d WHERE k IN ((n + 1) / 2, (n + 2) / 2)
UNION ALL SELECT 'time_to_decision', 'p90_ms', ms FROM d WHERE k = (9 * n + 9) / 10
UNION ALL SELECT 'time_to_removal', 'median_ms', AVG(ms) FROM r WHERE k IN ((n + 1) / 2, (n + 2) / 2)
UNION ALL SELECT 'time_to_removal', 'p90_ms', ms FROM r WHERE k = (9 * n + 9) / 10
UNION ALL SELECT 'time_to_response', 'median_ms', AVG(ms) FROM s WHERE k IN ((n + 1) / 2, (n + 2) / 2)
UNION ALL SELECT 'time_to_response', 'p90_ms', ms FROM s WHERE k = (9 * n + 9) / 10;
