-- The last and next regular general election of each office that covers one county (office_schedule).
SELECT s.office_id, s.last_general, s.next_general, s.term_years, s.basis
FROM office_county oc JOIN office_schedule s USING (office_id)
WHERE oc.fips = $fips
