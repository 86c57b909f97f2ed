-- Every term in the prosecuting offices that cover one county: who, which office, when, how they came to
-- office (elected/appointed/interim/acting) and where the dates come from, oldest first.
SELECT t.term_id, t.prosecutor_id, p.name, p.party, t.office_id, o.name AS office_name, o.kind, o.selection,
       t.start_date, t.end_date, t.entry, t.citation,
       (SELECT count(*) FROM office_county x WHERE x.office_id = o.office_id) AS office_counties,
       (SELECT count(*) FROM term_attribution ta WHERE ta.office_id = o.office_id) AS attributed_periods
FROM office_county oc
JOIN office o USING (office_id)
JOIN term t USING (office_id)
JOIN prosecutor p USING (prosecutor_id)
WHERE oc.fips = $fips
ORDER BY t.office_id, t.start_date
