-- Prosecuting offices.
SELECT office_id, name, state_abbr, kind, selection, source_id
FROM office
