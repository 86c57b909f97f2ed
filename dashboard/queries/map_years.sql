-- Years with county values for one measure ($metric), newest first, with counties shown and suppressed.
SELECT year(period_start)::INTEGER AS year,
       count(*) FILTER (WHERE NOT suppressed) AS counties_shown,
       count(*) FILTER (WHERE suppressed) AS counties_suppressed
FROM metric_value
WHERE metric_id = $metric AND scope = 'county' AND period_grain = 'year' AND dimension = 'all'
GROUP BY ALL
ORDER BY year DESC
