-- Per published yearly value (metric, scope, place, year): the days its data cover and who was in office then.
SELECT metric_id, scope, scope_id, period_start, period_grain, covered_from, covered_to, partial, covered_label,
       prosecutor, prosecutors, term_ids
FROM value_period
