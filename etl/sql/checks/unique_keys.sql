-- Every key of the contract is unique.
SELECT 'county: duplicate fips ' || fips AS problem FROM county GROUP BY fips HAVING count(*) > 1
UNION ALL
SELECT 'office: duplicate office_id ' || office_id FROM office GROUP BY office_id HAVING count(*) > 1
UNION ALL
SELECT 'prosecutor: duplicate prosecutor_id ' || prosecutor_id FROM prosecutor GROUP BY prosecutor_id HAVING count(*) > 1
UNION ALL
SELECT 'term: duplicate term_id ' || term_id FROM term GROUP BY term_id HAVING count(*) > 1
UNION ALL
SELECT 'source: duplicate source_id ' || source_id FROM source GROUP BY source_id HAVING count(*) > 1
UNION ALL
SELECT 'source_file: duplicate ' || source_id || '/' || file FROM source_file GROUP BY source_id, file HAVING count(*) > 1
UNION ALL
SELECT 'county_population: duplicate ' || fips || ' ' || year || ' ' || race || ' ' || age_group
FROM county_population GROUP BY fips, year, race, age_group HAVING count(*) > 1
UNION ALL
SELECT 'metric_definition: duplicate metric_id ' || metric_id FROM metric_definition GROUP BY metric_id HAVING count(*) > 1
