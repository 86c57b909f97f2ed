-- What data exist for one county: each stage's source and years, with the source's owner and licence.
SELECT cv.stage, cv.source_id, cv.first_year, cv.last_year, s.title, s.publisher, s.url, s.license,
       s.retrieved_at, s.is_demo
FROM coverage cv LEFT JOIN source s USING (source_id)
WHERE cv.fips = $fips
ORDER BY CASE cv.stage WHEN 'referral' THEN 1 WHEN 'pretrial' THEN 2 WHEN 'disposition' THEN 3
                       WHEN 'sentence' THEN 4 ELSE 5 END, cv.source_id
