-- Every metric with its label, question, definition and caveat, in display order.
SELECT metric_id, label, question, description, stage, numerator_outcomes, denominator_outcomes, unit, caveat,
       direction, sort_order, amount_at_least
FROM metric_definition ORDER BY sort_order
