-- jail cost: published as built (see docs/WAREHOUSE.md): one cited figure per county, no counts.
SELECT fips, cost_per_day, dollars_year, covers, title, publisher, published_year, url, source_id
FROM jail_cost
