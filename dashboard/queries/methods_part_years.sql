-- The years a source covers only in part, per county and stage: the dates covered and how they are known.
SELECT pc.source_id, c.county_name || ', ' || c.state_abbr AS county, pc.stage, year(pc.period_start) AS year,
       pc.covered_from, pc.covered_to, pc.basis
FROM period_coverage pc LEFT JOIN county c USING (fips)
WHERE pc.partial
ORDER BY c.state_abbr, c.county_name, pc.stage, pc.period_start, pc.source_id
