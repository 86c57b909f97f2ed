-- Candidates in prosecutor elections (public election results).
SELECT office_id, election_date, round, candidate_name, incumbent, vote_share, winner, contested, source_id
FROM election
