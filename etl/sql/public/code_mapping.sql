-- Every adapter's owner-code -> canonical value table.
SELECT source_id, mapping, source_value, field, value, exclude_reason
FROM code_mapping
