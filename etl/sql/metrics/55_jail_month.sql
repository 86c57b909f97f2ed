-- Each county's average daily jail population by month, for the line under the yearly averages on the county
-- page: from daily or monthly reports only, from the source the year's value counts (the higher priority, then
-- the first by id, as 50_detention_metrics), and only months whose average is at least $threshold people, so
-- that no count of 1-9 is published.
INSERT INTO jail_month
WITH chosen AS (
    SELECT fips, year(period_start) AS year, arg_max(source_id, (coalesce(sp.priority, 0), source_id)) AS source_id
    FROM detention LEFT JOIN source_priority sp USING (source_id)
    WHERE race = 'all' AND measure = 'jail_population'
    GROUP BY ALL
)
SELECT d.fips, date_trunc('month', d.period_start)::DATE AS month, avg(d.value) AS population,
       count(*) FILTER (WHERE d.period_grain = 'day')::INTEGER AS days_reported, d.source_id
FROM detention d
JOIN chosen c ON c.fips = d.fips AND c.year = year(d.period_start) AND c.source_id = d.source_id
WHERE d.race = 'all' AND d.measure = 'jail_population' AND d.period_grain IN ('day', 'month')
GROUP BY ALL
HAVING avg(d.value) >= $threshold;
