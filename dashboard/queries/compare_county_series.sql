-- Yearly values of one metric for up to four counties (dimension 'all'), labelled "County, ST", with who was in
-- office for each year and the part of the year covered (value_period).
SELECT v.scope_id AS fips, c.county_name || ', ' || c.state_abbr AS label, year(v.period_start) AS year,
       v.numerator, v.denominator, v.value, v.ci_low, v.ci_high, v.suppressed, v.suppression_reason, v.source_ids,
       vp.prosecutor, coalesce(vp.partial, false) AS partial, vp.covered_label
FROM metric_value v JOIN county c ON c.fips = v.scope_id
LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
 AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
WHERE v.scope = 'county' AND list_contains($fips, v.scope_id) AND v.metric_id = $metric
  AND v.period_grain = 'year' AND v.dimension = 'all'
ORDER BY list_position($fips, v.scope_id), v.period_start
