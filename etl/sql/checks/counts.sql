-- Counts are non-negative; a warehouse is demo or real, never both.
SELECT 'case_counts: negative n from ' || source_id AS problem FROM case_counts WHERE n < 0 GROUP BY source_id
UNION ALL
SELECT 'detention: negative value from ' || source_id FROM detention WHERE value < 0 GROUP BY source_id
UNION ALL
SELECT 'county_population: negative population from ' || source_id FROM county_population WHERE population < 0
GROUP BY source_id
UNION ALL
SELECT 'sources: demo data mixed with real data (' || string_agg(source_id, ', ' ORDER BY source_id) || ')'
FROM source WHERE kind IN ('case', 'detention')
HAVING count(DISTINCT is_demo) > 1
