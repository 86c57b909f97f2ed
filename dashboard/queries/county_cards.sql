-- Headline values for one county, one row per (metric, who): who = 'county' (this county), 'state' (the other
-- counties of its state with published data, never the county itself) and 'similar' (up to 10 counties of half
-- to twice its population, closest in size, with published data), each pooled over the span's published years:
-- the latest whole year with data (a part-year only when there is no whole one: value_period), or
-- $year_from-$year_to when given. Like with like: 'state' and 'similar' pool only
-- counties whose values were measured under the county's own definition (value_definition.variant); `variant`
-- and `measured` say which. Pooled 95% intervals: Wilson for shares, Poisson for rates per 100,000. Suppressed
-- cells are never summed.
WITH mine AS (
    SELECT v.metric_id, year(v.period_start) AS year, v.numerator, v.denominator, v.suppressed, v.source_ids,
           vd.variant, vd.description, coalesce(vp.partial, false) AS partial
    FROM metric_value v LEFT JOIN value_definition vd USING (metric_id, source_ids)
    LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
     AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
    WHERE v.scope = 'county' AND v.scope_id = $fips AND v.period_grain = 'year' AND v.dimension = 'all'
),
span AS (
    SELECT metric_id,
           coalesce($year_from::INTEGER, max(year) FILTER (WHERE NOT suppressed AND NOT partial),
                    max(year) FILTER (WHERE NOT suppressed)) AS y0,
           coalesce($year_to::INTEGER, max(year) FILTER (WHERE NOT suppressed AND NOT partial),
                    max(year) FILTER (WHERE NOT suppressed)) AS y1
    FROM mine GROUP BY metric_id
),
home AS (SELECT state_abbr FROM county WHERE fips = $fips),
own_variant AS (  -- the definition of this county's published values in the span (one, or several joined)
    SELECT s.metric_id, string_agg(DISTINCT m.variant, ' + ' ORDER BY m.variant) AS variant,
           string_agg(DISTINCT m.description, '; ' ORDER BY m.description) AS measured
    FROM span s JOIN mine m ON m.metric_id = s.metric_id AND m.year BETWEEN s.y0 AND s.y1 AND NOT m.suppressed
    GROUP BY ALL
),
alike AS (  -- other counties' yearly values in the span measured under the same definition
    SELECT s.metric_id, v.scope_id AS fips, v.period_start, v.numerator, v.denominator, v.suppressed, v.source_ids
    FROM span s
    JOIN own_variant o ON o.metric_id = s.metric_id
    JOIN metric_value v ON v.metric_id = s.metric_id AND v.scope = 'county' AND v.scope_id <> $fips
     AND v.period_grain = 'year' AND v.dimension = 'all' AND year(v.period_start) BETWEEN s.y0 AND s.y1
    JOIN value_definition vd ON vd.metric_id = v.metric_id AND vd.source_ids = v.source_ids
     AND vd.variant = o.variant
),
pop AS (
    SELECT fips, arg_max(population, year) AS population
    FROM county_population WHERE race = 'all' AND age_group = 'all' GROUP BY fips
),
target AS (SELECT population FROM pop WHERE fips = $fips),
own AS (
    SELECT s.metric_id, s.y0, s.y1, 'county' AS who, sum(m.numerator) AS numerator, sum(m.denominator) AS denominator,
           count(m.year) FILTER (WHERE NOT m.suppressed) AS years_shown,
           count(m.year) FILTER (WHERE m.suppressed) AS years_suppressed,
           1 AS n_counties, NULL::VARCHAR AS names,
           string_agg(DISTINCT m.source_ids, ',') FILTER (WHERE NOT m.suppressed) AS source_ids
    FROM span s LEFT JOIN mine m ON m.metric_id = s.metric_id AND m.year BETWEEN s.y0 AND s.y1
    GROUP BY ALL
),
state AS (
    SELECT s.metric_id, s.y0, s.y1, 'state' AS who, sum(a.numerator) AS numerator, sum(a.denominator) AS denominator,
           count(DISTINCT a.period_start) FILTER (WHERE NOT a.suppressed) AS years_shown,
           count(*) FILTER (WHERE a.suppressed) AS years_suppressed,
           count(DISTINCT a.fips) FILTER (WHERE NOT a.suppressed) AS n_counties, (SELECT state_abbr FROM home) AS names,
           string_agg(DISTINCT a.source_ids, ',') FILTER (WHERE NOT a.suppressed) AS source_ids
    FROM span s
    JOIN alike a ON a.metric_id = s.metric_id
    JOIN county c ON c.fips = a.fips AND c.state_abbr = (SELECT state_abbr FROM home)
    GROUP BY ALL
),
candidates AS (
    SELECT s.metric_id, v.fips, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           count(*) AS years_shown, string_agg(DISTINCT v.source_ids, ',') AS source_ids,
           abs(ln(p.population) - ln(t.population)) AS distance
    FROM span s
    JOIN alike v ON v.metric_id = s.metric_id AND NOT v.suppressed
    JOIN pop p ON p.fips = v.fips
    CROSS JOIN target t
    WHERE p.population BETWEEN t.population / 2 AND t.population * 2
    GROUP BY ALL
),
closest AS (
    SELECT c.*, k.county_name || ', ' || k.state_abbr AS label,
           row_number() OVER (PARTITION BY c.metric_id ORDER BY c.distance, c.fips) AS rank
    FROM candidates c JOIN county k ON k.fips = c.fips
),
same_size AS (
    SELECT s.metric_id, s.y0, s.y1, 'similar' AS who, sum(c.numerator) AS numerator, sum(c.denominator) AS denominator,
           max(c.years_shown) AS years_shown, 0 AS years_suppressed, count(*) AS n_counties,
           string_agg(c.label, '; ' ORDER BY c.rank) AS names, string_agg(DISTINCT c.source_ids, ',') AS source_ids
    FROM span s JOIN closest c ON c.metric_id = s.metric_id AND c.rank <= 10
    GROUP BY ALL
),
pooled AS (
    SELECT * FROM own UNION ALL BY NAME SELECT * FROM state UNION ALL BY NAME SELECT * FROM same_size
),
rated AS (
    SELECT p.*, d.label, d.question, d.unit, d.caveat, d.direction, d.sort_order, o.variant, o.measured,
           CASE WHEN p.denominator > 0 THEN p.numerator / p.denominator END AS r,
           p.denominator AS n
    FROM pooled p JOIN metric_definition d USING (metric_id) LEFT JOIN own_variant o USING (metric_id)
)
SELECT metric_id, label, question, unit, caveat, direction, sort_order, y0, y1, who, numerator, denominator,
       years_shown, years_suppressed, n_counties, names, source_ids, variant, measured,
       CASE WHEN unit = 'per_100k' THEN r * 100000 ELSE r END AS value,
       interval_low(numerator, n, unit) AS ci_low, interval_high(numerator, n, unit) AS ci_high
FROM rated
ORDER BY sort_order, CASE who WHEN 'county' THEN 0 WHEN 'state' THEN 1 ELSE 2 END
