-- Every case metric for every scope (county, office, state) and breakdown by year, and for each term as a
-- whole (a term's years are its county's or office's years, shaded by term_attribution). Raw counts stay in metric_raw for the disparity step; metric_value gets them suppressed.
-- A metric is computed from a source only if the source can report its numerator at all (a source with
-- no diversion category must not show a 0% diversion rate), and reports none of the outcomes that would
-- hide part of it (`conviction`, plea or trial not known, hides the plea share and the trial rate).
CREATE OR REPLACE TEMP TYPE metric_key AS ENUM (SELECT metric_id FROM metric_definition);

-- The steps are temp tables, not one query's CTEs: under the build's memory limit (etl/build.py) DuckDB can spill a
-- table and a grouping, but not a CTE that 18 groupings read (it ran out of memory at 5 million cases).
CREATE OR REPLACE TEMP TABLE metric_joined AS
WITH reported AS (
    SELECT source_id, stage, list(DISTINCT outcome) AS outcomes FROM case_counts GROUP BY ALL
),
joined AS (
    SELECT d.metric_id::metric_key AS metric_id, f.*,
           CASE WHEN list_contains(d.numerator_outcomes, f.outcome) THEN f.n ELSE 0 END AS num,
           CASE WHEN list_contains(d.denominator_outcomes, f.outcome) THEN f.n ELSE 0 END AS den
    FROM facts f
    JOIN metric_definition d ON d.stage = f.stage
    JOIN reported r ON r.source_id = f.source_id AND r.stage = f.stage
    WHERE list_has_any(d.numerator_outcomes, r.outcomes) AND NOT list_has_any(d.unavailable_if, r.outcomes)
)
SELECT * FROM joined;

CREATE OR REPLACE TEMP TABLE metric_grouped AS
WITH joined AS (SELECT * FROM metric_joined),
by_year AS (
    SELECT metric_id,
           CASE WHEN GROUPING(fips) = 0 THEN 'county' WHEN GROUPING(office_id) = 0 THEN 'office'
                ELSE 'state' END AS scope,
           coalesce(fips::VARCHAR, office_id::VARCHAR, state_abbr::VARCHAR) AS scope_id,
           year_start AS period_start, 'year' AS period_grain,
           CASE WHEN GROUPING(race) = 0 THEN 'race' WHEN GROUPING(sex) = 0 THEN 'sex'
                WHEN GROUPING(age_band) = 0 THEN 'age_band' WHEN GROUPING(offense_category) = 0 THEN 'offense_category'
                WHEN GROUPING(offense_level) = 0 THEN 'offense_level' ELSE 'all' END AS dimension,
           coalesce(coalesce(race, sex, age_band, offense_category, offense_level)::VARCHAR, 'all') AS dimension_value,
           sum(num) AS numerator, sum(den) AS denominator,
           bit_or(source_bit) AS source_bits
    FROM joined
    GROUP BY metric_id, year_start,
        GROUPING SETS ((fips), (office_id), (state_abbr)),
        GROUPING SETS ((), (race), (sex), (age_band), (offense_category), (offense_level))
),
by_term AS (
    SELECT metric_id, 'term' AS scope, j.term_id::VARCHAR AS scope_id, any_value(t.start_date) AS period_start,
           'term' AS period_grain,
           CASE WHEN GROUPING(race) = 0 THEN 'race' WHEN GROUPING(sex) = 0 THEN 'sex'
                WHEN GROUPING(age_band) = 0 THEN 'age_band' WHEN GROUPING(offense_category) = 0 THEN 'offense_category'
                WHEN GROUPING(offense_level) = 0 THEN 'offense_level' ELSE 'all' END AS dimension,
           coalesce(coalesce(race, sex, age_band, offense_category, offense_level)::VARCHAR, 'all') AS dimension_value,
           sum(num) AS numerator, sum(den) AS denominator,
           bit_or(source_bit) AS source_bits
    FROM joined j JOIN term t ON t.term_id = j.term_id::VARCHAR
    GROUP BY metric_id, j.term_id,
        GROUPING SETS ((), (race), (sex), (age_band), (offense_category), (offense_level))
)
SELECT * FROM by_year WHERE scope_id IS NOT NULL AND denominator > 0
UNION ALL
SELECT * FROM by_term WHERE denominator > 0;

DROP TABLE metric_joined;

CREATE OR REPLACE TEMP TABLE metric_raw AS
WITH names AS (SELECT bits, source_names(bits) AS source_ids FROM (SELECT DISTINCT source_bits AS bits FROM metric_grouped))
SELECT g.metric_id::VARCHAR AS metric_id, g.* EXCLUDE (metric_id, source_bits), n.source_ids,
       g.numerator / g.denominator AS value
FROM metric_grouped g JOIN names n ON n.bits = g.source_bits;

DROP TABLE metric_grouped;
