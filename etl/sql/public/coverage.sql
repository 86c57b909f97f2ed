-- Which county has which stage from which source for which years; the count of cases (n) stays private:
-- it is often 1-9 and sums the same cases as published denominators, so it could reveal a hidden one.
SELECT fips, source_id, stage, first_year, last_year
FROM coverage
