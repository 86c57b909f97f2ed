-- Which term each reported period belongs to. A decision belongs to the prosecutor in office on its date;
-- a period longer than a day goes to the term that held office for most of it (ties: the later term).
INSERT INTO term_attribution
WITH periods AS (
    SELECT DISTINCT office_id, period_start, period_grain FROM case_counts WHERE office_id IS NOT NULL
    UNION
    SELECT DISTINCT co.office_id, date_trunc('year', d.period_start)::DATE, 'year'
    FROM detention d JOIN county_office co USING (fips)
),
bounds AS (
    SELECT *, (CASE period_grain
        WHEN 'day' THEN period_start + INTERVAL 1 DAY
        WHEN 'month' THEN period_start + INTERVAL 1 MONTH
        WHEN 'quarter' THEN period_start + INTERVAL 3 MONTH
        ELSE period_start + INTERVAL 1 YEAR END)::DATE AS period_end
    FROM periods
),
held AS (
    SELECT b.office_id, b.period_start, b.period_grain, t.term_id, t.start_date,
           date_diff('day', greatest(b.period_start, t.start_date),
                     least(b.period_end, coalesce(t.end_date + 1, DATE '9999-12-31'))) AS days,
           date_diff('day', b.period_start, b.period_end) AS period_days
    FROM bounds b JOIN term t
      ON t.office_id = b.office_id AND t.start_date < b.period_end
     AND coalesce(t.end_date + 1, DATE '9999-12-31') > b.period_start
)
SELECT office_id, period_start, period_grain,
       arg_max(term_id, (days, start_date)) AS term_id,
       max(days) / any_value(period_days) AS share_of_period,
       CASE period_grain WHEN 'day' THEN 'in office on the date'
            ELSE 'in office for most of the ' || period_grain END AS rule
FROM held
GROUP BY office_id, period_start, period_grain;
