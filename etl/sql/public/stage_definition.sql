-- stage definition: published as built (see docs/WAREHOUSE.md).
SELECT source_id, stage, population, unit, description
FROM stage_definition
