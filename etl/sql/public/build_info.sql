-- How this warehouse was built. The content checksums are recomputed over the public tables by
-- etl/public.py, so they describe the file that is handed out.
SELECT key, value
FROM build_info
WHERE key NOT IN ('content_sha256', 'table_checksums', 'release')
