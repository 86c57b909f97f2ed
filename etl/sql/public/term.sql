-- Terms in office, each with its citation.
SELECT term_id, prosecutor_id, office_id, start_date, end_date, entry, citation, source_id
FROM term
