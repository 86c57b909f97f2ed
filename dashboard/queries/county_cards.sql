-- Headline values for one county, one row per (metric, who): who = 'county' (this county), 'state' (its state's
-- total) and 'similar' (up to 10 counties of half to twice its population, closest in size, with published data),
-- each pooled over the span's published years: the latest whole year with data (a part-year only when there is no
-- whole one: value_period), or $year_from-$year_to when given.
-- Pooled 95% intervals: Wilson for shares, Poisson for rates per 100,000. Suppressed cells are never summed.
WITH mine AS (
    SELECT v.metric_id, year(v.period_start) AS year, v.numerator, v.denominator, v.suppressed, v.source_ids,
           coalesce(vp.partial, false) AS partial
    FROM metric_value v
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
state_counties AS (
    SELECT s.metric_id, count(DISTINCT v.scope_id) AS n_counties
    FROM span s
    JOIN metric_value v ON v.metric_id = s.metric_id AND v.scope = 'county' AND v.period_grain = 'year'
     AND v.dimension = 'all' AND year(v.period_start) BETWEEN s.y0 AND s.y1
    JOIN county c ON c.fips = v.scope_id AND c.state_abbr = (SELECT state_abbr FROM home)
    GROUP BY ALL
),
state AS (
    SELECT s.metric_id, s.y0, s.y1, 'state' AS who, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           count(v.period_start) FILTER (WHERE NOT v.suppressed) AS years_shown,
           count(v.period_start) FILTER (WHERE v.suppressed) AS years_suppressed,
           any_value(sc.n_counties) AS n_counties, (SELECT state_abbr FROM home) AS names,
           string_agg(DISTINCT v.source_ids, ',') FILTER (WHERE NOT v.suppressed) AS source_ids
    FROM span s
    JOIN metric_value v ON v.metric_id = s.metric_id AND v.scope = 'state' AND v.scope_id = (SELECT state_abbr FROM home)
     AND v.period_grain = 'year' AND v.dimension = 'all' AND year(v.period_start) BETWEEN s.y0 AND s.y1
    LEFT JOIN state_counties sc ON sc.metric_id = s.metric_id
    GROUP BY ALL
),
candidates AS (
    SELECT s.metric_id, v.scope_id AS fips, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
           count(*) AS years_shown, string_agg(DISTINCT v.source_ids, ',') AS source_ids,
           abs(ln(p.population) - ln(t.population)) AS distance
    FROM span s
    JOIN metric_value v ON v.metric_id = s.metric_id AND v.scope = 'county' AND v.scope_id <> $fips
     AND v.period_grain = 'year' AND v.dimension = 'all' AND NOT v.suppressed
     AND year(v.period_start) BETWEEN s.y0 AND s.y1
    JOIN pop p ON p.fips = v.scope_id
    CROSS JOIN target t
    WHERE p.population BETWEEN t.population / 2 AND t.population * 2
    GROUP BY ALL
),
closest AS (
    SELECT c.*, k.county_name || ', ' || k.state_abbr AS label,
           row_number() OVER (PARTITION BY c.metric_id ORDER BY c.distance, c.fips) AS rank
    FROM candidates c JOIN county k ON k.fips = c.fips
),
alike AS (
    SELECT s.metric_id, s.y0, s.y1, 'similar' AS who, sum(c.numerator) AS numerator, sum(c.denominator) AS denominator,
           max(c.years_shown) AS years_shown, 0 AS years_suppressed, count(*) AS n_counties,
           string_agg(c.label, '; ' ORDER BY c.rank) AS names, string_agg(DISTINCT c.source_ids, ',') AS source_ids
    FROM span s JOIN closest c ON c.metric_id = s.metric_id AND c.rank <= 10
    GROUP BY ALL
),
pooled AS (
    SELECT * FROM own UNION ALL BY NAME SELECT * FROM state UNION ALL BY NAME SELECT * FROM alike
),
rated AS (
    SELECT p.*, d.label, d.question, d.unit, d.caveat, d.direction, d.sort_order,
           CASE WHEN p.denominator > 0 THEN p.numerator / p.denominator END AS r,
           p.denominator AS n
    FROM pooled p JOIN metric_definition d USING (metric_id)
)
SELECT metric_id, label, question, unit, caveat, direction, sort_order, y0, y1, who, numerator, denominator,
       years_shown, years_suppressed, n_counties, names, source_ids,
       CASE WHEN unit = 'per_100k' THEN r * 100000 ELSE r END AS value,
       CASE WHEN r IS NULL THEN NULL
            WHEN unit = 'per_100k' THEN greatest(0.0, (numerator - 1.96 * sqrt(numerator)) / n * 100000)
            ELSE greatest(0.0, (r + 1.96 ^ 2 / (2 * n) - 1.96 * sqrt(r * (1 - r) / n + 1.96 ^ 2 / (4 * n ^ 2)))
                 / (1 + 1.96 ^ 2 / n)) END AS ci_low,
       CASE WHEN r IS NULL THEN NULL
            WHEN unit = 'per_100k' THEN (numerator + 1.96 * sqrt(numerator)) / n * 100000
            ELSE least(1.0, (r + 1.96 ^ 2 / (2 * n) + 1.96 * sqrt(r * (1 - r) / n + 1.96 ^ 2 / (4 * n ^ 2)))
                 / (1 + 1.96 ^ 2 / n)) END AS ci_high
FROM rated
ORDER BY sort_order, CASE who WHEN 'county' THEN 0 WHEN 'state' THEN 1 ELSE 2 END
