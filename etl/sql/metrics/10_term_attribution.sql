-- Which term each reported period belongs to. A decision belongs to the prosecutor in office on its date;
-- a period longer than a day goes to the term that held office for most of it (ties: the later term).
-- Every published period gets a row at every grain: the periods a source reports (a month, a day) and the
-- years every value is published by, whatever grain the source reports at. A year the data cover only in
-- part (period_coverage) goes to whoever held office for most of the part covered.
INSERT INTO term_attribution
WITH periods AS (
    SELECT DISTINCT office_id, period_start, period_grain FROM case_counts WHERE office_id IS NOT NULL
    UNION
    SELECT DISTINCT office_id, date_trunc('year', period_start)::DATE, 'year'
    FROM case_counts WHERE office_id IS NOT NULL AND period_grain <> 'two_years'
    UNION
    SELECT DISTINCT co.office_id, date_trunc('year', d.period_start)::DATE, 'year'
    FROM detention d JOIN county_office co USING (fips)
),
covered AS (  -- the part of each year the office's data cover
    SELECT co.office_id, pc.period_start, min(pc.covered_from) AS covered_from,
           max(coalesce(pc.covered_to, (pc.period_start + INTERVAL 1 YEAR)::DATE - 1)) + 1 AS covered_end
    FROM period_coverage pc JOIN county_office co USING (fips)
    WHERE pc.period_grain = 'year'
    GROUP BY ALL
),
bounds AS (
    SELECT p.*, CASE WHEN p.period_grain = 'year' THEN coalesce(c.covered_from, p.period_start)
                     ELSE p.period_start END AS span_start,
           CASE WHEN p.period_grain = 'year' AND c.covered_end IS NOT NULL THEN c.covered_end
                ELSE period_end(p.period_start, p.period_grain) END AS span_end,
           p.period_grain = 'year' AND (c.covered_from > p.period_start
               OR c.covered_end < period_end(p.period_start, p.period_grain)) AS part_covered
    FROM periods p LEFT JOIN covered c USING (office_id, period_start)
),
held AS (
    SELECT b.office_id, b.period_start, b.period_grain, b.part_covered, t.term_id, t.start_date,
           date_diff('day', greatest(b.span_start, t.start_date),
                     least(b.span_end, coalesce(t.end_date + 1, DATE '9999-12-31'))) AS days,
           date_diff('day', b.span_start, b.span_end) AS period_days
    FROM bounds b JOIN term t
      ON t.office_id = b.office_id AND t.start_date < b.span_end
     AND coalesce(t.end_date + 1, DATE '9999-12-31') > b.span_start
)
SELECT office_id, period_start, period_grain,
       arg_max(term_id, (days, start_date)) AS term_id,
       max(days) / any_value(period_days) AS share_of_period,
       CASE WHEN period_grain = 'day' THEN 'in office on the date'
            WHEN bool_or(part_covered) THEN 'in office for most of the ' || period_grain
                 || ' (of the part the data cover)'
            ELSE 'in office for most of the ' || period_grain END AS rule
FROM held
GROUP BY office_id, period_start, period_grain;
