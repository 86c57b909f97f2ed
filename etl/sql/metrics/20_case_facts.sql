-- Case counts rolled up to years, one source per county, stage and year, so two sources describing the same
-- cases are never added together: a source that declares it `replaces` another for a range of years (the
-- temp table source_replaces) removes that source wherever both cover the cell; of the rest, the highest
-- priority counts, then the largest. Every cell with more than one source, and every change of the counted
-- source from one year to the next, is written to source_choice with its reason.
CREATE OR REPLACE TEMP TABLE source_candidate AS
SELECT cc.fips, cc.stage, year(cc.period_start) AS year, cc.source_id,
       coalesce(any_value(sp.priority), 0) AS priority, sum(cc.n) AS n
FROM case_counts cc LEFT JOIN source_priority sp USING (source_id)
WHERE cc.period_grain <> 'two_years'  -- a two-year period belongs to no one year: kept, not in yearly measures
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE source_replaced AS
SELECT DISTINCT c.fips, c.stage, c.year, r.replaced AS source_id, r.source_id AS by_source
FROM source_candidate c
JOIN source_replaces r ON r.source_id = c.source_id AND c.year BETWEEN r.from_year AND r.to_year
JOIN source_candidate o ON o.fips = c.fips AND o.stage = c.stage AND o.year = c.year AND o.source_id = r.replaced;

CREATE OR REPLACE TEMP TABLE chosen_source AS
SELECT fips, stage, year, arg_max(source_id, (priority, n, source_id)) AS source_id
FROM source_candidate ANTI JOIN source_replaced USING (fips, stage, year, source_id)
GROUP BY fips, stage, year;

INSERT INTO source_choice
WITH ranked AS (
    SELECT c.*, row_number() OVER (PARTITION BY fips, stage, year ORDER BY priority DESC, n DESC, source_id DESC) AS rank
    FROM source_candidate c ANTI JOIN source_replaced USING (fips, stage, year, source_id)
),
cell AS (
    SELECT fips, stage, year, count(*) AS sources,
           any_value(source_id) FILTER (rank = 1) AS source_id, any_value(source_id) FILTER (rank = 2) AS runner_up,
           any_value(priority) FILTER (rank = 1) AS p1, any_value(priority) FILTER (rank = 2) AS p2,
           any_value(n) FILTER (rank = 1) AS n1, any_value(n) FILTER (rank = 2) AS n2
    FROM ranked GROUP BY ALL
),
everything AS (
    SELECT fips, stage, year, string_agg(source_id, ',' ORDER BY source_id) AS candidates, count(*) AS sources
    FROM source_candidate GROUP BY ALL
),
replaced AS (
    SELECT fips, stage, year, string_agg(source_id, ', ' ORDER BY source_id) AS replaced
    FROM source_replaced GROUP BY ALL
),
series AS (
    SELECT *, lag(source_id) OVER (PARTITION BY fips, stage ORDER BY year) AS before FROM cell
)
SELECT s.fips, s.stage, s.year, s.source_id, e.candidates,
       CASE WHEN s.sources = 1 AND r.replaced IS NOT NULL THEN 'replaces ' || r.replaced || ' for this year (declared)'
            WHEN s.sources = 1 THEN 'the only source'
            WHEN s.p1 > s.p2 THEN 'higher priority than ' || s.runner_up
            WHEN s.n1 > s.n2 THEN 'more cases than ' || s.runner_up || ' (same priority)'
            ELSE 'same priority and size as ' || s.runner_up || ': the first by id' END AS reason,
       CASE WHEN s.before <> s.source_id THEN s.before END AS previous_source_id
FROM series s JOIN everything e USING (fips, stage, year) LEFT JOIN replaced r USING (fips, stage, year)
WHERE e.sources > 1 OR s.before <> s.source_id;

-- Sources as bits of one BITSTRING as wide as the source list (any number of sources), so the many groupings
-- below combine them with a cheap bit_or (names decoded after, by position).
CREATE OR REPLACE TEMP TABLE source_bit AS
WITH numbered AS (
    SELECT source_id, (row_number() OVER (ORDER BY source_id) - 1)::INT AS pos, count(*) OVER () AS width
    FROM source
)
SELECT source_id, pos, set_bit(bitstring('0', greatest(width, 1)::INT), pos, 1) AS bit FROM numbered;

CREATE OR REPLACE TEMP MACRO source_names(bits) AS (
    SELECT string_agg(source_id, ',' ORDER BY source_id) FROM source_bit WHERE get_bit(bits, pos) = 1
);

-- Grouping keys as ENUM types (small integers inside, text outside): the metric step groups millions of
-- rows by them in 24 ways, and DuckDB hashes and compares integers several times faster than text.
CREATE OR REPLACE TEMP TYPE fips_key AS ENUM (SELECT DISTINCT fips FROM case_counts);
CREATE OR REPLACE TEMP TYPE office_key AS ENUM (
    SELECT DISTINCT office_id FROM case_counts WHERE office_id IS NOT NULL);
CREATE OR REPLACE TEMP TYPE state_key AS ENUM (SELECT DISTINCT state_abbr FROM county WHERE state_abbr IS NOT NULL);
CREATE OR REPLACE TEMP TYPE term_key AS ENUM (SELECT DISTINCT term_id FROM term_attribution);
CREATE OR REPLACE TEMP TYPE dimension_key AS ENUM (
    SELECT race FROM case_counts UNION SELECT sex FROM case_counts UNION SELECT age_band FROM case_counts
    UNION SELECT offense_category FROM case_counts UNION SELECT offense_level FROM case_counts);

CREATE OR REPLACE TEMP TABLE facts AS
SELECT cc.source_id, any_value(sb.bit) AS source_bit, cc.fips::fips_key AS fips, c.state_abbr::state_key AS state_abbr,
       cc.office_id::office_key AS office_id, ta.term_id::term_key AS term_id,
       date_trunc('year', cc.period_start)::DATE AS year_start,
       cc.stage, cc.outcome, cc.race::dimension_key AS race, cc.sex::dimension_key AS sex,
       cc.age_band::dimension_key AS age_band, cc.offense_category::dimension_key AS offense_category,
       cc.offense_level::dimension_key AS offense_level,
       sum(cc.n) AS n
FROM case_counts cc
JOIN chosen_source cs
  ON cs.fips = cc.fips AND cs.stage = cc.stage AND cs.year = year(cc.period_start) AND cs.source_id = cc.source_id
JOIN source_bit sb ON sb.source_id = cc.source_id
LEFT JOIN county c ON c.fips = cc.fips
LEFT JOIN term_attribution ta
  ON ta.office_id = cc.office_id AND ta.period_start = cc.period_start AND ta.period_grain = cc.period_grain
GROUP BY ALL;
