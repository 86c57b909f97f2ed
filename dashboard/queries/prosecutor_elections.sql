-- Elections of every office one prosecutor held, with each office's schedule (the page keeps the person's races).
SELECT e.office_id, o.name AS office_name, e.election_date, e.round, e.candidate_name, e.incumbent, e.vote_share,
       e.winner, e.contested, ec.note, s.next_general, s.term_years, s.basis
FROM (SELECT DISTINCT office_id FROM term WHERE prosecutor_id = $id) t
JOIN election e USING (office_id)
JOIN office o USING (office_id)
LEFT JOIN office_schedule s USING (office_id)
LEFT JOIN (SELECT office_id, election_date, round, string_agg(DISTINCT note, '; ') AS note
           FROM election_contest GROUP BY ALL) ec USING (office_id, election_date, round)
ORDER BY e.election_date DESC, e.round, e.vote_share DESC NULLS LAST
