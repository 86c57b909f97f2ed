-- Every metric's label, question, definition and caveat.
SELECT metric_id, label, question, description, stage, numerator_outcomes, denominator_outcomes, unit, caveat,
       sort_order, direction, unavailable_if, roles, amount_at_least
FROM metric_definition
