-- Yearly values of one metric for up to four counties (dimension 'all'), labelled "County, ST".
SELECT v.scope_id AS fips, c.county_name || ', ' || c.state_abbr AS label, year(v.period_start) AS year,
       v.numerator, v.denominator, v.value, v.ci_low, v.ci_high, v.suppressed, v.suppression_reason, v.source_ids
FROM metric_value v JOIN county c ON c.fips = v.scope_id
WHERE v.scope = 'county' AND list_contains($fips, v.scope_id) AND v.metric_id = $metric
  AND v.period_grain = 'year' AND v.dimension = 'all'
ORDER BY list_position($fips, v.scope_id), v.period_start
