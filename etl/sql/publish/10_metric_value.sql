-- Publish metric values: intervals (etl/sql/intervals.sql); every hidden cell (too small,
-- or hidden so that another cannot be worked out) loses its counts, so no page or download can show them.
INSERT INTO metric_value
SELECT metric_id, scope, scope_id, period_start, period_grain, dimension, dimension_value,
       CASE WHEN NOT hidden THEN numerator END,
       CASE WHEN NOT hidden THEN denominator END,
       CASE WHEN NOT hidden THEN value END,
       CASE WHEN NOT hidden THEN interval_low(numerator, denominator, unit) END,
       CASE WHEN NOT hidden THEN interval_high(numerator, denominator, unit) END,
       hidden, source_ids, reason
FROM published_cell;
