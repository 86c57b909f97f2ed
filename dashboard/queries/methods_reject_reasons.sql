-- Rejected, excluded and duplicate rows counted by source, kind and reason.
SELECT source_id, kind, reason, count(*) AS rows, count(DISTINCT file) AS files
FROM rejected_row GROUP BY ALL ORDER BY source_id, rows DESC, reason
