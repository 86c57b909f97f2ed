-- Counties (public geography).
SELECT fips, state_fips, state_abbr, state_name, county_name, lat, lon
FROM county
