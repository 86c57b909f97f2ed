-- Yearly values of every metric for the offices one prosecutor held, for one breakdown, each year with the
-- prosecutor it is attributed to and whether that is this prosecutor, and the part of the year the data cover.
WITH offices AS (SELECT DISTINCT office_id FROM term WHERE prosecutor_id = $id),
attributed AS (
    SELECT ta.office_id, ta.period_start, p.name AS prosecutor, t.prosecutor_id = $id AS mine, ta.rule
    FROM term_attribution ta JOIN offices USING (office_id) JOIN term t USING (term_id)
    JOIN prosecutor p USING (prosecutor_id)
    WHERE ta.period_grain = 'year'
)
SELECT v.scope_id AS office_id, o.name AS office_name, v.metric_id, year(v.period_start) AS year, v.dimension,
       v.dimension_value, v.numerator, v.denominator, v.value, v.ci_low, v.ci_high, v.suppressed,
       v.suppression_reason, v.source_ids, a.prosecutor, coalesce(a.mine, false) AS mine, a.rule,
       coalesce(vp.partial, false) AS partial, vp.covered_label
FROM metric_value v
JOIN offices f ON f.office_id = v.scope_id
JOIN office o ON o.office_id = v.scope_id
LEFT JOIN attributed a ON a.office_id = v.scope_id AND a.period_start = v.period_start
LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
 AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
WHERE v.scope = 'office' AND v.period_grain = 'year' AND v.dimension = $dimension
ORDER BY v.scope_id, v.metric_id, v.dimension_value, v.period_start
