-- States with their counties' extent (for the map's zoom).
SELECT state_abbr, any_value(state_name) AS state_name, any_value(state_fips) AS state_fips,
       min(lat) AS lat_min, max(lat) AS lat_max, min(lon) AS lon_min, max(lon) AS lon_max
FROM county GROUP BY state_abbr ORDER BY state_abbr
