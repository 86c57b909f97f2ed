-- The case metrics' cells with their sources named (decoded from the bits once per distinct set).
CREATE OR REPLACE TEMP TABLE source_set AS
SELECT bits, source_names(bits) AS source_ids FROM (SELECT DISTINCT source_bits AS bits FROM metric_grouped);

CREATE OR REPLACE TEMP TABLE metric_raw AS
SELECT g.metric_id::VARCHAR AS metric_id, g.* EXCLUDE (metric_id, source_bits), s.source_ids,
       g.numerator / g.denominator AS value
FROM metric_grouped g JOIN source_set s ON s.bits = g.source_bits;

DROP TABLE metric_grouped;
DROP TABLE source_set;
