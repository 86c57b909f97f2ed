-- Every (measure, year) the map can show, with how many counties it shows: the map opens on the one covering
-- the most counties (dashboard/content/map.py, best_view).
SELECT d.metric_id, d.sort_order, year(v.period_start)::INTEGER AS year,
       count(*) FILTER (WHERE NOT v.suppressed) AS counties_shown
FROM metric_definition d
JOIN metric_value v ON v.metric_id = d.metric_id AND v.scope = 'county' AND v.period_grain = 'year'
     AND v.dimension = 'all'
GROUP BY ALL
UNION ALL
SELECT d.metric_id, d.sort_order, v.year, count(*) AS counties_shown
FROM election_measure_definition d
JOIN county_election_measure v USING (metric_id)
GROUP BY ALL
ORDER BY counties_shown DESC, sort_order, year DESC
