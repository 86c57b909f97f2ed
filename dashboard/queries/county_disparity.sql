-- Disparities for one county by year: the relative rate of each group against white defendants for one metric,
-- and the representation ratio at referral against the county population (suppressed rows say why).
SELECT measure, metric_id, year(period_start) AS year, race, reference, value, ci_low, ci_high, suppressed,
       suppression_reason, source_ids
FROM disparity
WHERE scope = 'county' AND scope_id = $fips AND period_grain = 'year'
  AND ((measure = 'relative_rate' AND metric_id = $metric) OR measure = 'representation_ratio')
ORDER BY measure, period_start, race
