-- Every outcome belongs to its stage (the temp table stage_outcome lists the vocabulary's pairs).
SELECT 'case_counts: outcome ' || outcome || ' is not an outcome of stage ' || stage || ' (' || source_id || ')'
       AS problem
FROM case_counts
WHERE (stage, outcome) NOT IN (SELECT (stage, outcome) FROM stage_outcome)
GROUP BY ALL
