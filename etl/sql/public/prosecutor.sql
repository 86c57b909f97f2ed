-- Elected and appointed prosecutors: public officials, named in public records.
SELECT prosecutor_id, name, party, source_id
FROM prosecutor
