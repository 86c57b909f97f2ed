-- Every county with its state and current prosecuting office (for search, validation and labels).
SELECT c.fips, c.county_name, c.state_abbr, c.state_name, c.lat, c.lon,
       c.county_name || ', ' || c.state_abbr AS label
FROM county c ORDER BY c.state_abbr, c.county_name
