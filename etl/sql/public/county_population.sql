-- Census population by county, year, race and age group (published by the Census Bureau).
SELECT fips, year, race, age_group, population, source_id
FROM county_population
