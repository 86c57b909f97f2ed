-- A sample of rejected rows: up to 5 per source, kind and reason (first by file and line), saying where each row is
-- in the publisher's file but not what it holds: one source row can be a single case, or a count too small to publish.
SELECT source_id, kind, reason, file, line, column_name
FROM rejected_row
QUALIFY row_number() OVER (PARTITION BY source_id, kind, reason ORDER BY file, line) <= 5
ORDER BY source_id, kind, reason, file, line
