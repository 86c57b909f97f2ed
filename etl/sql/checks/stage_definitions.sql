-- A source declares each stage's definition at most once (data/stage_definitions.csv): a second row would
-- count its values twice wherever they are joined to their definition. A stage it does not declare is
-- measured under a definition of its own ('undeclared:<source>'), compared with nothing else.
SELECT 'data/stage_definitions.csv: source ' || source_id || ', stage ' || stage || ' is declared '
       || count(*) || ' times' AS problem
FROM stage_definition GROUP BY source_id, stage HAVING count(*) > 1
