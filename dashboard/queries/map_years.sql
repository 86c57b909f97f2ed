-- Years with county values for one measure ($metric), newest first, with counties shown and suppressed, and how
-- many of them cover only part of the year (value_period).
SELECT year(v.period_start)::INTEGER AS year,
       count(*) FILTER (WHERE NOT v.suppressed) AS counties_shown,
       count(*) FILTER (WHERE v.suppressed) AS counties_suppressed,
       count(*) FILTER (WHERE coalesce(vp.partial, false)) AS counties_partial
FROM metric_value v
LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
 AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
WHERE v.metric_id = $metric AND v.scope = 'county' AND v.period_grain = 'year' AND v.dimension = 'all'
GROUP BY ALL
UNION ALL
SELECT year, count(*) AS counties_shown, 0 AS counties_suppressed, 0 AS counties_partial
FROM county_election_measure
WHERE metric_id = $metric
GROUP BY ALL
ORDER BY year DESC
