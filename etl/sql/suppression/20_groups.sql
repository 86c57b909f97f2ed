-- Groups of cells tied by addition, total = sum of parts, that a reader can subtract across:
--   breakdown (1): a cell's "all" value and its groups in one breakdown (race, sex, ...);
--   geography (2): a state's or an office's cell and its counties' cells (same measure, year and group);
--   term (3):      a term's whole-term cell and its office's years that belong wholly to it.
-- A group's id is its total's cell key with the kind above it (and, for a breakdown, the group bits zero).
-- A group matters only with both a total and at least one part, and only while one of its cells is shown:
-- a group whose cells are all hidden reveals nothing, and hiding only grows, so it never will. Most groups
-- are such (most cells are hidden by the first rule), so only the others are kept, to be read in every pass.
-- Each member carries the counts, unit and first-rule `hidden` of its cell, so a pass reads this table alone,
-- not a join with every cell (which, with the pass's other tables, did not fit under a low memory limit).
-- In steps, each a table (the view is read twice): as one query its groupings and joins ran at once and ran out of
-- memory at 20 million demo cases under a low limit (etl/build.py).
CREATE OR REPLACE TEMP VIEW every_member AS
WITH county_parent AS (
    SELECT c.code AS county_sid, m.scope, p.code AS parent_sid
    FROM scope_member m JOIN scope_code c ON c.scope_id = m.fips JOIN scope_code p ON p.scope_id = m.scope_id
),
term_parent AS (
    SELECT o.code AS office_sid, year(ty.year_start) - 1900 AS yr, t.code AS term_sid
    FROM term_year ty JOIN scope_code o ON o.scope_id = ty.office_id JOIN scope_code t ON t.scope_id = ty.term_id
),
member AS (
SELECT 1 AS kind, (1::BIGINT << 45) + cell_key(metric_code, scope_code, sid, yr, dimension_code, 0) AS group_id,
       cell_id, FALSE AS is_total, hidden, unit, numerator AS x, denominator AS n
FROM metric_cell WHERE dimension_code <> 0
UNION ALL
SELECT 1, (1::BIGINT << 45) + cell_key(t.metric_code, t.scope_code, t.sid, t.yr, b.dimension_code, 0), t.cell_id,
       TRUE, t.hidden, t.unit, t.numerator, t.denominator
FROM metric_cell t
JOIN (SELECT DISTINCT metric_code, scope_code, sid, yr, dimension_code FROM metric_cell WHERE dimension_code <> 0) b
  USING (metric_code, scope_code, sid, yr)
WHERE t.dimension_code = 0
UNION ALL
SELECT 2, (2::BIGINT << 45) + cell_id, cell_id, TRUE, hidden, unit, numerator, denominator
FROM metric_cell WHERE scope IN ('office', 'state')
UNION ALL
SELECT 2, (2::BIGINT << 45) + cell_key(c.metric_code, CASE p.scope WHEN 'office' THEN 1 ELSE 2 END, p.parent_sid,
                                       c.yr, c.dimension_code, c.value_code), c.cell_id, FALSE, c.hidden,
       c.unit, c.numerator, c.denominator
FROM metric_cell c JOIN county_parent p ON p.county_sid = c.sid
WHERE c.scope = 'county'
UNION ALL
SELECT 3, (3::BIGINT << 45) + cell_id, cell_id, TRUE, hidden, unit, numerator, denominator
FROM metric_cell WHERE scope = 'term'
UNION ALL
SELECT 3, (3::BIGINT << 45) + cell_key(c.metric_code, 3, p.term_sid, 0, c.dimension_code, c.value_code), c.cell_id,
       FALSE, c.hidden, c.unit, c.numerator, c.denominator
FROM metric_cell c JOIN term_parent p ON p.office_sid = c.sid AND p.yr = c.yr
WHERE c.scope = 'office' AND c.period_grain = 'year'
)
SELECT kind, group_id, cell_id, is_total, hidden, unit, x, n FROM member;

CREATE OR REPLACE TEMP TABLE shown_group AS SELECT DISTINCT group_id FROM every_member WHERE NOT hidden;

CREATE OR REPLACE TEMP TABLE shown_member AS SELECT * FROM every_member SEMI JOIN shown_group USING (group_id);

CREATE OR REPLACE TEMP TABLE suppression_member AS
SELECT * FROM shown_member SEMI JOIN (
    SELECT group_id FROM shown_member GROUP BY group_id HAVING bool_or(is_total) AND NOT bool_and(is_total)
) USING (group_id);

DROP TABLE shown_member;
DROP TABLE shown_group;
DROP VIEW every_member;

