-- Every case metric for every scope (county, office, term, state) and breakdown, by year; and for each
-- term as a whole. Raw counts stay in metric_raw for the disparity step; metric_value gets them suppressed.
CREATE OR REPLACE TEMP TABLE metric_raw AS
WITH joined AS (
    SELECT d.metric_id, f.*,
           CASE WHEN list_contains(d.numerator_outcomes, f.outcome) THEN f.n ELSE 0 END AS num,
           CASE WHEN list_contains(d.denominator_outcomes, f.outcome) THEN f.n ELSE 0 END AS den
    FROM facts f JOIN metric_definition d ON d.stage = f.stage
),
by_year AS (
    SELECT metric_id,
           CASE WHEN GROUPING(fips) = 0 THEN 'county' WHEN GROUPING(office_id) = 0 THEN 'office'
                WHEN GROUPING(term_id) = 0 THEN 'term' ELSE 'state' END AS scope,
           coalesce(fips, office_id, term_id, state_abbr) AS scope_id,
           year_start AS period_start, 'year' AS period_grain,
           CASE WHEN GROUPING(race) = 0 THEN 'race' WHEN GROUPING(sex) = 0 THEN 'sex'
                WHEN GROUPING(age_band) = 0 THEN 'age_band' WHEN GROUPING(offense_category) = 0 THEN 'offense_category'
                WHEN GROUPING(offense_level) = 0 THEN 'offense_level' ELSE 'all' END AS dimension,
           coalesce(race, sex, age_band, offense_category, offense_level, 'all') AS dimension_value,
           sum(num) AS numerator, sum(den) AS denominator,
           string_agg(DISTINCT source_id, ',' ORDER BY source_id) AS source_ids
    FROM joined
    GROUP BY metric_id, year_start,
        GROUPING SETS ((fips), (office_id), (term_id), (state_abbr)),
        GROUPING SETS ((), (race), (sex), (age_band), (offense_category), (offense_level))
),
by_term AS (
    SELECT metric_id, 'term' AS scope, j.term_id AS scope_id, any_value(t.start_date) AS period_start,
           'term' AS period_grain,
           CASE WHEN GROUPING(race) = 0 THEN 'race' WHEN GROUPING(sex) = 0 THEN 'sex'
                WHEN GROUPING(age_band) = 0 THEN 'age_band' WHEN GROUPING(offense_category) = 0 THEN 'offense_category'
                WHEN GROUPING(offense_level) = 0 THEN 'offense_level' ELSE 'all' END AS dimension,
           coalesce(race, sex, age_band, offense_category, offense_level, 'all') AS dimension_value,
           sum(num) AS numerator, sum(den) AS denominator,
           string_agg(DISTINCT j.source_id, ',' ORDER BY j.source_id) AS source_ids
    FROM joined j JOIN term t ON t.term_id = j.term_id
    GROUP BY metric_id, j.term_id,
        GROUPING SETS ((), (race), (sex), (age_band), (offense_category), (offense_level))
)
SELECT *, numerator / denominator AS value FROM by_year
WHERE scope_id IS NOT NULL AND denominator > 0
UNION ALL
SELECT *, numerator / denominator FROM by_term WHERE denominator > 0;
