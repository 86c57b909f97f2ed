-- Case counts rolled up to years, one source per county, stage and year (the highest priority, then the
-- largest), so two sources describing the same cases are never added together.
CREATE OR REPLACE TEMP TABLE chosen_source AS
SELECT fips, stage, year, arg_max(source_id, (priority, n, source_id)) AS source_id
FROM (
    SELECT cc.fips, cc.stage, year(cc.period_start) AS year, cc.source_id,
           coalesce(any_value(sp.priority), 0) AS priority, sum(cc.n) AS n
    FROM case_counts cc LEFT JOIN source_priority sp USING (source_id)
    WHERE cc.period_grain <> 'two_years'  -- a two-year period belongs to no one year: kept, not in yearly measures
    GROUP BY ALL
)
GROUP BY fips, stage, year;

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
