-- election contest: published as built (see docs/WAREHOUSE.md).
SELECT office_id, election_date, round, party, counties_reported, counties_expected, counties_missing, valid_votes, candidates, contested, winner_name, winner_share, collection, note, source_id
FROM election_contest
