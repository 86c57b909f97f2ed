-- Where two detention sources report the same county and year, which one counts (the higher priority, then
-- the first by id) goes to source_choice beside the case stages' choices.
INSERT INTO source_choice
SELECT fips, 'detention' AS stage, year(period_start) AS year,
       arg_max(source_id, (coalesce(sp.priority, 0), source_id)) AS source_id,
       string_agg(DISTINCT source_id, ',' ORDER BY source_id) AS candidates,
       CASE WHEN count(DISTINCT coalesce(sp.priority, 0)) > 1 THEN 'higher priority'
            ELSE 'same priority: the first by id' END AS reason,
       NULL AS previous_source_id
FROM detention LEFT JOIN source_priority sp USING (source_id)
WHERE race = 'all'
GROUP BY fips, year(period_start)
HAVING count(DISTINCT source_id) > 1;

-- Jail population per 100,000 adults and the pretrial share of the jail, by scope and year.
-- Monthly reports average to the year; each county's adult population is the estimate nearest the year.
CREATE OR REPLACE TEMP TABLE detention_facts AS
WITH yearly AS (
    SELECT fips, date_trunc('year', period_start)::DATE AS year_start, measure,
           arg_max(source_id, (coalesce(sp.priority, 0), source_id)) AS source_id
    FROM detention LEFT JOIN source_priority sp USING (source_id)
    WHERE race = 'all' GROUP BY ALL
),
values_ AS (
    SELECT y.fips, y.year_start, y.measure, y.source_id, avg(d.value) AS value
    FROM yearly y JOIN detention d
      ON d.fips = y.fips AND d.measure = y.measure AND d.source_id = y.source_id AND d.race = 'all'
     AND date_trunc('year', d.period_start) = y.year_start
    GROUP BY ALL
),
wide AS (
    SELECT fips, year_start,
           max(value) FILTER (WHERE measure = 'jail_population') AS jail,
           max(value) FILTER (WHERE measure = 'pretrial_population') AS pretrial,
           string_agg(DISTINCT source_id, ',' ORDER BY source_id) AS source_ids
    FROM values_ GROUP BY ALL
),
adults AS (
    SELECT w.fips, w.year_start, arg_min(p.population, abs(p.year - year(w.year_start))) AS adults,
           arg_min(p.source_id, abs(p.year - year(w.year_start))) AS population_source
    FROM wide w JOIN county_population p ON p.fips = w.fips AND p.race = 'all' AND p.age_group = '18_plus'
    GROUP BY ALL
)
SELECT w.*, a.adults, a.population_source, c.state_abbr, co.office_id, ta.term_id
FROM wide w
LEFT JOIN adults a USING (fips, year_start)
LEFT JOIN county c USING (fips)
LEFT JOIN county_office co USING (fips)
LEFT JOIN term_attribution ta ON ta.office_id = co.office_id AND ta.period_start = w.year_start
     AND ta.period_grain = 'year';

-- Every detention metric of metric_definition: its numerator and denominator name a detention measure or
-- `adult_population` (the county's adults); a `per_100k` metric is scaled to 100,000.
INSERT INTO metric_raw
WITH operands AS (
    SELECT fips, year_start, state_abbr, office_id, term_id, source_ids, population_source,
           MAP {'jail_population': jail, 'pretrial_population': pretrial, 'adult_population': adults::DOUBLE}
               AS measures
    FROM detention_facts
),
parts AS (
    SELECT d.metric_id, o.fips, o.state_abbr, o.office_id, o.term_id, o.year_start,
           o.measures[d.numerator_outcomes[1]] AS num, o.measures[d.denominator_outcomes[1]] AS den,
           o.source_ids || CASE WHEN list_contains(d.numerator_outcomes || d.denominator_outcomes, 'adult_population')
                                THEN ',' || o.population_source ELSE '' END AS source_ids
    FROM operands o CROSS JOIN metric_definition d
    WHERE d.stage = 'detention'
),
grouped AS (
    SELECT metric_id,
           CASE WHEN GROUPING(fips) = 0 THEN 'county' WHEN GROUPING(office_id) = 0 THEN 'office'
                ELSE 'state' END AS scope,
           coalesce(fips, office_id, state_abbr) AS scope_id,
           year_start AS period_start, 'year' AS period_grain, 'all' AS dimension, 'all' AS dimension_value,
           sum(num) AS numerator, sum(den) AS denominator,
           array_to_string(list_sort(list_distinct(flatten(list(string_split(source_ids, ','))))), ',') AS source_ids
    FROM parts WHERE num IS NOT NULL AND den > 0
    GROUP BY metric_id, year_start, GROUPING SETS ((fips), (office_id), (state_abbr))
)
SELECT g.*, g.numerator / g.denominator * (CASE WHEN d.unit = 'per_100k' THEN 100000 ELSE 1 END) AS value
FROM grouped g JOIN metric_definition d USING (metric_id) WHERE scope_id IS NOT NULL AND denominator > 0;
