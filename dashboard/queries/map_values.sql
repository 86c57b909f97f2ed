-- Every county with one measure's value for one year ($metric, $year; NULL value = no data), its interval,
-- counts, suppression, the prosecutor in office for most of that year (of the part its data cover), the sources'
-- titles, and the part of the year covered when it is not the whole year (`covered_label`, e.g. 'Jan–May').
-- A case measure comes from metric_value, an election measure from county_election_measure.
-- has_page: whether the county's page has anything (a prosecutor, an election or case data) where this measure
-- has no value.
WITH mv AS (
    SELECT v.scope_id AS fips, v.numerator, v.denominator, v.value, v.ci_low, v.ci_high, v.suppressed,
           v.suppression_reason, v.source_ids, coalesce(vp.partial, false) AS partial, vp.covered_label,
           vp.prosecutor AS attributed
    FROM metric_value v
    LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
     AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
    WHERE v.metric_id = $metric AND v.scope = 'county' AND v.period_grain = 'year' AND v.dimension = 'all'
      AND v.period_start = make_date($year::INTEGER, 1, 1)
    UNION ALL
    SELECT fips, NULL, NULL, value, NULL, NULL, false, NULL, source_ids, false, NULL, NULL
    FROM county_election_measure
    WHERE metric_id = $metric AND year = $year::INTEGER
),
sources AS (
    SELECT s.fips, string_agg(DISTINCT coalesce(src.title, s.source_id), '; ') AS source
    FROM (SELECT fips, trim(unnest(string_split(source_ids, ','))) AS source_id FROM mv) s
    LEFT JOIN source src USING (source_id)
    GROUP BY s.fips
),
tenure AS (
    SELECT oc.fips, p.name, t.start_date,
           date_diff('day', greatest(t.start_date, make_date($year::INTEGER, 1, 1)),
                     least(coalesce(t.end_date + 1, DATE '9999-12-31'), make_date($year::INTEGER + 1, 1, 1))) AS days
    FROM office_county oc
    JOIN term t USING (office_id)
    JOIN prosecutor p USING (prosecutor_id)
    WHERE t.start_date < make_date($year::INTEGER + 1, 1, 1)
      AND coalesce(t.end_date + 1, DATE '9999-12-31') > make_date($year::INTEGER, 1, 1)
),
in_office AS (
    SELECT fips, arg_max(name, (days, start_date)) AS prosecutor FROM tenure GROUP BY fips
)
SELECT c.fips, c.county_name, c.state_abbr, c.state_name, c.lat, c.lon,
       mv.value, mv.ci_low, mv.ci_high, mv.numerator, mv.denominator,
       coalesce(mv.suppressed, false) AS suppressed, mv.suppression_reason,
       coalesce(mv.attributed, io.prosecutor) AS prosecutor, sources.source,
       coalesce(mv.partial, false) AS partial, mv.covered_label,
       (c.fips IN (SELECT fips FROM office_county) OR c.fips IN (SELECT fips FROM coverage)) AS has_page
FROM county c
LEFT JOIN mv USING (fips)
LEFT JOIN sources USING (fips)
LEFT JOIN in_office io USING (fips)
ORDER BY c.fips
