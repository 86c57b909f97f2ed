-- Measures that have county values by year, in display order, with how many county-years are shown (not suppressed):
-- the case measures (metric_value), then the election measures (county_election_measure).
SELECT d.metric_id, d.label, d.question, d.description, d.unit, d.caveat, d.direction, d.sort_order,
       count(*) AS county_years, count(*) FILTER (WHERE NOT v.suppressed) AS county_years_shown,
       max(year(v.period_start))::INTEGER AS last_year
FROM metric_definition d
JOIN metric_value v ON v.metric_id = d.metric_id AND v.scope = 'county' AND v.period_grain = 'year'
     AND v.dimension = 'all'
GROUP BY ALL
UNION ALL
SELECT d.metric_id, d.label, d.question, d.description, d.unit, d.caveat, d.direction, d.sort_order,
       count(*) AS county_years, count(*) AS county_years_shown, max(v.year)::INTEGER AS last_year
FROM election_measure_definition d
JOIN county_election_measure v USING (metric_id)
GROUP BY ALL
ORDER BY sort_order
