-- The suppression rule used everywhere (the 95% intervals are defined in ../intervals.sql).
-- A cell is suppressed when its denominator is small, or when its numerator or the rest of the
-- denominator is a small non-zero count (either could be worked out from the other two numbers).
CREATE OR REPLACE TEMP MACRO suppression_reason(x, n, k) AS CASE
    WHEN n < k THEN 'fewer than ' || k || ' cases in all'
    WHEN x > 0 AND x < k THEN 'fewer than ' || k || ' cases counted'
    WHEN n - x > 0 AND n - x < k THEN 'fewer than ' || k || ' cases not counted (the count could be worked out)'
    END;
-- A count a reader must not learn: between 1 and k - 1 (counts of people; averages are rounded).
CREATE OR REPLACE TEMP MACRO is_small(v, k) AS v >= 0.5 AND v < k - 0.5;
