-- Measures that have county values by year, in display order, with how many county-years are shown (not suppressed).
SELECT d.metric_id, d.label, d.question, d.description, d.unit, d.caveat, d.direction, d.sort_order,
       count(*) AS county_years, count(*) FILTER (WHERE NOT v.suppressed) AS county_years_shown,
       max(year(v.period_start))::INTEGER AS last_year
FROM metric_definition d
JOIN metric_value v ON v.metric_id = d.metric_id AND v.scope = 'county' AND v.period_grain = 'year'
     AND v.dimension = 'all'
GROUP BY ALL
ORDER BY d.sort_order
