-- One prosecutor against their predecessor and against the state's other offices, per office and metric.
-- Their value: their terms' whole-term values (period_grain 'term'; for measures published only by year, the
-- office's years attributed to them) pooled, suppressed cells left out. Predecessor: the latest earlier prosecutor of the same
-- office who has any data (an interim without data is skipped and named). State's other offices: the state
-- total minus this office over the years attributed to them. Differences: of two proportions (normal
-- approximation on the raw p and n), or of two rates per 100,000 (Poisson), with 95% intervals.
-- One row per office, metric and comparison ('predecessor' | 'state_others').
WITH my_terms AS (SELECT term_id, office_id, start_date FROM term WHERE prosecutor_id = $id),
first_start AS (SELECT office_id, min(start_date) AS first_start FROM my_terms GROUP BY office_id),
office_terms AS (
    SELECT t.*, p.name FROM term t JOIN first_start USING (office_id) JOIN prosecutor p USING (prosecutor_id)
),
term_cells AS (
    SELECT v.scope_id AS term_id, v.metric_id, sum(v.numerator) AS num, sum(v.denominator) AS den,
           count(*) FILTER (WHERE v.suppressed) AS suppressed_cells,
           string_agg(DISTINCT v.source_ids, ',') FILTER (WHERE NOT v.suppressed) AS source_ids
    FROM metric_value v JOIN office_terms ot ON ot.term_id = v.scope_id
    WHERE v.scope = 'term' AND v.period_grain = 'term' AND v.dimension = 'all'
    GROUP BY ALL
),
year_cells AS (  -- measures published by year only (e.g. jail): the office's years attributed to the term
    SELECT ta.term_id, v.metric_id, sum(v.numerator) AS num, sum(v.denominator) AS den,
           count(*) FILTER (WHERE v.suppressed) AS suppressed_cells,
           string_agg(DISTINCT v.source_ids, ',') FILTER (WHERE NOT v.suppressed) AS source_ids
    FROM office_terms ot
    JOIN term_attribution ta ON ta.term_id = ot.term_id AND ta.period_grain = 'year'
    JOIN metric_value v ON v.scope = 'office' AND v.scope_id = ot.office_id AND v.period_start = ta.period_start
     AND v.period_grain = 'year' AND v.dimension = 'all'
    GROUP BY ALL
),
term_values AS (
    SELECT * FROM term_cells
    UNION ALL
    SELECT y.* FROM year_cells y
    WHERE NOT EXISTS (SELECT 1 FROM term_cells c WHERE c.term_id = y.term_id AND c.metric_id = y.metric_id)
),
people AS (
    SELECT ot.office_id, ot.prosecutor_id, any_value(ot.name) AS name, tv.metric_id,
           sum(tv.num) AS num, sum(tv.den) AS den, sum(tv.suppressed_cells) AS suppressed_cells,
           max(coalesce(ot.end_date, current_date)) AS last_end,
           string_agg(DISTINCT tv.source_ids, ',') AS source_ids
    FROM office_terms ot JOIN term_values tv USING (term_id)
    GROUP BY ot.office_id, ot.prosecutor_id, tv.metric_id
),
metrics AS (SELECT DISTINCT office_id, metric_id FROM people),
mine AS (SELECT * FROM people WHERE prosecutor_id = $id),
immediate AS (
    SELECT f.office_id, arg_max(ot.name, ot.start_date) AS name
    FROM first_start f JOIN office_terms ot ON ot.office_id = f.office_id AND ot.prosecutor_id <> $id
     AND ot.start_date < f.first_start
    GROUP BY f.office_id
),
with_data AS (
    SELECT office_id, prosecutor_id, any_value(name) AS name, max(last_end) AS last_end
    FROM people WHERE prosecutor_id <> $id GROUP BY ALL
),
predecessor_person AS (
    SELECT f.office_id, arg_max(w.prosecutor_id, w.last_end) AS prosecutor_id, arg_max(w.name, w.last_end) AS name
    FROM first_start f JOIN with_data w ON w.office_id = f.office_id AND w.last_end <= f.first_start
    GROUP BY f.office_id
),
predecessor AS (
    SELECT pp.office_id, pe.metric_id, pe.num, pe.den, pe.suppressed_cells
    FROM predecessor_person pp JOIN people pe USING (office_id, prosecutor_id)
),
years AS (
    SELECT DISTINCT mt.office_id, ta.period_start
    FROM my_terms mt JOIN term_attribution ta ON ta.term_id = mt.term_id AND ta.period_grain = 'year'
),
state_rows AS (
    SELECT y.office_id, v.metric_id, v.period_start, v.numerator, v.denominator, v.suppressed
    FROM years y JOIN office o USING (office_id)
    JOIN metric_value v ON v.scope = 'state' AND v.scope_id = o.state_abbr AND v.period_start = y.period_start
     AND v.period_grain = 'year' AND v.dimension = 'all'
),
office_rows AS (
    SELECT y.office_id, v.metric_id, v.period_start, v.numerator, v.denominator, v.suppressed
    FROM years y JOIN metric_value v ON v.scope = 'office' AND v.scope_id = y.office_id
     AND v.period_start = y.period_start AND v.period_grain = 'year' AND v.dimension = 'all'
),
other_counties AS (
    SELECT y.office_id, v.metric_id, count(DISTINCT v.scope_id) AS n_counties
    FROM years y JOIN office o USING (office_id)
    JOIN metric_value v ON v.scope = 'county' AND v.period_start = y.period_start AND v.period_grain = 'year'
     AND v.dimension = 'all'
    JOIN county c ON c.fips = v.scope_id AND c.state_abbr = o.state_abbr
    LEFT JOIN office_county oc ON oc.office_id = y.office_id AND oc.fips = v.scope_id
    WHERE oc.fips IS NULL
    GROUP BY ALL
),
others AS (
    SELECT s.office_id, s.metric_id,
           sum(s.numerator - coalesce(r.numerator, 0)) FILTER (WHERE NOT s.suppressed) AS num,
           sum(s.denominator - coalesce(r.denominator, 0)) FILTER (WHERE NOT s.suppressed) AS den,
           count(*) FILTER (WHERE NOT s.suppressed AND r.suppressed) AS mixed_years,
           min(year(s.period_start)) AS y0, max(year(s.period_start)) AS y1
    FROM state_rows s LEFT JOIN office_rows r USING (office_id, metric_id, period_start)
    GROUP BY ALL
),
pairs AS (
    SELECT m.office_id, m.metric_id, 'predecessor' AS comparison, mi.num, mi.den, mi.suppressed_cells,
           mi.source_ids, coalesce(pp.name, im.name) AS other_label, pr.num AS other_num, pr.den AS other_den,
           concat_ws('; ',
               CASE WHEN im.name IS NULL THEN 'no earlier prosecutor of this office is in the data'
                    WHEN pp.name IS NULL THEN 'no earlier prosecutor of this office has published data'
                    WHEN pr.den IS NULL AND coalesce(pr.suppressed_cells, 0) > 0
                         THEN pp.name || ': value withheld, too few cases to publish'
                    WHEN pr.den IS NULL THEN pp.name || ' has no published value for this measure' END,
               CASE WHEN pp.name <> im.name THEN im.name || ', the immediate predecessor, has no data of their own '
                    || '(yearly data go to whoever held office most of the year), so the comparison is with '
                    || pp.name END) AS note,
           NULL::INTEGER AS y0, NULL::INTEGER AS y1, NULL::BIGINT AS n_counties
    FROM metrics m
    LEFT JOIN mine mi USING (office_id, metric_id)
    LEFT JOIN predecessor_person pp USING (office_id)
    LEFT JOIN predecessor pr USING (office_id, metric_id)
    LEFT JOIN immediate im USING (office_id)
    UNION ALL
    SELECT m.office_id, m.metric_id, 'state_others', mi.num, mi.den, mi.suppressed_cells, mi.source_ids,
           -- named for what it is: 'the 5 other New York counties with data', never 'the state'
           CASE WHEN oc.n_counties > 0 THEN 'the ' || oc.n_counties || ' other ' || sn.state_name
                     || CASE WHEN oc.n_counties = 1 THEN ' county' ELSE ' counties' END || ' with data'
                ELSE 'the rest of ' || sn.state_name END, ot.num, ot.den,
           CASE WHEN oc.n_counties IS NULL OR ot.den IS NULL OR ot.den <= 0
                     THEN 'no other county in the state has published data for these years'
                WHEN ot.mixed_years > 0 THEN 'in ' || ot.mixed_years || ' year(s) this office''s own counts were '
                     || 'too small to take out of the state total' END,
           ot.y0, ot.y1, oc.n_counties
    FROM metrics m
    LEFT JOIN mine mi USING (office_id, metric_id)
    LEFT JOIN others ot USING (office_id, metric_id)
    LEFT JOIN other_counties oc USING (office_id, metric_id)
    LEFT JOIN (SELECT DISTINCT o.office_id, c.state_name FROM office o JOIN county c USING (state_abbr)) sn
        USING (office_id)
),
checked AS (
    SELECT p.*, d.label, d.unit, d.sort_order, o.name AS office_name,
           CASE WHEN p.den > 0 THEN p.num / p.den END AS r1,
           CASE WHEN p.other_den > 0 AND (
                     (d.unit = 'share' AND p.other_den >= $threshold
                      AND NOT (p.other_num > 0 AND p.other_num < $threshold)
                      AND NOT (p.other_den - p.other_num > 0 AND p.other_den - p.other_num < $threshold))
                  OR (d.unit = 'per_100k' AND p.other_num >= $threshold))
                THEN p.other_num / p.other_den END AS r2
    FROM pairs p JOIN metric_definition d USING (metric_id) JOIN office o USING (office_id)
),
differences AS (
    SELECT c.*,
           CASE WHEN unit = 'per_100k' THEN 100000 ELSE 1 END AS scale,
           CASE WHEN r1 IS NULL OR r2 IS NULL THEN NULL
                WHEN unit = 'per_100k' THEN sqrt(num / den ^ 2 + other_num / other_den ^ 2)
                ELSE sqrt(r1 * (1 - r1) / den + r2 * (1 - r2) / other_den) END AS se
    FROM checked c
)
SELECT office_id, office_name, metric_id, label, unit, sort_order, comparison,
       r1 * scale AS value, num AS numerator, den AS denominator, suppressed_cells, source_ids,
       other_label, r2 * scale AS other_value,
       CASE WHEN r2 IS NOT NULL THEN other_num END AS other_numerator,
       CASE WHEN r2 IS NOT NULL THEN other_den END AS other_denominator,
       (r1 - r2) * scale AS diff, (r1 - r2 - 1.96 * se) * scale AS diff_low, (r1 - r2 + 1.96 * se) * scale AS diff_high,
       CASE WHEN r1 IS NULL AND coalesce(suppressed_cells, 0) > 0
                 THEN 'their own value is withheld: too few cases to publish'
            WHEN r1 IS NULL THEN 'no published value for their time in office'
            WHEN r2 IS NULL AND other_den > 0 AND coalesce(note, '') = ''
                 THEN 'too few cases on the other side to publish'
            ELSE nullif(note, '') END AS note,
       y0, y1, n_counties
FROM differences
ORDER BY office_id, sort_order, comparison
