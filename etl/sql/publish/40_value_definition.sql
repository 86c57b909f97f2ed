-- The definition each published value was measured under: the population and counting unit its sources declare
-- for the metric's stage (stage_definition; the representation ratio's 'referrals' is the referral stage).
-- Reference sources (census population) declare none and are left out. Joins metric_value and disparity on
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
counted AS (SELECT * FROM parts WHERE source_id IN (SELECT source_id FROM stage_definition)),
declared AS (
    SELECT p.metric_id, p.source_ids, coalesce(sd.population || '/' || sd.unit, 'undeclared') AS variant,
           coalesce(sd.description, 'not declared') AS description
    FROM counted p LEFT JOIN metric_definition d USING (metric_id)
    LEFT JOIN stage_definition sd ON sd.source_id = p.source_id
     AND sd.stage = (CASE WHEN p.metric_id = 'referrals' THEN 'referral' ELSE d.stage END)
)
SELECT metric_id, source_ids, string_agg(DISTINCT variant, ' + ' ORDER BY variant),
       string_agg(DISTINCT description, ' + ' ORDER BY description)
FROM declared GROUP BY metric_id, source_ids
