-- The 95% intervals, defined once: the build computes every published value's interval with them, and the
-- public warehouse keeps them (persistent macros), so the dashboard pools counts with the same definitions.
-- Wilson score interval (95%) for x successes out of n.
CREATE OR REPLACE MACRO wilson_low(x, n) AS CASE WHEN n > 0 THEN greatest(0.0,
    ((x / n) + 1.96 ^ 2 / (2 * n) - 1.96 * sqrt((x / n) * (1 - x / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
    / (1 + 1.96 ^ 2 / n)) END;
CREATE OR REPLACE MACRO wilson_high(x, n) AS CASE WHEN n > 0 THEN least(1.0,
    ((x / n) + 1.96 ^ 2 / (2 * n) + 1.96 * sqrt((x / n) * (1 - x / n) / n + 1.96 ^ 2 / (4 * n ^ 2)))
    / (1 + 1.96 ^ 2 / n)) END;
-- Normal-approximation Poisson interval (95%) of a count x, as a rate per 100,000 of n.
CREATE OR REPLACE MACRO poisson_low_per_100k(x, n) AS greatest(0.0, (x - 1.96 * sqrt(x)) / n * 100000);
CREATE OR REPLACE MACRO poisson_high_per_100k(x, n) AS (x + 1.96 * sqrt(x)) / n * 100000;
-- The interval of a value in its unit: Wilson for shares, Poisson for rates per 100,000 (none without cases).
CREATE OR REPLACE MACRO interval_low(x, n, unit) AS CASE WHEN n > 0 THEN
    CASE WHEN unit = 'per_100k' THEN poisson_low_per_100k(x, n) ELSE wilson_low(x, n) END END;
CREATE OR REPLACE MACRO interval_high(x, n, unit) AS CASE WHEN n > 0 THEN
    CASE WHEN unit = 'per_100k' THEN poisson_high_per_100k(x, n) ELSE wilson_high(x, n) END END;
