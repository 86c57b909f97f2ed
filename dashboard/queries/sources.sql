-- Every source with owner, licence, when published and obtained (source_date), the files' retrieval time,
-- and rows read / loaded / rejected.
SELECT s.source_id, s.title, s.publisher, s.url, s.license, s.retrieved_at, d.published, d.obtained,
       d.citation AS dates_citation, s.rows_read, s.rows_loaded, s.rows_rejected, s.rows_excluded, s.notes, s.kind,
       s.is_demo, s.redistributable
FROM source s LEFT JOIN source_date d USING (source_id)
ORDER BY s.kind, s.source_id
