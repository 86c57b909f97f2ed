-- One county: name, state, and its latest total population estimate (empty when the FIPS code is unknown).
SELECT c.fips, c.county_name, c.state_abbr, c.state_name, c.lat, c.lon,
       (SELECT arg_max(p.population, p.year) FROM county_population p
         WHERE p.fips = c.fips AND p.race = 'all' AND p.age_group = 'all') AS population,
       (SELECT max(p.year) FROM county_population p
         WHERE p.fips = c.fips AND p.race = 'all' AND p.age_group = 'all') AS population_year
FROM county c WHERE c.fips = $fips
