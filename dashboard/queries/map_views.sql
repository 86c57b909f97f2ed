-- Every (measure, year) the map can show, with how many counties it shows and whether every county value covers
-- the whole year (value_period): the map opens on the complete one covering the most counties
-- (dashboard/content/map.py, best_view). Election measures are "as of 31 December": always complete.
SELECT d.metric_id, d.sort_order, year(v.period_start)::INTEGER AS year,
       count(*) FILTER (WHERE NOT v.suppressed) AS counties_shown,
       NOT bool_or(coalesce(vp.partial, false)) AS complete
FROM metric_definition d
JOIN metric_value v ON v.metric_id = d.metric_id AND v.scope = 'county' AND v.period_grain = 'year'
     AND v.dimension = 'all'
LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
 AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
GROUP BY ALL
UNION ALL
SELECT d.metric_id, d.sort_order, v.year, count(*) AS counties_shown, true AS complete
FROM election_measure_definition d
JOIN county_election_measure v USING (metric_id)
GROUP BY ALL
ORDER BY counties_shown DESC, sort_order, year DESC
