-- Every computed cell with its raw counts, its own (primary) suppression reason, and whether it is hidden.
-- Complementary suppression (etl/suppression.py) then hides more cells until no hidden count can be worked
-- out by subtraction; etl/sql/publish/ removes the counts of every hidden cell.
--
-- Millions of cells are grouped again and again below, so each cell gets an integer key that packs its
-- coordinates exactly (no hashing, no collisions): measure (6 bits), scope (2), scope id (20), year since
-- 1900 (8, 0 for a whole term), breakdown (3) and group within it (6).
CREATE OR REPLACE TEMP MACRO cell_key(m, s, sid, yr, dim, val) AS
    ((((m::BIGINT * 4 + s) * 1048576 + sid) * 256 + yr) * 8 + dim) * 64 + val;

CREATE OR REPLACE TEMP TABLE scope_code AS
SELECT scope_id, row_number() OVER (ORDER BY scope_id) AS code FROM (SELECT DISTINCT scope_id FROM metric_raw);

CREATE OR REPLACE TEMP TABLE value_code AS
SELECT dimension_value, CASE WHEN dimension_value = 'all' THEN 0
                             ELSE row_number() OVER (ORDER BY dimension_value) END AS code
FROM (SELECT DISTINCT dimension_value FROM metric_raw);

SELECT CASE WHEN (SELECT max(code) FROM scope_code) >= 1048576 OR (SELECT max(code) FROM value_code) >= 64
                 OR (SELECT count(*) FROM metric_definition) >= 64
                 OR (SELECT min(year(period_start)) FROM metric_raw WHERE period_grain = 'year') < 1901
                 OR (SELECT max(year(period_start)) FROM metric_raw WHERE period_grain = 'year') > 2155
            THEN error('too many scopes, groups or measures, or a year outside 1901-2155, for the cell keys') END;

-- `hidden` is made with the table, not by an UPDATE of every row after it: a temporary table is never
-- checkpointed, so DuckDB keeps an update's old and new values in memory it cannot spill, which ran the
-- build out of memory under a low limit (etl/build.py).
CREATE OR REPLACE TEMP TABLE metric_cell AS
SELECT *, reason IS NOT NULL AS hidden FROM (
SELECT cell_key(d.sort_order, s.code, sc.code, y.yr, b.code, vc.code) AS cell_id,
       d.sort_order AS metric_code, s.code AS scope_code, sc.code AS sid, y.yr, b.code AS dimension_code,
       vc.code AS value_code, r.*, d.unit, d.stage,
       CASE WHEN d.unit = 'per_100k'
            THEN CASE WHEN r.numerator < $threshold THEN 'fewer than ' || $threshold || ' people in jail' END
            ELSE suppression_reason(r.numerator, r.denominator, $threshold) END AS reason
FROM metric_raw r
JOIN metric_definition d USING (metric_id)
JOIN (VALUES ('county', 0), ('office', 1), ('state', 2), ('term', 3)) s(scope, code) USING (scope)
JOIN scope_code sc USING (scope_id)
JOIN value_code vc USING (dimension_value)
JOIN (VALUES ('all', 0), ('race', 1), ('sex', 2), ('age_band', 3), ('offense_category', 4), ('offense_level', 5))
     b(dimension, code) USING (dimension)
CROSS JOIN (SELECT CASE WHEN r.period_grain = 'year' THEN year(r.period_start) - 1900 ELSE 0 END AS yr) y
);

-- A key met twice is found by a grouping, not count(DISTINCT): DuckDB's distinct count keeps every key in memory
-- it cannot spill (it ran out of memory at 20 million demo cases under a low limit); a grouping spills.
SELECT CASE WHEN (SELECT count(*) FROM metric_cell) <> (SELECT count(*) FROM metric_raw)
              OR EXISTS (SELECT cell_id FROM metric_cell GROUP BY cell_id HAVING count(*) > 1)
            THEN error('metric cells lost or keyed twice on the way to suppression') END;

DROP TABLE metric_raw;

-- Which county rolls up into which office and state, as the metric step grouped them.
CREATE OR REPLACE TEMP TABLE scope_member AS
SELECT DISTINCT 'state' AS scope, state_abbr::VARCHAR AS scope_id, fips::VARCHAR AS fips FROM facts
WHERE state_abbr IS NOT NULL
UNION
SELECT DISTINCT 'office', office_id::VARCHAR, fips::VARCHAR FROM facts WHERE office_id IS NOT NULL
UNION
SELECT DISTINCT 'state', state_abbr, fips FROM detention_facts WHERE state_abbr IS NOT NULL
UNION
SELECT DISTINCT 'office', office_id, fips FROM detention_facts WHERE office_id IS NOT NULL;

-- The office's years that belong wholly to one term: a term's cell is the sum of those years (and of the
-- parts of years it shares with another term, which are never published).
CREATE OR REPLACE TEMP TABLE term_year AS
SELECT office_id::VARCHAR AS office_id, year_start, any_value(term_id)::VARCHAR AS term_id
FROM facts WHERE office_id IS NOT NULL
GROUP BY ALL HAVING count(DISTINCT term_id) = 1 AND count(*) = count(term_id);
