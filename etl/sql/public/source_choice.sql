-- Where two or more sources cover the same county, stage and year: which one is counted and why, and where the
-- counted source changes from one year to the next. No counts.
SELECT fips, stage, year, source_id, candidates, reason, previous_source_id
FROM source_choice
