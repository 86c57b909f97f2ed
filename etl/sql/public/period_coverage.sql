-- Per source, county, stage and year: which days the data cover, whether the year is partial, and how that is known.
SELECT source_id, fips, stage, period_start, period_grain, covered_from, covered_to, partial, basis
FROM period_coverage
