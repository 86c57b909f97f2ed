-- Which term each reported period went to, and the rule.
SELECT office_id, period_start, period_grain, term_id, share_of_period, rule
FROM term_attribution
