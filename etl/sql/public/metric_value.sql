-- Published metric values: a hidden cell keeps only its reason (its counts, value and interval are NULL here
-- whatever the suppression step wrote, so the public file cannot carry a hidden count).
SELECT metric_id, scope, scope_id, period_start, period_grain, dimension, dimension_value,
       CASE WHEN NOT suppressed THEN numerator END AS numerator,
       CASE WHEN NOT suppressed THEN denominator END AS denominator,
       CASE WHEN NOT suppressed THEN value END AS value,
       CASE WHEN NOT suppressed THEN ci_low END AS ci_low,
       CASE WHEN NOT suppressed THEN ci_high END AS ci_high,
       suppressed, source_ids, suppression_reason
FROM metric_value
