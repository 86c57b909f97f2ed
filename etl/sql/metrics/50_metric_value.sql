-- Publish metric values: intervals (Wilson for shares, Poisson for rates), and small cells suppressed,
-- their counts removed so that no page or download can show them.
INSERT INTO metric_value
SELECT r.metric_id, scope, scope_id, period_start, period_grain, dimension, dimension_value,
       CASE WHEN reason IS NULL THEN numerator END,
       CASE WHEN reason IS NULL THEN denominator END,
       CASE WHEN reason IS NULL THEN value END,
       CASE WHEN reason IS NOT NULL THEN NULL
            WHEN d.unit = 'per_100k' THEN greatest(0.0, (numerator - 1.96 * sqrt(numerator)) / denominator * 100000)
            ELSE wilson_low(numerator, denominator) END,
       CASE WHEN reason IS NOT NULL THEN NULL
            WHEN d.unit = 'per_100k' THEN (numerator + 1.96 * sqrt(numerator)) / denominator * 100000
            ELSE wilson_high(numerator, denominator) END,
       reason IS NOT NULL, source_ids, reason
FROM (
    SELECT r.*, CASE WHEN d.unit = 'per_100k'
                     THEN CASE WHEN numerator < $threshold THEN 'fewer than ' || $threshold || ' people in jail' END
                     ELSE suppression_reason(numerator, denominator, $threshold) END AS reason
    FROM metric_raw r JOIN metric_definition d USING (metric_id)
) r JOIN metric_definition d USING (metric_id);
