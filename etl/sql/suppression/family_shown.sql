CREATE OR REPLACE TEMP TABLE family_probe (cell_id BIGINT);
-- Which cells of `family_probe` (cell_id) still have their denominator shown: a measure of their family (one stage,
-- one denominator: metric_family, etl/suppression.py) is shown in their place. A hidden cell's denominator counts
-- as hidden only when no such measure shows it. 549755813888 is 2^39: a cell key's measure bits sit above it
-- (10_cells.sql).
-- A sibling that is shown lies in a place with a shown measure, so `stage_base` (etl/suppression.py) holds it: read
-- instead of every cell. Made once the tables it reads exist; `family_probe` is filled before each use.
CREATE OR REPLACE TEMP MACRO family_shown() AS TABLE
WITH probe AS (
    SELECT DISTINCT p.cell_id, p.cell_id % 549755813888 AS place, f.family
    FROM family_probe p JOIN metric_family f ON f.metric_code = p.cell_id // 549755813888
),
sibling AS (
    SELECT probe.cell_id, g.metric_code::BIGINT * 549755813888 + probe.place AS sibling_id
    FROM probe JOIN metric_family g USING (family)
)
SELECT s.cell_id, bool_or(NOT c.hidden AND h.cell_id IS NULL) AS shown
FROM sibling s JOIN stage_base c ON c.cell_id = s.sibling_id
LEFT JOIN complement_hidden h ON h.cell_id = s.sibling_id
GROUP BY s.cell_id;
