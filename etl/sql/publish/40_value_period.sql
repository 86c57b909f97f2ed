-- For every published yearly value of a county, office or state: the dates its data cover (period_coverage of
-- the sources and counties it sums), whether that is only part of the year, and who was in office for it: the
-- term attributed the year (term_attribution, county and office scope) and everyone in office during the
-- covered span, so a page can say "2021 (Aug–Dec), Larry Krasner" and never pass a part-year for a whole one.
INSERT INTO value_period
WITH keys AS (
    SELECT DISTINCT v.metric_id, v.scope, v.scope_id, v.period_start, v.period_grain, v.source_ids, d.stage
    FROM metric_value v JOIN metric_definition d USING (metric_id)
    WHERE v.scope IN ('county', 'office', 'state') AND v.period_grain = 'year' AND v.dimension = 'all'
),
scope_counties AS (
    SELECT 'county' AS scope, fips AS scope_id, fips FROM county
    UNION ALL SELECT 'office', office_id, fips FROM office_county
    UNION ALL SELECT 'state', state_abbr, fips FROM county
),
spans AS (
    SELECT k.metric_id, k.scope, k.scope_id, k.period_start, k.period_grain,
           min(pc.covered_from) AS covered_from,
           CASE WHEN bool_or(pc.source_id IS NOT NULL AND pc.covered_to IS NULL) THEN NULL
                ELSE max(pc.covered_to) END AS covered_to,
           coalesce(bool_or(pc.partial), false) AS partial
    FROM keys k
    JOIN scope_counties sc ON sc.scope = k.scope AND sc.scope_id = k.scope_id
    LEFT JOIN period_coverage pc ON pc.fips = sc.fips AND pc.stage = k.stage AND pc.period_start = k.period_start
     AND pc.period_grain = k.period_grain AND list_contains(string_split(k.source_ids, ','), pc.source_id)
    GROUP BY ALL
),
attributed AS (  -- county and office scope: the term the year is attributed to
    SELECT s.metric_id, s.scope, s.scope_id, s.period_start, any_value(p.name) AS prosecutor
    FROM spans s
    JOIN (SELECT 'county' AS scope, fips AS scope_id, office_id FROM county_office
          UNION ALL SELECT 'office', office_id, office_id FROM office) o USING (scope, scope_id)
    JOIN term_attribution ta ON ta.office_id = o.office_id AND ta.period_start = s.period_start
     AND ta.period_grain = 'year'
    JOIN term t ON t.term_id = ta.term_id
    JOIN prosecutor p ON p.prosecutor_id = t.prosecutor_id
    GROUP BY ALL
),
span_offices AS (  -- the offices whose terms count: the county's, the office itself, the state's counties' with data
    SELECT DISTINCT s.metric_id, s.scope, s.scope_id, s.period_start, co.office_id,
           coalesce(s.covered_from, s.period_start) AS span_from,
           coalesce(s.covered_to, (s.period_start + INTERVAL 1 YEAR)::DATE - 1) AS span_to
    FROM spans s
    JOIN scope_counties sc ON sc.scope = s.scope AND sc.scope_id = s.scope_id
    JOIN county_office co ON co.fips = sc.fips
    WHERE s.scope <> 'state' OR EXISTS (
        SELECT 1 FROM metric_value v WHERE v.metric_id = s.metric_id AND v.scope = 'county' AND v.scope_id = sc.fips
          AND v.period_start = s.period_start AND v.period_grain = 'year' AND v.dimension = 'all')
),
in_office AS (
    SELECT metric_id, scope, scope_id, period_start,
           string_agg(name, chr(59) || ' ' ORDER BY first_start, name) AS prosecutors,
           string_agg(term_ids, ',' ORDER BY first_start, name) AS term_ids
    FROM (
        SELECT so.metric_id, so.scope, so.scope_id, so.period_start, p.name, min(t.start_date) AS first_start,
               string_agg(DISTINCT t.term_id, ',' ORDER BY t.term_id) AS term_ids
        FROM span_offices so
        JOIN term t ON t.office_id = so.office_id AND t.start_date <= so.span_to
         AND coalesce(t.end_date, DATE '9999-12-31') >= so.span_from
        JOIN prosecutor p ON p.prosecutor_id = t.prosecutor_id
        GROUP BY ALL
    )
    GROUP BY ALL
)
SELECT s.metric_id, s.scope, s.scope_id, s.period_start, s.period_grain, s.covered_from, s.covered_to, s.partial,
       CASE WHEN NOT s.partial THEN NULL
            WHEN s.covered_to IS NULL OR s.covered_from IS NULL THEN 'part of the year'
            WHEN month(s.covered_from) = month(s.covered_to) THEN strftime(s.covered_from, '%b')
            ELSE strftime(s.covered_from, '%b') || '–' || strftime(s.covered_to, '%b') END,
       a.prosecutor, coalesce(i.prosecutors, ''), coalesce(i.term_ids, '')
FROM spans s
LEFT JOIN attributed a USING (metric_id, scope, scope_id, period_start)
LEFT JOIN in_office i USING (metric_id, scope, scope_id, period_start);
