-- Where more than one source covers a county, stage and year: which one is counted and why; and where the
-- counted source changes between years (a break in the series).
SELECT sc.fips, c.county_name || ', ' || c.state_abbr AS county, sc.stage, sc.year, sc.source_id AS counted,
       sc.candidates AS sources, sc.reason, sc.previous_source_id AS source_the_year_before
FROM source_choice sc LEFT JOIN county c USING (fips)
ORDER BY c.state_abbr, c.county_name, sc.stage, sc.year
