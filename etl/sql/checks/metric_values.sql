-- Metric values are coherent: shares within 0..1, intervals around the value, suppressed cells empty.
SELECT 'metric_value ' || v.metric_id || ' ' || scope || ' ' || scope_id || ': share ' || value || ' outside 0..1'
       AS problem
FROM metric_value v JOIN metric_definition d USING (metric_id)
WHERE d.unit = 'share' AND (value < 0 OR value > 1)
UNION ALL
SELECT 'metric_value ' || metric_id || ' ' || scope || ' ' || scope_id || ': interval does not contain the value'
FROM metric_value WHERE NOT suppressed AND (ci_low > value + 1e-9 OR ci_high < value - 1e-9)
UNION ALL
SELECT 'metric_value ' || metric_id || ' ' || scope || ' ' || scope_id || ': suppressed cell shows numbers'
FROM metric_value WHERE suppressed AND (numerator IS NOT NULL OR denominator IS NOT NULL OR value IS NOT NULL)
UNION ALL
SELECT 'disparity ' || measure || ' ' || scope_id || ': suppressed cell shows a value'
FROM disparity WHERE suppressed AND value IS NOT NULL
