-- The dated events of a county ($fips, with $office '') or of an office ($office, with $fips ''), oldest first:
-- the cited events typed for its counties or for their whole state, and every change of prosecutor in the
-- offices serving the county (or in the office), read from `term` with the term's own citation (in another
-- language, its label is dashboard/warehouse_words.py's "<name> takes office"). A term
-- following the same prosecutor's is a re-election, not a change; an office's first term in the data counts only
-- when a record of who served says so, not when it is derived from an election win.
WITH places AS (
    SELECT fips, state_abbr FROM county
    WHERE fips = $fips OR fips IN (SELECT fips FROM office_county WHERE office_id = $office)
),
offices AS (
    SELECT office_id FROM office_county WHERE fips = $fips
    UNION
    SELECT office_id FROM office WHERE office_id = $office
),
typed AS (
    SELECT DISTINCT e.event_date, e.kind, e.label, e.label_es, e.citation_title, e.publisher, e.url
    FROM event e
    WHERE e.place IN (SELECT fips FROM places) OR e.place IN (SELECT state_abbr FROM places)
),
terms AS (
    SELECT t.*, p.name,
           lag(t.prosecutor_id) OVER (PARTITION BY t.office_id ORDER BY t.start_date) AS before
    FROM term t
    JOIN prosecutor p USING (prosecutor_id)
    WHERE t.office_id IN (SELECT office_id FROM offices)
),
changes AS (
    SELECT t.start_date AS event_date, 'change_of_prosecutor' AS kind, t.name || ' takes office' AS label, NULL AS label_es,
           t.citation AS citation_title, s.publisher, s.url
    FROM terms t LEFT JOIN source s USING (source_id)
    WHERE (t.before IS NULL AND t.entry <> 'derived') OR t.before <> t.prosecutor_id
)
SELECT * FROM typed
UNION ALL
SELECT * FROM changes
ORDER BY event_date, label
