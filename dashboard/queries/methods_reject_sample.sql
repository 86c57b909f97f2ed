-- A sample of rejected rows: up to 5 per source, kind and reason (first by file and line), raw text shortened.
SELECT source_id, kind, reason, file, line, column_name, left(raw, 300) AS raw
FROM rejected_row
QUALIFY row_number() OVER (PARTITION BY source_id, kind, reason ORDER BY file, line) <= 5
ORDER BY source_id, kind, reason, file, line
