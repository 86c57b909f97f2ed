-- One pass over the groups that hold a cell hidden since the last pass (`candidate`, etl/suppression.py): a group
-- is unsafe when
--   (1) exactly one of its cells is hidden and total = sum of parts: that cell's counts follow exactly; or
--       exactly one of its denominators is hidden (a hidden cell's denominator another measure shows is not): that
--       denominator follows, and with it the totals of other groups it belongs to (Santa Clara 2024: the felony
--       and misdemeanour dispositions shown in two measures give the hidden total's, which minus the men's gives
--       the women's);
--   (2) its total is shown and the total minus the shown parts (what is hidden, summed) is a small count:
--       numerator, denominator or the rest of the denominator (for a rate per 100,000: the numerator only).
-- Each unsafe group hides one more cell: the shown part that closes the gap (a part that adds to the small count
-- first, then an `unknown` or `other` group, then the fewest cases), else the total; etl/suppression.py hides the
-- measures that show its denominator with it. For a lone hidden denominator the cell may be one already hidden
-- whose denominator another measure shows: the measures that show it go. Writes group_hide (cell_id, reason).
-- A cell is hidden by the first rule (`hidden`, fixed) or by an earlier pass (`complement_hidden`, appended).
-- The pass's cells are a table, not a CTE read twice: a materialised CTE cannot spill, and it ran out of memory
-- at 20 million demo cases under a low limit (etl/build.py).
CREATE OR REPLACE TEMP TABLE pass_member AS
SELECT m.group_id, m.kind, m.is_total, m.cell_id, m.hidden OR h.cell_id IS NOT NULL AS hidden, m.unit, m.x, m.n
FROM suppression_member m SEMI JOIN candidate USING (group_id)
LEFT JOIN complement_hidden h ON h.cell_id = m.cell_id;

-- A hidden cell whose denominator another measure of its family shows (family_shown.sql): its numerator is
-- hidden, its denominator is not (`den_hidden` false).
CREATE OR REPLACE TEMP TABLE family_probe AS SELECT DISTINCT cell_id FROM pass_member WHERE hidden;

CREATE OR REPLACE TEMP TABLE pass_cell AS
SELECT p.*, p.hidden AND NOT coalesce(f.shown, FALSE) AS den_hidden
FROM pass_member p LEFT JOIN family_shown() f USING (cell_id);

DROP TABLE pass_member;

CREATE OR REPLACE TEMP TABLE group_hide AS
WITH cells AS (SELECT * FROM pass_cell),
summary AS (
    SELECT group_id, any_value(kind) AS kind, any_value(unit) AS unit,
           count(*) FILTER (WHERE hidden) AS hidden_cells, count(*) FILTER (WHERE is_total) AS totals,
           count(*) FILTER (WHERE den_hidden) AS hidden_dens,
           bool_or(hidden AND is_total) AS total_hidden, bool_or(den_hidden AND is_total) AS total_den_hidden,
           any_value(x) FILTER (WHERE is_total) AS tx, any_value(n) FILTER (WHERE is_total) AS tn,
           coalesce(sum(x) FILTER (WHERE NOT is_total), 0) AS all_x,
           coalesce(sum(n) FILTER (WHERE NOT is_total), 0) AS all_n,
           coalesce(sum(x) FILTER (WHERE NOT is_total AND NOT hidden), 0) AS shown_x,
           coalesce(sum(n) FILTER (WHERE NOT is_total AND NOT hidden), 0) AS shown_n,
           coalesce(sum(n) FILTER (WHERE NOT is_total AND NOT den_hidden), 0) AS visible_n
    FROM cells GROUP BY group_id
),
unsafe AS (
    SELECT *, tx - shown_x AS gap_x, tn - shown_n AS gap_n, (tn - shown_n) - (tx - shown_x) AS gap_rest
    FROM summary
    WHERE totals = 1 AND (
        (hidden_cells = 1 AND abs(tx - all_x) < 0.5 AND (unit = 'per_100k' OR abs(tn - all_n) < 0.5))
        OR (hidden_dens = 1 AND unit <> 'per_100k' AND abs(tn - all_n) < 0.5)
        OR (NOT total_hidden AND (is_small(tx - shown_x, $threshold)
            OR (unit <> 'per_100k' AND (is_small(tn - shown_n, $threshold)
                OR is_small((tn - shown_n) - (tx - shown_x), $threshold)))))
        -- the denominators the family leaves hidden, summed
        OR (NOT total_den_hidden AND unit <> 'per_100k' AND is_small(tn - visible_n, $threshold)))
),
choice AS (
    SELECT u.group_id, u.kind,
           arg_min(c.cell_id, (
               -- a part that adds to each small gap first, then an `unknown` or `other` group, then the fewest
               -- cases, then a stable order
               CASE WHEN c.is_total THEN 2
                    WHEN (is_small(u.gap_x, $threshold) AND c.x = 0)
                      OR (u.unit <> 'per_100k' AND is_small(u.gap_rest, $threshold) AND c.n - c.x = 0) THEN 1
                    ELSE 0 END,
               c.cell_id % 64 NOT IN (SELECT code FROM value_code WHERE dimension_value IN ('unknown', 'other')),
               c.n, c.cell_id)) AS cell_id
    FROM unsafe u JOIN cells c ON c.group_id = u.group_id AND (NOT c.hidden OR (u.hidden_dens = 1 AND NOT c.den_hidden))
    GROUP BY u.group_id, u.kind
)
SELECT cell_id, 'hidden so that a suppressed count cannot be worked out from the '
       || CASE min(kind) WHEN 1 THEN 'breakdown''s total'
                               WHEN 2 THEN 'total of the counties'
                               ELSE 'term''s total over its years' END AS reason
FROM choice GROUP BY cell_id;

DROP TABLE pass_cell;
