-- Groups tied by addition, read across the measures of a stage (etl/suppression.py, _joint_group_violations): for
-- each group of the places a pass reads (`candidate`), what it hides in each measure (its total minus its shown
-- parts) as a cell of its own, keyed by the group's place without the measure (`place`). The parts hidden are the
-- same in every measure of the stage: those hidden in any of its measures (`in_any`), so that an outcome worked out
-- across the measures is a sum over one set of parts. Only the stage's: a part hidden in another stage that shares
-- the place (bail requests beside bail decisions) is shown in this one, and counting it as hidden here would
-- check a larger remainder than the one a reader can work out. `cell_id` is the cell a hide would take: a part
-- shown in every measure of the stage, `unknown` or `other` groups first, then the fewest cases; else the total.
-- Writes joint_cell.
CREATE OR REPLACE TEMP TABLE joint_member AS
WITH member AS (
    SELECT s.*, s.hidden OR h.cell_id IS NOT NULL AS now_hidden,
           (s.group_id - (s.kind::BIGINT << 45)) // $cells_per_measure AS metric_code
    FROM suppression_member s LEFT JOIN complement_hidden h USING (cell_id)
    WHERE s.unit <> 'per_100k'
),
placed AS (SELECT m.*, m.group_id - m.metric_code * $cells_per_measure AS vplace, d.stage
           FROM member m JOIN metric_definition d ON d.sort_order = m.metric_code)
SELECT *, bool_or(now_hidden) OVER (PARTITION BY vplace, stage, cell_id % $cells_per_measure) AS in_any
FROM placed SEMI JOIN (SELECT DISTINCT vplace FROM placed SEMI JOIN candidate USING (group_id)) USING (vplace);

CREATE OR REPLACE TEMP TABLE joint_cell AS
SELECT vplace AS place, any_value(metric_code) AS metric_code, bool_or(is_total AND now_hidden) AS hidden,
       any_value(x) FILTER (WHERE is_total) - coalesce(sum(x) FILTER (WHERE NOT is_total AND NOT in_any), 0)
           AS numerator,
       any_value(n) FILTER (WHERE is_total) - coalesce(sum(n) FILTER (WHERE NOT is_total AND NOT in_any), 0)
           AS denominator,
       coalesce(arg_min(cell_id, (cell_id % 64 NOT IN (SELECT code FROM value_code
                                                        WHERE dimension_value IN ('unknown', 'other')),
                                  n, cell_id)) FILTER (WHERE NOT is_total AND NOT in_any),
                any_value(cell_id) FILTER (WHERE is_total)) AS cell_id
FROM joint_member
GROUP BY vplace, group_id;

DROP TABLE joint_member;
