-- Two groups of one breakdown set side by side, for the questions page: group `a` (the breakdown values in $a)
-- against group `b` (the values in $b, or, when $b is empty, every case not in `a`: the `all` cell less `a`),
-- with `all` and `share` (group a's cases out of all cases at the stage), for the metrics in $metrics, in the
-- cells of $scope ('county': one county's years, $ids = [fips]; 'term': the prosecutor's terms, $ids = term ids).
-- Only published cells are added up: a group with a hidden part is `complete = false` and has no numbers, so no
-- count the warehouse hides is rebuilt here (sums and differences of published cells are published by the
-- additive structure the suppression step protects; docs/PRIVACY.md). A value missing from a breakdown counts
-- none of that measure's cases. 95% intervals: the warehouse's own Wilson macros (etl/sql/intervals.sql).
WITH cells AS (
    SELECT v.metric_id, v.scope_id, v.period_start, v.dimension, v.dimension_value, v.numerator, v.denominator,
           v.suppressed, v.source_ids, coalesce(vp.partial, false) AS partial, vp.covered_label
    FROM metric_value v
    LEFT JOIN value_period vp ON vp.metric_id = v.metric_id AND vp.scope = v.scope AND vp.scope_id = v.scope_id
     AND vp.period_start = v.period_start AND vp.period_grain = v.period_grain
    WHERE v.scope = $scope AND list_contains($ids, v.scope_id) AND list_contains($metrics, v.metric_id)
      AND v.period_grain = CASE WHEN $scope = 'term' THEN 'term' ELSE 'year' END
      AND v.dimension IN ('all', $dimension)
),
total AS (
    SELECT metric_id, scope_id, period_start, numerator, denominator, NOT suppressed AS complete, source_ids,
           partial, covered_label
    FROM cells WHERE dimension = 'all'
),
recorded AS (  -- whether the breakdown names any group other than `unknown` in the cell
    SELECT metric_id, scope_id, period_start, bool_or(dimension_value <> 'unknown') AS recorded
    FROM cells WHERE dimension = $dimension GROUP BY ALL
),
grouped AS (
    SELECT metric_id, scope_id, period_start,
           CASE WHEN list_contains($a, dimension_value) THEN 'a' ELSE 'b' END AS grp,
           sum(numerator) AS numerator, sum(denominator) AS denominator, bool_and(NOT suppressed) AS complete
    FROM cells
    WHERE dimension = $dimension AND (list_contains($a, dimension_value) OR list_contains($b, dimension_value))
    GROUP BY ALL
),
sides AS (
    SELECT t.metric_id, t.scope_id, t.period_start, g.grp,
           coalesce(g.numerator, 0) AS numerator, coalesce(g.denominator, 0) AS denominator,
           coalesce(g.complete, true) AS complete
    FROM total t CROSS JOIN (SELECT unnest(['a', 'b']) AS grp) k
    LEFT JOIN grouped g ON g.metric_id = t.metric_id AND g.scope_id = t.scope_id
     AND g.period_start = t.period_start AND g.grp = k.grp
    WHERE k.grp = 'a' OR len($b) > 0
),
rest AS (  -- every case not in `a`, when $b is empty
    SELECT t.metric_id, t.scope_id, t.period_start, 'b' AS grp, t.numerator - a.numerator AS numerator,
           t.denominator - a.denominator AS denominator, t.complete AND a.complete AS complete
    FROM total t JOIN sides a ON a.metric_id = t.metric_id AND a.scope_id = t.scope_id
     AND a.period_start = t.period_start AND a.grp = 'a'
    WHERE len($b) = 0
),
share AS (  -- group a's cases out of all cases the measure counts
    SELECT t.metric_id, t.scope_id, t.period_start, 'share' AS grp, a.denominator AS numerator,
           t.denominator, t.complete AND a.complete AS complete
    FROM total t JOIN sides a ON a.metric_id = t.metric_id AND a.scope_id = t.scope_id
     AND a.period_start = t.period_start AND a.grp = 'a'
),
every AS (
    SELECT * FROM sides UNION ALL SELECT * FROM rest UNION ALL SELECT * FROM share
    UNION ALL SELECT metric_id, scope_id, period_start, 'all' AS grp, numerator, denominator, complete FROM total
),
rated AS (
    SELECT e.metric_id, e.scope_id, e.period_start, e.grp, e.complete,
           CASE WHEN e.complete THEN e.numerator END AS numerator,
           CASE WHEN e.complete THEN e.denominator END AS denominator,
           CASE WHEN e.complete AND e.denominator > 0 THEN e.numerator / e.denominator END AS r,
           CASE WHEN e.complete THEN e.denominator END AS n
    FROM every e
)
SELECT r.metric_id, d.label, d.stage, d.unit, d.sort_order, r.scope_id, r.period_start,
       year(r.period_start) AS year, r.grp, r.complete, r.numerator, r.denominator, r.r AS value,
       CASE WHEN r.r IS NOT NULL THEN wilson_low(r.numerator, r.n) END AS ci_low,
       CASE WHEN r.r IS NOT NULL THEN wilson_high(r.numerator, r.n) END AS ci_high,
       t.source_ids, t.partial, t.covered_label, coalesce(k.recorded, false) AS recorded
FROM rated r
JOIN metric_definition d USING (metric_id)
JOIN total t ON t.metric_id = r.metric_id AND t.scope_id = r.scope_id AND t.period_start = r.period_start
LEFT JOIN recorded k ON k.metric_id = r.metric_id AND k.scope_id = r.scope_id AND k.period_start = r.period_start
ORDER BY r.period_start, d.sort_order, r.grp
