-- Every source with its owner, licence, retrieval date and row reconciliation.
SELECT source_id, title, publisher, url, license, retrieved_at, sha256, rows_read, rows_loaded, rows_rejected, notes,
       rows_excluded, kind, is_demo, redistributable
FROM source
