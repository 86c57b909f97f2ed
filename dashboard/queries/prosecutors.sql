-- Every prosecutor with their offices and first and last day in office.
SELECT p.prosecutor_id, p.name, p.party, string_agg(DISTINCT o.name, '; ' ORDER BY o.name) AS offices,
       min(t.start_date) AS first_start, max(coalesce(t.end_date, DATE '9999-12-31')) AS last_end
FROM prosecutor p JOIN term t USING (prosecutor_id) JOIN office o USING (office_id)
GROUP BY ALL ORDER BY p.name
