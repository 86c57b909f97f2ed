-- Every input file with its checksum, size and row reconciliation.
SELECT source_id, file, sha256, bytes, rows_read, rows_loaded, rows_rejected, rows_excluded
FROM source_file
