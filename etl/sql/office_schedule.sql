-- Every office's last general election and its next regular one (US general election day: the Tuesday after
-- the first Monday of November), from the office's own returns and its state's rule (prosecutor_rule):
-- next = the last general election plus whole terms, or the state's regular cycle when the office has none.

CREATE OR REPLACE TEMP MACRO general_election_day(y) AS
    make_date(y, 11, 1) + ((8 - dayofweek(make_date(y, 11, 1))) % 7 + 1)::INTEGER;

CREATE OR REPLACE TEMP TABLE office_rule AS
SELECT o.office_id, o.state_abbr,
       coalesce(k.term_years, d.term_years) AS term_years,
       coalesce(k.regular_election_year, d.regular_election_year) AS cycle_year,
       coalesce(k.citation, d.citation) AS citation
FROM office o
LEFT JOIN prosecutor_rule k ON k.state_abbr = o.state_abbr AND k.office_kind = o.kind
LEFT JOIN prosecutor_rule d ON d.state_abbr = o.state_abbr AND d.office_kind IS NULL;

CREATE OR REPLACE TEMP TABLE office_last AS
SELECT office_id, max(election_date) AS last_general,
       max(election_date) FILTER (round = 'general' AND month(election_date) = 11) AS last_regular
FROM election WHERE round IN ('general', 'special') GROUP BY office_id;

INSERT INTO office_schedule
WITH anchored AS (
    SELECT r.office_id, l.last_general, r.term_years, r.citation,
           coalesce(year(l.last_regular), r.cycle_year) AS anchor,
           CASE WHEN l.last_regular IS NOT NULL THEN 'its last regular general election'
                WHEN r.cycle_year IS NOT NULL THEN 'the state''s regular cycle' END AS from_what
    FROM office_rule r LEFT JOIN office_last l USING (office_id)
),
candidate AS (
    SELECT *, CASE WHEN anchor IS NOT NULL AND term_years IS NOT NULL THEN
                   anchor + term_years * greatest(1, ceil((year(current_date) - anchor) / term_years::DOUBLE))::INTEGER
              END AS year_next
    FROM anchored
),
next_year AS (
    SELECT * REPLACE (CASE WHEN general_election_day(year_next) <= current_date THEN year_next + term_years
                           ELSE year_next END AS year_next)
    FROM candidate
)
SELECT office_id, last_general, general_election_day(year_next), term_years,
       CASE WHEN year_next IS NULL THEN
                CASE WHEN term_years IS NULL THEN 'no rule for this state is in the rules table'
                     ELSE 'no election for this office is in the data and its state''s elections are staggered' END
            ELSE 'every ' || term_years || ' years from ' || from_what || ' (' || anchor || '): ' || citation END
FROM next_year;
