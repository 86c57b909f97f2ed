-- The prosecuting offices that cover one county, with how many counties each covers and how many reporting
-- periods are attributed to its terms (the office with data first, then the felony prosecutor before a county
-- attorney, and a Solicitor-General, who prosecutes misdemeanours, last).
SELECT o.office_id, o.name, o.state_abbr, o.kind, o.selection,
       (SELECT count(*) FROM office_county x WHERE x.office_id = o.office_id) AS office_counties,
       (SELECT count(*) FROM term_attribution ta WHERE ta.office_id = o.office_id) AS attributed_periods,
       (SELECT string_agg(DISTINCT ta.rule, '; ') FROM term_attribution ta
         WHERE ta.office_id = o.office_id AND ta.period_grain = 'year') AS year_rule
FROM office_county oc JOIN office o USING (office_id)
WHERE oc.fips = $fips
ORDER BY attributed_periods DESC,
         CASE o.kind WHEN 'solicitor_general' THEN 3 WHEN 'county_attorney' THEN 2 ELSE 1 END, o.office_id
