-- Every case metric for every scope (county, office, state) and breakdown by year, and for each term as a
-- whole (a term's years are its county's or office's years, shaded by term_attribution). Raw counts stay in
-- metric_raw for the disparity step; metric_value gets them suppressed.
-- A metric is computed from a source only if the source can report its numerator at all (a source with
-- no diversion category must not show a 0% diversion rate), and reports none of the outcomes that would
-- hide part of it (`conviction`, plea or trial not known, hides the plea share and the trial rate).
CREATE OR REPLACE TEMP TYPE metric_key AS ENUM (SELECT metric_id FROM metric_definition);

-- Which source may count towards which measure (the rule above).
CREATE OR REPLACE TEMP TABLE measure_source AS
WITH reported AS (
    SELECT source_id, stage, list(DISTINCT outcome) AS outcomes FROM case_counts GROUP BY ALL
)
SELECT d.metric_id::metric_key AS metric_id, d.metric_id AS metric_name, r.source_id, r.stage,
       d.numerator_outcomes, d.denominator_outcomes
FROM metric_definition d JOIN reported r ON r.stage = d.stage
WHERE list_has_any(d.numerator_outcomes, r.outcomes) AND NOT list_has_any(d.unavailable_if, r.outcomes);

-- Filled one measure at a time by each_case_metric.sql (etl/metrics.py), then turned into metric_raw by
-- 40_metric_raw.sql. The counts are HUGEINT, as sum() makes them: detention figures inserted into metric_raw
-- later are rounded to whole numbers by that type.
CREATE OR REPLACE TEMP TABLE metric_grouped (
    metric_id metric_key, scope VARCHAR, scope_id VARCHAR, period_start DATE, period_grain VARCHAR,
    dimension VARCHAR, dimension_value VARCHAR, numerator HUGEINT, denominator HUGEINT, source_bits BITSTRING
);
