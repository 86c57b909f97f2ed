-- Nothing is lost: for every file, rows read = rows loaded + rows rejected, and the rejected rows are kept.
SELECT 'source_file ' || source_id || '/' || file || ': read ' || rows_read || ' <> loaded ' || rows_loaded
       || ' + rejected ' || rows_rejected AS problem
FROM source_file WHERE rows_read <> rows_loaded + rows_rejected
UNION ALL
SELECT 'source ' || s.source_id || ': totals differ from its files'
FROM source s JOIN (
    SELECT source_id, sum(rows_read) r, sum(rows_loaded) l, sum(rows_rejected) j FROM source_file GROUP BY source_id
) f USING (source_id)
WHERE s.rows_read <> f.r OR s.rows_loaded <> f.l OR s.rows_rejected <> f.j
UNION ALL
SELECT 'source_file ' || f.source_id || '/' || f.file || ': ' || f.rows_rejected || ' rejected but '
       || coalesce(k.n, 0) || ' kept in rejected_row'
FROM source_file f LEFT JOIN (
    SELECT source_id, file, count(*) n FROM rejected_row GROUP BY source_id, file
) k USING (source_id, file)
WHERE f.rows_rejected <> coalesce(k.n, 0)
