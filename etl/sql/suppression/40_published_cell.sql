-- Every cell as published: hidden by the first rule (metric_cell) or by complementary suppression
-- (complement_hidden, with its reason). A view, not an UPDATE of metric_cell: a temporary table is never
-- checkpointed, so DuckDB holds an update's values in memory it cannot spill, and the cells the loop hides are
-- spread over nearly every block of the table (etl/sql/suppression/10_cells.sql).
CREATE OR REPLACE TEMP VIEW published_cell AS
SELECT c.* REPLACE (c.hidden OR h.cell_id IS NOT NULL AS hidden, coalesce(c.reason, h.reason) AS reason)
FROM metric_cell c LEFT JOIN complement_hidden h ON h.cell_id = c.cell_id;
