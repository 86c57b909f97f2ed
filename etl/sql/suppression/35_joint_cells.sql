-- Groups tied by addition, read across the measures of a stage (etl/suppression.py, _joint_group_violations): for
-- each group of the places a pass reads (`candidate`), what it hides in each measure (its total minus its shown
-- parts) as a cell of its own, keyed by the group's place without the measure (`place`). Denominators count as
-- shown where their family shows them (family_shown.sql). `cell_id` is the cell a hide would take: the group's shown
-- part, `unknown` or `other` groups first, then the fewest cases; else its total. Writes joint_cell.
CREATE OR REPLACE TEMP TABLE joint_member AS
WITH member AS (
    SELECT s.*, s.hidden OR h.cell_id IS NOT NULL AS now_hidden,
           (s.group_id - (s.kind::BIGINT << 45)) // $place AS metric_code
    FROM suppression_member s LEFT JOIN complement_hidden h USING (cell_id)
    WHERE s.unit <> 'per_100k'
),
placed AS (SELECT *, group_id - metric_code * $place AS vplace FROM member)
SELECT * FROM placed SEMI JOIN (SELECT DISTINCT vplace FROM placed SEMI JOIN candidate USING (group_id)) USING (vplace);

CREATE OR REPLACE TEMP TABLE family_probe AS SELECT DISTINCT cell_id FROM joint_member WHERE now_hidden;

CREATE OR REPLACE TEMP TABLE joint_cell AS
SELECT m.vplace AS place, any_value(m.metric_code) AS metric_code, bool_or(m.is_total AND m.now_hidden) AS hidden,
       any_value(m.x) FILTER (WHERE m.is_total)
           - coalesce(sum(m.x) FILTER (WHERE NOT m.is_total AND NOT m.now_hidden), 0) AS numerator,
       any_value(m.n) FILTER (WHERE m.is_total)
           - coalesce(sum(m.n) FILTER (WHERE NOT m.is_total AND (NOT m.now_hidden OR coalesce(f.shown, FALSE))), 0)
           AS denominator,
       coalesce(arg_min(m.cell_id, (m.cell_id % 64 NOT IN (SELECT code FROM value_code
                                                            WHERE dimension_value IN ('unknown', 'other')),
                                    m.n, m.cell_id)) FILTER (WHERE NOT m.is_total AND NOT m.now_hidden),
                any_value(m.cell_id) FILTER (WHERE m.is_total)) AS cell_id
FROM joint_member m LEFT JOIN family_shown() f USING (cell_id)
GROUP BY m.vplace, m.group_id;

DROP TABLE joint_member;
