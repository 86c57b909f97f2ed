-- One county's average daily jail population by month, with the days reported (the line under the yearly
-- averages of the jail chart).
SELECT month, population, days_reported, source_id
FROM jail_month
WHERE fips = $fips
ORDER BY month
