-- How and from what this warehouse was built (mode demo|real, build date, code version, checksums).
SELECT key, value FROM build_info ORDER BY key
