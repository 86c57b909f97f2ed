-- County election measures by year ("as of 31 December"): was the county's last general election for prosecutor
-- contested, and how many years since the last contested one. Where several offices cover a county, the felony
-- prosecutor's office is used (a county attorney only where no other office has returns; a Solicitor-General,
-- who prosecutes misdemeanours, last).

CREATE OR REPLACE TEMP TABLE general_race AS
SELECT office_id, election_date, bool_or(contested) AS contested, string_agg(DISTINCT source_id, ',') AS source_ids
FROM election WHERE round = 'general'
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE county_race AS
SELECT * FROM (
    SELECT oc.fips, g.*,
           CASE o.kind WHEN 'solicitor_general' THEN 3 WHEN 'county_attorney' THEN 2 ELSE 1 END AS office_rank
    FROM office_county oc JOIN office o USING (office_id) JOIN general_race g USING (office_id)
) QUALIFY office_rank = min(office_rank) OVER (PARTITION BY fips);

CREATE OR REPLACE TEMP TABLE county_year AS
SELECT fips, y.year
FROM (SELECT fips, min(year(election_date)) AS first_year FROM county_race GROUP BY fips) f,
     (SELECT unnest(range(1990, (SELECT max(year(election_date)) + 1 FROM county_race))) AS year) y
WHERE y.year >= f.first_year;

INSERT INTO county_election_measure
WITH as_of AS (
    SELECT cy.fips, cy.year,
           arg_max(r.contested, r.election_date) AS last_contested,
           arg_max(r.source_ids, r.election_date) AS last_sources,
           max(r.election_date) FILTER (r.contested) AS last_contest_date,
           arg_max(r.source_ids, r.election_date) FILTER (r.contested) AS contest_sources
    FROM county_year cy JOIN county_race r ON r.fips = cy.fips AND year(r.election_date) <= cy.year
    GROUP BY ALL
)
SELECT 'last_general_contested', fips, year, CASE WHEN last_contested THEN 1.0 ELSE 0.0 END, last_sources
FROM as_of WHERE last_contested IS NOT NULL
UNION ALL
SELECT 'years_since_contested', fips, year, (year - year(last_contest_date))::DOUBLE, contest_sources
FROM as_of WHERE last_contest_date IS NOT NULL;
