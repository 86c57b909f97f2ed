-- Terms: end after start, known office and prosecutor, and no two terms of one office overlapping.
SELECT 'term ' || term_id || ': ends (' || end_date || ') before it starts (' || start_date || ')' AS problem
FROM term WHERE end_date < start_date
UNION ALL
SELECT 'term ' || term_id || ': unknown office ' || office_id FROM term WHERE office_id NOT IN (SELECT office_id FROM office)
UNION ALL
SELECT 'term ' || term_id || ': unknown prosecutor ' || prosecutor_id
FROM term WHERE prosecutor_id NOT IN (SELECT prosecutor_id FROM prosecutor)
UNION ALL
SELECT 'office ' || a.office_id || ': terms overlap: ' || a.term_id || ' and ' || b.term_id
FROM term a JOIN term b ON a.office_id = b.office_id AND a.term_id < b.term_id
WHERE a.start_date <= coalesce(b.end_date, DATE '9999-12-31') AND b.start_date <= coalesce(a.end_date, DATE '9999-12-31')
UNION ALL
SELECT 'office_county: unknown office ' || office_id FROM office_county WHERE office_id NOT IN (SELECT office_id FROM office)
