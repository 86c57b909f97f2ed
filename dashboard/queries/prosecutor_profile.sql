-- One prosecutor by id (empty when unknown): name, party, and how many terms and offices they held.
SELECT p.prosecutor_id, p.name, p.party, count(t.term_id) AS terms, count(DISTINCT t.office_id) AS offices,
       min(t.start_date) AS first_start, max(coalesce(t.end_date, DATE '9999-12-31')) AS last_end
FROM prosecutor p LEFT JOIN term t USING (prosecutor_id)
WHERE p.prosecutor_id = $id
GROUP BY ALL
