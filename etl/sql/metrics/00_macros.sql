-- Wilson score interval (95%) for x successes out of n, and the suppression rule used everywhere.
CREATE OR REPLACE TEMP MACRO wilson_low(x, n) AS CASE WHEN n > 0 THEN greatest(0.0,
    ((x / n) + 1.96 ^ 2 / (2 * n) - 1.96 * sqrt((x / n) * (1 - x / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
    / (1 + 1.96 ^ 2 / n)) END;
CREATE OR REPLACE TEMP MACRO wilson_high(x, n) AS CASE WHEN n > 0 THEN least(1.0,
    ((x / n) + 1.96 ^ 2 / (2 * n) + 1.96 * sqrt((x / n) * (1 - x / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
    / (1 + 1.96 ^ 2 / n)) END;
-- Normal-approximation Poisson interval (95%) of a count x, as a rate per 100,000 of n.
CREATE OR REPLACE TEMP MACRO poisson_low_per_100k(x, n) AS greatest(0.0, (x - 1.96 * sqrt(x)) / n * 100000);
CREATE OR REPLACE TEMP MACRO poisson_high_per_100k(x, n) AS (x + 1.96 * sqrt(x)) / n * 100000;
-- A cell is suppressed when its denominator is small, or when its numerator or the rest of the
-- denominator is a small non-zero count (either could be worked out from the other two numbers).
CREATE OR REPLACE TEMP MACRO suppression_reason(x, n, k) AS CASE
    WHEN n < k THEN 'fewer than ' || k || ' cases in all'
    WHEN x > 0 AND x < k THEN 'fewer than ' || k || ' cases counted'
    WHEN n - x > 0 AND n - x < k THEN 'fewer than ' || k || ' cases not counted (the count could be worked out)'
    END;
-- A count a reader must not learn: between 1 and k - 1 (counts of people; averages are rounded).
CREATE OR REPLACE TEMP MACRO is_small(v, k) AS v >= 0.5 AND v < k - 0.5;
