-- The rules used to attribute reported periods to prosecutors' terms, with how many periods each decided.
SELECT rule, period_grain, count(*) AS periods, count(*) FILTER (WHERE share_of_period < 1) AS shared_periods
FROM term_attribution GROUP BY ALL ORDER BY periods DESC
