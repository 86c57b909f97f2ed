-- Yearly values of one metric for up to four prosecutors: their office's yearly values (dimension 'all') in the
-- years attributed to them (term_attribution: the prosecutor in office most of the year), one row per
-- prosecutor, office and year, with the part of the year covered (value_period).
SELECT t.prosecutor_id, any_value(p.name) AS name, t.office_id, any_value(o.name) AS office_name,
       year(v.period_start) AS year, any_value(v.numerator) AS numerator, any_value(v.denominator) AS denominator,
       any_value(v.value) AS value, any_value(v.ci_low) AS ci_low, any_value(v.ci_high) AS ci_high,
       bool_or(v.suppressed) AS suppressed, any_value(v.suppression_reason) AS suppression_reason,
       any_value(v.source_ids) AS source_ids, any_value(p.name) AS prosecutor,
       coalesce(bool_or(vp.partial), false) AS partial, any_value(vp.covered_label) AS covered_label
FROM term t
JOIN prosecutor p USING (prosecutor_id)
JOIN office o USING (office_id)
JOIN term_attribution ta ON ta.term_id = t.term_id AND ta.period_grain = 'year'
JOIN metric_value v ON v.scope = 'office' AND v.scope_id = t.office_id AND v.period_start = ta.period_start
 AND v.period_grain = 'year' AND v.dimension = 'all' AND v.metric_id = $metric
LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
 AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
WHERE list_contains($ids, t.prosecutor_id)
GROUP BY t.prosecutor_id, t.office_id, v.period_start
ORDER BY list_position($ids, t.prosecutor_id), t.office_id, v.period_start
