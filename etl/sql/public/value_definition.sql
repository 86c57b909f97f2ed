-- value definition: published as built (see docs/WAREHOUSE.md).
SELECT metric_id, source_ids, variant, description
FROM value_definition
