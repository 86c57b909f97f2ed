CREATE OR REPLACE TEMP TABLE family_probe (cell_id BIGINT);
-- Which cells of `family_probe` (cell_id) still have their denominator shown: a measure that shows it
-- (metric_family, etl/suppression.py: one with the same denominator, or one from whose numbers it follows) is
-- shown in their place. A hidden cell's denominator counts as hidden only when no such measure shows it.
-- 549755813888 is 2^39: a cell key's measure bits sit above it (10_cells.sql).
-- A measure that is shown lies in a place with a shown measure, so `stage_base` (etl/suppression.py) holds it: read
-- instead of every cell. Made once the tables it reads exist; `family_probe` is filled before each use.
CREATE OR REPLACE TEMP MACRO family_shown() AS TABLE
WITH revealer AS (
    SELECT DISTINCT p.cell_id, f.revealer_code::BIGINT * 549755813888 + p.cell_id % 549755813888 AS revealer_id
    FROM family_probe p JOIN metric_family f ON f.metric_code = p.cell_id // 549755813888
)
SELECT r.cell_id, bool_or(NOT c.hidden AND h.cell_id IS NULL) AS shown
FROM revealer r JOIN stage_base c ON c.cell_id = r.revealer_id
LEFT JOIN complement_hidden h ON h.cell_id = r.revealer_id
GROUP BY r.cell_id;
