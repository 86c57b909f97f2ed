-- Each role a metric's counts play (metric_definition.roles, declared in etl/metrics.toml) with the metrics that
-- play it, in order of preference: the one whose denominator counts more outcomes first, then display order.
SELECT role, list(metric_id ORDER BY len(denominator_outcomes) DESC, sort_order) AS metric_ids
FROM (SELECT unnest(roles) AS role, metric_id, denominator_outcomes, sort_order FROM metric_definition)
GROUP BY role ORDER BY role
