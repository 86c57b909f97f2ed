-- Every metric for up to four prosecutors over $year_from-$year_to: their office's yearly values (dimension 'all')
-- in the years attributed to them, pooled per prosecutor and office, suppressed years left out and counted, with
-- 95% intervals: Wilson for shares, Poisson per 100,000. `variant` and `measured`: the definition(s) the values
-- were measured under (value_definition), so the page sets only like against like.
WITH attributed AS (
    SELECT DISTINCT t.prosecutor_id, t.office_id, ta.period_start
    FROM term t JOIN term_attribution ta ON ta.term_id = t.term_id AND ta.period_grain = 'year'
    WHERE list_contains($ids, t.prosecutor_id) AND year(ta.period_start) BETWEEN $year_from AND $year_to
),
pooled AS (
    SELECT a.prosecutor_id, a.office_id, v.metric_id, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           count(*) FILTER (WHERE NOT v.suppressed) AS years_shown,
           count(*) FILTER (WHERE v.suppressed) AS years_suppressed,
           min(year(v.period_start)) FILTER (WHERE NOT v.suppressed) AS first_year,
           max(year(v.period_start)) FILTER (WHERE NOT v.suppressed) AS last_year,
           string_agg(DISTINCT v.source_ids, ',') FILTER (WHERE NOT v.suppressed) AS source_ids,
           string_agg(DISTINCT vd.variant, ' + ' ORDER BY vd.variant) FILTER (WHERE NOT v.suppressed) AS variant,
           string_agg(DISTINCT vd.description, '; ' ORDER BY vd.description) FILTER (WHERE NOT v.suppressed)
               AS measured
    FROM attributed a
    JOIN metric_value v ON v.scope = 'office' AND v.scope_id = a.office_id AND v.period_start = a.period_start
     AND v.period_grain = 'year' AND v.dimension = 'all'
    LEFT JOIN value_definition vd ON vd.metric_id = v.metric_id AND vd.source_ids = v.source_ids
    GROUP BY ALL
),
rated AS (
    SELECT q.*, p.name || ' (' || o.name || ')' AS entity, d.label, d.unit, d.sort_order,
           CASE WHEN q.denominator > 0 THEN q.numerator / q.denominator END AS r, q.denominator AS n
    FROM pooled q JOIN prosecutor p USING (prosecutor_id) JOIN office o USING (office_id)
    JOIN metric_definition d USING (metric_id)
)
SELECT prosecutor_id AS entity_id, entity, metric_id, label, unit, sort_order, numerator, denominator, years_shown,
       years_suppressed, first_year, last_year, source_ids, variant, measured,
       CASE WHEN unit = 'per_100k' THEN r * 100000 ELSE r END AS value,
       interval_low(numerator, n, unit) AS ci_low, interval_high(numerator, n, unit) AS ci_high
FROM rated
ORDER BY sort_order, list_position($ids, prosecutor_id), office_id
