-- FIPS codes are five digits, agree with their state, and name a county we know
-- (or a documented change such as Connecticut's planning regions, in the temp table fips_alias).
SELECT 'county: invalid fips ' || coalesce(fips, 'NULL') AS problem FROM county
WHERE fips IS NULL OR NOT regexp_full_match(fips, '[0-9]{5}') OR left(fips, 2) <> state_fips
UNION ALL
SELECT DISTINCT t || ': unknown county fips ' || coalesce(fips, 'NULL') || ' (source ' || source_id || ')'
FROM (
    SELECT 'case_counts' AS t, fips, source_id FROM case_counts
    UNION ALL SELECT 'detention', fips, source_id FROM detention
    UNION ALL SELECT 'county_population', fips, source_id FROM county_population
    UNION ALL SELECT 'office_county', fips, source_id FROM office_county
) used
WHERE fips IS NULL OR (fips NOT IN (SELECT fips FROM county) AND fips NOT IN (SELECT fips FROM fips_alias))
