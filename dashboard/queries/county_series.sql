-- Yearly values of every metric for one county, for one breakdown ($dimension: all, race, sex, ...), with the
-- prosecutor each year is attributed to (the office with the most attributed periods, by term_attribution), and
-- the part of the year the data cover (value_period: `partial`, `covered_label` such as 'Jan–May').
WITH office AS (
    SELECT oc.office_id FROM office_county oc
    WHERE oc.fips = $fips
    ORDER BY (SELECT count(*) FROM term_attribution ta WHERE ta.office_id = oc.office_id) DESC, oc.office_id
    LIMIT 1
),
attributed AS (
    SELECT year(ta.period_start) AS year, p.name AS prosecutor, ta.rule
    FROM term_attribution ta
    JOIN term t USING (term_id)
    JOIN prosecutor p USING (prosecutor_id)
    WHERE ta.office_id = (SELECT office_id FROM office) AND ta.period_grain = 'year'
)
SELECT v.metric_id, year(v.period_start) AS year, v.dimension, v.dimension_value, v.numerator, v.denominator,
       v.value, v.ci_low, v.ci_high, v.suppressed, v.suppression_reason, v.source_ids, a.prosecutor, a.rule,
       coalesce(vp.partial, false) AS partial, vp.covered_label, vp.prosecutors AS in_office
FROM metric_value v
LEFT JOIN attributed a ON a.year = year(v.period_start)
LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
 AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
WHERE v.scope = 'county' AND v.scope_id = $fips AND v.period_grain = 'year' AND v.dimension = $dimension
ORDER BY v.metric_id, v.dimension_value, v.period_start
