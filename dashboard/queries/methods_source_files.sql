-- Every input file of every source with its checksum, size and rows read / loaded / rejected / excluded.
SELECT source_id, file, sha256, bytes, rows_read, rows_loaded, rows_rejected, rows_excluded
FROM source_file ORDER BY source_id, file
