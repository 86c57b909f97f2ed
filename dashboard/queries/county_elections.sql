-- Elections for the offices that cover one county (every candidate row), newest first, with the contest's
-- note from the returns (counties missing from a district race, a tie, a district total).
SELECT e.office_id, o.name AS office_name, e.election_date, e.round, e.candidate_name, e.incumbent, e.vote_share,
       e.winner, e.contested, ec.note
FROM office_county oc
JOIN election e USING (office_id)
JOIN office o USING (office_id)
LEFT JOIN (SELECT office_id, election_date, round, string_agg(DISTINCT note, '; ') AS note
           FROM election_contest GROUP BY ALL) ec USING (office_id, election_date, round)
WHERE oc.fips = $fips
ORDER BY e.election_date DESC, e.round, e.vote_share DESC NULLS LAST, e.candidate_name
