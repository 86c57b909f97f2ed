-- Which counties each office covers.
SELECT office_id, fips, source_id
FROM office_county
