-- Which county has which stage for which years, from which source (one row per county, stage and source).
SELECT cv.fips, c.county_name || ', ' || c.state_abbr AS county, c.state_abbr, cv.source_id, cv.stage,
       cv.first_year, cv.last_year
FROM coverage cv LEFT JOIN county c USING (fips)
ORDER BY c.state_abbr, c.county_name, cv.stage, cv.source_id
