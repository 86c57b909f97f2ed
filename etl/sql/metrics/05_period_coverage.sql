-- The dates each source covers per county, stage and year. Rows an adapter recorded from what its files say
-- (an owner's note that a year is partial, a projection row) stand; every other year gets the dates seen in
-- the data: from its first reported period's first day to its last reported period's last day. A year is
-- partial when its data start after January or end before December (whole months: a daily source with a
-- quiet last week of December still covers the year).
CREATE OR REPLACE TEMP MACRO period_end(start, grain) AS (CASE grain
    WHEN 'day' THEN start + INTERVAL 1 DAY
    WHEN 'month' THEN start + INTERVAL 1 MONTH
    WHEN 'quarter' THEN start + INTERVAL 3 MONTH
    WHEN 'two_years' THEN start + INTERVAL 2 YEAR
    ELSE start + INTERVAL 1 YEAR END)::DATE;

INSERT INTO period_coverage
WITH reported AS (  -- a two-year period is in no yearly measure (20_case_facts.sql): no year of it is covered
    SELECT source_id, fips, stage, period_start, period_grain FROM case_counts WHERE period_grain <> 'two_years'
    UNION
    SELECT source_id, fips, 'detention', period_start, period_grain FROM detention
),
seen AS (
    SELECT source_id, fips, stage, date_trunc('year', period_start)::DATE AS year_start,
           min(period_start) AS covered_from, max(period_end(period_start, period_grain)) - 1 AS covered_to,
           bool_or(period_grain = 'year') AS yearly
    FROM reported GROUP BY ALL
)
SELECT s.source_id, s.fips, s.stage, s.year_start, 'year', s.covered_from, s.covered_to,
       month(s.covered_from) > 1 OR month(s.covered_to) < 12,
       CASE WHEN s.yearly THEN 'the source reports whole years'
            ELSE 'dates in the data: ' || strftime(s.covered_from, '%Y-%m-%d') || ' to '
                 || strftime(s.covered_to, '%Y-%m-%d') END
FROM seen s
WHERE NOT EXISTS (
    SELECT 1 FROM period_coverage p
    WHERE p.source_id = s.source_id AND p.fips = s.fips AND p.stage = s.stage AND p.period_start = s.year_start
);
