-- county election measure: published as built (see docs/WAREHOUSE.md).
SELECT metric_id, fips, year, value, source_ids
FROM county_election_measure
