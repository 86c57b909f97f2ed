-- election measure definition: published as built (see docs/WAREHOUSE.md).
SELECT metric_id, label, question, description, unit, caveat, direction, sort_order
FROM election_measure_definition
