-- Merge people tables from several sources; attribute case rows to offices.
-- Precedence: the higher `priority` (source_priority), then the source id; never the order of the catalogue.
-- An office's terms all come from the first source that has any term for it, so a derived table never
-- interleaves with the curated one.

CREATE TEMP TABLE source_rank AS
SELECT source_id, row_number() OVER (ORDER BY coalesce(p.priority, 0) DESC, source_id) AS rank
FROM source LEFT JOIN source_priority p USING (source_id);

CREATE OR REPLACE TABLE office AS
SELECT * EXCLUDE (rn) FROM (
    SELECT o.*, row_number() OVER (PARTITION BY office_id ORDER BY r.rank, o.rowid) AS rn
    FROM office o JOIN source_rank r USING (source_id)
) WHERE rn = 1;

CREATE OR REPLACE TABLE office_county AS
SELECT office_id, fips, min(source_id) AS source_id FROM office_county GROUP BY office_id, fips;

CREATE OR REPLACE TABLE prosecutor AS
SELECT * EXCLUDE (rn) FROM (
    SELECT p.*, row_number() OVER (PARTITION BY prosecutor_id ORDER BY r.rank, p.rowid) AS rn
    FROM prosecutor p JOIN source_rank r USING (source_id)
) WHERE rn = 1;

CREATE OR REPLACE TABLE term AS
WITH first_source AS (
    SELECT office_id, arg_min(t.source_id, r.rank) AS source_id
    FROM term t JOIN source_rank r USING (source_id) GROUP BY office_id
)
SELECT t.* FROM term t JOIN first_source f USING (office_id, source_id);

-- Elections: one source per office, date and round, so a race is never listed twice. Returns with vote
-- shares win over a cited row without them (the curated table fills in what the returns do not cover);
-- otherwise the source of highest priority.
CREATE OR REPLACE TABLE election AS
WITH per_source AS (
    SELECT office_id, election_date, round, source_id, bool_or(vote_share IS NOT NULL) AS has_share
    FROM election GROUP BY ALL
),
chosen AS (
    SELECT office_id, election_date, round, arg_min(p.source_id, (NOT has_share, r.rank)) AS source_id
    FROM per_source p JOIN source_rank r USING (source_id) GROUP BY ALL
)
SELECT e.* FROM election e JOIN chosen USING (office_id, election_date, round, source_id);

-- Each county's prosecuting office for felony cases: solicitors (misdemeanour-only offices) yield to
-- the district attorney, and an office known only from election returns yields to one with a cited source;
-- ties resolve to the lowest office id so the build is deterministic.
CREATE TEMP TABLE county_office AS
SELECT fips, arg_min(office_id, (o.kind LIKE 'solicitor%')::INT || (o.source_id = 'election_returns')::INT
                                || office_id) AS office_id
FROM office_county oc JOIN office o USING (office_id)
GROUP BY fips;

-- Rows that came without an office get their county's. Written anew rather than by an UPDATE of every row:
-- DuckDB holds an update's values in memory it cannot spill until a checkpoint, which a large build's memory
-- limit cannot hold; a table and an insert spill.
CREATE TEMP TABLE case_counts_attributed AS
SELECT cc.* REPLACE (coalesce(cc.office_id, co.office_id) AS office_id)
FROM case_counts cc LEFT JOIN county_office co ON co.fips = cc.fips;
DELETE FROM case_counts;
INSERT INTO case_counts SELECT * FROM case_counts_attributed;
DROP TABLE case_counts_attributed;
