-- Relative rates and representation ratios (withheld where a cell they rest on is hidden).
SELECT measure, metric_id, scope, scope_id, period_start, period_grain, race, reference,
       CASE WHEN NOT suppressed THEN value END AS value,
       CASE WHEN NOT suppressed THEN ci_low END AS ci_low,
       CASE WHEN NOT suppressed THEN ci_high END AS ci_high,
       suppressed, suppression_reason, source_ids
FROM disparity
