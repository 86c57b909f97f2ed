-- Every county with one measure's value for one year ($metric, $year; NULL value = no data), its interval,
-- counts, suppression, the prosecutor in office for most of that year and the sources' titles.
WITH mv AS (
    SELECT scope_id AS fips, numerator, denominator, value, ci_low, ci_high, suppressed, suppression_reason,
           source_ids
    FROM metric_value
    WHERE metric_id = $metric AND scope = 'county' AND period_grain = 'year' AND dimension = 'all'
      AND period_start = make_date($year::INTEGER, 1, 1)
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
       io.prosecutor, sources.source
FROM county c
LEFT JOIN mv USING (fips)
LEFT JOIN sources USING (fips)
LEFT JOIN in_office io USING (fips)
ORDER BY c.fips
