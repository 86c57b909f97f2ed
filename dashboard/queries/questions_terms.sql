-- One prosecutor's terms, newest first, each with the years of its office's data it holds for every metric in
-- $metrics (the years term_attribution gives the term, where the office has a value of the metric): the period
-- a term's pooled value covers, for the questions page's sentences; `partial_years`, those of them whose data
-- cover part of the year only (value_period).
WITH mine AS (
    SELECT t.term_id, t.office_id, o.name AS office_name, t.start_date, t.end_date
    FROM term t JOIN office o USING (office_id)
    WHERE t.prosecutor_id = $id
),
years AS (
    SELECT m.term_id, v.metric_id, list(DISTINCT year(ta.period_start) ORDER BY year(ta.period_start)) AS years,
           coalesce(list(DISTINCT year(ta.period_start) ORDER BY year(ta.period_start))
                    FILTER (WHERE vp.partial), []) AS partial_years
    FROM mine m
    JOIN term_attribution ta ON ta.term_id = m.term_id AND ta.period_grain = 'year'
    JOIN metric_value v ON v.scope = 'office' AND v.scope_id = m.office_id AND v.period_grain = 'year'
     AND v.period_start = ta.period_start AND v.dimension = 'all' AND list_contains($metrics, v.metric_id)
    LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
     AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
    GROUP BY ALL
)
SELECT m.term_id, m.office_id, m.office_name, m.start_date, m.end_date, y.metric_id, y.years, y.partial_years
FROM mine m LEFT JOIN years y USING (term_id)
ORDER BY m.start_date DESC, y.metric_id
