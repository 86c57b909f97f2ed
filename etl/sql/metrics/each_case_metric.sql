-- One case metric's cells ($metric), appended to metric_grouped; etl/metrics.py runs this once per metric.
-- One metric at a time, not one join of every fact with every metric of its stage (a table three times the
-- facts) grouped in one go: under the build's memory limit (etl/build.py) that join ran out of memory at
-- 20 million demo cases, and each grouping here holds one metric's groups, not eleven metrics'.
-- `joined` is read twice and not materialised: a materialised CTE cannot spill, and reading facts is cheap.
INSERT INTO metric_grouped
WITH joined AS NOT MATERIALIZED (
    SELECT m.metric_id, f.*,
           CASE WHEN list_contains(m.numerator_outcomes, f.outcome) THEN f.n ELSE 0 END AS num,
           CASE WHEN list_contains(m.denominator_outcomes, f.outcome) THEN f.n ELSE 0 END AS den
    FROM facts f
    JOIN measure_source m ON m.source_id = f.source_id AND m.stage = f.stage
    WHERE m.metric_name = $metric
),
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
