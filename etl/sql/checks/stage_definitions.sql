-- Every stage a source reports has its definition declared (data/stage_definitions.csv), once: comparisons
-- between places rest on it.
SELECT 'data/stage_definitions.csv: no definition for source ' || c.source_id || ', stage ' || c.stage
       || ' (declare its population and counting unit)' AS problem
FROM (SELECT DISTINCT source_id, stage FROM case_counts
      UNION SELECT DISTINCT source_id, 'detention' FROM detention) c
ANTI JOIN stage_definition d ON d.source_id = c.source_id AND d.stage = c.stage
UNION ALL
SELECT 'data/stage_definitions.csv: source ' || source_id || ', stage ' || stage || ' is declared '
       || count(*) || ' times' AS problem
FROM stage_definition GROUP BY source_id, stage HAVING count(*) > 1
