-- Every term in the offices one prosecutor held (theirs and everyone else's, for predecessors and shading),
-- with the office, its state and counties, entry, dates and citation; mine = true for the prosecutor's own terms.
WITH offices AS (SELECT DISTINCT office_id FROM term WHERE prosecutor_id = $id)
SELECT t.term_id, t.prosecutor_id, p.name, p.party, t.office_id, o.name AS office_name, o.state_abbr,
       t.start_date, t.end_date, t.entry, t.citation, t.prosecutor_id = $id AS mine,
       (SELECT string_agg(c.county_name || ', ' || c.state_abbr, '; ' ORDER BY c.county_name)
          FROM office_county oc JOIN county c USING (fips) WHERE oc.office_id = t.office_id) AS counties,
       (SELECT list(oc.fips ORDER BY oc.fips) FROM office_county oc WHERE oc.office_id = t.office_id) AS fips_list
FROM term t JOIN offices USING (office_id) JOIN office o USING (office_id) JOIN prosecutor p USING (prosecutor_id)
ORDER BY t.office_id, t.start_date
