-- The cited cost of a day in one county's jail, with the document that states it (no row: no cited figure).
SELECT cost_per_day, dollars_year, covers, title, publisher, published_year, url
FROM jail_cost
WHERE fips = $fips
