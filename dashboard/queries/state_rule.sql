-- How one state chooses its prosecutors (prosecutor_rule), for a county with no office in the data.
SELECT office_kind, elected_per, term_years, citation
FROM prosecutor_rule WHERE state_abbr = $state
ORDER BY office_kind NULLS FIRST
