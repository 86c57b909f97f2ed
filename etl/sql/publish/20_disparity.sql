-- Relative rate of each group against white defendants (log-scale 95% interval), and the representation
-- ratio at referral (group share of referrals / group share of the county population). A disparity is
-- never shown when a cell is suppressed or the interval cannot be computed.
INSERT INTO disparity
SELECT 'relative_rate', g.metric_id, g.scope, g.scope_id, g.period_start, g.period_grain, g.dimension_value, 'white',
       CASE WHEN reason IS NULL THEN rr END,
       CASE WHEN reason IS NULL THEN exp(ln(rr) - 1.96 * se) END,
       CASE WHEN reason IS NULL THEN exp(ln(rr) + 1.96 * se) END,
       reason IS NOT NULL, reason, g.source_ids
FROM (
    SELECT g.* EXCLUDE (reason), w.numerator AS w_num, w.denominator AS w_den,
           (g.numerator / g.denominator) / nullif(w.numerator / w.denominator, 0) AS rr,
           sqrt(1 / nullif(g.numerator, 0) - 1 / g.denominator + 1 / nullif(w.numerator, 0) - 1 / w.denominator) AS se,
           coalesce(
               CASE WHEN g.hidden THEN 'group cell suppressed: ' || g.reason END,
               CASE WHEN w.hidden THEN 'white cell suppressed: ' || w.reason END,
               CASE WHEN g.numerator = 0 OR w.numerator = 0 THEN 'a zero count: no interval can be computed' END
           ) AS reason
    FROM published_cell g
    JOIN published_cell w ON w.metric_id = g.metric_id AND w.scope = g.scope AND w.scope_id = g.scope_id
     AND w.period_start = g.period_start AND w.period_grain = g.period_grain
     AND w.dimension = 'race' AND w.dimension_value = 'white'
    JOIN metric_definition d ON d.metric_id = g.metric_id AND d.unit = 'share'
    WHERE g.dimension = 'race' AND g.dimension_value NOT IN ('white', 'unknown')
) g;

INSERT INTO disparity
WITH referrals AS (
    SELECT scope, scope_id, period_start, period_grain, dimension_value AS race, denominator AS n, source_ids,
           hidden, reason AS cell_reason
    FROM published_cell
    WHERE metric_id IN (SELECT metric_id FROM metric_definition WHERE list_contains(roles, 'representation'))
      AND dimension = 'race' AND scope IN ('county', 'office')
      AND period_grain = 'year'
),
known AS (
    -- the known-race total follows from the ratios; with the unknown group hidden it would reveal that group
    SELECT scope, scope_id, period_start, sum(n) FILTER (WHERE race <> 'unknown') AS total,
           bool_or(hidden AND race = 'unknown') AS unknown_hidden
    FROM referrals GROUP BY ALL
),
scope_counties AS (
    SELECT 'county' AS scope, fips AS scope_id, fips FROM county
    UNION ALL SELECT 'office', office_id, fips FROM office_county
),
population AS (
    SELECT sc.scope, sc.scope_id, p.race, sum(p.population) AS population, max(p.year) AS year,
           any_value(p.source_id) AS source_id
    FROM scope_counties sc JOIN county_population p USING (fips)
    WHERE p.age_group = 'all'
      AND p.year = (SELECT max(year) FROM county_population q WHERE q.fips = p.fips AND q.age_group = 'all')
    GROUP BY ALL
),
-- Like populations only: a population source may declare (mapping census_race_groups) that a race group is
-- not defined as case data define it (the ACS counts Hispanic people inside 'white'; case data count them
-- apart): 'no' withholds the ratio, 'approximately' shows it against the any-ethnicity group, and says so in
-- `reference`. A population estimate is of a 5-year period ending in its year (ACS 5-year): referral years
-- outside it get no ratio.
race_rules AS (
    SELECT source_id, source_value AS race, value AS comparable
    FROM code_mapping WHERE mapping = 'census_race_groups' AND field = 'comparable'
),
shares AS (
    SELECT r.*, k.total, g.population / a.population AS population_share,
           coalesce(rr.comparable, 'yes') AS comparable,
           coalesce(CASE WHEN r.hidden THEN 'group cell suppressed: ' || r.cell_reason END,
                    CASE WHEN k.unknown_hidden THEN 'the unknown-race cell is suppressed' END,
                    suppression_reason(r.n, k.total, $threshold),
                    CASE WHEN rr.comparable = 'no' THEN 'no like population: the census group is not defined as '
                         || 'the case data define it (they count Hispanic people apart)' END,
                    CASE WHEN year(r.period_start) NOT BETWEEN g.year - 4 AND g.year
                         THEN 'no population estimate for this year (the estimate covers ' || (g.year - 4) || '-'
                              || g.year || ')' END) AS reason
    FROM referrals r
    JOIN known k USING (scope, scope_id, period_start)
    JOIN population g ON g.scope = r.scope AND g.scope_id = r.scope_id AND g.race = r.race
    JOIN population a ON a.scope = r.scope AND a.scope_id = r.scope_id AND a.race = 'all'
    LEFT JOIN race_rules rr ON rr.source_id = g.source_id AND rr.race = r.race
    WHERE r.race <> 'unknown' AND a.population > 0
)
SELECT 'representation_ratio', 'referrals', scope, scope_id, period_start, period_grain, race,
       CASE WHEN comparable = 'approximately' THEN 'county_population_any_ethnicity' ELSE 'county_population' END,
       CASE WHEN reason IS NULL AND population_share > 0 THEN (n / total) / population_share END,
       CASE WHEN reason IS NULL AND population_share > 0 THEN wilson_low(n, total) / population_share END,
       CASE WHEN reason IS NULL AND population_share > 0 THEN wilson_high(n, total) / population_share END,
       reason IS NOT NULL OR population_share = 0,
       coalesce(reason, CASE WHEN population_share = 0 THEN 'no population estimate for this group' END),
       source_ids
FROM shares;
