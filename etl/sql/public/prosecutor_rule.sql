-- prosecutor rule: published as built (see docs/WAREHOUSE.md).
SELECT state_abbr, office_kind, elected_per, term_years, term_start_month, regular_election_year, citation, source_id
FROM prosecutor_rule
