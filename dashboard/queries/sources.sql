-- Every source with owner, licence, retrieval date and rows read / loaded / rejected.
SELECT source_id, title, publisher, url, license, retrieved_at, rows_read, rows_loaded, rows_rejected,
       rows_excluded, notes, kind, is_demo, redistributable
FROM source ORDER BY kind, source_id
