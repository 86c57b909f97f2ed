-- Every adapter's mapping from the owner's codes to the canonical vocabulary (and codes excluded, with why).
SELECT source_id, mapping, source_value, field, value, exclude_reason
FROM code_mapping ORDER BY source_id, mapping, field, source_value
