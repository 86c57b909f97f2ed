-- Elections for the offices that cover one county (every candidate row), newest first.
SELECT e.office_id, o.name AS office_name, e.election_date, e.round, e.candidate_name, e.incumbent, e.vote_share,
       e.winner, e.contested
FROM office_county oc
JOIN election e USING (office_id)
JOIN office o USING (office_id)
WHERE oc.fips = $fips
ORDER BY e.election_date DESC, e.round, e.vote_share DESC NULLS LAST, e.candidate_name
