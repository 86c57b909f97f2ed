-- source date: published as built (see docs/WAREHOUSE.md).
SELECT source_id, published, obtained, citation
FROM source_date
