-- Publish metric values: intervals (Wilson for shares, Poisson for rates); every hidden cell (too small,
-- or hidden so that another cannot be worked out) loses its counts, so no page or download can show them.
INSERT INTO metric_value
SELECT metric_id, scope, scope_id, period_start, period_grain, dimension, dimension_value,
       CASE WHEN NOT hidden THEN numerator END,
       CASE WHEN NOT hidden THEN denominator END,
       CASE WHEN NOT hidden THEN value END,
       CASE WHEN hidden THEN NULL
            WHEN unit = 'per_100k' THEN poisson_low_per_100k(numerator, denominator)
            ELSE wilson_low(numerator, denominator) END,
       CASE WHEN hidden THEN NULL
            WHEN unit = 'per_100k' THEN poisson_high_per_100k(numerator, denominator)
            ELSE wilson_high(numerator, denominator) END,
       hidden, source_ids, reason
FROM published_cell;
