-- Every metric for up to four counties over $year_from-$year_to (dimension 'all'), pooled over the published
-- years (suppressed years left out and counted), with 95% intervals: Wilson for shares, Poisson per 100,000.
-- `variant` and `measured`: the definition(s) the values were measured under (value_definition), so the page
-- sets only like against like.
WITH pooled AS (
    SELECT v.scope_id AS fips, v.metric_id, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           count(*) FILTER (WHERE NOT v.suppressed) AS years_shown, count(*) FILTER (WHERE v.suppressed) AS years_suppressed,
           min(year(v.period_start)) FILTER (WHERE NOT v.suppressed) AS first_year,
           max(year(v.period_start)) FILTER (WHERE NOT v.suppressed) AS last_year,
           string_agg(DISTINCT v.source_ids, ',') FILTER (WHERE NOT v.suppressed) AS source_ids,
           string_agg(DISTINCT vd.variant, ' + ' ORDER BY vd.variant) FILTER (WHERE NOT v.suppressed) AS variant,
           string_agg(DISTINCT vd.description, '; ' ORDER BY vd.description) FILTER (WHERE NOT v.suppressed)
               AS measured
    FROM metric_value v
    LEFT JOIN value_definition vd USING (metric_id, source_ids)
    WHERE v.scope = 'county' AND list_contains($fips, v.scope_id) AND v.period_grain = 'year' AND v.dimension = 'all'
      AND year(v.period_start) BETWEEN $year_from AND $year_to
    GROUP BY ALL
),
rated AS (
    SELECT p.*, c.county_name || ', ' || c.state_abbr AS entity, d.label, d.unit, d.sort_order,
           CASE WHEN p.denominator > 0 THEN p.numerator / p.denominator END AS r, p.denominator AS n
    FROM pooled p JOIN county c USING (fips) JOIN metric_definition d USING (metric_id)
)
SELECT fips AS entity_id, entity, metric_id, label, unit, sort_order, numerator, denominator, years_shown,
       years_suppressed, first_year, last_year, source_ids, variant, measured,
       CASE WHEN unit = 'per_100k' THEN r * 100000 ELSE r END AS value,
       interval_low(numerator, n, unit) AS ci_low, interval_high(numerator, n, unit) AS ci_high
FROM rated
ORDER BY sort_order, list_position($fips, fips)
