-- The definition each published value was measured under: the population and counting unit its sources declare
-- for the metric's stage (stage_definition; the representation ratio's 'referrals' is the stage of the metric
-- whose role is `representation`).
-- Only case and detention sources count (census population is a reference). A stage its source does not
-- declare is 'undeclared:<source>', alike with nothing else. Joins metric_value and disparity on
-- (metric_id, source_ids).
INSERT INTO value_definition
WITH pairs AS (
    SELECT DISTINCT metric_id, source_ids FROM metric_value
    UNION SELECT DISTINCT metric_id, source_ids FROM disparity
),
parts AS (
    SELECT p.metric_id, p.source_ids, trim(unnest(string_split(p.source_ids, ','))) AS source_id
    FROM pairs p
),
counted AS (SELECT * FROM parts WHERE source_id IN (SELECT source_id FROM source WHERE kind IN ('case', 'detention'))),
declared AS (
    SELECT p.metric_id, p.source_ids, coalesce(sd.population || '/' || sd.unit, 'undeclared:' || p.source_id)
               AS variant,
           coalesce(sd.description, p.source_id || ' (what it counts is not declared)') AS description
    FROM counted p LEFT JOIN metric_definition d USING (metric_id)
    LEFT JOIN stage_definition sd ON sd.source_id = p.source_id
     AND sd.stage = (CASE WHEN p.metric_id = 'referrals'
                       THEN (SELECT min(stage) FROM metric_definition WHERE list_contains(roles, 'representation'))
                       ELSE d.stage END)
)
SELECT metric_id, source_ids, string_agg(DISTINCT variant, ' + ' ORDER BY variant),
       string_agg(DISTINCT description, ' + ' ORDER BY description)
FROM declared GROUP BY metric_id, source_ids
