-- jail month: published as built (see docs/WAREHOUSE.md): averages of at least the suppression threshold only.
SELECT fips, month, population, days_reported, source_id
FROM jail_month
