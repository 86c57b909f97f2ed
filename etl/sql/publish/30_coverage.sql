-- Which county has which stage for which years, from which source (the methods page's matrix).
INSERT INTO coverage
SELECT fips, source_id, stage, min(year(period_start)), max(year(period_start)), sum(n)
FROM case_counts GROUP BY fips, source_id, stage
UNION ALL
SELECT fips, source_id, 'detention', min(year(period_start)), max(year(period_start)), count(*)
FROM detention GROUP BY fips, source_id;
